"""Equal-count buckets that shrink long series without hiding what matters.

Trends and change-points read bucket medians (robust to single spikes, which the spike
detector finds on every point anyway); plots read min/max buckets so no excursion vanishes.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def bucket_size(length: int, max_points: int) -> int:
    """The smallest bucket size that brings ``length`` points down to ``max_points`` or fewer."""
    return max(1, math.ceil(length / max(1, max_points)))


def bucket_medians(
    positions: FloatArray, values: FloatArray, size: int
) -> tuple[FloatArray, FloatArray]:
    """Mean position and median value of consecutive buckets of ``size`` finite points."""
    if size <= 1:
        return positions.astype(np.float64), values.astype(np.float64)
    full = len(values) // size * size
    centres = positions[:full].reshape(-1, size).mean(axis=1)
    medians = np.median(values[:full].reshape(-1, size), axis=1)
    if full < len(values):
        centres = np.append(centres, positions[full:].mean())
        medians = np.append(medians, np.median(values[full:]))
    return centres.astype(np.float64), medians.astype(np.float64)


def minmax_buckets(
    steps: IntArray, values: FloatArray, max_points: int
) -> tuple[IntArray, FloatArray]:
    """Down-sample for plotting: per bucket, the points holding its minimum and maximum.

    Non-finite values are kept wherever they occur, so a plot still marks every NaN/inf.
    """
    size = bucket_size(len(values), max(1, max_points // 2))
    if size <= 1:
        return steps, values
    finite = np.isfinite(values)
    padding = -len(values) % size
    low = np.pad(np.where(finite, values, np.inf), (0, padding), constant_values=np.inf)
    high = np.pad(np.where(finite, values, -np.inf), (0, padding), constant_values=-np.inf)
    offsets = np.arange(0, len(low), size)
    keep = np.zeros(len(low), dtype=bool)
    keep[offsets + np.argmin(low.reshape(-1, size), axis=1)] = True
    keep[offsets + np.argmax(high.reshape(-1, size), axis=1)] = True
    keep = keep[: len(values)] | ~finite
    return steps[keep], values[keep]
