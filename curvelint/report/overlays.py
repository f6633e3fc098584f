"""Draw an :class:`OverlayPlot` on a matplotlib ``Figure`` (Agg canvas, no pyplot state).

Artist labels are stable so tests can find each one: ``"<label> (smoothed)"`` and
``"_raw <label>"`` for a dense curve, ``"<label>"`` for a sparse one, the band's own label for
its shaded range, ``"_non-finite <label>"`` for NaN/inf marks.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from curvelint.report.escape import matplotlib_text
from curvelint.report.figure_pool import POOL
from curvelint.report.layout import place_axes
from curvelint.report.overlay_model import OverlayPanel, OverlayPlot, PlotLine
from curvelint.report.plots import (
    DPI,
    WIDTH_INCHES,
    group_x_ticks,
    mark_non_finite,
    place_legends,
    png_bytes,
    set_y_scale,
)

FloatArray = npt.NDArray[np.float64]
HEIGHT_INCHES = 4.8
ROW_HEIGHT_INCHES = 3.6
TITLE_LIMIT = 90


def _finite(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values), values, np.nan)


def _draw_line(axes: Axes, line: PlotLine) -> None:
    curve, label = line.curve, matplotlib_text(line.curve.label, 50)
    if line.band is not None:
        axes.fill_between(
            line.band.x,
            _finite(line.band.low),
            _finite(line.band.high),
            color=line.colour,
            alpha=0.18,
            linewidth=0,
            label=matplotlib_text(line.band.label, 60),
        )
    colour, dashes = line.colour, line.line_style
    if curve.style == "dense":
        axes.plot(
            curve.x,
            _finite(curve.y),
            alpha=0.22,
            linewidth=0.8,
            label=f"_raw {label}",
            color=colour,
            linestyle=dashes,
        )
        axes.plot(
            curve.smoothed_x,
            curve.smoothed_y,
            linewidth=2.2,
            label=f"{label} (smoothed)",
            color=colour,
            linestyle=dashes,
        )
    else:
        axes.plot(
            curve.x,
            _finite(curve.y),
            linewidth=1.6,
            marker="o",
            markersize=3.5,
            label=label,
            color=colour,
            linestyle=dashes,
        )
    if len(curve.non_finite_x):
        mark_non_finite(axes, curve.non_finite_x, f"_non-finite {label}")


def draw_panel(axes: Axes, panel: OverlayPanel, *, titled: bool) -> None:
    """Bands behind, curves in front, a legend naming everything drawn."""
    for line in panel.lines:
        _draw_line(axes, line)
    set_y_scale(axes, panel.log_y, panel.y_limits, panel.off_scale)
    if titled:
        axes.set_title(matplotlib_text(panel.title, 60), fontsize=11, loc="left")
    axes.set_ylabel(matplotlib_text(panel.y_label.replace("_", " "), 40))
    axes.grid(True, alpha=0.3, linewidth=0.6)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=7.5, loc="upper right", framealpha=0.8)


def _shape(plot: OverlayPlot) -> tuple[str, int, int, int]:
    """What a figure for ``plot`` is made of: rows, columns, panels (named apart from the
    per-run plots' shapes, whose figures are of other heights and share x)."""
    return "overlay", math.ceil(len(plot.panels) / plot.columns), plot.columns, len(plot.panels)


def _new_figure(rows: int, columns: int) -> tuple[Figure, np.ndarray]:
    height = HEIGHT_INCHES if rows == 1 else ROW_HEIGHT_INCHES * rows + 0.6
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure, figure.subplots(rows, columns, squeeze=False)


def _draw_on(figure: Figure, grid: np.ndarray, plot: OverlayPlot) -> None:
    """Every panel of ``plot`` on a figure made by :func:`_new_figure` for its shape."""
    for axes, panel in zip(grid.flat, plot.panels, strict=False):
        draw_panel(axes, panel, titled=len(plot.panels) > 1)
    for axes in list(grid.flat)[len(plot.panels) :]:
        axes.set_visible(False)
    for axes in grid[-1]:
        axes.set_xlabel(matplotlib_text(plot.x_label))
    for axes in grid.flat:
        group_x_ticks(axes)
    title = figure.suptitle(
        matplotlib_text(plot.title, TITLE_LIMIT), fontsize=13, fontweight="bold"
    )
    place_axes(figure, grid, title)
    place_legends(figure, grid, title)


def draw(plot: OverlayPlot) -> Figure:
    """A new Figure on its own Agg canvas holding every panel of ``plot``."""
    _, rows, columns, _ = _shape(plot)
    figure, grid = _new_figure(rows, columns)
    _draw_on(figure, grid, plot)
    return figure


def render_png(plot: OverlayPlot) -> bytes:
    """Draw and encode one plot (indexed colour, no software version: same data, same bytes),
    on a figure of its shape kept from an earlier overlay when there is one
    (:mod:`curvelint.report.figure_pool`): the same bytes as on a new figure."""
    shape = _shape(plot)
    _, rows, columns, _ = shape
    with POOL.borrowed(shape, lambda: _new_figure(rows, columns)) as (figure, grid):
        _draw_on(figure, grid, plot)
        return png_bytes(figure)
