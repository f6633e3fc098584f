"""The data behind every plot, decided here so the drawing code only draws.

Three figures at most: the main loss (train and eval, change-points, best step, non-finite
points, the overfitting onset), the quality metrics (one small panel each), and the optimizer
(learning rate, gradient norm) when they were logged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis.findings import Finding
from curvelint.names import direction
from curvelint.report.changes import Change, significant_changes
from curvelint.report.model import Curve, CurveStyle, EpochScale, Panel, PlotSpec, Shade
from curvelint.report.numbers import format_value
from curvelint.report.pixel_columns import m4_indices, one_per_column
from curvelint.report.plot_notes import STEPS_ARE_EPOCHS
from curvelint.report.x_axis import XMapping

FloatArray = npt.NDArray[np.float64]

LOG_RATIO = 30.0  # a panel whose positive values span this factor gets a log y axis
SPARSE_POINTS = 60  # up to this many points: every point with a marker
SPARSE_EVAL_POINTS = 300  # eval/test curves keep markers up to this many points
SPLIT_ORDER = {"train": 0, "eval": 1, "test": 2, "": 3}
OPTIMIZER_METRICS = ("learning_rate", "grad_norm")
EXACT_METRICS = frozenset({"learning_rate"})
ONSET_KEY = "onset_step"
EARLY_SHARE = 0.05  # the first 5 % of the x range may hold a transient the y range leaves out
OFF_SCALE_FACTOR = 2.0  # ...when it reaches over twice the height of everything after it
PIXEL_COLUMNS = 1000  # a figure's width in pixels (plots.WIDTH_INCHES × plots.DPI)
MIN_RELATIVE_SPAN = 0.02  # a y range never shows less than 2 % of the values' level
ZOOM_NOTE_SHARE = 0.2  # a zoomed axis whose span is under 20 % of the level says so
NO_FINITE_NOTE = "no finite value: every point is NaN or inf"


@dataclass(frozen=True)
class PlotContext:
    """What every figure of one run shares: its name, x axis and the epoch scale.
    ``epoch_tags`` are the tags whose step counts epochs when only some do (Keras' TensorBoard
    callback): their curves are drawn on an axis that says so."""

    run: str
    x_of: XMapping
    epochs: EpochScale | None
    max_points: int
    epoch_tags: frozenset[str] = frozenset()

    @property
    def secondary(self) -> EpochScale | None:
        """The epoch scale for a secondary axis (only when the x axis is the step)."""
        return self.epochs if self.x_of.unit == "step" else None

    def x_for(self, series: SeriesAnalysis) -> XMapping:
        """The x mapping of one series: the run's, or "epoch (as logged)" for a series whose
        step counts epochs on a run whose other steps count iterations."""
        if self.x_of.unit == "step" and series.tag in self.epoch_tags:
            return replace(self.x_of, label=STEPS_ARE_EPOCHS)
        return self.x_of


def curve_style(series: SeriesAnalysis) -> CurveStyle:
    """Markers for few points and for evaluations, one exact line for a learning rate,
    raw-faint-and-smoothed-bold for dense measurements."""
    if series.metric in EXACT_METRICS:
        return "exact"
    if series.n_points <= SPARSE_POINTS or (
        series.split in ("eval", "test") and series.n_points <= SPARSE_EVAL_POINTS
    ):
        return "sparse"
    return "dense"


def where(x_of: XMapping, step: float) -> str:
    """``step 2,600`` or ``epoch 22``, in the unit of the plot's x axis."""
    if x_of.unit == "epoch" or x_of.label.startswith("epoch"):
        return f"epoch {format_value(float(x_of([step])[0]))}"
    return f"step {int(step):,}"


def best_point(series: SeriesAnalysis, style: CurveStyle) -> tuple[int, float] | None:
    """(step, value) worth a star: the best evaluation, or the best of the smoothed line of a
    dense curve (a single noisy batch's minimum is not the best the model reached)."""
    if series.best_step is None or series.best_value is None or series.direction == 0:
        return None
    if style != "dense":
        return series.best_step, series.best_value
    finite = np.flatnonzero(np.isfinite(series.smoothed))
    if len(finite) == 0:
        return None
    scores = series.smoothed[finite] * series.direction
    at = finite[int(np.argmax(scores))]
    return int(series.steps[at]), float(series.smoothed[at])


