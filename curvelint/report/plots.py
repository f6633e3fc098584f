"""Draw a :class:`PlotSpec` on a matplotlib ``Figure`` (Agg canvas, no pyplot state) and PNG it.

The drawing reads the plot model only. Line labels are stable so tests can find each artist:
``"_raw <label>"`` for faint raw points, ``"<label> (smoothed)"``, ``"<label>"`` for a sparse
curve drawn with markers, ``"_best <label>"``, ``"_non-finite <label>"``, ``"_change-point"``.
"""

from __future__ import annotations

import io
import math

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.axes._secondary_axes import SecondaryAxis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter
from PIL import Image

from curvelint.report.colours import OTHER_COLOURS, SPLIT_COLOURS
from curvelint.report.epoch_ticks import epoch_ticks
from curvelint.report.escape import matplotlib_text
from curvelint.report.figure_pool import POOL
from curvelint.report.layout import place_axes
from curvelint.report.legend_place import place_legend
from curvelint.report.model import Curve, EpochScale, Panel, PlotSpec
from curvelint.report.plot_notes import STEPS_ARE_EPOCHS

FloatArray = npt.NDArray[np.float64]

WIDTH_INCHES = 10.0
DPI = 100
LOSS_HEIGHT_INCHES = 4.8
PANEL_HEIGHT_INCHES = 2.9
TITLE_LIMIT = 90
SHARED_X_SHARE = 0.5  # panels share an x axis when each spans half the widest range or more
NON_FINITE_COLOUR = "#b2182b"
SHADE_COLOUR = "#fdae61"
# zlib level 6: a fifth larger files than level 9 with filter search (optimize=True), in a
# third of the encoding time (~13 ms vs ~34 ms a plot).
PNG_COMPRESS_LEVEL = 6


def _colour(curve: Curve, position: int) -> str:
    return SPLIT_COLOURS.get(curve.split, OTHER_COLOURS[position % len(OTHER_COLOURS)])


def _finite_or_nan(values: FloatArray) -> FloatArray:
    return np.where(np.isfinite(values), values, np.nan)


def mark_non_finite(axes: Axes, steps: FloatArray, label: str) -> None:
    """Red crosses along the top edge at the steps whose value was NaN or inf: there is no
    y to put them at, and they are the evidence of a divergence."""
    axes.plot(
        steps,
        np.full(len(steps), 0.97),
        linestyle="none",
        marker="x",
        markersize=8,
        markeredgewidth=2,
        color=NON_FINITE_COLOUR,
        transform=axes.get_xaxis_transform(),
        clip_on=False,
        zorder=6,
        label=label,
    )


def _draw_curve(axes: Axes, curve: Curve, colour: str) -> None:
    label = matplotlib_text(curve.label, 40)
    if curve.style == "dense":
        axes.plot(
            curve.x,
            _finite_or_nan(curve.y),
            color=colour,
            alpha=0.25,
            linewidth=0.8,
            label=f"_raw {label}",
        )
        axes.plot(
            curve.smoothed_x,
            curve.smoothed_y,
            color=colour,
            linewidth=2.2,
            label=f"{label} (smoothed)",
        )
    elif curve.style == "exact":  # a schedule holds its value until the next logged change
        axes.plot(
            curve.x,
            _finite_or_nan(curve.y),
            color=colour,
            linewidth=2.0,
            drawstyle="steps-post",
            label=label,
        )
    else:
        axes.plot(
            curve.x,
            _finite_or_nan(curve.y),
            color=colour,
            linewidth=1.4,
            marker="o",
            markersize=4,
            label=label,
        )
    if curve.best is not None:
        x, y, _ = curve.best
        axes.plot(
            [x],
            [y],
            linestyle="none",
            marker="*",
            markersize=15,
            color=colour,
            markeredgecolor="black",
            markeredgewidth=0.8,
            zorder=5,
            label=matplotlib_text(curve.best_label or f"best {label}", 80),
        )
    if len(curve.non_finite_x):
        count = curve.non_finite_count or len(curve.non_finite_x)
        mark_non_finite(axes, curve.non_finite_x, f"NaN/inf in {label} ({count:,})")


