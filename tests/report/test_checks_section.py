"""The checks that ran and the ones skipped, in report.md, report.html and report.json: built
from real runs as ``analyze`` builds them, and log-derived text kept inert."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
from markdown_it import MarkdownIt

from curvelint.diagnosis.checks import Check, CheckStatus
from curvelint.report.html import render_run_html
from curvelint.report.json_output import dumps, run_document
from curvelint.report.json_schema import RUN_SCHEMA
from curvelint.report.markdown import render_markdown
from tests.report.real_runs import report_of

RUNS = Path(__file__).resolve().parents[1] / "labelled" / "runs"
ASSETS = Path(__file__).resolve().parents[2] / "curvelint" / "report" / "assets"
HOSTILE = "<img src=x onerror=alert(1)>|[x](javascript:alert(1))\n# heading"


def test_report_md_lists_the_checks_after_the_findings() -> None:
    report = report_of(RUNS / "healthy-hf-bert-cosine")
    text = render_markdown(report)
    assert text.index("## Findings") < text.index("## Checks") < text.index("## Plots")
    ran = sum(check.status is not CheckStatus.SKIPPED for check in report.checks)
    skipped = len(report.checks) - ran
    assert f"Checks: {ran} ran (1 found something), {skipped} skipped." in text
    assert "| Check | Id | Status | Why skipped |" in text
    passed = next(line for line in text.splitlines() if line.startswith("Passed: "))
    assert "Cut short of max\\_steps" in passed  # passed checks are named, not tabled
    assert "| cut\\_short | passed |" not in text
    assert (
        "| Not converged: still improving at the end | not\\_converged | skipped | the learning "
        "rate decayed to \\~0: more steps would gain nothing |" in text
    )


def test_report_json_holds_every_check_and_validates() -> None:
    report = report_of(RUNS / "healthy-keras-wine-adam")
    document = json.loads(dumps(run_document(report)))
    jsonschema.Draft202012Validator(RUN_SCHEMA).validate(document)
    checks = {check["id"]: check for check in document["checks"]}
    assert len(checks) == len(report.checks)
    assert checks["healthy"]["status"] == "found"
    assert checks["overfitting"] == {
        "id": "overfitting",
        "name": report.checks[[c.id for c in report.checks].index("overfitting")].name,
        "status": "passed",
        "reason": "",
    }
    assert checks["cut_short"]["reason"] == "not a Trainer run (no max_steps)"


def _hostile_report():  # type: ignore[no-untyped-def]
    report = report_of(RUNS / "healthy-keras-wine-adam")
    hostile = Check("x|y", HOSTILE, CheckStatus.SKIPPED, f"the training objective ({HOSTILE})")
    return replace(report, checks=(*report.checks, hostile))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_log_derived_text_in_the_checks_table_stays_text() -> None:
    markdown = render_markdown(_hostile_report())
    section = markdown[markdown.index("## Checks") : markdown.index("## Plots")]
    rendered = MarkdownIt("commonmark").enable(["table"]).render(section)
    parser = _Tags()
    parser.feed(rendered)
    assert set(parser.tags) <= {"h2", "p", "table", "thead", "tbody", "tr", "th", "td"}
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.DOTALL)
    assert len({len(re.findall(r"<t[dh]>", row)) for row in rows}) == 1  # no cell split by |
    assert "\n# heading" not in section


def test_report_html_shows_the_checks_escaped() -> None:
    page = render_run_html(_hostile_report())
    assert "<h2>Checks</h2>" in page
    assert '<table class="checks">' in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_report_html_marks_each_check_by_its_status() -> None:
    report = _hostile_report()
    page = render_run_html(report)
    for status in CheckStatus:
        count = sum(check.status is status for check in report.checks)
        assert page.count(f'<span class="check-{status.value}">{status.value}</span>') == count
    assert ".check-found" in (ASSETS / "curvelint-report.css").read_text()