def curve(series: SeriesAnalysis, x_of: XMapping, max_points: int) -> Curve:
    """One series as a plotted curve, reduced to what ``max_points`` pixel columns can show
    (M4: every spike, dip and NaN gap stays)."""
    columns = max(1, min(max_points, PIXEL_COLUMNS))
    x = x_of(series.steps)
    kept = m4_indices(x, series.values, columns)
    finite = np.isfinite(series.smoothed)
    smoothed_x, smoothed = x[finite], series.smoothed[finite]
    kept_smoothed = m4_indices(smoothed_x, smoothed, columns)
    style = curve_style(series)
    best = None
    best_label = ""
    found = best_point(series, style)
    if found is not None:
        step, value = found
        best = (float(x_of([step])[0]), value, step)
        smoothed_note = " (smoothed)" if style == "dense" else ""
        name = series.split or "logged"
        best_label = f"best {name}{smoothed_note}: {format_value(value)} at {where(x_of, step)}"
    return Curve(
        label=series.split or "logged",
        metric=series.metric,
        split=series.split,
        style=style,
        x=x[kept],
        y=np.asarray(series.values[kept], dtype=np.float64),
        smoothed_x=smoothed_x[kept_smoothed],
        smoothed_y=np.asarray(smoothed[kept_smoothed], dtype=np.float64),
        best=best,
        non_finite_x=one_per_column(x[~np.isfinite(series.values)], columns),
        non_finite_count=int(np.count_nonzero(~np.isfinite(series.values))),
        best_label=best_label,
    )


def wants_log_scale(curves: tuple[Curve, ...]) -> bool:
    """True when every finite value is positive and the bulk of them (2nd to 98th percentile,
    so one last near-zero learning rate does not decide) spans ``LOG_RATIO`` or more."""
    values = np.concatenate([c.y[np.isfinite(c.y)] for c in curves] or [np.zeros(0)])
    if len(values) == 0 or values.min() <= 0:
        return False
    low, high = np.percentile(values, [2.0, 98.0])
    return bool(high / low >= LOG_RATIO)


def y_window(curves: tuple[Curve, ...]) -> tuple[float, float] | None:
    """Linear y limits that leave out an early transient (a first loss of 25 before a run that
    lives between 2 and 4), or None when the full range reads well."""
    finite = [(c.x[np.isfinite(c.y)], c.y[np.isfinite(c.y)]) for c in curves]
    xs = np.concatenate([x for x, _ in finite] or [np.zeros(0)])
    ys = np.concatenate([y for _, y in finite] or [np.zeros(0)])
    if len(ys) < 10:
        return None
    start = xs.min() + EARLY_SHARE * (xs.max() - xs.min())
    tail = ys[xs >= start]
    if len(tail) < 5:
        return None
    low = float(min(tail.min(), ys.min()))
    high = float(np.percentile(tail, 99.5))
    span = high - low
    if span <= 0 or ys.max() - low <= OFF_SCALE_FACTOR * span:
        return None
    return low - 0.05 * span, high + 0.15 * span


def scale_of_change(curves: tuple[Curve, ...]) -> tuple[tuple[float, float] | None, str | None]:
    """Y limits and a note that keep the size of a change honest on a linear axis.

    A curve whose values span less than ``MIN_RELATIVE_SPAN`` of their level is drawn in a
    range of that height around them, so it looks flat; an axis that auto-zooms away from zero
    onto a span under ``ZOOM_NOTE_SHARE`` of the level says how small that span is."""
    values = np.concatenate([c.y[np.isfinite(c.y)] for c in curves] or [np.zeros(0)])
    if len(values) < 2:
        return None, None
    low, high = float(values.min()), float(values.max())
    level = max(abs(low), abs(high))
    if level == 0 or (low <= 0 <= high) or is_fraction_score(curves, low, high):
        return None, None
    share = (high - low) / level
    shown = f"{format_percent(share)} of their level"
    if share < MIN_RELATIVE_SPAN:
        middle, half = (low + high) / 2, MIN_RELATIVE_SPAN * level / 2
        note = f"constant at {format_value(low)}" if share == 0 else f"flat: values span {shown}"
        return (middle - half, middle + half), note
    if share < ZOOM_NOTE_SHARE:
        return None, f"y axis zoomed: values span {shown}"
    return None, None


def is_fraction_score(curves: tuple[Curve, ...], low: float, high: float) -> bool:
    """An accuracy-like score in [0, 1]: its change is measured against 1, not its level
    (0.985 → 0.990 is a third fewer errors), so it is never flattened."""
    return low >= 0 and high <= 1 and all(direction(c.metric) > 0 for c in curves)


def format_percent(share: float) -> str:
    """``0.043 %`` or ``4.3 %``: two significant digits."""
    return f"{share * 100:.2g} %" if share * 100 < 10 else f"{share * 100:.0f} %"


def y_range(curves: tuple[Curve, ...]) -> tuple[tuple[float, float] | None, str | None]:
    """Linear y limits leaving out an early transient, and the note saying what they cut."""
    limits = y_window(curves)
    if limits is None:
        return None, None
    highest = max(
        float(np.nanmax(np.where(np.isfinite(c.y), c.y, np.nan)))
        for c in curves
        if np.isfinite(c.y).any()
    )
    return limits, f"early points off scale (up to {format_value(highest)})"


def _ordered(series: list[SeriesAnalysis]) -> list[SeriesAnalysis]:
    return sorted(series, key=lambda s: (SPLIT_ORDER.get(s.split, 4), s.split))


