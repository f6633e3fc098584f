"""Place a figure's axes by measuring only what sits in their margins.

matplotlib's constrained layout finds the margins by measuring every artist of every axes,
and each tick label is then laid out again to be drawn: half the time of a plot, and plots
were most of the time of ``curvelint analyze``. The margins of curvelint's figures hold a
known set of texts: the y tick labels and the y label on the left, the x tick labels and the
x label below, an offset text ("1e−5"), a panel title and a secondary (epoch) axis above,
the figure title at the top. This module measures just those with the figure's renderer and
places each axes with ``set_position``; the figure title goes at the top edge. Tests check,
on every kind of plot, that no text leaves the figure or runs into another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import cbook
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter

from curvelint.report.legend_place import is_outside

EDGE_POINTS = 5.0  # free space at the figure's edges and between neighbouring panels
TITLE_PAD_POINTS = 6.0  # matplotlib's axes.titlepad
MIN_TITLE_POINTS = 7.0
MIN_AXES_SHARE = 0.25  # an axes never shrinks below this share of its slot


@dataclass(frozen=True)
class Margins:
    """Room (pixels) one axes needs around it for its texts."""

    left: float
    right: float
    top: float
    bottom: float


def _points(renderer: RendererBase, points: float) -> float:
    return float(np.asarray(renderer.points_to_pixels(points)))


_measured: dict[tuple[str, str, float], tuple[float, float]] = {}
_MEASURED_LIMIT = 4096  # tick labels repeat from plot to plot: keep their sizes


def _text_size(renderer: RendererBase, text: str, font: FontProperties) -> tuple[float, float]:
    """(width, height) in pixels of one line of text, mathtext included."""
    key = (text, str(font.get_fontconfig_pattern()), _points(renderer, 1.0))
    found = _measured.get(key)
    if found is None:
        width, height, _ = renderer.get_text_width_height_descent(
            text, font, ismath=cbook.is_math_text(text)
        )
        if len(_measured) >= _MEASURED_LIMIT:
            _measured.clear()
        found = _measured[key] = (float(width), float(height))
    return found


def _extent(renderer: RendererBase, text: Text) -> tuple[float, float]:
    """(width, height) in pixels of a visible text artist, rotation included; else zeros."""
    if not text.get_visible() or not text.get_text():
        return 0.0, 0.0
    box = text.get_window_extent(renderer)
    return float(box.width), float(box.height)


def _tick_label_font(axis: Axis) -> FontProperties:
    return axis.get_major_ticks(1)[0].label1.get_fontproperties()


def _tick_size(axis: Axis) -> float:
    """How far the tick labels sit from the frame, in points: tick length outside plus pad."""
    tick = axis.get_major_ticks(1)[0]
    pad: float = tick.get_pad()  # type: ignore[func-returns-value,assignment]  # stubs: None
    return float(tick.get_tick_padding()) + pad


def tick_labels(axis: Axis) -> list[str]:
    """The texts the axis will draw as tick labels (major and minor) for its current limits."""
    low, high = sorted(float(value) for value in axis.get_view_interval())
    tolerance = 1e-10 * (high - low)  # as matplotlib decides which ticks to draw
    labels: list[str] = []
    for locator, formatter in (
        (axis.get_major_locator(), axis.get_major_formatter()),
        (axis.get_minor_locator(), axis.get_minor_formatter()),
    ):
        locations = [
            value
            for value in np.asarray(locator(), dtype=np.float64)
            if low - tolerance <= value <= high + tolerance
        ]
        labels.extend(text for text in formatter.format_ticks(locations) if text)
    return labels


def offset_into_label(axis: Axis) -> None:
    """Move the axis' offset text ("1e−7", "+1e3") into its label: where matplotlib puts it,
    above the y axis, it would run into the epoch axis and the panel title."""
    formatter = axis.get_major_formatter()
    if not isinstance(formatter, ScalarFormatter) or not axis.get_offset_text().get_visible():
        return
    tick_labels(axis)  # formats the ticks for the current limits, which sets the offset
    offset = formatter.get_offset()
    if not offset:
        return
    shown = f"×{offset}" if formatter.offset == 0 else offset
    label = axis.label.get_text()
    axis.set_label_text(f"{label} ({shown})" if label else shown)
    axis.get_offset_text().set_visible(False)


def _titles(axes: Axes) -> list[Text]:
    """The axes' title texts (left, centre, right): its text children that are not user texts."""
    own = set(map(id, axes.texts))
    return [
        child
        for child in axes.get_children()
        if isinstance(child, Text) and id(child) not in own and child.get_text()
    ]


def _labels_shown(axis: Axis, side: str) -> bool:
    return bool(axis.get_tick_params().get(f"label{side}", side in ("bottom", "left")))


def _line_height(renderer: RendererBase, font: FontProperties) -> float:
    return _text_size(renderer, "0123456789", font)[1]


