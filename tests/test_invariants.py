"""A verdict is a promise: checked on every run of sample_logs/ (the real CLI's report.json),
tests/labelled/ and the public corpus (when ../shared is present). See tests/invariants.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from curvelint.judging import judge_run
from curvelint.report.build import build_run_report
from curvelint.report.json_output import run_document
from curvelint.runs import read_runs
from curvelint.verdicts import FACTS, Severity
from tests.invariants import reason_problems

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LOGS = ROOT / "sample_logs"
LABELLED = ROOT / "tests" / "labelled" / "runs"
CORPUS = ROOT.parent / "shared" / "corpus" / "public"


def test_the_cli_reports_of_the_sample_logs_keep_every_promise(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "curvelint", "analyze", str(SAMPLE_LOGS), "--out", str(out)]
    subprocess.run([*command, "--fail-on", "never", "--quiet"], check=True, timeout=600)
    frames = {run.name: run.frame for run in read_runs([SAMPLE_LOGS]).runs}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["runs"]) == len(frames) > 0
    problems = {
        document["run"]: reason_problems(document, frames[document["run"]])
        for document in summary["runs"]
    }
    assert {run: found for run, found in problems.items() if found} == {}
    index = (out / "index.md").read_text(encoding="utf-8")
    for document in summary["runs"]:
        if any(f["severity"] == Severity.ERROR for f in document["findings"]):
            assert FACTS[document["verdict"]].mark != FACTS["healthy"].mark
            reference = next(
                line.split("]")[0] + "]"
                for line in index.splitlines()
                if line.startswith("[") and document["folder"] in line
            )
            row = next(
                line
                for line in index.splitlines()
                if line.endswith(" |") and reference + " |" in line
            )
            assert FACTS["healthy"].mark not in row


@pytest.mark.slow
@pytest.mark.parametrize("root", [LABELLED, CORPUS], ids=["labelled", "corpus"])
def test_every_report_keeps_every_promise(root: Path) -> None:
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    problems: dict[str, list[str]] = {}
    runs = read_runs([root]).runs
    for run in runs:
        judgement = judge_run(run)
        report = build_run_report(run, judgement.analysis, judgement.diagnosis, folder="run")
        found = reason_problems(run_document(report), run.frame)
        if found:
            problems[run.name] = found
    assert len(runs) > 50
    assert problems == {}


def test_the_checker_catches_each_broken_promise() -> None:
    """The checker itself: each promise broken once must be reported."""
    good = {
        "run": "r",
        "verdict": "overfitting",
        "reason": "loss/eval lowest 0.5 at step 20, then +40 % to final level 0.7.",
        "series": [
            {
                "metric": "loss",
                "split": "eval",
                "best_value": 0.5,
                "best_step": 20,
                "final_value": 0.71,
                "final_step": 40,
            }
        ],
        "findings": [
            {
                "code": "overfitting",
                "severity": "warning",
                "message": "loss/eval lowest 0.5 at step 20, then +40 % to final level 0.7.",
                "series": "loss/eval",
                "evidence": {"best_value": 0.5, "best_step": 20, "rise": 0.4, "final_level": 0.7},
            },
            {"code": "x", "severity": "info", "message": "", "series": "", "evidence": {}},
        ],
    }
    assert reason_problems(good, None) == []
    unquoted = json.loads(json.dumps(good))
    unquoted["reason"] = unquoted["findings"][0]["message"] = "ended at 0.69 after 0.5 at step 20."
    assert any("0.69" in problem for problem in reason_problems(unquoted, None))
    green = json.loads(json.dumps(good))
    green["verdict"] = "healthy"
    green["findings"][1]["severity"] = "error"
    assert any("beside error findings" in problem for problem in reason_problems(green, None))
    table = json.loads(json.dumps(good))
    table["findings"][0]["evidence"]["best_step"] = 30
    assert any("table's" in problem for problem in reason_problems(table, None))
    order = json.loads(json.dumps(good))
    order["findings"].append(dict(order["findings"][1], severity="error"))
    assert any("most severe first" in problem for problem in reason_problems(order, None))
    rising = json.loads(json.dumps(good))
    rising["series"].append({"metric": "loss", "split": "train", "final_level": 2.377})
    rising["reason"] = rising["findings"][0]["message"] = "still falling; projects 2.538."
    rising["findings"][0]["evidence"] = {"projection": 2.538}
    assert any("not below the final level" in p for p in reason_problems(rising, None))
