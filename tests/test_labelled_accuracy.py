"""The classifier against the labelled set of real runs (tests/labelled): the agreement on
the primary verdict must not fall below the floor, and no diverged run may be called healthy.

The floor is 0.93: the goal is 0.95 and the set is ~70 runs, so the floor allows two more
disagreements than today's before the test fails. Run ``python -m curvelint.evaluate
tests/labelled`` for the per-verdict table and every disagreement.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curvelint.config import Config
from curvelint.diagnosis import Verdict
from curvelint.evaluate import Evaluation, evaluate, main, read_labels
from curvelint.evaluate_report import format_table

LABELLED = Path(__file__).resolve().parent / "labelled"
AGREEMENT_FLOOR = 0.93
RECALL_FLOOR = 0.5  # every verdict must be found at least half the time


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    assert (LABELLED / "labels.csv").is_file(), "tests/labelled/labels.csv is missing"
    return evaluate(LABELLED, Config())


def test_agreement_on_the_primary_verdict_is_at_least_the_floor(evaluation: Evaluation) -> None:
    assert len(evaluation.outcomes) >= 50
    assert evaluation.agreement >= AGREEMENT_FLOOR, format_table(evaluation)


def test_no_diverged_run_is_called_healthy(evaluation: Evaluation) -> None:
    assert evaluation.healthy_divergences == ()


def test_every_run_was_read_and_diagnosed(evaluation: Evaluation) -> None:
    assert [o.label.name for o in evaluation.outcomes if o.predicted is None] == []


def test_every_verdict_is_labelled_and_recalled(evaluation: Evaluation) -> None:
    recalls = {score.verdict: score.recall for score in evaluation.scores}
    # suspect is a mild reading overruled by an error finding (a loss of exactly 0); no labelled
    # run is made that way (the corpus has two: hate-speech-collapse), so it is not scored here.
    assert set(recalls) == set(Verdict) - {Verdict.SUSPECT}
    low = {v.value: r for v, r in recalls.items() if r is None or r < RECALL_FLOOR}
    assert low == {}


def test_diverged_is_never_a_false_alarm(evaluation: Evaluation) -> None:
    diverged = next(s for s in evaluation.scores if s.verdict is Verdict.DIVERGED)
    assert diverged.precision == 1.0


def test_the_command_prints_the_table_and_the_disagreements(
    capsys: pytest.CaptureFixture[str], evaluation: Evaluation
) -> None:
    assert main([str(LABELLED)]) == 0
    output = capsys.readouterr().out
    assert output.startswith(f"## {LABELLED}\n\n| verdict | precision | recall | support |\n")
    assert "| label \\ verdict |" in output  # the confusion matrix
    assert "| confidence | verdicts | right |" in output
    agreed = sum(o.agrees for o in evaluation.outcomes)
    assert f"Agreement on the primary verdict: {agreed}/{len(evaluation.outcomes)}" in output
    for outcome in evaluation.disagreements:
        assert f"- {outcome.label.name}: labelled {outcome.label.verdict.value}" in output


def test_scores_count_what_they_say(tmp_path: Path) -> None:
    root = tmp_path / "labelled"
    (root / "runs").mkdir(parents=True)
    (root / "labels.csv").write_text("run,verdict\nmissing-run,healthy\n", encoding="utf-8")
    result = evaluate(root, Config())
    assert [o.predicted for o in result.outcomes] == [None]
    assert result.agreement == 0.0
    assert main([str(root)]) == 1


def test_a_bad_label_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "labels.csv").write_text("run,verdict\nx,great\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"labels.csv:2: verdict 'great' is not one of"):
        read_labels(tmp_path)
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("curvelint.evaluate: error: ")


def test_a_log_that_holds_no_point_is_insufficient_data_as_analyze_says(tmp_path: Path) -> None:
    """A Trainer state whose log_history holds only the final summary (logging_steps longer
    than the run) is judged as ``analyze`` judges it, not counted as a run that failed."""
    root = tmp_path / "labelled"
    state = {
        "global_step": 114,
        "max_steps": 114,
        "log_history": [{"epoch": 2.0, "step": 114, "train_loss": 1.28, "train_runtime": 0.6}],
    }
    (root / "runs" / "summary-only").mkdir(parents=True)
    (root / "runs" / "summary-only" / "trainer_state.json").write_text(json.dumps(state))
    (root / "labels.csv").write_text("run,verdict\nsummary-only,insufficient_data\n")
    (outcome,) = evaluate(root, Config()).outcomes
    assert outcome.predicted is Verdict.INSUFFICIENT_DATA and outcome.agrees
    assert outcome.reason.startswith("the log holds no point of any curve")
