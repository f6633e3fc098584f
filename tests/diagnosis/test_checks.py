"""The list of checks on real runs: which ran (found something or passed) and which were
skipped, with the missing input named; always in agreement with the diagnosis's findings."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from curvelint.analysis import analyze_frame
from curvelint.diagnosis import diagnose_run
from curvelint.diagnosis.check_table import CHECKS
from curvelint.diagnosis.checks import TOO_FEW_POINTS, Check, CheckStatus, check_of, checks_of
from curvelint.diagnosis.rules import SECONDARY_RULES, VERDICT_RULES
from curvelint.judging import Judgement, JudgingOptions, judge_run
from curvelint.runs import read_runs
from tests.diagnosis.helpers import policy_gradient_run
from tests.synthetic import series_frame

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "labelled"
RUNS = LABELLED / "runs"


@cache
def judged(path: Path, num_classes: int | None = None) -> Judgement:
    runs = read_runs([path]).runs
    assert len(runs) == 1, path
    return judge_run(runs[0], JudgingOptions(num_classes=num_classes))


def by_id(judgement: Judgement) -> dict[str, Check]:
    return {check.id: check for check in judgement.checks}


def test_every_registered_rule_has_an_entry_in_the_table() -> None:
    listed = {spec.rule for spec in CHECKS}
    registered = [rule for _, rule in VERDICT_RULES] + list(SECONDARY_RULES)
    missing = [rule.__name__ for rule in registered if rule not in listed]
    assert not missing, f"add these rules to curvelint/diagnosis/check_table.py: {missing}"


def test_check_ids_are_unique_and_every_verdict_rule_comes_before_the_secondary_ones() -> None:
    ids = [spec.id for spec in CHECKS]
    assert len(ids) == len(set(ids))
    kinds = [spec.verdict is not None for spec in CHECKS]
    assert kinds == sorted(kinds, reverse=True)


def _labelled_runs() -> list[str]:
    with (LABELLED / "labels.csv").open(encoding="utf-8") as handle:
        return sorted(row["run"] for row in csv.DictReader(handle))


@pytest.mark.parametrize("name", _labelled_runs())
def test_statuses_agree_with_the_findings(name: str) -> None:
    judgement = judged(RUNS / name)
    checks = by_id(judgement)
    assert [check.id for check in judgement.checks] == [spec.id for spec in CHECKS]
    owners = set()
    for finding in judgement.diagnosis.findings:
        spec = check_of(finding)
        assert spec is not None, f"no check lists the finding code {finding.code!r}"
        assert checks[spec.id].status is CheckStatus.FOUND, (finding.code, spec.id)
        owners.add(spec.id)
    found = {check.id for check in judgement.checks if check.status is CheckStatus.FOUND}
    assert found == owners  # nothing is found without a finding of its own
    for check in judgement.checks:
        assert bool(check.reason) == (check.status is CheckStatus.SKIPPED), check
    # The verdict's own check is always found: the curves' verdict decides it.
    assert any(
        CHECKS[i].verdict is not None for i, c in enumerate(judgement.checks) if c.id in found
    )


def _without_eval_columns(source: Path, target: Path) -> Path:
    """A real Keras CSVLogger log with its val_* columns left out: a run logged without eval."""
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = [key for key in rows[0] if not key.startswith("val_")]
    target.mkdir()
    with (target / "training.log").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, kept, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_a_keras_run_without_eval_says_overfitting_was_never_judged(tmp_path: Path) -> None:
    source = RUNS / "healthy-keras-wine-adam" / "training.log"
    run = _without_eval_columns(source, tmp_path / "no-eval")
    checks = by_id(judged(run))
    assert checks["overfitting"] == Check(
        "overfitting", checks["overfitting"].name, CheckStatus.SKIPPED, "no eval loss logged"
    )
    assert checks["train_eval_gap"].reason == "no eval loss logged"
    assert checks["early_stopping"].reason == "no eval loss logged"
    # ...and the finding that says so is the sparse-eval check's own.
    assert checks["eval_too_sparse"].status is CheckStatus.FOUND
    assert checks["cut_short"].reason == "not a Trainer run (no max_steps)"
    assert checks["no_warmup"].reason == "no learning rate logged"
    assert checks["nan_grad_norm"].reason == "no grad_norm logged"


def test_the_same_run_with_eval_judges_overfitting() -> None:
    checks = by_id(judged(RUNS / "healthy-keras-wine-adam"))
    assert checks["overfitting"].status is CheckStatus.PASSED
    assert checks["train_eval_gap"].status is CheckStatus.PASSED
    assert checks["eval_too_sparse"].status is CheckStatus.PASSED
    overfit = by_id(judged(RUNS / "overfitting-keras-cancer-60-samples"))
    assert overfit["overfitting"].status is CheckStatus.FOUND
    # The later verdicts were tried for a second verdict, and did not hold; healthy never is.
    assert overfit["underfitting"].status is CheckStatus.PASSED
    assert overfit["healthy"].reason == "not judged: the overfitting verdict comes first"


def test_the_chance_checks_say_when_the_number_of_classes_is_unknown() -> None:
    checks = by_id(judged(RUNS / "healthy-keras-wine-adam"))  # first loss 0.84, not ln 3
    assert checks["broken_at_chance"].reason == (
        "the number of classes is not known and the first loss is not on ln C"
    )
    assert checks["initial_loss"].reason == "the number of classes is not known (no --num-classes)"
    given = by_id(judged(RUNS / "healthy-keras-wine-adam", num_classes=3))
    assert given["broken_at_chance"].status is CheckStatus.PASSED
    assert given["initial_loss"].status in (CheckStatus.PASSED, CheckStatus.FOUND)


def test_a_trainer_run_runs_the_trainer_checks() -> None:
    checks = by_id(judged(RUNS / "healthy-hf-bert-cosine"))
    assert checks["cut_short"].status is CheckStatus.PASSED  # it has max_steps and global_step
    assert checks["nan_grad_norm"].status is CheckStatus.PASSED
    assert checks["no_warmup"].status is CheckStatus.PASSED
    assert checks["best_checkpoint"].reason.startswith("no best_model_checkpoint")
    assert checks["not_converged"].reason == (
        "the learning rate decayed to ~0: more steps would gain nothing"
    )


def test_a_trainer_run_that_kept_a_best_checkpoint_runs_that_check(corpus: Path) -> None:
    checks = by_id(judged(corpus / "trainer_state" / "whisper-tiny-nbailab"))
    assert checks["best_checkpoint"].status is not CheckStatus.SKIPPED
    assert checks["cut_short"].status is not CheckStatus.SKIPPED


def test_insufficient_data_skips_the_finer_checks() -> None:
    judgement = judged(RUNS / "insufficient_data-keras-iris-two-epochs")
    checks = judgement.checks
    assert [c.id for c in checks if c.status is CheckStatus.FOUND] == ["insufficient_data"]
    deciding = [c.id for c in checks].index("insufficient_data")
    assert checks[0].id == "diverged" and checks[0].status is CheckStatus.PASSED  # a NaN counts
    assert all(c.reason != TOO_FEW_POINTS for c in checks[:deciding])
    assert all(c.reason == TOO_FEW_POINTS for c in checks[deciding + 1 :])


def test_a_second_verdict_is_said_to_hold_too() -> None:
    checks = by_id(judged(RUNS / "unstable-tb-digits-noisy-adam-lr0.1"))
    assert checks["unstable"].status is CheckStatus.FOUND
    assert checks["overfitting"] == Check(
        "overfitting",
        checks["overfitting"].name,
        CheckStatus.SKIPPED,
        "unstable comes first, though this verdict's rule holds too (the second verdict)",
    )
    assert checks["underfitting"].reason == "not judged: the unstable verdict comes first"


def test_a_diverged_run_does_not_judge_the_later_verdicts() -> None:
    checks = by_id(judged(RUNS / "diverged-keras-wine-sgd-momentum-0.99"))
    assert checks["diverged"].status is CheckStatus.FOUND
    assert checks["overfitting"].status is CheckStatus.SKIPPED
    assert checks["nan_grad_norm"].status is CheckStatus.SKIPPED
    assert checks["eval_too_sparse"].reason.startswith("the run diverged")


def test_a_policy_whose_reward_never_rose_is_found_by_the_stuck_check() -> None:
    """A GRPO run (the loss sits on zero by design) whose per-batch reward stays at 0.1: the
    stuck verdict's finding (cause ``reward_never_rose``) belongs to the stuck check."""
    analysis = analyze_frame(series_frame(policy_gradient_run(gain=0.0), run="grpo"))["grpo"]
    diagnosis = diagnose_run(analysis, {})
    assert diagnosis.findings[0].evidence["cause"] == "reward_never_rose"
    checks = {check.id: check for check in checks_of(analysis, {}, diagnosis)}
    assert checks["stuck"].status is CheckStatus.FOUND
