"""Robust noise level of a curve from its point-to-point differences.

Differences cancel any smooth trend, and the median absolute deviation ignores the few large
differences at jumps and spikes, so the estimate needs no fitted model and cannot be inflated
by the very events it is used to judge. For white noise of deviation s, differences have
deviation s * sqrt(2).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import Noise

FloatArray = npt.NDArray[np.float64]

MAD_TO_DEVIATION = 1.4826  # 1 / Phi^-1(3/4): MAD of a normal sample -> its standard deviation
MEAN_ABSOLUTE_TO_DEVIATION = math.sqrt(math.pi / 2.0)


def noise_level(values: FloatArray) -> float:
    """Robust standard deviation of point noise in finite ``values`` (0 for fewer than 3)."""
    finite = values[np.isfinite(values)]
    if len(finite) < 3:
        return 0.0
    differences = np.diff(finite)
    centred = np.abs(differences - np.median(differences))
    spread = MAD_TO_DEVIATION * float(np.median(centred))
    if spread == 0.0:  # quantised values (accuracy to 2 decimals): most differences are 0
        spread = MEAN_ABSOLUTE_TO_DEVIATION * float(np.mean(centred))
    return spread / math.sqrt(2.0)


def final_level(values: FloatArray, share: float = 0.1) -> float | None:
    """Median of the last ``share`` of the finite values (at least 3 of them)."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return None
    count = max(3, math.ceil(share * len(finite)))
    return float(np.median(finite[-count:]))


def describe_noise(values: FloatArray) -> Noise | None:
    """The noise level, absolute and relative to where the curve ended."""
    finite = values[np.isfinite(values)]
    if len(finite) < 3:
        return None
    absolute = noise_level(finite)
    level = final_level(finite)
    if level is None:
        return None
    relative = absolute / abs(level) if level != 0.0 else None
    return Noise(absolute=absolute, relative=relative, level=level)
