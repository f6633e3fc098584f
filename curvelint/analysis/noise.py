"""The one noise estimate: the robust deviation of single points around a smooth curve.

Every rule, change-point penalty, spike test and comparison margin reads this estimate, so
"how is noise measured?" has one answer: from **second differences** ``x[i+1] - 2 x[i] + x[i-1]``
of the finite values, whose median absolute deviation ignores the few large ones at jumps and
spikes. Second differences cancel any straight stretch, so a short steep curve (a 7-epoch
validation loss falling 0.04 per epoch) is not mistaken for noise, as first differences would
be; for white noise of deviation s they have deviation s * sqrt(6). Below 5 points there are
too few second differences and first differences (deviation s * sqrt(2)) are used.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import Noise

FloatArray = npt.NDArray[np.float64]

MAD_TO_DEVIATION = 1.4826  # 1 / Phi^-1(3/4): MAD of a normal sample -> its standard deviation
MEAN_ABSOLUTE_TO_DEVIATION = math.sqrt(math.pi / 2.0)


SECOND_DIFFERENCE_VARIANCE = 6.0  # var(x[i+1] - 2 x[i] + x[i-1]) = 6 var(x) for white noise
FIRST_DIFFERENCE_VARIANCE = 2.0
MIN_SECOND_DIFFERENCE_POINTS = 5


def noise_level(values: FloatArray) -> float:
    """Robust standard deviation of point noise in finite ``values`` (0 for fewer than 3)."""
    finite = values[np.isfinite(values)]
    if len(finite) < 3:
        return 0.0
    if len(finite) < MIN_SECOND_DIFFERENCE_POINTS:
        return _robust_spread(np.diff(finite)) / math.sqrt(FIRST_DIFFERENCE_VARIANCE)
    return _robust_spread(np.diff(finite, 2)) / math.sqrt(SECOND_DIFFERENCE_VARIANCE)


def _robust_spread(differences: FloatArray) -> float:
    """The deviation of ``differences`` from their MAD; from their mean absolute deviation when
    the values are quantised (an accuracy to 2 decimals: most differences are exactly 0)."""
    centred = np.abs(differences - np.median(differences))
    spread = MAD_TO_DEVIATION * float(np.median(centred))
    if spread == 0.0:
        spread = MEAN_ABSOLUTE_TO_DEVIATION * float(np.mean(centred))
    return spread


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
