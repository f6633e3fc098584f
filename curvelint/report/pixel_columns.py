"""Never draw more points than the plot has pixel columns: M4 per column.

A line through 200,000 points on 900 pixels paints each column from its first point to its
last, through its lowest and highest: keeping exactly those four points per column (M4,
Jugel et al., VLDB 2014) draws the same pixels in a fraction of the time, so every spike stays.
A column holding a NaN or inf also keeps its first and last non-finite point, so a line still
breaks where the log has no value; markers for non-finite points keep one per column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from curvelint.report.contiguous_columns import m4_of_stretches, stretch_starts

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

POINTS_PER_COLUMN = 4


def column_of(x: FloatArray, columns: int) -> IntArray:
    """The pixel column (0 … columns − 1) of each x, over the finite range of ``x``."""
    finite = x[np.isfinite(x)]
    if len(finite) == 0:
        return np.zeros(len(x), dtype=np.int64)
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        return np.zeros(len(x), dtype=np.int64)
    position = np.nan_to_num((x - low) / (high - low) * columns, nan=0.0)
    return np.clip(position.astype(np.int64), 0, columns - 1)


def _firsts(groups: IntArray, items: IntArray, key: npt.NDArray[Any] | None = None) -> IntArray:
    """The first item of each group, after sorting by group, then by ``key`` if given."""
    order = np.lexsort((key, groups)) if key is not None else np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return items[order][starts]


def m4_indices(x: FloatArray, y: FloatArray, columns: int) -> IntArray:
    """Indices of the points to draw: per pixel column the first and last point, the lowest
    and highest finite one, and the first and last of its finite and of its non-finite points
    (where a gap starts and ends). All indices when there are few."""
    count = len(x)
    if count <= POINTS_PER_COLUMN * columns:
        return np.arange(count, dtype=np.int64)
    column = column_of(x, columns)
    starts = stretch_starts(column)
    if starts is not None:  # x sorted, as steps are: the same indices in linear time
        return m4_of_stretches(y, starts)
    index = np.arange(count, dtype=np.int64)
    finite = np.isfinite(y)
    keep = [_firsts(column, index, index), _firsts(column, index, -index)]
    chosen, groups, values = index[finite], column[finite], y[finite]
    if len(chosen):
        keep += [_firsts(groups, chosen, values), _firsts(groups, chosen, -values)]
    for part in (finite, ~finite):  # the line's ends (or its gap's) within the column
        chosen, groups = index[part], column[part]
        if len(chosen):
            keep += [_firsts(groups, chosen, chosen), _firsts(groups, chosen, -chosen)]
    return np.unique(np.concatenate(keep))


def one_per_column(x: FloatArray, columns: int) -> FloatArray:
    """The first x of each pixel column: markers that would sit on top of each other."""
    if len(x) <= columns:
        return x
    column = column_of(x, columns)
    return x[_firsts(column, np.arange(len(x), dtype=np.int64))]


def band_envelope(
    x: FloatArray, low: FloatArray, high: FloatArray, columns: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """A shaded band (``low`` to ``high`` at each ``x``) reduced to its envelope per pixel
    column: the column's lowest ``low`` and highest ``high`` (NaN ignored, a column of only NaN
    stays a gap), at its first and its last x, so the band still spans each column it covers
    and no seed's extreme is lost. All points when there are few."""
    if len(x) <= 2 * columns:
        return x, low, high
    column = column_of(x, columns)
    starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
    ends = np.r_[starts[1:], len(x)] - 1
    with np.errstate(invalid="ignore"):  # fmin/fmax of only NaN is NaN: a gap, as drawn
        lowest = np.fmin.reduceat(low, starts)
        highest = np.fmax.reduceat(high, starts)
    edges = np.column_stack([starts, ends]).ravel()
    return x[edges], np.repeat(lowest, 2), np.repeat(highest, 2)
