"""The data behind curves.png and the seed-group plots, decided here so drawing only draws.

curves.png overlays the main loss of base (blue) and head (orange) for each compared pair:
train solid, eval dashed, test dotted; dense curves raw faint under a bold smoothed line,
sparse ones with markers. A seed group is drawn as its mean with a shaded band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from curvelint.analysis.results import RunAnalysis
from curvelint.choices import BANDS as BANDS
from curvelint.compare.judge import GroupResult
from curvelint.compare.model import (
    Band,
    OverlayPanel,
    OverlayPlot,
    PairComparison,
    PlotLine,
    Side,
    Unit,
)
from curvelint.compare.seeds import MeanCurve
from curvelint.names import is_loss
from curvelint.report import plot_data
from curvelint.report.build import main_series
from curvelint.report.x_axis import XMapping

STEP_AXIS = XMapping("step", "step", np.zeros(0), np.zeros(0))
SIDE_COLOURS: dict[Side, str] = {"base": "#1f77b4", "head": "#ff7f0e"}
SPLIT_STYLES = {"train": "-", "eval": "--", "test": ":"}
SPLIT_COLOURS = {"train": "#1f77b4", "eval": "#d62728", "test": "#2ca02c"}  # as a run's report
SPLITS = ("train", "eval", "test")
MAX_PANELS = 6
CURVES_FILE = "curves.png"


def loss_metric(analysis: RunAnalysis, main: str | None) -> str | None:
    """The metric of the main loss plot (as in a run's report): the main series' metric when
    it is a loss, else the train (or eval) loss."""
    chosen = main_series(analysis, main)
    if chosen is None or not is_loss(chosen.metric):
        chosen = main_series(analysis, None)
    return chosen.metric if chosen is not None else None


def band_of(curve: MeanCurve, kind: str, max_points: int, label: str) -> Band:
    """The seeds' min–max (``minmax``) or the 95 % interval of their mean (``interval``)."""
    stride = max(1, len(curve.steps) // max(1, max_points))
    low, high = (
        (curve.low, curve.high) if kind == "minmax" else (curve.interval_low, curve.interval_high)
    )
    x = curve.steps.astype(np.float64)[::stride]
    return Band(x, low[::stride], high[::stride], label)


def band_label(group: GroupResult, kind: str) -> str:
    """``min–max of 3 seeds`` or ``95 % interval of the mean of 3 seeds``."""
    seeds = len(group.group.members)
    return f"min–max of {seeds} seeds" if kind == "minmax" else f"95 % interval, {seeds} seeds"


def _line(
    analysis: RunAnalysis,
    group: GroupResult | None,
    key: tuple[str, str],
    style: tuple[str, str, str],
    band: str,
    max_points: int,
) -> PlotLine | None:
    series = analysis.series(*key)
    if series is None:
        return None
    label, colour, dashes = style
    curve = replace(plot_data.curve(series, STEP_AXIS, max_points), label=label)
    mean = next((c for c in group.curves if c.key == key), None) if group else None
    shade = None
    if mean is not None and group is not None:
        shade = band_of(mean, band, max_points, f"{label}: {band_label(group, band)}")
    return PlotLine(curve, colour, dashes, shade)


def _one_band_label(lines: list[PlotLine], legend: str) -> list[PlotLine]:
    """The first band is named ``legend`` in the legend; the others are left out of it."""
    named: list[PlotLine] = []
    for line in lines:
        if line.band is not None:
            shown = not any(other.band is not None for other in named)
            label = legend if shown else f"_band {line.curve.label}"
            line = replace(line, band=replace(line.band, label=label))
        named.append(line)
    return named


def _unit_lines(unit: Unit, side: Side, metric: str, band: str, max_points: int) -> list[PlotLine]:
    lines = []
    for split in SPLITS:
        style = (f"{side} {split}", SIDE_COLOURS[side], SPLIT_STYLES[split])
        line = _line(unit.judged.analysis, unit.group, (metric, split), style, band, max_points)
        if line is not None:
            lines.append(line)
    if unit.group is None:
        return lines
    return _one_band_label(lines, f"{side}: {band_label(unit.group, band)}")


def pair_panel(
    pair: PairComparison, band: str, main: str | None, max_points: int
) -> OverlayPanel | None:
    """Base and head's main loss on one set of axes (None when they share no loss)."""
    metric = loss_metric(pair.base.judged.analysis, main)
    if metric is None or loss_metric(pair.head.judged.analysis, main) != metric:
        return None
    lines = _unit_lines(pair.base, "base", metric, band, max_points)
    lines += _unit_lines(pair.head, "head", metric, band, max_points)
    curves = tuple(line.curve for line in lines)
    return OverlayPanel(pair.name, metric, tuple(lines), plot_data.wants_log_scale(curves))


def comparison_plot(
    pairs: Sequence[PairComparison], band: str, main: str | None, max_points: int
) -> tuple[OverlayPlot | None, tuple[str, ...]]:
    """curves.png (one panel per pair, up to ``MAX_PANELS``) and the pairs left out."""
    panels: list[OverlayPanel] = []
    unplotted: list[str] = []
    for pair in pairs:
        panel = pair_panel(pair, band, main, max_points) if len(panels) < MAX_PANELS else None
        if panel is None:
            unplotted.append(pair.name)
        else:
            panels.append(panel)
    if not panels:
        return None, tuple(unplotted)
    metrics = sorted({panel.y_label for panel in panels})
    names = ", ".join(panel.title for panel in panels)
    plot = OverlayPlot(
        file_name=CURVES_FILE,
        title=(f"{panels[0].title}: " if len(panels) == 1 else "")
        + f"base vs head, {' and '.join(metrics)}",
        alt_text=f"{' and '.join(metrics)} of base (blue) and head (orange): {names}",
        x_label="step",
        panels=tuple(panels),
        columns=1 if len(panels) == 1 else 2,
    )
    return plot, tuple(unplotted)


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
        line = _line(analysis, group, (metric, split), style, band, max_points)
        if line is not None:
            lines.append(line)
    lines = _one_band_label(lines, band_label(group, band))
    curves = tuple(line.curve for line in lines)
    panel = OverlayPanel(group.judged.name, metric, tuple(lines), plot_data.wants_log_scale(curves))
    return OverlayPlot(
        file_name=file_name,
        title=f"{group.judged.name}: {metric}",
        alt_text=f"{metric} of {group.judged.name}, with the {band_label(group, band)}",
        x_label="step",
        panels=(panel,),
    )
