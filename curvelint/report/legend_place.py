"""Put each legend where no data lies: a free corner of the axes, else outside on the right.

matplotlib's ``loc="best"`` weighs overlaps and settles for the least bad spot, so a legend
still covers points. Here every candidate position is measured after the layout against the
drawn lines (their segments, not only vertices), markers and texts in display pixels; the
first position that touches none wins. When none is free the legend moves outside the axes and
the layout leaves room for it on the right (:func:`curvelint.report.layout.margins`).
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
PAD_PIXELS = 3.0


def is_outside(legend: Legend | None) -> bool:
    """True when ``legend`` was moved outside its axes (the layout must make room)."""
    return legend is not None and legend.get_gid() == OUTSIDE_GID


def _line_hits(line: Line2D, box: Bbox) -> bool:
    xy = np.asarray(line.get_xydata(), dtype=np.float64)
    if len(xy) == 0 or not line.get_visible():
        return False
    pixels = line.get_transform().transform(xy)
    finite = np.isfinite(pixels).all(axis=1)
    if line.get_marker() not in (None, "None", "", " "):
        x, y = pixels[finite, 0], pixels[finite, 1]
        if np.any((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)):
            return True
    if line.get_linestyle() in ("None", "none", "", " "):
        return False
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
    if any(_line_hits(line, box) for line in axes.get_lines()):
        return True
    texts = [text for text in axes.texts if text.get_visible() and text.get_text()]
    return any(text.get_window_extent(renderer).overlaps(box) for text in texts)


def place_legend(axes: Axes) -> bool:
    """Move the legend of ``axes`` to a free spot; True when it had to go outside just now
    (the layout must make room for it)."""
    legend = axes.get_legend()
    if legend is None or is_outside(legend):
        return False
    for location in CANDIDATES:
        legend.set_loc(location)
        if not covers_data(axes, legend):
            return False
    legend.set_loc("upper left")
    legend.set_bbox_to_anchor((1.01, 1.0), transform=axes.transAxes)
    legend.set_gid(OUTSIDE_GID)
    return True
