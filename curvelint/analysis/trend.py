"""Fit a learning-curve family to one series, pick it by AIC and project it forward.

Each family in :mod:`curvelint.analysis.trend_models` is first scanned on a grid of shape
parameters with the asymptote and amplitude solved in closed form, and the family with the
lowest AIC is refined by robust least squares (``scipy.optimize.least_squares``, soft-L1 loss
scaled to the residual noise, so spikes do not drag the curve). The chosen fit is
bootstrapped by moving blocks of residuals (blocks keep the residuals' short-range
correlation) and each replicate is refitted by a few batched, reweighted Gauss-Newton steps
from the fitted parameters: one vectorised solve for all replicates instead of a hundred
optimiser calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import least_squares

from curvelint.analysis.bootstrap import bootstrap_parameters
from curvelint.analysis.buckets import bucket_medians, bucket_size
from curvelint.analysis.gauss_newton import gauss_newton
from curvelint.analysis.results import Interval, TrendFit
from curvelint.analysis.settings import AnalysisSettings
from curvelint.analysis.trend_models import FAMILIES, Family, evaluate_model

FloatArray = npt.NDArray[np.float64]

_REFINE_EVALUATIONS = 8
_GAUSS_NEWTON_ITERATIONS = 8  # the grid start is close: a few robust steps are enough
_SCALE_FLOOR = 1e-6  # robust-loss scale floor, in units of the curve's spread
_NORMAL_MAD = 1.4826


@dataclass(frozen=True, slots=True)
class UnitlessData:
    """The fitted data in unitless form: ``x`` in (0, 1], ``y`` centred and scaled."""

    x: FloatArray
    y: FloatArray
    origin: float
    scale: float
    centre: float
    spread: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """One family's fit on the unitless frame: ``parameters = [c, a, q...]``."""

    family: Family
    parameters: FloatArray
    residual_scale: float
    aic: float


def fit_trend(
    steps: FloatArray, values: FloatArray, *, direction: int, settings: AnalysisSettings
) -> TrendFit | str:
    """The best curve fit to finite ``values`` at sorted ``steps``, or why there is none."""
    count = len(values)
    if count < settings.trend_min_points:
        return f"{count} finite points; a trend needs {settings.trend_min_points}"
    if steps[-1] <= steps[0]:
        return "all points share one step"
    data = _unitless(steps, values, settings.trend_max_points)
    if data.spread == 0.0:
        return _constant_fit(data, steps, settings)
    candidates = [_grid_fit(FAMILIES[name], data) for name in settings.trend_families]
    viable = [candidate for candidate in candidates if candidate is not None]
    if not viable:
        return f"{len(data.y)} points are too few for any curve family"
    best = min(viable, key=lambda candidate: candidate.aic)
    chosen = _refine(best, data, settings.trend_solver)
    return _summarise(chosen, data, steps, direction, settings)


def _unitless(steps: FloatArray, values: FloatArray, max_points: int) -> UnitlessData:
    positions, medians = bucket_medians(steps, values, bucket_size(len(values), max_points))
    origin = min(0.0, float(steps[0])) - 1.0  # step 0 is x = 1 step: power laws need x > 0
    scale = float(steps[-1]) - origin
    centre = float(np.median(medians))
    low, high = np.quantile(medians, [0.05, 0.95])
    spread = float(high - low) or float(np.ptp(medians))
    y = (medians - centre) / spread if spread > 0.0 else medians - centre
    return UnitlessData(
        x=(positions - origin) / scale,
        y=y,
        origin=origin,
        scale=scale,
        centre=centre,
        spread=spread,
    )


def _aic(residuals: FloatArray, scale: float, parameter_count: int) -> float:
    """Small-sample AIC of residuals winsorised at 3 robust scales (outliers cannot choose)."""
    count = len(residuals)
    clipped = np.clip(residuals, -3.0 * scale, 3.0 * scale)
    mean_square = max(float(np.mean(clipped**2)), 1e-18)
    correction = 0.0
    if count - parameter_count - 1 > 0:
        correction = 2.0 * parameter_count * (parameter_count + 1) / (count - parameter_count - 1)
    return count * math.log(mean_square) + 2.0 * parameter_count + correction


