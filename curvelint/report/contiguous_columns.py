"""M4 in linear time when the points arrive column by column (x sorted, as steps are).

The general M4 (:mod:`curvelint.report.pixel_columns`) sorts the points by column and value,
which on a 1M-point curve costs more than drawing it. When x never goes back, each column is
one contiguous stretch of points and the same indices come from one look at each stretch: its
first and last point, the first index of its lowest and of its highest finite value, and, when
it holds non-finite values, the first and last of its finite and of its non-finite points.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def stretch_starts(column: IntArray) -> IntArray | None:
    """Where each column's stretch begins, or None when columns go back somewhere."""
    if not np.all(column[1:] >= column[:-1]):
        return None
    return np.flatnonzero(np.r_[True, column[1:] != column[:-1]])


def _stretch(values: FloatArray, start: int) -> list[int]:
    """The M4 indices of one stretch starting at ``start``."""
    kept = [start, start + len(values) - 1]
    finite = np.isfinite(values)
    if finite.all():
        return [*kept, start + int(np.argmin(values)), start + int(np.argmax(values))]
    inside = np.flatnonzero(finite)
    outside = np.flatnonzero(~finite)
    kept += [start + int(outside[0]), start + int(outside[-1])]
    if len(inside):
        finite_values = values[inside]
        kept += [start + int(inside[0]), start + int(inside[-1])]
        kept += [
            start + int(inside[np.argmin(finite_values)]),
            start + int(inside[np.argmax(finite_values)]),
        ]
    return kept


def m4_of_stretches(y: FloatArray, starts: IntArray) -> IntArray:
    """The indices :func:`curvelint.report.pixel_columns.m4_indices` keeps, column by column
    (a few hundred columns: a loop over them costs less than one sort of the points)."""
    ends = [*starts[1:].tolist(), len(y)]
    kept: list[int] = []
    for start, end in zip(starts.tolist(), ends, strict=True):
        kept += _stretch(y[start:end], start)
    return np.unique(np.asarray(kept, dtype=np.int64))
