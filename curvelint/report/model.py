"""The report model: everything a renderer shows, computed once, then only read.

Markdown, JSON, the index, the terminal table and the plots all read these frozen objects and
never compute a statistic themselves, so every output agrees and tests can assert on the model
and on the data behind each plotted line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from curvelint.choices import X_AXES as X_AXES
from curvelint.choices import XAxis as XAxis
from curvelint.configuration import Configuration
from curvelint.diagnosis.checks import Check
from curvelint.diagnosis.findings import Finding
from curvelint.names import SeriesNamed
from curvelint.report.changes import Change

FloatArray = npt.NDArray[np.float64]
CurveStyle = Literal["dense", "sparse", "exact"]

EMPTY = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class ReportOptions:
    """What users tune about the report (not the analysis): x axis and the main series."""

    x_axis: XAxis = "step"
    main_metric: str | None = None  # "loss", "loss/eval", "accuracy/eval"…
    max_plot_points: int = 2000
    html: bool = False  # also an interactive report.html per run and an index.html
    plot_metrics: tuple[str, ...] = ()  # --plot: the metrics.png panels ("metric[/split]")


@dataclass(frozen=True)
class SeriesSummary(SeriesNamed):
    """The key numbers of one curve. ``final_*`` is the last finite point (the table's Last);
    ``final_level`` the median of the last 10 % of the finite points, as reasons and
    ``compare`` use it; ``ends_with`` says whether the curve's very last point was NaN/inf
    (``"nan"``, ``"inf"``, ``"-inf"``)."""

    metric: str
    split: str
    tag: str
    direction: int
    points: int
    finite_points: int
    first_step: int
    last_step: int
    final_value: float | None
    final_step: int | None
    best_value: float | None
    best_step: int | None
    final_level: float | None
    ends_with: str | None
    first_non_finite_step: int | None
    first_non_finite_kind: str | None
    step_unit: str = "step"  # what its steps count: "step" (iterations) or "epoch" (as logged)


@dataclass(frozen=True)
class Overview:
    """Run-level numbers: how long it trained (steps, epochs, wall time) and how much it logged."""

    first_step: int | None
    last_step: int | None
    points: int
    epochs: float | None
    duration_seconds: float | None


@dataclass(frozen=True)
class Curve:
    """One plotted curve: raw points, the smoothed line, its best point and non-finite points.

    Arrays are in the figure's x unit. ``style`` is ``dense`` (raw faint, smoothed bold),
    ``sparse`` (every point with a marker, as for an eval curve) or ``exact`` (one line, no
    smoothing: a learning rate is a setting, not a noisy measurement). ``best`` is
    ``(x, value, step)``.
    """

    label: str
    metric: str
    split: str
    style: CurveStyle
    x: FloatArray
    y: FloatArray
    smoothed_x: FloatArray
    smoothed_y: FloatArray
    best: tuple[float, float, int] | None
    non_finite_x: FloatArray  # one per pixel column at most
    non_finite_count: int = 0  # how many points were NaN or inf (before the reduction)
    best_label: str = ""  # "best (smoothed): 0.52 at epoch 3", in the unit of the x axis


@dataclass(frozen=True)
class Shade:
    """An x range to shade (e.g. from the overfitting onset to the end) and its legend label."""

    start: float
    end: float
    label: str


@dataclass(frozen=True)
class Panel:
    """One set of axes: its curves, y scale and the marks on the x axis."""

    title: str
    y_label: str
    curves: tuple[Curve, ...]
    log_y: bool
    changepoints: tuple[float, ...] = ()
    shades: tuple[Shade, ...] = ()
    note: str | None = None  # written across an empty panel (e.g. every point was NaN)
    y_limits: tuple[float, float] | None = (
        None  # set when an early transient would flatten the rest
    )
    off_scale: str | None = None  # says what the y limits cut off
    scale_note: str | None = None  # how small the shown change is ("flat: values span 0.04 %")
    x_label: str = ""  # its own x axis' label when its curves count another unit than the plot's


@dataclass(frozen=True)
class EpochScale:
    """Matching step and epoch values (both non-decreasing) for a secondary epoch axis."""

    steps: FloatArray
    epochs: FloatArray


@dataclass(frozen=True)
class PlotSpec:
    """One PNG: its file name, title, alt text, x axis and panels (one column of axes)."""

    file_name: str
    title: str
    alt_text: str
    x_label: str
    panels: tuple[Panel, ...]
    epoch_scale: EpochScale | None = None
    columns: int = 1


@dataclass(frozen=True)
class SkippedItem:
    """Something the readers could not use, and why (a plain copy of ``Skipped``)."""

    path: str
    where: str
    why: str
    count: int


@dataclass(frozen=True)
class RunReport:
    """Everything shown about one run. ``verdict`` is a :class:`Verdict` value or
    ``"unreadable"``; ``main`` is the series the index summarises (``None`` when none)."""

    name: str
    folder: str
    format: str
    verdict: str
    reason: str
    overview: Overview
    series: tuple[SeriesSummary, ...] = ()
    main: SeriesSummary | None = None
    sparkline: str = ""
    findings: tuple[Finding, ...] = ()
    plots: tuple[PlotSpec, ...] = ()
    unplotted: tuple[str, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
    notes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    x_axis_note: str | None = None
    configuration: Configuration = field(default_factory=Configuration)
    step_unit: str = "step"
    confidence: float | None = None  # the verdict's own finding's
    secondary: str | None = None  # a second verdict that also holds
    changes: tuple[Change, ...] = ()  # the change-points drawn on the loss plot
    unknown_plots: tuple[str, ...] = ()  # --plot names this run does not have
    checks: tuple[Check, ...] = ()  # every check: found, passed, or skipped and why


@dataclass(frozen=True)
class IndexRow:
    """One run in the index, the summary and the terminal table (light enough to pickle back
    from a worker process)."""

    name: str
    folder: str
    format: str
    verdict: str
    reason: str
    last_step: int | None
    main_label: str | None
    best_value: float | None
    best_step: int | None
    final_value: float | None
    final_step: int | None
    ends_with: str | None
    sparkline: str
    severity_counts: dict[str, int] = field(default_factory=dict)
    # The span of the main series (what its plot and sparkline show) and what a step counts.
    first_step: int | None = None
    span_last_step: int | None = None
    step_unit: str = "step"


def index_row(report: RunReport) -> IndexRow:
    """The index's view of a run report."""
    main = report.main
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    return IndexRow(
        name=report.name,
        folder=report.folder,
        format=report.format,
        verdict=report.verdict,
        reason=report.reason,
        last_step=report.overview.last_step,
        main_label=main.label if main else None,
        best_value=main.best_value if main else None,
        best_step=main.best_step if main else None,
        final_value=main.final_value if main else None,
        final_step=main.final_step if main else None,
        ends_with=main.ends_with if main else None,
        sparkline=report.sparkline,
        severity_counts=counts,
        first_step=main.first_step if main else report.overview.first_step,
        span_last_step=main.last_step if main else report.overview.last_step,
        step_unit=report.step_unit,
    )