def _secondary_height(renderer: RendererBase, axes: Axes) -> float:
    """Room for the child axes drawn above ``axes`` (the epoch axis): ticks, labels, title."""
    height = 0.0
    for child in axes.child_axes:
        if not child.get_visible():
            continue
        axis = child.xaxis
        height += _points(renderer, _tick_size(axis))
        height += _line_height(renderer, _tick_label_font(axis))
        if axis.label.get_text():
            height += _points(renderer, float(axis.labelpad))
            height += _extent(renderer, axis.label)[1]
    return height


def margins(renderer: RendererBase, axes: Axes) -> Margins:
    """The room ``axes`` needs on each side for its tick labels, labels, titles and offsets."""
    gap = _points(renderer, EDGE_POINTS)
    left = right = top = bottom = gap
    y_axis, x_axis = axes.yaxis, axes.xaxis
    y_labels = tick_labels(y_axis) if _labels_shown(y_axis, "left") else []
    if y_labels:
        font = _tick_label_font(y_axis)
        left += max(_text_size(renderer, text, font)[0] for text in y_labels)
        left += _points(renderer, _tick_size(y_axis))
        top += _line_height(renderer, font) / 2  # the top label reaches above the frame
    if y_axis.label.get_text():
        left += _points(renderer, float(y_axis.labelpad)) + _extent(renderer, y_axis.label)[0]
    x_labels = tick_labels(x_axis) if _labels_shown(x_axis, "bottom") else []
    if x_labels:
        font = _tick_label_font(x_axis)
        bottom += _line_height(renderer, font) + _points(renderer, _tick_size(x_axis))
        right += max(_text_size(renderer, text, font)[0] for text in x_labels[-2:]) / 2
    if x_axis.label.get_text() and _labels_shown(x_axis, "bottom"):
        bottom += _points(renderer, float(x_axis.labelpad)) + _extent(renderer, x_axis.label)[1]
    titles = [_extent(renderer, title)[1] for title in _titles(axes)]
    if titles:
        top += max(titles) + _points(renderer, TITLE_PAD_POINTS)
    top += _secondary_height(renderer, axes)
    legend = axes.get_legend()
    if is_outside(legend):
        right += legend.get_window_extent(renderer).width + gap  # type: ignore[union-attr]
    return Margins(left, right, top, bottom)


def fit_width(renderer: RendererBase, text: Text, room: float) -> None:
    """Shrink ``text``'s font until it fits ``room`` pixels (a long run name in a figure
    title would otherwise be cut at both edges); never below ``MIN_TITLE_POINTS``."""
    width = _extent(renderer, text)[0]
    size = float(text.get_fontsize())
    if width > room > 0:
        text.set_fontsize(max(MIN_TITLE_POINTS, size * room / width))


def _spans(total: float, before: Sequence[float], after: Sequence[float]) -> tuple[float, float]:
    """(size of each slot, scale of the margins) so that margins and slots fill ``total``."""
    count = len(before)
    room = sum(before) + sum(after)
    size = (total - room) / count
    least = MIN_AXES_SHARE * total / count
    if size >= least:
        return size, 1.0
    return least, max(0.0, (total - least * count) / room) if room else 1.0


def _largest(values: Iterable[float]) -> float:
    return max(values, default=0.0)


def place_axes(figure: Figure, grid: np.ndarray, title: Text | None = None) -> None:
    """Position every visible axes of ``grid`` (rows × columns) and the figure ``title``."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = float(figure.bbox.width), float(figure.bbox.height)
    rows, columns = grid.shape
    for axes in grid.flat:
        if axes.get_visible():
            offset_into_label(axes.xaxis)
            offset_into_label(axes.yaxis)
    found = {
        (row, column): margins(renderer, grid[row, column])
        for row in range(rows)
        for column in range(columns)
        if grid[row, column].get_visible()
    }
    lefts = [_largest(m.left for (_, c), m in found.items() if c == j) for j in range(columns)]
    rights = [_largest(m.right for (_, c), m in found.items() if c == j) for j in range(columns)]
    tops = [_largest(m.top for (r, _), m in found.items() if r == i) for i in range(rows)]
    bottoms = [_largest(m.bottom for (r, _), m in found.items() if r == i) for i in range(rows)]
    if title is not None and title.get_text():
        fit_width(renderer, title, width - 2 * _points(renderer, EDGE_POINTS))
        gap = _points(renderer, EDGE_POINTS)
        title.set_y(1.0 - gap / height)
        title.set_verticalalignment("top")
        tops[0] += _extent(renderer, title)[1] + gap
    slot_width, x_scale = _spans(width, lefts, rights)
    slot_height, y_scale = _spans(height, tops, bottoms)
    for (row, column), _ in found.items():
        x0 = x_scale * (sum(lefts[: column + 1]) + sum(rights[:column])) + column * slot_width
        from_top = y_scale * (sum(tops[: row + 1]) + sum(bottoms[:row])) + row * slot_height
        y0 = height - from_top - slot_height
        grid[row, column].set_position(
            (x0 / width, y0 / height, slot_width / width, slot_height / height)
        )
