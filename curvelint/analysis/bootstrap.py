"""Moving-block residual bootstrap of a curve fit, refitted for all replicates at once.

Each replicate is the fitted curve plus residuals resampled in blocks (so short-range
correlation between neighbouring log points survives). Replicates start from the original
fit and take a few reweighted Gauss-Newton steps with the same soft-L1 weights as the main
fit; the normal equations of all replicates are solved in one batched call.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

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
    current = np.tile(parameters, (samples, 1))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(_ITERATIONS):
            current = _gauss_newton_step(family, x, targets, current, scale)
    finite = np.all(np.isfinite(current), axis=1)
    if int(finite.sum()) < _MIN_SAMPLES:
        return None
    return current[finite]


def _gauss_newton_step(
    family: Family, x: FloatArray, targets: FloatArray, current: FloatArray, scale: float
) -> FloatArray:
    shape_parameters = current[:, 2:]
    shapes, gradient = family.gradient(x, shape_parameters)
    gradient = gradient * current[:, 1, None, None]
    jacobian = np.concatenate([np.ones_like(shapes)[:, None, :], shapes[:, None, :], gradient], 1)
    residuals = targets - (current[:, 0:1] + current[:, 1:2] * shapes)
    weights = 1.0 / np.sqrt(1.0 + (residuals / scale) ** 2)
    weighted = jacobian * weights[:, None, :]
    normal = weighted @ jacobian.transpose(0, 2, 1)
    diagonal = np.diagonal(normal, axis1=1, axis2=2)
    normal += np.eye(normal.shape[1])[None] * (1e-6 * diagonal[:, :, None] + 1e-12)
    rhs = (weighted @ residuals[:, :, None])[:, :, 0]
    bad = ~np.all(np.isfinite(normal), axis=(1, 2)) | ~np.all(np.isfinite(rhs), axis=1)
    normal[bad] = np.eye(normal.shape[1])
    rhs[bad] = np.nan
    step = np.linalg.solve(normal, rhs[:, :, None])[:, :, 0]
    updated = current + step
    updated[:, 2:] = np.clip(updated[:, 2:], family.lower, family.upper)
    return updated