def _panel(title: str, series: list[SeriesAnalysis], context: PlotContext) -> Panel:
    """One panel; its x label is its curves' unit (the run's unless they count epochs)."""
    ordered = _ordered(series)
    units = {context.x_for(s).label for s in ordered}
    x_label = units.pop() if len(units) == 1 else context.x_of.label
    curves = tuple(curve(s, context.x_for(s), context.max_points) for s in ordered)
    empty = all(not np.isfinite(c.y).any() for c in curves)
    log_y = wants_log_scale(curves)
    limits, off_scale = (None, None) if log_y else y_range(curves)
    scale_note = None
    if not log_y and limits is None:
        limits, scale_note = scale_of_change(curves)
    return Panel(
        title=title,
        y_label=title,
        curves=curves,
        log_y=log_y,
        note=NO_FINITE_NOTE if empty else None,
        y_limits=limits,
        off_scale=off_scale,
        scale_note=scale_note,
        x_label=x_label,
    )


def onset_shades(findings: tuple[Finding, ...], end_step: int, x_of: XMapping) -> tuple[Shade, ...]:
    """A shaded range from each finding's ``onset_step`` evidence to the end of the run."""
    shades = []
    for finding in findings:
        onset = finding.evidence.get(ONSET_KEY)
        if isinstance(onset, int | float) and not isinstance(onset, bool) and onset < end_step:
            start, end = x_of([onset, end_step])
            label = f"{finding.code.replace('_', ' ')} from {where(x_of, onset)}"
            shades.append(Shade(float(start), float(end), label))
    return tuple(shades)


def shaded_series(findings: tuple[Finding, ...]) -> set[tuple[str, str]]:
    """The (metric, split) of each finding that shades a range: the curve that caused it must
    be drawn on the same panel."""
    keys = set()
    for finding in findings:
        if finding.series and isinstance(finding.evidence.get(ONSET_KEY), int | float):
            metric, _, split = finding.series.partition("/")
            keys.add((metric, split))
    return keys


def loss_plot(
    loss: list[SeriesAnalysis], findings: tuple[Finding, ...], context: PlotContext
) -> tuple[PlotSpec, tuple[Change, ...]]:
    """The main loss figure: every split of the loss metric (and any curve whose finding
    shades a range), its significant change-points and the shaded ranges; and those changes."""
    ordered = _ordered(loss)
    metric = ordered[0].metric
    x_of = context.x_for(ordered[0])
    panel = _panel(metric, ordered, context)
    panel = replace(panel, curves=tuple(_named(c, metric) for c in panel.curves))
    changes = tuple(change for s in ordered for change in significant_changes(s))
    changepoints = tuple(float(x) for x in x_of([c.step for c in changes])) if changes else ()
    end_step = max(s.last_step for s in ordered)
    panel = replace(panel, changepoints=changepoints, shades=onset_shades(findings, end_step, x_of))
    spec = PlotSpec(
        file_name="loss.png",
        title=f"{context.run}: {metric}",
        alt_text=f"{metric} of {context.run}",
        x_label=panel.x_label,
        panels=(panel,),
        epoch_scale=context.secondary,
    )
    return spec, changes


def _named(curve: Curve, metric: str) -> Curve:
    """A curve of another metric on the panel says which metric it is."""
    if curve.metric == metric:
        return curve
    name = f"{curve.metric}/{curve.split}" if curve.split else curve.metric
    best_label = curve.best_label.replace(f"best {curve.label}", f"best {name}", 1)
    return replace(curve, label=name, best_label=best_label)


def _panels(groups: dict[str, list[SeriesAnalysis]], context: PlotContext) -> tuple[Panel, ...]:
    return tuple(_panel(metric, series, context) for metric, series in groups.items())


def metrics_plot(groups: dict[str, list[SeriesAnalysis]], context: PlotContext) -> PlotSpec:
    """One small panel per metric (accuracy, F1, …), two columns."""
    columns = 1 if len(groups) == 1 else 2
    panels = _panels(groups, replace(context, max_points=context.max_points // columns))
    return PlotSpec(
        file_name="metrics.png",
        title=f"{context.run}: metrics",
        alt_text=f"metrics of {context.run}: {', '.join(groups)}",
        x_label=panels[0].x_label,
        panels=panels,
        epoch_scale=context.secondary,
        columns=columns,
    )


def optimizer_plot(groups: dict[str, list[SeriesAnalysis]], context: PlotContext) -> PlotSpec:
    """Learning rate and gradient norm, stacked."""
    panels = _panels(groups, context)
    return PlotSpec(
        file_name="optimizer.png",
        title=f"{context.run}: {' and '.join(m.replace('_', ' ') for m in groups)}",
        alt_text=f"{' and '.join(groups)} of {context.run}",
        x_label=panels[0].x_label,
        panels=panels,
        epoch_scale=context.secondary,
    )