def _robust_scale(residuals: FloatArray) -> float:
    spread = _NORMAL_MAD * float(np.median(np.abs(residuals - np.median(residuals))))
    return max(spread, _SCALE_FLOOR)


def _grid_fit(family: Family, data: UnitlessData) -> Candidate | None:
    """Least squares over the family's shape grid, ``c`` and ``a`` in closed form."""
    parameter_count = 2 + family.grid.shape[1]
    if len(data.y) < parameter_count + 2:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        shapes = family.basis(data.x, family.grid)
        centred = shapes - shapes.mean(axis=1, keepdims=True)
        target = data.y - data.y.mean()
        spread = np.einsum("gn,gn->g", centred, centred)
        covariance = centred @ target
        usable = np.isfinite(spread) & (spread > 1e-24) & np.isfinite(covariance)
        explained = np.where(usable, covariance**2 / np.where(usable, spread, 1.0), 0.0)
    row = int(np.argmax(explained))
    amplitude = float(covariance[row] / spread[row]) if usable[row] else 0.0
    offset = float(data.y.mean() - amplitude * shapes[row].mean())
    parameters = np.concatenate([[offset, amplitude], family.grid[row]])
    residuals = data.y - (offset + amplitude * shapes[row])
    scale = _robust_scale(residuals)
    return Candidate(family, parameters, scale, _aic(residuals, scale, parameter_count))


def model_values(family: Family, x: FloatArray, parameters: FloatArray) -> FloatArray:
    """``c + a * g(x; q)`` for one parameter vector ``[c, a, q...]``."""
    shape = family.basis(x, parameters[None, 2:])[0]
    result: FloatArray = parameters[0] + parameters[1] * shape
    return result


def _refine(candidate: Candidate, data: UnitlessData, solver: str) -> Candidate:
    """Robust least-squares polish of a grid fit; keeps the grid fit if the solver fails."""
    if solver == "gauss_newton":
        return _refine_gauss_newton(candidate, data)
    family = candidate.family
    lower = np.concatenate([[-np.inf, -np.inf], family.lower])
    upper = np.concatenate([[np.inf, np.inf], family.upper])
    start = np.clip(candidate.parameters, lower + 1e-9, upper - 1e-9)

    def residuals(parameters: FloatArray) -> FloatArray:
        return model_values(family, data.x, parameters) - data.y

    def jacobian(parameters: FloatArray) -> FloatArray:
        shape_parameters = parameters[None, 2:]
        shapes, gradients = family.gradient(data.x, shape_parameters)
        return np.vstack([np.ones_like(shapes[0]), shapes[0], gradients[0] * parameters[1]]).T

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            solution = least_squares(
                residuals,
                start,
                jac=jacobian,
                bounds=(lower, upper),
                loss="soft_l1",
                f_scale=candidate.residual_scale,
                x_scale="jac",
                ftol=1e-6,
                xtol=1e-6,
                max_nfev=_REFINE_EVALUATIONS,
            )
    except (ValueError, np.linalg.LinAlgError):
        return candidate
    fitted = np.asarray(solution.x, dtype=np.float64)
    final = residuals(fitted)
    if not np.all(np.isfinite(final)):
        return candidate
    scale = _robust_scale(final)
    return Candidate(family, fitted, scale, _aic(final, scale, len(fitted)))


def _refine_gauss_newton(candidate: Candidate, data: UnitlessData) -> Candidate:
    """The same soft-L1 objective, solved by reweighted Gauss-Newton steps (faster)."""
    family = candidate.family
    fitted = gauss_newton(
        family,
        data.x,
        data.y[None, :],
        candidate.parameters[None, :],
        candidate.residual_scale,
        iterations=_GAUSS_NEWTON_ITERATIONS,
    )[0]
    final = data.y - model_values(family, data.x, fitted)
    if not np.all(np.isfinite(final)):
        return candidate
    scale = _robust_scale(final)
    return Candidate(family, fitted, scale, _aic(final, scale, len(fitted)))


