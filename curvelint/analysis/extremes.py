"""Best values: where a curve was best, how far the end is from it, where an eval curve turned.

The best point is the raw extreme (min for lower-is-better, max for higher-is-better). The
turning point of an eval curve is located by a local quadratic fit around that extreme,
because with sparse, noisy evaluations the raw minimum can sit a few evaluations away from
where the curve actually bottomed out.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import EvalTurn, FinalVersusBest

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_TURN_HALF_WINDOW = 4  # points each side of the raw extreme used by the quadratic fit


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


def final_versus_best(best: float, final: float, direction: int, noise: float) -> FinalVersusBest:
    """The gap from the best value to the final value, absolute, relative and in noise units."""
    gap = worsening(best, final, direction)
    return FinalVersusBest(
        absolute=gap,
        relative=gap / abs(best) if best != 0.0 else None,
        noise_units=gap / noise if noise > 0.0 else None,
    )


def turning_index(
    steps: IntArray, values: FloatArray, direction: int, tolerance: float = 0.0
) -> int | None:
    """Logged point nearest the vertex of a quadratic fitted around the raw best point.

    The vertex resists one lucky low point; but a vertex point worse than the raw best by more
    than ``tolerance`` (the noise) is not where the curve was best, so the raw best stays.
    """
    raw = best_index(values, direction)
    if raw is None:
        return None
    finite_index = np.flatnonzero(np.isfinite(values))
    position = int(np.searchsorted(finite_index, raw))
    low = max(0, position - _TURN_HALF_WINDOW)
    high = min(len(finite_index), position + _TURN_HALF_WINDOW + 1)
    if high - low < 5 or position in (0, len(finite_index) - 1):
        return raw
    window = finite_index[low:high]
    x = steps[window].astype(np.float64)
    centre, width = float(x.mean()), float(np.ptp(x)) or 1.0
    curvature, slope, _ = np.polyfit((x - centre) / width, values[window], 2)
    if direction * curvature >= 0:  # not a valley (or a hill, for higher-is-better)
        return raw
    vertex = centre - width * slope / (2.0 * curvature)
    if not x[0] <= vertex <= x[-1]:
        return raw
    nearest = int(window[np.argmin(np.abs(x - vertex))])
    if worsening(float(values[raw]), float(values[nearest]), direction) > tolerance:
        return raw
    return nearest


def eval_turn(steps: IntArray, values: FloatArray, direction: int, noise: float) -> EvalTurn | None:
    """Where the curve turned and how much it worsened by its last finite value."""
    turn = turning_index(steps, values, direction, noise)
    if turn is None:
        return None
    finite_index = np.flatnonzero(np.isfinite(values))
    after = finite_index[finite_index > turn]
    best = float(values[turn])
    final = float(values[finite_index[-1]])
    span = float(steps[finite_index[-1]] - steps[finite_index[0]])
    worst = None
    if len(after):
        worst = float(values[after].max() if direction < 0 else values[after].min())
    rise = worsening(best, final, direction)
    return EvalTurn(
        best_step=int(steps[turn]),
        best_index=turn,
        best_value=best,
        points_after=len(after),
        fraction_after=float(steps[finite_index[-1]] - steps[turn]) / span if span > 0 else 0.0,
        final_value=final,
        worst_after=worst,
        rise_absolute=rise,
        rise_relative=rise / abs(best) if best != 0.0 else None,
        rise_noise_units=rise / noise if noise > 0.0 else None,
    )
