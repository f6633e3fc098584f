"""Smoothing for display, in a form that does not depend on how often the run logged.

TensorBoard's debiased EMA weighs *points*, so a run logged every step is smoothed over a
shorter stretch of training than the same run logged every 10 steps (tensorflow/tensorboard
#1518, #3493). The time EMAs here weigh *steps* instead: each value is the exponentially
weighted integral of the linearly interpolated curve, with a time constant in steps, so
logging density only changes the interpolation error. The centred variant runs that integral
both ways, so the smoothed curve does not lag behind the raw one (its minimum stays where the
raw minimum is), and reflects the curve at its ends so a steep start is not pulled inwards.
Non-finite points are left as they are and skipped by their neighbours;
a constant series comes back unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from curvelint.analysis.settings import SmoothingMethod

FloatArray = npt.NDArray[np.float64]

_BLOCK_DECAY = 500.0  # keep exp() of within-block decays inside float64
_MAX_STEP_DECAY = 50.0  # e^-50: a gap this long forgets everything before it
_REFLECT_TIME_CONSTANTS = 10.0  # e^-10: points farther from an end than this do not matter
SMOOTHING_MAX_POINTS = 100_000  # longer curves are smoothed on bucket means (see below)


def _lfilter() -> Any:
    """scipy.signal's lfilter, imported on first use: scipy.signal costs ~0.4 s to import,
    which a run whose analysis comes from the cache never needs."""
    from scipy.signal import lfilter

    return lfilter


def smooth(
    steps: npt.ArrayLike,
    values: npt.ArrayLike,
    method: SmoothingMethod,
    *,
    ema_weight: float = 0.6,
    time_constant: float = 1.0,
) -> FloatArray:
    """Smooth ``values`` logged at ``steps`` with ``method``; same length, same non-finite slots."""
    x = np.asarray(steps, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    result = y.copy()
    finite = np.isfinite(y)
    kept = y[finite]
    if method == "none" or len(kept) < 2 or np.all(kept == kept[0]):
        return result
    if method == "debiased_ema":
        result[finite] = debiased_ema(kept, ema_weight)
    else:
        ema = time_ema if method == "time_ema" else centered_time_ema
        result[finite] = _on_bounded_points(ema, x[finite], kept, time_constant)
    return result


def _on_bounded_points(
    ema: Callable[[FloatArray, FloatArray, float], FloatArray],
    steps: FloatArray,
    values: FloatArray,
    time_constant: float,
) -> FloatArray:
    """``ema`` of a long curve computed on at most ``SMOOTHING_MAX_POINTS`` points and
    interpolated back: the end points, and between them the mean of each run of consecutive
    points at its mean step. A time EMA does not depend on how densely the curve was logged,
    and its time constant spans thousands of these buckets, so the result barely moves while
    a 1M-point curve costs what a 100,000-point one does."""
    count = len(values)
    size = -(-(count - 2) // (SMOOTHING_MAX_POINTS - 2))
    if size <= 1:
        return ema(steps, values, time_constant)
    starts = np.arange(1, count - 1, size)
    lengths = np.diff(np.append(starts, count - 1))
    inner_steps = np.add.reduceat(steps[1:-1], starts - 1) / lengths
    inner_values = np.add.reduceat(values[1:-1], starts - 1) / lengths
    sample_steps = np.concatenate(([steps[0]], inner_steps, [steps[-1]]))
    sample_values = np.concatenate(([values[0]], inner_values, [values[-1]]))
    smoothed = ema(sample_steps, sample_values, time_constant)
    return np.interp(steps, sample_steps, smoothed)


def debiased_ema(values: FloatArray, weight: float) -> FloatArray:
    """TensorBoard's smoothing: an EMA per point, divided by ``1 - weight**k`` to remove the
    pull towards its zero start. Expects finite values."""
    if weight <= 0.0:
        return values.astype(np.float64)
    accumulated: FloatArray = _lfilter()([1.0 - weight], [1.0, -weight], values)
    counts = np.arange(1, len(values) + 1, dtype=np.float64)
    debiased: FloatArray = accumulated / -np.expm1(counts * np.log(weight))
    return debiased


def time_ema(steps: FloatArray, values: FloatArray, time_constant: float) -> FloatArray:
    """Causal EMA with a time constant in steps (spacing-aware, like W&B's time-weighted EMA)."""
    weighted, weights = _one_sided_sums(steps, values, time_constant)
    return _ratio(weighted, weights, values)


def centered_time_ema(steps: FloatArray, values: FloatArray, time_constant: float) -> FloatArray:
    """Two-sided time EMA: the forward and backward integrals pooled, so nothing lags.

    Near either end a two-sided average would only see one side and pull a steep start
    towards the inside, so the curve is first extended by its point reflection through the
    end points (which continues a straight line exactly): the smoothed curve starts and ends
    on the raw end values.
    """
    reach = _REFLECT_TIME_CONSTANTS * time_constant
    head = np.flatnonzero(steps[1:] - steps[0] <= reach)[::-1] + 1
    tail = np.flatnonzero(steps[-1] - steps[:-1] <= reach)[::-1]
    x = np.concatenate([2.0 * steps[0] - steps[head], steps, 2.0 * steps[-1] - steps[tail]])
    y = np.concatenate([2.0 * values[0] - values[head], values, 2.0 * values[-1] - values[tail]])
    forward, forward_weights = _one_sided_sums(x, y, time_constant)
    backward, backward_weights = _one_sided_sums(-x[::-1], y[::-1], time_constant)
    pooled = _ratio(forward + backward[::-1], forward_weights + backward_weights[::-1], y)
    return pooled[len(head) : len(head) + len(values)]


def _ratio(weighted: FloatArray, weights: FloatArray, values: FloatArray) -> FloatArray:
    safe = weights > 0.0
    return np.where(safe, weighted / np.where(safe, weights, 1.0), values)


def _one_sided_sums(
    steps: FloatArray, values: FloatArray, time_constant: float
) -> tuple[FloatArray, FloatArray]:
    """Exponentially weighted integral of the interpolated curve up to each point, and of 1.

    Over one interval of length ``d`` (``r = d / tau``, ``e = exp(-r)``) the kernel-weighted
    integral of the line from ``v[i-1]`` to ``v[i]`` is ``(1 - e - h) v[i] + h v[i-1]`` times
    ``tau``, with ``h = (1 - e - r e) / r``; the common factor ``tau`` cancels in the ratio.
    """
    if len(values) < 2:
        return np.zeros(len(values)), np.zeros(len(values))
    gaps = np.diff(steps)
    if gaps[0] > 0 and np.all(gaps == gaps[0]):
        return _regular_sums(float(gaps[0]) / max(time_constant, 1e-300), values)
    ratio = np.minimum(gaps / max(time_constant, 1e-300), _MAX_STEP_DECAY)
    decay = np.exp(-ratio)
    share_previous = _previous_share(ratio, decay)
    share_current = -np.expm1(-ratio) - share_previous
    increments = share_current * values[1:] + share_previous * values[:-1]
    log_decay = np.concatenate([[0.0], np.cumsum(ratio)])
    weighted = _decaying_sum(np.concatenate([[0.0], increments]), log_decay)
    weights = _decaying_sum(np.concatenate([[0.0], -np.expm1(-ratio)]), log_decay)
    return weighted, weights


def _regular_sums(ratio: float, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The same sums for evenly spaced points: a constant-coefficient filter, in C."""
    ratio = min(ratio, _MAX_STEP_DECAY)
    decay = math.exp(-ratio)
    share_previous = float(_previous_share(np.array([ratio]), np.array([decay]))[0])
    share_current = -math.expm1(-ratio) - share_previous
    increments = np.empty_like(values)
    increments[0] = 0.0
    np.multiply(values[1:], share_current, out=increments[1:])
    increments[1:] += share_previous * values[:-1]
    weighted: FloatArray = _lfilter()([1.0], [1.0, -decay], increments)
    weights = -np.expm1(-ratio * np.arange(len(values), dtype=np.float64))
    return weighted, weights


def _previous_share(ratio: FloatArray, decay: FloatArray) -> FloatArray:
    """``(1 - e - r e) / r`` without cancellation for small ``r`` (series below 1e-3)."""
    small = ratio < 1e-3
    safe_ratio = np.where(small, 1.0, ratio)
    exact = (-np.expm1(-ratio) - ratio * decay) / safe_ratio
    series = ratio / 2.0 - ratio**2 / 3.0 + ratio**3 / 8.0
    result: FloatArray = np.where(small, series, exact)
    return result


def _decaying_sum(increments: FloatArray, log_decay: FloatArray) -> FloatArray:
    """``S[i] = exp(-(L[i] - L[i-1])) * S[i-1] + u[i]`` in closed form, block by block."""
    result = np.empty_like(increments)
    carry = 0.0
    start = 0
    total = len(increments)
    while start < total:
        reference = log_decay[start - 1] if start > 0 else log_decay[0]
        end = int(np.searchsorted(log_decay, reference + _BLOCK_DECAY, side="right"))
        end = max(end, start + 1)
        relative = log_decay[start:end] - reference
        partial = np.cumsum(increments[start:end] * np.exp(relative))
        result[start:end] = np.exp(-relative) * (carry + partial)
        carry = float(result[end - 1])
        start = end
    return result
