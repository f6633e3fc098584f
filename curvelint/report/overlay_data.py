"""The data behind overlay plots of seed groups, decided here so drawing only draws.

A seed group is drawn as its mean per split with a shaded band (the seeds' min–max or the 95 %
interval of their mean); dense curves raw faint under a bold smoothed line, sparse ones with
markers. ``compare``'s curves.png builds on the same lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from curvelint.analysis.results import RunAnalysis
from curvelint.choices import BANDS as BANDS
from curvelint.names import is_loss
from curvelint.readers.base import steps_are_epochs
from curvelint.report import plot_data
from curvelint.report.build import main_series
from curvelint.report.colours import SPLIT_COLOURS
from curvelint.report.overlay_model import Band, OverlayPanel, OverlayPlot, PlotLine
from curvelint.report.pixel_columns import band_envelope
from curvelint.report.plot_notes import STEPS_ARE_EPOCHS
from curvelint.report.x_axis import XMapping
from curvelint.seed_groups.judge import GroupResult
from curvelint.seed_groups.seeds import MeanCurve

STEP_AXIS = XMapping("step", "step", np.zeros(0), np.zeros(0))
EPOCH_STEPS_AXIS = XMapping("step", STEPS_ARE_EPOCHS, np.zeros(0), np.zeros(0))
MIXED_UNITS = "step (epoch where the log counts epochs)"
SPLITS = ("train", "eval", "test")

LineStyle = tuple[str, str, str]  # legend label, colour, dashes


def loss_metric(analysis: RunAnalysis, main: str | None) -> str | None:
    """The metric of the main loss plot (as in a run's report): the main series' metric when
    it is a loss, else the train (or eval) loss."""
    chosen = main_series(analysis, main)
    if chosen is None or not is_loss(chosen.metric):
        chosen = main_series(analysis, None)
    return chosen.metric if chosen is not None else None


def band_of(curve: MeanCurve, kind: str, max_points: int, label: str) -> Band:
    """The seeds' min–max (``minmax``) or the 95 % interval of their mean (``interval``),
    reduced to its envelope per pixel column (every seed's extreme stays)."""
    low, high = (
        (curve.low, curve.high) if kind == "minmax" else (curve.interval_low, curve.interval_high)
    )
    columns = max(1, min(max_points, plot_data.PIXEL_COLUMNS))
    x, low, high = band_envelope(curve.steps.astype(np.float64), low, high, columns)
    return Band(x, low, high, label)


def band_label(group: GroupResult, kind: str) -> str:
    """``min–max of 3 seeds`` or ``95 % interval of the mean of 3 seeds``."""
    seeds = len(group.group.members)
    return f"min–max of {seeds} seeds" if kind == "minmax" else f"95 % interval, {seeds} seeds"


def x_label_of(lines: Sequence[PlotLine]) -> str:
    """The x label of overlaid lines: their common unit, else both named."""
    units = {line.x_label for line in lines}
    return units.pop() if len(units) == 1 else MIXED_UNITS


def overlay_line(
    analysis: RunAnalysis,
    group: GroupResult | None,
    key: tuple[str, str],
    style: LineStyle,
    band: str,
    max_points: int,
    metadata: Mapping[str, Any] | None = None,
) -> PlotLine | None:
    """One curve of ``analysis`` as drawn, with the group's band around it when there is one;
    its x counts epochs when the reader's ``metadata`` says its steps do."""
    series = analysis.series(*key)
    if series is None:
        return None
    label, colour, dashes = style
    x_of = EPOCH_STEPS_AXIS if steps_are_epochs(metadata or {}, series.tag) else STEP_AXIS
    curve = replace(plot_data.curve(series, x_of, max_points), label=label)
    mean = next((c for c in group.curves if c.key == key), None) if group else None
    shade = None
    if mean is not None and group is not None:
        shade = band_of(mean, band, max_points, f"{label}: {band_label(group, band)}")
    return PlotLine(curve, colour, dashes, shade, x_of.label)


def one_band_label(lines: list[PlotLine], legend: str) -> list[PlotLine]:
    """The first band is named ``legend`` in the legend; the others are left out of it."""
    named: list[PlotLine] = []
    for line in lines:
        if line.band is not None:
            shown = not any(other.band is not None for other in named)
            label = legend if shown else f"_band {line.curve.label}"
            line = replace(line, band=replace(line.band, label=label))
        named.append(line)
    return named


def group_plot(
    group: GroupResult, file_name: str, main: str | None, band: str, max_points: int
) -> OverlayPlot | None:
    """A seed group's main loss: the mean of its seeds per split with a band."""
    analysis = group.judged.analysis
    metric = loss_metric(analysis, main)
    if metric is None:
        return None
    lines = []
    for split in SPLITS:
        style = (f"{split} mean", SPLIT_COLOURS[split], "-")
        line = overlay_line(
            analysis, group, (metric, split), style, band, max_points, group.judged.metadata
        )
        if line is not None:
            lines.append(line)
    lines = one_band_label(lines, band_label(group, band))
    curves = tuple(line.curve for line in lines)
    log_y = plot_data.wants_log_scale(curves)
    limits, off_scale = (None, None) if log_y else plot_data.y_range(curves)
    panel = OverlayPanel(group.judged.name, metric, tuple(lines), log_y, limits, off_scale)
    return OverlayPlot(
        file_name=file_name,
        title=f"{group.judged.name}: {metric}",
        alt_text=f"{metric} of {group.judged.name}, with the {band_label(group, band)}",
        x_label=x_label_of(lines),
        panels=(panel,),
    )
