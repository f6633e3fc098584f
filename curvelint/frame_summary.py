"""Plain-data summary of a read: what ``curvelint frame`` prints, computed once here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curvelint.isolation import debugging
from curvelint.report.escape import terminal_text
from curvelint.runs import ReadReport, Run


@dataclass(frozen=True)
class SeriesLine:
    """One metric × split of a run."""

    metric: str
    split: str
    points: int
    non_finite: int
    first_step: int
    last_step: int


def summarise_series(run: Run) -> list[SeriesLine]:
    """Per metric × split (in category order): points, non-finite count and step range.

    Computed on the category codes in a few vectorised passes: a groupby that slices the frame
    per series costs a quarter of a second on a million points.
    """
    frame = run.frame
    metric, split = frame["metric"].array, frame["split"].array
    splits = len(split.categories)
    key = metric.codes.astype(np.int64) * splits + split.codes
    size = len(metric.categories) * splits
    points = np.bincount(key, minlength=size)
    non_finite = np.bincount(key, weights=~np.isfinite(frame["value"].to_numpy()), minlength=size)
    steps = frame["step"].to_numpy()
    first = np.full(size, np.iinfo(np.int64).max)
    last = np.full(size, np.iinfo(np.int64).min)
    np.minimum.at(first, key, steps)
    np.maximum.at(last, key, steps)
    return [
        SeriesLine(
            str(metric.categories[code // splits]),
            str(split.categories[code % splits]),
            int(points[code]),
            int(non_finite[code]),
            int(first[code]),
            int(last[code]),
        )
        for code in np.flatnonzero(points).tolist()
    ]


def report_lines(report: ReadReport) -> tuple[list[str], list[str]]:
    """What ``curvelint frame`` prints: (lines for stdout, lines for stderr).

    Names, tags, notes and paths come from logs: each line goes through
    :func:`terminal_text`, so a newline, an escape sequence or a leading ``::error`` in a
    folder name cannot forge a line (or a CI workflow command), and bytes that are not UTF-8
    show as ``\\xff`` instead of failing to print.
    """
    text = terminal_text  # every part that comes from a log; the layout is ours
    out: list[str] = []
    for run in report.runs:
        out.append(f"{text(run.name)}  [{run.format}]  {len(run.frame)} points")
        for line in summarise_series(run):
            split = f"/{text(line.split)}" if line.split else ""
            bad = f"  ({line.non_finite} non-finite)" if line.non_finite else ""
            out.append(
                f"  {text(line.metric)}{split:<7} {line.points:>8} pts  "
                f"steps {line.first_step}–{line.last_step}{bad}"
            )
        out.extend(f"  note: {text(note)}" for note in run.notes)
        out.extend(f"  skipped: {text(str(skipped))}" for skipped in run.skipped)
    shown = [
        f"{text(item.name)}  [{item.format}]  unreadable: {text(item.error)}"
        for item in report.failed
    ]
    shown.extend(f"skipped: {text(str(skipped))}" for skipped in report.skipped)
    if debugging():  # asked for: the tracebacks of runs that failed on a bug, as they are
        shown.extend(item.traceback for item in report.failed if item.traceback)
    return out, shown
