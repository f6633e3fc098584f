"""The best point of a curve: the raw extreme (min for lower-is-better, max for higher-is-better),
the value a report's table shows as Best. Where an eval curve turned is measured on its trend
(:func:`curvelint.analysis.levels.find_eval_turn`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def best_index(values: FloatArray, direction: int) -> int | None:
    """Index of the first best finite value, None without a direction or finite values."""
    finite = np.isfinite(values)
    if direction == 0 or not np.any(finite):
        return None
    if direction < 0:
        return int(np.argmin(np.where(finite, values, np.inf)))
    return int(np.argmax(np.where(finite, values, -np.inf)))


def worsening(best: float, other: float, direction: int) -> float:
    """How much worse ``other`` is than ``best`` (positive = worse)."""
    return -direction * (other - best)
