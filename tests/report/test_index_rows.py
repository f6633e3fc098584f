"""index.md rows read in a PR comment: 200 characters at most, a sparkline of one fixed width,
and a reason that is a complete statement (its headline), never cut with "…"; the whole
reason stays in the run's report. Checked on every run of the public corpus."""

from __future__ import annotations

from pathlib import Path

from curvelint.judging import judge_run
from curvelint.report.build import build_run_report
from curvelint.report.escape import markdown_text
from curvelint.report.index import ROW_LIMIT, render_index
from curvelint.report.markdown import render_markdown
from curvelint.report.model import index_row
from curvelint.report.row_text import headline
from curvelint.report.sparkline import WIDTH
from curvelint.runs import read_runs

OVERFIT = (
    "loss/eval lowest 0.232 at step 800 (epoch 1.7), then +26 % to final level 0.291 (8 "
    "evaluations after the turn) while loss/train fell 87 % from trend 0.203 at the turn to "
    "final level 0.0261."
)
UNDERFIT = (
    "loss/train flat at final level 0.0258 (46 %) and loss/eval flat at final level 0.0345 "
    "(62 %) of the training loss's start level 0.056; over the last 20 % of the steps "
    "loss/eval's fitted line moved -2.3e-05."
)


def is_headline_of(shown: str, reason: str) -> bool:
    """``shown`` is ``reason``, or its words in order with only detail left out."""
    words = iter(word.rstrip(".,;:") for word in reason.split())
    return all(any(word.rstrip(".,;:") == whole for whole in words) for word in shown.split())


def test_a_reason_that_fits_is_kept_whole() -> None:
    assert headline(OVERFIT, 500) == OVERFIT


def test_the_headline_is_the_longest_complete_statement_that_fits() -> None:
    assert headline(OVERFIT, 120) == (
        "loss/eval lowest 0.232 at step 800 (epoch 1.7), then +26 % to final level 0.291"
    )
    assert headline(OVERFIT, 75) == (
        "loss/eval lowest 0.232 at step 800, then +26 % to final level 0.291"
    )
    # "(46 %) and …" carries the sentence on: kept; the clause about loss/eval goes whole.
    assert headline(UNDERFIT, 140) == (
        "loss/train flat at final level 0.0258 (46 %) and loss/eval flat at final level 0.0345 "
        "(62 %) of the training loss's start level 0.056"
    )
    assert headline(UNDERFIT, 60) == "loss/train flat at final level 0.0258"
    for room in range(20, 200, 7):
        for reason in (OVERFIT, UNDERFIT):
            shown = headline(reason, room)
            assert "…" not in shown and is_headline_of(shown, reason)
            assert shown.count("(") == shown.count(")")


def test_every_corpus_row_fits_and_says_a_whole_statement(corpus: Path) -> None:
    runs = read_runs([corpus]).runs
    assert len(runs) >= 100
    reports = []
    for run in runs:
        judged = judge_run(run)
        reports.append(build_run_report(run, judged.analysis, judged.diagnosis, folder="f"))
    rows = [index_row(report) for report in reports]
    index = render_index(rows)
    lines = [line for line in index.splitlines() if line.startswith("| ") and "][" in line]
    assert len(lines) == len(rows)
    for line, row, report in zip(lines, rows, reports, strict=True):
        assert len(line) <= ROW_LIMIT, line
        reason = line.rstrip(" |").rsplit(" | ", 1)[-1]
        assert "…" not in reason, line
        assert is_headline_of(reason.replace("\\", ""), row.reason), (reason, row.reason)
        assert markdown_text(row.reason) in render_markdown(report)  # the whole, in the report
        if row.sparkline:
            assert len(row.sparkline) == WIDTH, line
            assert f"`{row.sparkline}`" in line