def _constant_fit(data: UnitlessData, steps: FloatArray, settings: AnalysisSettings) -> TrendFit:
    value = data.centre
    return TrendFit(
        model="constant",
        parameters={"c": value, "a": 0.0},
        step_origin=data.origin,
        step_scale=data.scale,
        asymptote=value,
        asymptote_interval=Interval(value, value, settings.interval_level),
        fitted_first=value,
        fitted_last=value,
        improvement_total=0.0,
        improvement_last_10=None,
        improvement_last_20=None,
        projection_step=_projection_step(steps, data.origin, settings.projection_factor),
        projection=value,
        projection_interval=Interval(value, value, settings.interval_level),
        aic=_aic(np.zeros(len(data.y)), _SCALE_FLOOR, 1),
        n_fitted=len(data.y),
        residual_noise=0.0,
    )


def _projection_step(steps: FloatArray, origin: float, factor: float) -> int:
    last = float(steps[-1])
    if last > 0.0:
        return round(factor * last)
    return round(origin + factor * (last - origin))


def _summarise(
    chosen: Candidate,
    data: UnitlessData,
    steps: FloatArray,
    direction: int,
    settings: AnalysisSettings,
) -> TrendFit | str:
    family = chosen.family
    natural = family.to_natural(chosen.parameters[2:])
    parameters = {
        "c": data.centre + data.spread * float(chosen.parameters[0]),
        "a": data.spread * float(chosen.parameters[1]),
        **dict(zip(family.shape_names, natural, strict=True)),
    }
    first, last = float(steps[0]), float(steps[-1])
    projection_step = _projection_step(steps, data.origin, settings.projection_factor)

    def at(step: float) -> float:
        x = np.array([(step - data.origin) / data.scale])
        return float(evaluate_model(family.name, x, parameters)[0])

    sign = direction or 1
    fitted_first, fitted_last = at(first), at(last)
    total = sign * (fitted_last - fitted_first)
    residual_noise = chosen.residual_scale * data.spread
    shares = [
        _share(sign * (fitted_last - at(last - fraction * (last - first))), total, residual_noise)
        for fraction in settings.tail_fractions
    ]
    projection_x = (projection_step - data.origin) / data.scale
    intervals = _intervals(chosen, data, projection_x, settings)
    scalars = (parameters["c"], fitted_first, fitted_last, at(projection_step), chosen.aic)
    if not all(math.isfinite(value) for value in (*scalars, *parameters.values())):
        return "the fitted curve is not finite"
    asymptote_interval, projection_interval = intervals
    return TrendFit(
        model=family.name,
        parameters=parameters,
        step_origin=data.origin,
        step_scale=data.scale,
        asymptote=parameters["c"],
        asymptote_interval=asymptote_interval,
        fitted_first=fitted_first,
        fitted_last=fitted_last,
        improvement_total=total,
        improvement_last_10=shares[0],
        improvement_last_20=shares[1],
        projection_step=projection_step,
        projection=at(projection_step),
        projection_interval=projection_interval,
        aic=chosen.aic,
        n_fitted=len(data.y),
        residual_noise=residual_noise,
    )


def _share(part: float, total: float, noise: float) -> float | None:
    """``part / total`` when the total change stands out of the fit's noise."""
    if abs(total) <= max(noise, 1e-12 * abs(part), 1e-300):
        return None
    return part / total


def _intervals(
    chosen: Candidate, data: UnitlessData, projection_x: float, settings: AnalysisSettings
) -> tuple[Interval | None, Interval | None]:
    """Bootstrap percentile intervals of the asymptote and the projection (original units)."""
    replicates = bootstrap_parameters(
        chosen.family,
        data.x,
        data.y,
        chosen.parameters,
        chosen.residual_scale,
        samples=settings.bootstrap_samples,
        seed=settings.bootstrap_seed,
    )
    if replicates is None:
        return None, None
    shapes = chosen.family.basis(np.array([projection_x]), replicates[:, 2:])[:, 0]
    projections = replicates[:, 0] + replicates[:, 1] * shapes
    tail = (1.0 - settings.interval_level) / 2.0
    result: list[Interval | None] = []
    for unitless in (replicates[:, 0], projections):
        values = data.centre + data.spread * unitless[np.isfinite(unitless)]
        if len(values) < max(10, settings.bootstrap_samples // 2):
            result.append(None)
            continue
        low, high = np.quantile(values, [tail, 1.0 - tail])
        result.append(Interval(float(low), float(high), settings.interval_level))
    return result[0], result[1]
