"""report.md and index.md: golden files, order of sections, and hostile names kept inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from curvelint import __version__
from curvelint.readers.base import Skipped
from curvelint.report.build import build_run_report, unreadable_report
from curvelint.report.index import render_index
from curvelint.report.markdown import render_markdown
from curvelint.report.model import RunReport, SkippedItem, index_row
from curvelint.report.write import FOOTER
from tests.report.builders import diverged_run, overfitting_run, run_of

GOLDEN = Path(__file__).parent / "golden"
HOSTILE_NAME = "<img src=x onerror=alert(1)>|[x](javascript:alert(1))\n`../../etc/passwd`"


def normalise(text: str) -> str:
    """Golden files do not change with the version."""
    return text.replace(__version__, "<version>")


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_text(normalise(text), encoding="utf-8")
        pytest.skip(f"rewrote {path}")
    assert normalise(text) == path.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, run: pytest tests/report --update-golden"
    )


def _overfitting_report() -> RunReport:
    run, analysis, diagnosis = overfitting_run("team/overfit")
    run.skipped.append(Skipped("events.out.tfevents.1", "byte 4096", "truncated record", 1))
    run.notes.append("two event files merged")
    run.metadata["hparams"] = {"lr": 0.001, "batch_size": 32.0, "optimizer": "adam|*sgd*"}
    return build_run_report(run, analysis, diagnosis, folder="team__overfit")


def _diverged_report() -> RunReport:
    run, analysis, diagnosis = diverged_run("diverged")
    return build_run_report(run, analysis, diagnosis, folder="diverged")


def test_golden_overfitting_report(update_golden: bool) -> None:
    check_golden(
        "overfitting.md", render_markdown(_overfitting_report(), footer=FOOTER), update_golden
    )


def test_golden_diverged_report(update_golden: bool) -> None:
    check_golden("diverged.md", render_markdown(_diverged_report(), footer=FOOTER), update_golden)


def _index_rows() -> list:  # type: ignore[type-arg]
    unreadable = unreadable_report(
        "broken.csv", "keras_csv", "broken.csv: no epoch column", folder="broken.csv"
    )
    return [index_row(r) for r in (_diverged_report(), _overfitting_report(), unreadable)]


def test_golden_index(update_golden: bool) -> None:
    skipped = [SkippedItem("notes.txt", "", "not a training log", 1)]
    check_golden("index.md", render_index(_index_rows(), skipped, footer=FOOTER), update_golden)


def test_report_sections_come_in_the_promised_order() -> None:
    text = render_markdown(_overfitting_report(), footer=FOOTER)
    lines = text.splitlines()
    assert lines[0] == r"# team/overfit"
    assert lines[2].startswith("🟠 **overfitting** — Eval loss turned up")
    positions = [
        text.index(h)
        for h in ("### Key numbers", "## Findings", "## Plots", "## Skipped while reading")
    ]
    assert positions == sorted(positions)
    assert text.index("overfitting · loss/eval") < text.index("lr\\_never\\_decayed")
    assert (
        "![loss of team/overfit: train falls from 1.002 to 0.2045 \\(step 0–1,990\\); eval " in text
    )
    assert "shaded: overfitting from step 1,000](loss.png)" in text
    assert "Not plotted: runtime/eval." in text


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


class _Tags(HTMLParser):
    """Every tag and its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


SAFE_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "strong",
    "em",
    "ul",
    "li",
    "hr",
    "code",
    "img",
    "a",
}


def test_a_hostile_run_name_is_text_in_the_report_and_the_index() -> None:
    from tests.report.builders import analysis, healthy_diagnosis, series

    result = analysis(
        HOSTILE_NAME,
        series("loss", "train", [0, 1, 2], [3.0, 2.0, 1.0], tag="a|b<i>", run=HOSTILE_NAME),
    )
    run = run_of(HOSTILE_NAME, result)
    report = build_run_report(run, result, healthy_diagnosis(HOSTILE_NAME), folder="safe-1234")
    for markdown in (render_markdown(report), render_index([index_row(report)])):
        parser = _Tags()
        parser.feed(_html(markdown))
        assert {tag for tag, _ in parser.tags} <= SAFE_TAGS
        for tag, attributes in parser.tags:
            if tag == "img":
                assert set(attributes) == {"src", "alt"} and attributes["src"] == "loss.png"
            elif tag == "a":
                assert attributes == {"href": "safe-1234/report.md"}
            else:
                assert attributes == {}
        for table in re.findall(r"<table>.*?</table>", _html(markdown), flags=re.DOTALL):
            rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.DOTALL)
            assert len({len(re.findall(r"<t[dh]>", row)) for row in rows}) == 1, table
        assert "\n`../../etc/passwd`" not in markdown
