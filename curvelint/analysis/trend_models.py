"""The learning-curve families (Domhan et al. 2015) as ``value = c + a * g(x; q)``.

Every family is linear in the asymptote ``c`` and amplitude ``a``; only the shape ``g`` has
nonlinear parameters ``q``, kept on a log scale where they must be positive. That split lets a
grid over ``q`` solve ``c`` and ``a`` in closed form before any iterative fit, and the sign of
``a`` is free, so one family describes a falling loss and a saturating accuracy alike.
``x`` is the step rescaled to (0, 1] over the fitted range, so grids and bounds are unitless.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import expit

FloatArray = npt.NDArray[np.float64]

# basis(x, q) -> g, (B, n) for q of shape (B, k); gradient(x, q) -> (g, dg/dq of shape (B, k, n)).
Basis = Callable[[FloatArray, FloatArray], FloatArray]
BasisWithGradient = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True, slots=True)
class Family:
    """One curve family: its shape function, derivative, grid and bounds over ``q``."""

    name: str
    shape_names: tuple[str, ...]
    basis: Basis
    gradient: BasisWithGradient
    grid: FloatArray  # (G, k) starting points for q
    lower: FloatArray  # (k,)
    upper: FloatArray  # (k,)
    to_natural: Callable[[FloatArray], tuple[float, ...]]
    from_natural: Callable[[Mapping[str, float]], FloatArray]


def _power_basis(x: FloatArray, q: FloatArray) -> FloatArray:
    exponent = np.exp(q[:, 0:1])
    shape: FloatArray = np.exp(-exponent * np.log(x)[None, :])
    return shape


def _power_gradient(x: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    exponent = np.exp(q[:, 0:1])
    log_x = np.log(x)[None, :]
    shape = np.exp(-exponent * log_x)
    return shape, (shape * -log_x * exponent)[:, None, :]


def _exponential_basis(x: FloatArray, q: FloatArray) -> FloatArray:
    rate = np.exp(q[:, 0:1])
    return np.exp(-rate * x[None, :])


def _exponential_gradient(x: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    rate = np.exp(q[:, 0:1])
    shape = np.exp(-rate * x[None, :])
    return shape, (shape * -x[None, :] * rate)[:, None, :]


def _log_power_basis(x: FloatArray, q: FloatArray) -> FloatArray:
    log_midpoint, sharpness = q[:, 0:1], np.exp(q[:, 1:2])
    result: FloatArray = expit(-sharpness * (np.log(x)[None, :] - log_midpoint))
    return result


def _log_power_gradient(x: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    log_midpoint, sharpness = q[:, 0:1], np.exp(q[:, 1:2])
    distance = np.log(x)[None, :] - log_midpoint
    shape: FloatArray = expit(-sharpness * distance)
    slope = shape * (1.0 - shape) * sharpness
    return shape, np.stack([slope, -slope * distance], axis=1)


def _column(values: FloatArray) -> FloatArray:
    return values.reshape(-1, 1)


def _grid_2d(first: FloatArray, second: FloatArray) -> FloatArray:
    a, b = np.meshgrid(first, second, indexing="ij")
    return np.column_stack([a.ravel(), b.ravel()])


FAMILIES: dict[str, Family] = {
    "power_law": Family(
        name="power_law",
        shape_names=("exponent",),
        basis=_power_basis,
        gradient=_power_gradient,
        grid=_column(np.log(np.geomspace(0.02, 4.0, 32))),
        lower=np.log(np.array([0.005])),
        upper=np.log(np.array([8.0])),
        to_natural=lambda q: (float(np.exp(q[0])),),
        from_natural=lambda p: np.log(np.array([p["exponent"]])),
    ),
    "exponential": Family(
        name="exponential",
        shape_names=("rate",),
        basis=_exponential_basis,
        gradient=_exponential_gradient,
        grid=_column(np.log(np.geomspace(0.1, 500.0, 32))),
        lower=np.log(np.array([0.01])),
        upper=np.log(np.array([5000.0])),
        to_natural=lambda q: (float(np.exp(q[0])),),
        from_natural=lambda p: np.log(np.array([p["rate"]])),
    ),
    "log_power": Family(
        name="log_power",
        shape_names=("midpoint", "sharpness"),
        basis=_log_power_basis,
        gradient=_log_power_gradient,
        grid=_grid_2d(
            np.linspace(np.log(1e-4), np.log(2.0), 10), np.log(np.geomspace(0.3, 2.5, 6))
        ),
        lower=np.array([np.log(1e-7), np.log(0.05)]),
        upper=np.array([np.log(50.0), np.log(2.5)]),  # sharper would model jumps
        to_natural=lambda q: (float(np.exp(q[0])), float(np.exp(q[1]))),
        from_natural=lambda p: np.log(np.array([p["midpoint"], p["sharpness"]])),
    ),
}


def evaluate_model(name: str, x: FloatArray, parameters: Mapping[str, float]) -> FloatArray:
    """``c + a * g(x)`` for a fitted model named ``name`` with natural ``parameters``."""
    c, a = parameters["c"], parameters["a"]
    if name == "constant":
        return np.full(x.shape, c, dtype=np.float64)
    family = FAMILIES[name]
    q = family.from_natural(parameters)[None, :]
    shape = family.basis(np.asarray(x, dtype=np.float64).ravel(), q)[0]
    result: FloatArray = (c + a * shape).reshape(np.shape(x))
    return result
