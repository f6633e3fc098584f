"""The data behind curves.png, decided here so drawing only draws.

curves.png overlays the main loss of base (blue) and head (orange) for each compared pair:
train solid, eval dashed, test dotted (an eval loss logged under its own name, ``ptl_loss`` or
``val_total_loss``, is drawn as the eval line); dense curves raw faint under a bold smoothed
line, sparse ones with markers; a seed group is drawn as its mean with a shaded band (the
lines and bands are built by :mod:`curvelint.report.overlay_data`, as for ``analyze``'s group
plots).

The y range is the one that shows base and head apart: one early spike (a first loss of 900
before a run that lives between 4 and 6) is left above the axes, and a range that spans
decades is drawn on a log scale.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from curvelint.compare.model import PairComparison, Side, Unit
from curvelint.report import plot_data
from curvelint.report.model import Curve
from curvelint.report.overlay_data import (
    SPLITS,
    band_label,
    loss_metric,
    one_band_label,
    overlay_line,
)
from curvelint.report.overlay_model import OverlayPanel, OverlayPlot, PlotLine

FloatArray = npt.NDArray[np.float64]

EARLY_SHARE = 0.05  # the first share of the steps, where a spike is left off the y range
MIN_POINTS_FOR_LIMITS = 10
LOG_RATIO = 30.0  # the bulk's high / low from which the axis is logarithmic
LOG_PADDING = 1.15
PADDING = 0.06
SPIKE_FACTOR = 3.0  # the full range must exceed the bulk's this many times to cut the axis

SIDE_COLOURS: dict[Side, str] = {"base": "#1f77b4", "head": "#ff7f0e"}
SPLIT_STYLES = {"train": "-", "eval": "--", "test": ":"}
MAX_PANELS = 6
CURVES_FILE = "curves.png"


def _split_metric(unit: Unit, metric: str, split: str) -> str:
    """``metric`` when the unit logged it in ``split``, else that split's own main loss."""
    analysis = unit.judged.analysis
    if analysis.series(metric, split) is not None:
        return metric
    other = analysis.main_loss(split)
    return other.metric if other is not None else metric


def _unit_lines(unit: Unit, side: Side, metric: str, band: str, max_points: int) -> list[PlotLine]:
    lines = []
    for split in SPLITS:
        style = (f"{side} {split}", SIDE_COLOURS[side], SPLIT_STYLES[split])
        key = (_split_metric(unit, metric, split), split)
        line = overlay_line(unit.judged.analysis, unit.group, key, style, band, max_points)
        if line is not None:
            lines.append(line)
    if unit.group is None:
        return lines
    return one_band_label(lines, f"{side}: {band_label(unit.group, band)}")


def pair_panel(
    pair: PairComparison, band: str, main: str | None, max_points: int
) -> OverlayPanel | None:
    """Base and head's main loss on one set of axes (None when they share no loss)."""
    metric = loss_metric(pair.base.judged.analysis, main)
    if metric is None or loss_metric(pair.head.judged.analysis, main) != metric:
        return None
    lines = _unit_lines(pair.base, "base", metric, band, max_points)
    lines += _unit_lines(pair.head, "head", metric, band, max_points)
    log_y, limits = y_scale(tuple(line.curve for line in lines))
    return OverlayPanel(pair.name, metric, tuple(lines), log_y, limits)


def y_scale(curves: tuple[Curve, ...]) -> tuple[bool, tuple[float, float] | None]:
    """A log scale when the curves' bulk spans decades, and y limits that leave out what an
    early spike adds (None when the whole range reads well)."""
    bulk = _bulk(curves)
    if len(bulk) < MIN_POINTS_FOR_LIMITS:
        return plot_data.wants_log_scale(curves), None
    low, high = (float(v) for v in np.percentile(bulk, [0.5, 99.5]))
    everything = np.concatenate([c.y[np.isfinite(c.y)] for c in curves])
    log_y = low > 0 and high / low >= LOG_RATIO
    if high <= low:
        return log_y, None
    if log_y:
        limits = (low / LOG_PADDING, high * LOG_PADDING)
    else:
        pad = PADDING * (high - low)
        limits = (low - pad, high + pad)
    full = float(everything.max() - everything.min())
    spiky = full > SPIKE_FACTOR * (high - low)
    return log_y, limits if spiky or log_y else None


def _bulk(curves: tuple[Curve, ...]) -> FloatArray:
    """Every finite value after the first ``EARLY_SHARE`` of each curve's steps, and the
    smoothed lines whole (a smoothed start is no spike)."""
    parts = []
    for curve in curves:
        finite = np.isfinite(curve.y)
        x, y = curve.x[finite], curve.y[finite]
        if len(x):
            parts.append(y[x >= x.min() + EARLY_SHARE * (x.max() - x.min())])
        parts.append(curve.smoothed_y[np.isfinite(curve.smoothed_y)][len(curve.smoothed_y) // 10 :])
    return np.concatenate(parts) if parts else np.zeros(0)


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
