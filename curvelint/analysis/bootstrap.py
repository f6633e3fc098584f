"""Moving-block residual bootstrap of a curve fit, refitted for all replicates at once.

Each replicate is the fitted curve plus residuals resampled in blocks (so short-range
correlation between neighbouring log points survives). Replicates start from the original
fit and take a few reweighted Gauss-Newton steps with the same soft-L1 weights as the main
fit (:mod:`curvelint.analysis.gauss_newton`), all replicates in one batched solve.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from curvelint.analysis.gauss_newton import gauss_newton
from curvelint.analysis.trend_models import Family

FloatArray = npt.NDArray[np.float64]

_ITERATIONS = 3
_MIN_SAMPLES = 10


def block_resample_indices(
    length: int, samples: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """``(samples, length)`` indices made of consecutive blocks of about ``length ** (1/3)``."""
    block = max(1, round(length ** (1.0 / 3.0)))
    blocks = math.ceil(length / block)
    starts = rng.integers(0, length - block + 1, size=(samples, blocks))
    indices = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(samples, -1)
    return indices[:, :length].astype(np.int64)


def bootstrap_parameters(
    family: Family,
    x: FloatArray,
    y: FloatArray,
    parameters: FloatArray,
    scale: float,
    *,
    samples: int,
    seed: int,
) -> FloatArray | None:
    """``(samples', 2 + k)`` refitted ``[c, a, q...]`` (non-finite replicates dropped), or None."""
    if samples < _MIN_SAMPLES:
        return None
    rng = np.random.default_rng(seed)
    fitted = parameters[0] + parameters[1] * family.basis(x, parameters[None, 2:])[0]
    residuals = y - fitted
    targets = fitted[None, :] + residuals[block_resample_indices(len(y), samples, rng)]
    current = gauss_newton(
        family, x, targets, np.tile(parameters, (samples, 1)), scale, iterations=_ITERATIONS
    )
    finite = np.all(np.isfinite(current), axis=1)
    if int(finite.sum()) < _MIN_SAMPLES:
        return None
    return current[finite]
