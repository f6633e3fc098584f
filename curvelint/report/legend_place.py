"""Put each legend where no data lies: a free corner, else room made above the data, else
outside on the right.

matplotlib's ``loc="best"`` weighs overlaps and settles for the least bad spot, so a legend
still covers points. Here every candidate position is measured after the layout against the
drawn lines (their segments, not only vertices), markers and texts in display pixels; the
first position that touches none wins. When none is free the top of the y axis is raised once
so the legend fits above the data; when it is too tall for that it moves outside the axes and
the layout leaves room for it on the right (:func:`curvelint.report.layout.margins`).
Change-point lines cross the whole height and may be covered.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.transforms import Bbox

Location = Literal[
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "center right",
    "center left",
    "upper center",
    "lower center",
]
CANDIDATES: tuple[Location, ...] = (
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "center right",
    "center left",
    "upper center",
    "lower center",
)
OUTSIDE_GID = "legend-outside"
HEADROOM_GID = "legend-headroom"
MAX_HEADROOM = 0.4  # a legend taller than this share of its axes goes outside instead
MARKS = ("change-point",)  # drawn across the whole height: a legend may cover them
PAD_PIXELS = 3.0


def is_outside(legend: Legend | None) -> bool:
    """True when ``legend`` was moved outside its axes (the layout must make room)."""
    return legend is not None and legend.get_gid() == OUTSIDE_GID


def _reach(line: Line2D, points: float) -> float:
    """Pixels a mark of ``points`` reaches from its centre (a star of 15 pt is 21 px wide)."""
    renderer = line.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return float(np.asarray(renderer.points_to_pixels(points))) / 2.0


def _line_hits(line: Line2D, box: Bbox) -> bool:
    """Whether the drawn line or its markers reach into ``box``: a marker counts by its size,
    not its centre, and a segment by its width."""
    xy = np.asarray(line.get_xydata(), dtype=np.float64)
    if len(xy) == 0 or not line.get_visible():
        return False
    pixels = line.get_transform().transform(xy)
    finite = np.isfinite(pixels).all(axis=1)
    if line.get_marker() not in (None, "None", "", " "):
        marked = box.padded(_reach(line, line.get_markersize() + line.get_markeredgewidth()))
        x, y = pixels[finite, 0], pixels[finite, 1]
        if np.any((x >= marked.x0) & (x <= marked.x1) & (y >= marked.y0) & (y <= marked.y1)):
            return True
    if line.get_linestyle() in ("None", "none", "", " "):
        return False
    box = box.padded(_reach(line, line.get_linewidth()))
    edges = np.flatnonzero(np.diff(np.r_[0, finite.astype(np.int8), 0]))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start >= 2 and Path(pixels[start:stop]).intersects_bbox(box, filled=False):
            return True
        if stop - start == 1 and box.contains(*pixels[start]):
            return True
    return False


def covers_data(axes: Axes, legend: Legend) -> bool:
    """Whether ``legend`` as placed now covers a line, marker or text of ``axes``."""
    renderer = axes.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = legend.get_window_extent(renderer).padded(PAD_PIXELS)
    lines = [line for line in axes.get_lines() if not str(line.get_label()).endswith(MARKS)]
    if any(_line_hits(line, box) for line in lines):
        return True
    texts = [text for text in axes.texts if text.get_visible() and text.get_text()]
    return any(text.get_window_extent(renderer).overlaps(box) for text in texts)


def _free_spot(axes: Axes, legend: Legend, candidates: tuple[Location, ...]) -> bool:
    for location in candidates:
        legend.set_loc(location)
        if not covers_data(axes, legend):
            return True
    return False


def make_headroom(axes: Axes, legend: Legend) -> bool:
    """Raise the top of the y axis so the legend fits above the data; False when the legend
    is too tall for that (over ``MAX_HEADROOM`` of the axes)."""
    renderer = axes.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    share = (legend.get_window_extent(renderer).height + 2 * PAD_PIXELS) / axes.bbox.height
    if share > MAX_HEADROOM:
        return False
    low, high = axes.get_ylim()
    if axes.get_yscale() == "log":
        low_log, high_log = np.log10(low), np.log10(high)
        axes.set_ylim(low, 10 ** (low_log + (high_log - low_log) / (1 - share - 0.04)))
    else:
        axes.set_ylim(low, low + (high - low) / (1 - share - 0.04))
    legend.set_gid(HEADROOM_GID)
    return True


def place_legend(axes: Axes) -> bool:
    """Move the legend of ``axes`` to a free spot (a corner; else raise the y axis' top once
    to make one; else outside). True when the axes changed so that the layout must be done
    again."""
    legend = axes.get_legend()
    if legend is None or is_outside(legend):
        return False
    if _free_spot(axes, legend, CANDIDATES):
        return False
    if legend.get_gid() != HEADROOM_GID and make_headroom(axes, legend):
        _free_spot(axes, legend, ("upper right", "upper left"))
        return True
    legend.set_loc("upper left")
    legend.set_bbox_to_anchor((1.01, 1.0), transform=axes.transAxes)
    legend.set_gid(OUTSIDE_GID)
    return True
