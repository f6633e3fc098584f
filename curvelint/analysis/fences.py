"""Fences that keep a run's last explosion from dictating the trend and the change-points.

A loss that explodes by five orders of magnitude before turning NaN would otherwise make the
fitted curve, the range and the penalty all about those last points. Values are clipped to a
fence wide enough for everything a healthy run does: far beyond the interquartile range, and
beyond the range of the run's first points by as much again as they differ from the median,
so a steep early decay or a huge first loss is never clipped. Events and best values still
read the raw values; only trend fitting and segmentation see the fenced ones.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_EARLY_SHARE = 0.1


def fence(values: FloatArray, iqr_multiple: float) -> tuple[float, float]:
    """``(low, high)`` bounds for finite ``values``."""
    q1, median, q3 = (float(q) for q in np.quantile(values, [0.25, 0.5, 0.75]))
    spread = iqr_multiple * (q3 - q1)
    early = values[: max(3, math.ceil(_EARLY_SHARE * len(values)))]
    early_low, early_high = float(early.min()), float(early.max())
    low = min(q1 - spread, early_low - max(0.0, median - early_low))
    high = max(q3 + spread, early_high + max(0.0, early_high - median))
    return low, high


def clip_to_fence(values: FloatArray, iqr_multiple: float) -> FloatArray:
    """``values`` (finite) clipped to :func:`fence`; an empty array stays empty."""
    if len(values) == 0:
        return values
    low, high = fence(values, iqr_multiple)
    return np.clip(values, low, high)
