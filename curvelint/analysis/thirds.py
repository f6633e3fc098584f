"""How much a curve's last third improved on its middle third, and the middle on the first.

A line through the last fifth of a short or noisy curve (4 points of a 20-epoch run) rarely
clears twice its standard error, though the curve plainly still falls: comparing the means of
whole thirds uses every point, so its error is smaller. Their ratio says whether the fall is
slowing into a plateau (a small share of the middle third's) or still going.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from curvelint.analysis.levels import Curve

MIN_POINTS_PER_THIRD = 2


@dataclass(frozen=True, slots=True)
class ThirdsFall:
    """Means of the middle and last thirds (oriented: lower is better), the falls into the
    middle and into the last third, the standard error of the last fall (Welch), and the fall
    between the two halves of the last third (a drop that ended before the last third, then
    flat, falls into it but not within it)."""

    middle_mean: float
    last_mean: float
    middle_fall: float
    last_fall: float
    error: float
    within_last_fall: float

    @property
    def slowing(self) -> float:
        """The last third's fall as a share of the middle third's (inf when the middle third
        did not fall)."""
        return self.last_fall / self.middle_fall if self.middle_fall > 0 else math.inf


def thirds_fall(curve: Curve) -> ThirdsFall | None:
    """The falls between the thirds of the curve's points (the first third takes what does not
    divide), or None when a third would hold fewer than two points."""
    values = curve.values
    third = len(values) // 3
    if third < MIN_POINTS_PER_THIRD:
        return None
    first = values[: len(values) - 2 * third]
    middle = values[len(values) - 2 * third : len(values) - third]
    last = values[len(values) - third :]
    error = math.sqrt(
        float(np.var(middle, ddof=1)) / len(middle) + float(np.var(last, ddof=1)) / len(last)
    )
    middle_mean, last_mean = float(np.mean(middle)), float(np.mean(last))
    half = len(last) // 2
    return ThirdsFall(
        middle_mean=middle_mean,
        last_mean=last_mean,
        middle_fall=float(np.mean(first)) - middle_mean,
        last_fall=middle_mean - last_mean,
        error=error,
        within_last_fall=float(np.mean(last[:half]) - np.mean(last[half:])),
    )
