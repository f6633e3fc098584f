"""Report models of real logs (the public corpus and sample_logs), for tests of the images."""

from __future__ import annotations

from pathlib import Path

from curvelint.judging import judge_run
from curvelint.report.build import build_run_report
from curvelint.report.model import ReportOptions, RunReport
from curvelint.runs import Run, read_runs


def read_one(path: Path) -> Run:
    runs = read_runs([path]).runs
    assert runs, path
    return runs[0]


def report_of(path: Path, options: ReportOptions | None = None) -> RunReport:
    """The report model of the first run under ``path``, built as ``analyze`` builds it."""
    run = read_one(path)
    judged = judge_run(run)
    return build_run_report(
        run, judged.analysis, judged.diagnosis, folder="f", options=options, checks=judged.checks
    )
