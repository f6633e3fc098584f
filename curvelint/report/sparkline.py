"""A one-line text picture of a curve (▇▆▄▃▂▂▁▁) for tables that must read without images.

The step range is cut into equal-width buckets and each bucket shows the mean of its finite
values on eight levels; values spanning two decades or more are placed on a log scale so the
tail of a loss is not flattened into one level; values spanning under 2 % of their level sit
on one level, as the plots draw them flat, so a −0.05 % change does not read as a fall. A
bucket holding a NaN or ±inf shows ``×``.

Every sparkline has the same width, so the index's and the terminal's columns line up and a
run of 5 epochs is drawn across the same width as a run of 100,000 steps: a bucket that holds
no point repeats the one before it (the curve holds its last logged value).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

LEVELS = "▁▂▃▄▅▆▇█"
NON_FINITE = "×"
EMPTY = " "  # what the line was before its first point (never shown: bucket 0 holds one)
WIDTH = 12  # characters: the index row keeps room for a reason, and the shape still reads
LOG_SPAN = 100.0
FLAT_SHARE = 0.02  # values spanning under 2 % of their level draw as a flat line, as the plots


def sparkline(steps: npt.ArrayLike, values: npt.ArrayLike, width: int = WIDTH) -> str:
    """``width`` characters, one per equal share of the step range, whatever the number of
    points (none: an empty string)."""
    x = np.asarray(steps, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if len(y) == 0:
        return ""
    width = max(1, width)
    buckets = _bucket_of(x, width)
    finite = np.isfinite(y)
    levels = _levels(y[finite])
    characters: list[str] = []
    for bucket in range(width):
        inside = buckets == bucket
        if np.any(inside & ~finite):
            characters.append(NON_FINITE)
        elif np.any(inside):
            characters.append(LEVELS[round(float(np.mean(levels[inside[finite]])))])
        else:  # no point logged in this share of the steps: the curve holds its last value
            characters.append(characters[-1] if characters else EMPTY)
    return "".join(characters)


def _bucket_of(steps: npt.NDArray[np.float64], width: int) -> npt.NDArray[np.int64]:
    low, high = float(steps.min()), float(steps.max())
    if high <= low:  # one step (or none known): the points share the width in their order
        return np.minimum(np.arange(len(steps)) * width // len(steps), width - 1).astype(np.int64)
    position = (steps - low) / (high - low) * width
    return np.minimum(position.astype(np.int64), width - 1)


def _levels(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each finite value's level, 0 to 7, linear or logarithmic."""
    if len(values) == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if low > 0 and high / low >= LOG_SPAN:
        values, low, high = np.log10(values), math.log10(low), math.log10(high)
    if high <= low or (high - low) < FLAT_SHARE * max(abs(low), abs(high)):
        return np.full(len(values), (len(LEVELS) - 1) / 2.0)
    return (values - low) / (high - low) * (len(LEVELS) - 1)
