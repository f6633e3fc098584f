"""The data behind curves.png, decided here so drawing only draws.

curves.png overlays the main loss of base (blue) and head (orange) for each compared pair:
train solid, eval dashed, test dotted (an eval loss logged under its own name, ``ptl_loss`` or
``val_total_loss``, is drawn as the eval line); dense curves raw faint under a bold smoothed
line, sparse ones with markers; a seed group is drawn as its mean with a shaded band (the
lines and bands are built by :mod:`curvelint.report.overlay_data`, as for ``analyze``'s group
plots).

The y range is :func:`curvelint.report.plot_data.y_range`'s, as for a run's plots: one early
spike (a first loss of 900 before a run that lives between 4 and 6) is left above the axes
and said so, and a range that spans decades is drawn on a log scale.
"""

from __future__ import annotations

from collections.abc import Sequence

from curvelint.compare.model import PairComparison, Side, Unit
from curvelint.report import plot_data
from curvelint.report.overlay_data import (
    SPLITS,
    band_label,
    loss_metric,
    one_band_label,
    overlay_line,
    x_label_of,
)
from curvelint.report.overlay_model import OverlayPanel, OverlayPlot, PlotLine

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
        judged = unit.judged
        line = overlay_line(
            judged.analysis, unit.group, key, style, band, max_points, judged.metadata
        )
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
    curves = tuple(line.curve for line in lines)
    log_y = plot_data.wants_log_scale(curves)
    limits, off_scale = (None, None) if log_y else plot_data.y_range(curves)
    return OverlayPanel(pair.name, metric, tuple(lines), log_y, limits, off_scale)


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
        x_label=x_label_of([line for panel in panels for line in panel.lines]),
        panels=tuple(panels),
        columns=1 if len(panels) == 1 else 2,
    )
    return plot, tuple(unplotted)
