"""Every evidence key and coded value the rules give on real runs reads as words in report.md
and the HTML report: a new rule that forgets its labels fails here rather than showing
``trend_peak_step`` to a reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.judging import judge_run
from curvelint.report.evidence_labels import LABELS, WORDS, evidence_text
from curvelint.runs import read_runs

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ROOT.parent / "shared" / "corpus" / "public"
SETS = [ROOT / "tests" / "labelled" / "runs", ROOT / "tests" / "benchmark" / "dev" / "runs"]
SETS += [PUBLIC] if PUBLIC.is_dir() else []  # real runs of every format, when ../shared is here


@pytest.fixture(scope="module")
def evidence() -> list[tuple[str, str, object]]:
    """(run, key, value) of every finding of every labelled, development and public run."""
    found = []
    for run in read_runs(SETS).runs:
        for finding in judge_run(run).diagnosis.findings:
            found += [(run.name, key, value) for key, value in finding.evidence.items()]
    return found


def test_every_evidence_key_has_words(evidence: list[tuple[str, str, object]]) -> None:
    missing = sorted({key for _, key, _ in evidence if key not in LABELS})
    assert not missing, f"evidence keys without a label: {missing}"


def test_every_coded_cause_reads_as_words(evidence: list[tuple[str, str, object]]) -> None:
    causes = {value for _, key, value in evidence if key == "cause" and isinstance(value, str)}
    assert {"broken_at_chance", "erratic", "blow_up"} <= causes  # the check has cases to see
    missing = sorted(cause for cause in causes if cause not in WORDS)
    assert not missing, f"causes shown as code: {missing}"
    assert all("_" not in evidence_text("cause", cause) for cause in causes)
