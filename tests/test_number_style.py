"""One number style across every output: the shared formatter itself, then every text the
real CLI writes for sample_logs/ (report.md, index.md, summary.json, the terminal table, the
GitHub annotations), and every report of tests/labelled/ and the public corpus (skipped when
absent). See tests/number_style.py for the rules."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from curvelint.judging import judge_run
from curvelint.numbers import epoch_text, format_value, number, percent, signed_percent, times
from curvelint.report.build import build_run_report
from curvelint.report.console import runs_table
from curvelint.report.github import workflow_annotations
from curvelint.report.index import ROW_LIMIT, render_index
from curvelint.report.markdown import render_markdown
from curvelint.report.model import index_row
from curvelint.runs import read_runs
from tests.number_style import evidence_key_problems, style_problems

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LOGS = ROOT / "sample_logs"
LABELLED = ROOT / "tests" / "labelled" / "runs"
CORPUS = ROOT.parent / "shared" / "corpus" / "public"
ENDS_MID_NUMBER = re.compile(r"\d…$")  # a number glued to the ellipsis reads as cut


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (11432.0, "11,430"),
        (1220.6, "1,221"),
        (0.40712, "0.4071"),
        (2.0884e-05, "2.088e-05"),
        (-0.0, "0"),
        (5.7584e15, "5.758e+15"),
    ],
)
def test_numbers_have_significant_digits_and_separators(value: float, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize("value", [1220.6, 998.43, 0.40712, 2.0884e-05, 11432.0, -3.14159])
def test_a_sentence_shows_a_value_as_the_table_does(value: float) -> None:
    """A reason's number is the one the reader finds in the table (not 1,220 above 1,221)."""
    assert number(value) == format_value(value)


def test_percentages_never_round_to_a_lie() -> None:
    assert percent(0.9996) == "99.96 %"
    assert percent(0.0004) == "0.04 %"
    assert percent(1.0) == "100 %"
    assert signed_percent(-0.0) == signed_percent(0.0) == signed_percent(-1e-12) == "0 %"
    assert signed_percent(-0.043) == "-4.3 %"
    assert percent(120.5) == "12,050 %"


def test_epochs_steps_and_factors() -> None:
    assert epoch_text(6.7e-05) == "0.000067"
    assert epoch_text(2.0) == "2" and epoch_text(31.2) == "31" and epoch_text(0.13) == "0.13"
    assert times(11400) == "11,400x" and times(1.5) == "1.5x"
    assert format_value(12345.6) == "12,350"


def _index_problems(index: str) -> list[str]:
    problems = []
    for line in index.splitlines():
        if not line.startswith("| ") or line.startswith(("| Verdict", "|---")):
            continue
        if len(line) > ROW_LIMIT:
            problems.append(f"index row of {len(line)} characters: {line[:80]}")
        reason = line.rstrip(" |").rsplit(" | ", 1)[-1]
        unescaped = reason.replace("\\", "")
        if "…" in unescaped:  # a row shows the reason's headline, never a cut reason
            problems.append(f"index reason cut with an ellipsis: {reason}")
        if ENDS_MID_NUMBER.search(unescaped):
            problems.append(f"index reason cut inside a number: {reason}")
    return problems


def test_every_text_the_cli_writes_for_sample_logs_keeps_the_style(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "curvelint", "analyze", str(SAMPLE_LOGS), "--out", str(out)]
    result = subprocess.run(
        [*command, "--fail-on", "never", "--github"],
        capture_output=True,
        text=True,
        timeout=600,
        env={"COLUMNS": "160", "PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": ""},
    )
    assert result.returncode == 0, result.stderr
    problems = style_problems(result.stdout, "stdout")
    index = (out / "index.md").read_text(encoding="utf-8")
    problems += style_problems(index, "index.md") + _index_problems(index)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for document in summary["runs"]:
        problems += style_problems(document["reason"], f"{document['run']} reason")
        for finding in document["findings"]:
            problems += style_problems(finding["message"], f"{document['run']} finding")
            problems += style_problems(finding["recommendation"], f"{document['run']} advice")
    reports = sorted(out.glob("*/report.md"))
    assert len(reports) == len(summary["runs"]) > 5
    for report in reports:
        text = report.read_text(encoding="utf-8")
        problems += style_problems(text, report.parent.name)
        problems += evidence_key_problems(text, report.parent.name)
    assert problems == []


@pytest.mark.slow
@pytest.mark.parametrize("root", [LABELLED, CORPUS], ids=["labelled", "corpus"])
def test_every_report_keeps_the_number_style(root: Path) -> None:
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    runs = read_runs([root]).runs
    assert len(runs) > 50
    problems: list[str] = []
    rows = []
    for run in runs:
        judgement = judge_run(run)
        report = build_run_report(run, judgement.analysis, judgement.diagnosis, folder="run")
        text = render_markdown(report)
        problems += style_problems(text, run.name) + evidence_key_problems(text, run.name)
        rows.append(index_row(report))
    index = render_index(rows)
    problems += style_problems(index, "index.md") + _index_problems(index)
    terminal = Console(width=160, record=True, file=io.StringIO())
    terminal.print(runs_table(rows, lambda row: False))
    problems += style_problems(terminal.export_text(), "terminal table")
    annotations = "\n".join(workflow_annotations(rows, lambda row: False, Path("out")))
    problems += style_problems(annotations, "annotations")
    assert problems == []
