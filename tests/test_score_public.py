"""tools/score_public.py: a curvelint summary.json scored against hand labels, on a tiny
handmade summary whose figures are known, and the committed public.csv checked for shape."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from curvelint.errors import CurvelintError
from tools.score_public import LABELS, PublicLabel, read_labels, read_verdicts, score

REPO = Path(__file__).resolve().parent.parent

LABELS_CSV = """run,verdict,confidence,secondary,reason
a/overfit,overfitting,high,,eval 0.40 -> 0.60 while train falls
b/nan,diverged,high,,NaN from step 10
c/flat,stuck,medium,underfitting,loss 2.30 -> 2.29
"d/odd, name",healthy,low,,converged 1.0 -> 0.1
e/absent,not_converged,low,,still falling
"""

SUMMARY = {
    "schema_version": 1,
    "runs": [
        {"run": "a/overfit", "verdict": "overfitting", "reason": "eval turned up"},
        {"run": "b/nan", "verdict": "diverged", "reason": "NaN"},
        {"run": "c/flat", "verdict": "underfitting", "reason": "plateau high"},
        {"run": "d/odd, name", "verdict": "healthy", "reason": "converged"},
        {"run": "z/unlabelled", "verdict": "healthy", "reason": "converged"},
    ],
    "verdicts": {},
    "skipped": [],
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    labels = tmp_path / "labels.csv"
    labels.write_text(LABELS_CSV, encoding="utf-8")
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps(SUMMARY), encoding="utf-8")
    return labels, summary


def test_the_figures_of_a_handmade_summary(files: tuple[Path, Path]) -> None:
    labels, summary = files
    result = score(read_labels(labels), read_verdicts(summary))
    overall = result.agreement()
    assert (overall.agreed, overall.total) == (3, 5)
    high = result.agreement(("high",))
    assert (high.agreed, high.total) == (2, 2)
    either = result.agreement_with_either
    assert (either.agreed, either.total) == (4, 5)
    recalls = {row.verdict: (row.support, row.found, row.called) for row in result.recalls}
    assert recalls == {
        "diverged": (1, 1, 1),
        "stuck": (1, 0, 0),
        "overfitting": (1, 1, 1),
        "underfitting": (0, 0, 1),
        "not_converged": (1, 0, 0),
        "healthy": (1, 1, 1),
    }
    assert [m.label.run for m in result.disagreements] == ["c/flat", "e/absent"]
    assert result.disagreements[1].predicted is None
    assert result.unlabelled == ("z/unlabelled",)


def test_a_label_naming_a_folder_scores_the_one_run_inside_it() -> None:
    """A Lightning run labelled by its own folder is reported as ``…/version_0``."""
    verdicts = {"pl/mnist/version_0": ("healthy", "fine"), "pl/two/version_0": ("stuck", "x")}
    verdicts["pl/two/version_1"] = ("healthy", "y")
    labels = [PublicLabel(run, "healthy", "high", "", "r") for run in ("pl/mnist", "pl/two")]
    result = score(labels, verdicts)
    assert [m.predicted for m in result.matches] == ["healthy", None]  # "pl/two" is ambiguous
    assert result.unlabelled == ("pl/two/version_0", "pl/two/version_1")


def test_the_command_prints_agreement_table_and_disagreements(files: tuple[Path, Path]) -> None:
    labels, summary = files
    completed = subprocess.run(
        [sys.executable, "-m", "tools.score_public", str(summary), "--labels", str(labels)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == (
        "Agreement: 3/5 (60 %) overall; 2/2 (100 %) on high-confidence labels; "
        "2/3 (67 %) on high and medium."
    )
    assert lines[1] == "Counting a label's secondary verdict as well: 4/5 (80 %)."
    assert "| stuck | 1 | 0 % | 0 | – |" in lines
    assert any(
        line.startswith(
            "- c/flat [medium]: labelled stuck (secondary underfitting), curvelint underfitting"
        )
        for line in lines
    )
    assert "- e/absent [low]: labelled not_converged, curvelint absent from the summary" in (
        completed.stdout
    )
    assert lines[-1] == "Runs in the summary without a label: z/unlabelled"


@pytest.mark.parametrize(
    ("labels_text", "message"),
    [
        ("run,verdict\n", "missing column(s) confidence, secondary, reason"),
        ("run,verdict,confidence,secondary,reason\nx,fine,high,,r\n", "verdict 'fine'"),
        ("run,verdict,confidence,secondary,reason\nx,stuck,sure,,r\n", "confidence 'sure'"),
        (
            "run,verdict,confidence,secondary,reason\nx,stuck,high,,r\nx,stuck,high,,r\n",
            "labelled twice",
        ),
    ],
)
def test_malformed_labels_are_one_line_errors(
    tmp_path: Path, labels_text: str, message: str
) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(labels_text, encoding="utf-8")
    with pytest.raises(CurvelintError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_labels(labels)


def test_a_file_that_is_not_a_summary_is_a_one_line_error(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text('{"runs": {"a": 1}}', encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "tools.score_public", str(summary)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1
    assert "no 'runs' list of reports" in completed.stderr


def test_the_committed_public_labels_are_well_formed() -> None:
    labels = read_labels(LABELS)
    assert len(labels) >= 100
    assert all(label.reason and any(ch.isdigit() for ch in label.reason) for label in labels)
    assert {label.verdict for label in labels} >= {"diverged", "stuck", "overfitting", "healthy"}


def test_every_labelled_run_is_a_path_in_the_corpus(corpus: Path) -> None:
    missing = [label.run for label in read_labels(LABELS) if not (corpus / label.run).exists()]
    assert missing == []


REAL_RUNS = REPO / "benchmarks" / "real_runs"


@pytest.mark.parametrize(
    "batch", sorted(p.stem.split("_")[0] for p in REAL_RUNS.glob("*_labels.csv"))
)
def test_each_blind_batch_of_real_runs_is_labelled_and_traced(batch: str) -> None:
    """Every label of benchmarks/real_runs/ reads (tools.score_public's reader), gives the
    numbers it was read from, and names a run whose files say where they came from (repo,
    path, commit) — so anyone can rebuild the batch and score it."""
    labels = read_labels(REAL_RUNS / f"{batch}_labels.csv")
    assert len(labels) >= 40
    assert all(any(ch.isdigit() for ch in label.reason) for label in labels)
    with (REAL_RUNS / f"{batch}_files.csv").open(newline="", encoding="utf-8") as handle:
        files = list(csv.DictReader(handle))
    assert all(len(row["commit"]) == 40 and row["repo"].count("/") == 1 for row in files)
    traced = {row["run"] for row in files}
    assert [label.run for label in labels if label.run not in traced] == []
