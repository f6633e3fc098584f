"""Batched, reweighted Gauss-Newton steps for ``c + a * g(x; q)`` under a soft-L1 loss.

Iteratively reweighted least squares with the soft-L1 weights ``1 / sqrt(1 + (r / scale)²)``
minimises the same robust objective as ``least_squares(loss="soft_l1", f_scale=scale)``. Many
fits of one family on one ``x`` (bootstrap replicates, or a single fit) share every array
operation, and their small normal equations are solved in one batched call.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from curvelint.analysis.trend_models import Family

FloatArray = npt.NDArray[np.float64]

_INITIAL_DAMPING = 1e-3


def gauss_newton(
    family: Family,
    x: FloatArray,
    targets: FloatArray,
    start: FloatArray,
    scale: float,
    *,
    iterations: int,
) -> FloatArray:
    """``(B, 2 + k)`` parameters ``[c, a, q...]`` fitted to ``targets`` ``(B, n)`` from ``start``.

    Levenberg-Marquardt damping per row: a step that does not lower the robust objective is
    rejected and the row's damping grows, so no row can wander off from a poor start. Rows
    that fail numerically come back non-finite; callers drop or replace them.
    """
    current = start.astype(np.float64, copy=True)
    damping = np.full(len(current), _INITIAL_DAMPING)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        cost = _cost(family, x, targets, current, scale)
        for _ in range(iterations):
            proposal = _step(family, x, targets, current, scale, damping)
            proposed_cost = _cost(family, x, targets, proposal, scale)
            better = proposed_cost < cost
            current = np.where(better[:, None], proposal, current)
            cost = np.where(better, proposed_cost, cost)
            damping = np.where(better, damping / 3.0, damping * 4.0)
    return current


def _cost(
    family: Family, x: FloatArray, targets: FloatArray, current: FloatArray, scale: float
) -> FloatArray:
    """Soft-L1 cost per row (inf where not finite)."""
    shapes = family.basis(x, current[:, 2:])
    residuals = targets - (current[:, 0:1] + current[:, 1:2] * shapes)
    cost = np.sum(np.sqrt(1.0 + (residuals / scale) ** 2) - 1.0, axis=1)
    return np.where(np.isfinite(cost), cost, np.inf)


def _step(
    family: Family,
    x: FloatArray,
    targets: FloatArray,
    current: FloatArray,
    scale: float,
    damping: FloatArray,
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
    boost = damping[:, None, None] * diagonal[:, :, None] + 1e-12
    normal += np.eye(normal.shape[1])[None] * boost
    rhs = (weighted @ residuals[:, :, None])[:, :, 0]
    bad = ~np.all(np.isfinite(normal), axis=(1, 2)) | ~np.all(np.isfinite(rhs), axis=1)
    normal[bad] = np.eye(normal.shape[1])
    rhs[bad] = np.nan
    step = np.linalg.solve(normal, rhs[:, :, None])[:, :, 0]
    updated = current + step
    updated[:, 2:] = np.clip(updated[:, 2:], family.lower, family.upper)
    return updated
