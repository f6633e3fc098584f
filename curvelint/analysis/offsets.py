"""Refit the trend families together with level offsets at given change-points.

With the shape parameters on a grid, the asymptote, amplitude and every offset are linear,
so each grid row is one small least-squares problem and all rows of a family are solved in
one batched call; the best row over all families wins by AIC (every family is tried again
because a jump can make the plain fit pick the wrong one) and is then polished by zooming
into finer grids around it. Only the smooth part ``c + a * g(x)`` is returned: residuals
from it keep the jumps at real change-points and lose the bend a jump puts into a plain fit.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import TrendFit
from curvelint.analysis.trend_models import FAMILIES, Family

FloatArray = npt.NDArray[np.float64]

_ZOOMS = 2  # halve the grid spacing around the best row this often
_ZOOM_POINTS = 5  # values per shape parameter in each zoomed grid


def smooth_part_with_offsets(
    trend: TrendFit,
    positions: FloatArray,
    values: FloatArray,
    boundaries: tuple[int, ...],
    families: tuple[str, ...],
) -> FloatArray:
    """``c + a * g(x)`` of the best fit of ``c + a * g(x) + sum_j d_j [index >= b_j]``."""
    x = (positions - trend.step_origin) / trend.step_scale
    offsets = (np.arange(len(values))[:, None] >= np.array(boundaries[1:-1])[None, :]).astype(
        np.float64
    )
    best_score, best_family, best = math.inf, None, np.zeros(0)
    for name in families:
        family = FAMILIES[name]
        score, parameters = _best_row(family, family.grid, x, values, offsets)
        if score < best_score:
            best_score, best_family, best = score, family, parameters
    if best_family is None:
        return np.full(len(values), float(np.mean(values)))
    shape_count = len(best_family.lower)
    spacing = _grid_spacing(best_family.grid)
    for _ in range(_ZOOMS):
        spacing = spacing / 2.0
        grid = _local_grid(best[2 : 2 + shape_count], spacing)
        best = _best_row(best_family, grid, x, values, offsets)[1]
    shape = best_family.basis(x, best[None, 2 : 2 + shape_count])[0]
    result: FloatArray = best[0] + best[1] * shape
    return result


def _grid_spacing(grid: FloatArray) -> FloatArray:
    """The step between neighbouring grid values, per shape parameter."""
    return np.array([np.diff(np.unique(column)).min() for column in grid.T])


def _local_grid(centre: FloatArray, spacing: FloatArray) -> FloatArray:
    """A small grid spanning ``centre +- spacing`` in every shape parameter."""
    ticks = np.linspace(-1.0, 1.0, _ZOOM_POINTS)
    axes = [value + width * ticks for value, width in zip(centre, spacing, strict=True)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([axis.ravel() for axis in mesh])


def _best_row(
    family: Family, grid: FloatArray, x: FloatArray, values: FloatArray, offsets: FloatArray
) -> tuple[float, FloatArray]:
    """AIC and parameters ``[c, a, q..., d...]`` of the best row of ``grid``.

    The normal equations are assembled from blocks: only the rows and columns that involve
    the shape ``g`` change along the grid, so no per-row design matrix is ever built.
    """
    count, jumps = offsets.shape
    centre = float(values.mean())
    target = values - centre
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        shapes = family.basis(x, grid)
        shapes = np.where(np.isfinite(shapes), shapes, 0.0)
        rows = len(shapes)
        size = 2 + jumps
        normal = np.empty((rows, size, size))
        normal[:, 0, 0] = count
        normal[:, 0, 1] = normal[:, 1, 0] = shapes.sum(axis=1)
        normal[:, 1, 1] = np.einsum("gn,gn->g", shapes, shapes)
        normal[:, 0, 2:] = normal[:, 2:, 0] = offsets.sum(axis=0)
        cross = shapes @ offsets
        normal[:, 1, 2:] = cross
        normal[:, 2:, 1] = cross
        normal[:, 2:, 2:] = offsets.T @ offsets
        rhs = np.empty((rows, size))
        rhs[:, 0] = target.sum()
        rhs[:, 1] = shapes @ target
        rhs[:, 2:] = offsets.T @ target
        ridge = 1e-10 * np.trace(normal, axis1=1, axis2=2) + 1e-300
        normal += np.eye(size)[None] * ridge[:, None, None]
        coefficients = np.linalg.solve(normal, rhs[:, :, None])[:, :, 0]
        errors = (float(target @ target) - np.einsum("gp,gp->g", coefficients, rhs)) / count
    errors = np.where(np.isfinite(errors), np.maximum(errors, 0.0), np.inf)
    row = int(np.argmin(errors))
    parameter_count = size + grid.shape[1]
    score = count * math.log(max(float(errors[row]), 1e-300)) + 2.0 * parameter_count
    linear = coefficients[row]
    parameters = np.concatenate([[centre + linear[0], linear[1]], grid[row], linear[2:]])
    return score, parameters