def _draw_marks(axes: Axes, panel: Panel) -> None:
    for index, x in enumerate(panel.changepoints):
        axes.axvline(
            x,
            color="0.35",
            linewidth=0.8,
            linestyle=":",
            label="change-point" if index == 0 else "_change-point",
        )
    for shade in panel.shades:
        axes.axvspan(
            shade.start,
            shade.end,
            color=SHADE_COLOUR,
            alpha=0.22,
            linewidth=0,
            label=matplotlib_text(shade.label, 60),
        )


def grouped_tick(value: float, _position: int | None = None) -> str:
    """An x tick in the reports' number style: ``20,000`` (thousands separators), ``0.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def group_x_ticks(axes: Axes) -> None:
    """Step ticks with thousands separators, as every text of the report writes steps."""
    axes.xaxis.set_major_formatter(FuncFormatter(grouped_tick))


def draw_panel(axes: Axes, panel: Panel, *, titled: bool = True) -> None:
    """One panel: marks behind, curves in front, a legend that names everything drawn."""
    _draw_marks(axes, panel)
    for position, curve in enumerate(panel.curves):
        _draw_curve(axes, curve, _colour(curve, position))
    set_y_scale(axes, panel.log_y, panel.y_limits, panel.off_scale)
    if panel.note:
        axes.text(
            0.5,
            0.5,
            matplotlib_text(panel.note),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=12,
            color=NON_FINITE_COLOUR,
        )
        axes.set_yticks([])
    if titled:
        axes.set_title(matplotlib_text(panel.title.replace("_", " "), 60), fontsize=11, loc="left")
    if panel.scale_note:
        axes.set_title(matplotlib_text(panel.scale_note), fontsize=8.5, loc="right", color="0.3")
    axes.set_ylabel(matplotlib_text(panel.y_label.replace("_", " "), 40))
    group_x_ticks(axes)
    axes.grid(True, alpha=0.3, linewidth=0.6)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=8.5, loc="upper right", framealpha=0.85)


def epoch_axis(axes: Axes, scale: EpochScale) -> SecondaryAxis:
    """An epoch axis along the top whose ticks sit at the steps where the log says that epoch
    (no extrapolated or clamped mapping: each tick is placed from the logged pairs)."""
    ticks = epoch_ticks(scale.steps, scale.epochs)
    secondary = axes.secondary_xaxis("top")
    secondary.set_xticks(list(ticks.steps), list(ticks.labels))
    label = "epoch"
    if ticks.restarts:
        shown = ", ".join(f"{step:,}" for step in ticks.restarts[:3])
        label = f"epoch as logged (restarts at step {shown})"
    secondary.set_xlabel(label, fontsize=9)
    secondary.tick_params(labelsize=8.5)
    return secondary


def shares_x(panels: tuple[Panel, ...]) -> bool:
    """Whether the panels can share one x axis: their x ranges are alike (a panel logged per
    epoch is not squeezed into a corner of a panel logged per step)."""
    spans = []
    for panel in panels:
        xs = [c.x[np.isfinite(c.x)] for c in panel.curves if len(c.x)]
        if xs:
            joined = np.concatenate(xs)
            spans.append((float(joined.min()), float(joined.max())))
    if len({panel.x_label for panel in panels}) > 1:
        return False  # a per-epoch panel beside per-iteration ones: each its own unit
    if len(spans) < 2:
        return True
    lows, highs = zip(*spans, strict=True)
    widest = max(highs) - min(lows)
    return widest <= 0 or all((high - low) >= SHARED_X_SHARE * widest for low, high in spans)


def in_steps(panel: Panel, scale: EpochScale) -> bool:
    """Whether the panel's x values live on the steps of the epoch scale (a panel logged per
    epoch, on its own x axis, gets no second epoch axis)."""
    highest = max((float(np.nanmax(c.x)) for c in panel.curves if len(c.x)), default=0.0)
    return highest >= 0.5 * float(scale.steps[-1])


def _lowest_visible(grid: np.ndarray) -> list[Axes]:
    """The lowest drawn axes of each column: where a shared x axis shows its labels."""
    lowest = []
    for column in grid.T:
        shown = [axes for axes in column if axes.get_visible()]
        if shown:
            lowest.append(shown[-1])
    return lowest


def place_legends(figure: Figure, grid: np.ndarray, title: Text) -> None:
    """Legends off the data: a free corner, else outside on the right (then lay out again,
    and look again: the axes moved). A legend only ever moves out, so this ends."""
    for _ in range(grid.size + 1):
        moved_out = [place_legend(axes) for axes in grid.flat if axes.get_visible()]
        if not any(moved_out):
            return
        place_axes(figure, grid, title)


def _shape(spec: PlotSpec) -> tuple[int, int, int, bool]:
    """What a figure for ``spec`` is made of: rows, columns, panels, a shared x axis."""
    rows = math.ceil(len(spec.panels) / spec.columns)
    return rows, spec.columns, len(spec.panels), shares_x(spec.panels)


def _new_figure(rows: int, columns: int, shared: bool) -> tuple[Figure, np.ndarray]:
    height = LOSS_HEIGHT_INCHES if rows == 1 else PANEL_HEIGHT_INCHES * rows + 0.6
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    grid = figure.subplots(rows, columns, squeeze=False, sharex=shared)
    return figure, grid


def _draw_on(figure: Figure, grid: np.ndarray, spec: PlotSpec, shared: bool) -> None:
    """Every panel of ``spec`` on a figure made by :func:`_new_figure` for its shape."""
    for axes, panel in zip(grid.flat, spec.panels, strict=False):
        draw_panel(axes, panel, titled=len(spec.panels) > 1)
    for axes in list(grid.flat)[len(spec.panels) :]:
        axes.set_visible(False)
    labels = {
        axes: panel.x_label or spec.x_label
        for axes, panel in zip(grid.flat, spec.panels, strict=False)
    }
    for axes in _lowest_visible(grid) if shared else grid.flat:
        axes.xaxis.set_tick_params(labelbottom=True)
        axes.set_xlabel(matplotlib_text(labels.get(axes, spec.x_label)))
    if spec.epoch_scale is not None:
        for axes, panel in zip(grid[0] if shared else grid.flat, spec.panels, strict=False):
            counts_epochs = panel.x_label == STEPS_ARE_EPOCHS
            if not counts_epochs and (shared or in_steps(panel, spec.epoch_scale)):
                epoch_axis(axes, spec.epoch_scale)
    title = figure.suptitle(
        matplotlib_text(spec.title, TITLE_LIMIT), fontsize=13, fontweight="bold"
    )
    place_axes(figure, grid, title)
    place_legends(figure, grid, title)


def draw(spec: PlotSpec) -> Figure:
    """A new Figure (on its own Agg canvas) holding every panel of ``spec``."""
    rows, columns, _, shared = _shape(spec)
    figure, grid = _new_figure(rows, columns, shared)
    _draw_on(figure, grid, spec, shared)
    return figure


def _pixels(figure: Figure) -> Image.Image:
    """The figure rendered at :data:`DPI`, as an RGBA image, in one ``canvas.draw()``
    (``savefig`` would encode a PNG that is decoded again here to quantise it)."""
    if figure.dpi != DPI:
        figure.dpi = DPI
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    return Image.frombuffer("RGBA", canvas.get_width_height(), pixels, "raw", "RGBA", 0, 1)


def png_bytes(figure: Figure) -> bytes:
    """The figure as an indexed-colour PNG: a plot has few colours, and 256 of them keep it
    sharp at a quarter of the size of full colour (well under GitHub-friendly 200 KB). No
    software version is written, so the same figure always gives the same bytes."""
    with _pixels(figure) as full_colour:
        indexed = full_colour.convert("RGB").quantize(
            colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    output = io.BytesIO()
    indexed.save(output, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return output.getvalue()


def render_png(spec: PlotSpec) -> bytes:
    """Draw and encode one plot, on a figure of its shape kept from an earlier plot when there
    is one (:mod:`curvelint.report.figure_pool`): the same bytes as on a new figure."""
    shape = _shape(spec)
    rows, columns, _, shared = shape
    with POOL.borrowed(shape, lambda: _new_figure(rows, columns, shared)) as (figure, grid):
        _draw_on(figure, grid, spec, shared)
        return png_bytes(figure)


def set_y_scale(
    axes: Axes, log_y: bool, y_limits: tuple[float, float] | None, off_scale: str | None
) -> None:
    """The panel's y scale and limits, and a note in its corner when a point lies off it."""
    if log_y:
        axes.set_yscale("log")
    if y_limits is not None:
        axes.set_ylim(*y_limits)
    if off_scale:
        axes.text(
            0.01,
            0.98,
            "↑ " + matplotlib_text(off_scale),
            transform=axes.transAxes,
            ha="left",
            va="top",
            fontsize=8.5,
            color="0.3",
        )
