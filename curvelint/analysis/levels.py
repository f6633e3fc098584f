"""The measures of one curve that every rule reads: levels, trend, spread, timing, eval turn.

Computed once per series by :func:`curvelint.analysis.analyze_series` (``SeriesAnalysis.curve``
and ``SeriesAnalysis.eval_turn``); the rules only read them.

Every curve is first *oriented* so that lower is better (a loss as it is, an accuracy
negated), so each rule is written once for both. Levels are medians of a few points, never a
single point, because one noisy batch must not decide a verdict: the **start level** is the
first point (or on a long log the median of the first three when that is higher), the **final
level** the median of the last ``final_share`` of the points (at least 3). The **trend** is a
centred running median over a tenth of the curve, which follows plateaus and steps but ignores
noise and single spikes; its window shrinks at the ends instead of repeating the end points.
Noise is :func:`curvelint.analysis.noise.noise_level`; differences of levels are compared with
it: the point noise times sqrt(1/a + 1/b) for medians of a and b points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from curvelint.analysis.noise import final_level, noise_level

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAD_TO_DEVIATION = 1.4826  # median absolute deviation of a normal sample -> its deviation
START_POINTS = 3  # long logs: the start level looks at this many first points
LONG_LOG_POINTS = 30  # ...from this many points on (3 points are then at most a tenth)
TREND_WINDOW_SHARE = 0.1  # running-median window, share of the points
FINAL_SHARE = 0.1  # the final level: the median of this share of the last points


# Above this many points the running median is taken over an evenly spaced sample and
# interpolated: a window of a tenth of the curve still holds 10,000 sampled points, and the
# exact median's cost (n log window) would dominate the analysis of a 10M-point run.
RUNNING_MEDIAN_MAX_POINTS = 100_000


def running_median(values: FloatArray, window: int) -> FloatArray:
    """The centred running median over ``window`` points, its window shrinking at both ends
    (on long curves, of every k-th point over ``window / k`` of them, interpolated between)."""
    positions, medians = sampled_running_median(values, window)
    if positions is None:
        return medians
    return np.interp(np.arange(len(values), dtype=np.float64), positions, medians)


def sampled_running_median(values: FloatArray, window: int) -> tuple[FloatArray | None, FloatArray]:
    """:func:`running_median` before interpolation: the sampled positions (None: every point)
    and the medians there."""
    count = len(values)
    stride = -(-count // RUNNING_MEDIAN_MAX_POINTS)
    if stride <= 1:
        return None, _exact_running_median(values, window)
    positions = np.arange(0, count, stride)
    if positions[-1] != count - 1:  # the last point is sampled too, so no end is extrapolated
        positions = np.append(positions, count - 1)
    sampled = _exact_running_median(values[positions], max(1, window // stride) | 1)
    return positions.astype(np.float64), sampled


def _exact_running_median(values: FloatArray, window: int) -> FloatArray:
    rolling = pd.Series(values).rolling(window, center=True, min_periods=1)
    return rolling.median().to_numpy(dtype=np.float64)


def _finite_oriented(
    steps: IntArray, values: FloatArray, mask: npt.NDArray[np.bool_], sign: float
) -> tuple[FloatArray, IntArray]:
    """Read-only finite values times ``sign`` and their steps; views, not copies, where
    nothing changes (a 1M-point loss with no NaN is not held twice)."""
    every = bool(mask.all())
    finite_steps = steps.view() if every else steps[mask]
    finite = values if every else values[mask]
    oriented = finite.view() if sign == 1.0 and finite.dtype == np.float64 else sign * finite
    oriented.setflags(write=False)
    finite_steps.setflags(write=False)
    return oriented, finite_steps


@dataclass(frozen=True, slots=True)
class Curve:
    """The finite points of one series, oriented so that lower is better.

    ``sign`` is +1 for lower-is-better series and -1 for higher-is-better ones: multiply an
    oriented value by ``sign`` to get the logged value back.
    """

    name: str
    steps: IntArray
    values: FloatArray
    sign: float
    noise: float
    final_share: float
    # The running median, at every point or (a long curve) at sampled point positions: 8
    # bytes a point held for each series of a 10M-point run would be 80 MB.
    trend_medians: FloatArray
    trend_positions: FloatArray | None = None
    turn: EvalTurn | None = None

    @property
    def trend_values(self) -> FloatArray:
        """The running median at every point (read-only)."""
        if self.trend_positions is None:
            return self.trend_medians
        every = np.arange(self.count, dtype=np.float64)
        trend = np.interp(every, self.trend_positions, self.trend_medians)
        trend.setflags(write=False)
        return trend

    @classmethod
    def of(
        cls,
        name: str,
        steps: IntArray,
        values: FloatArray,
        direction: int,
        final_share: float = FINAL_SHARE,
    ) -> Curve | None:
        """The finite points of a series oriented lower-is-better (``direction`` > 0 means
        higher is better), their noise and trend; None when no point is finite."""
        mask = np.isfinite(values)
        if not mask.any():
            return None
        sign = -1.0 if direction > 0 else 1.0
        oriented, finite_steps = _finite_oriented(steps, values, mask, sign)
        window = max(3, int(TREND_WINDOW_SHARE * len(oriented)) | 1)
        positions, medians = sampled_running_median(oriented, window)
        medians.setflags(write=False)
        noise = noise_level(oriented)
        curve = cls(name, finite_steps, oriented, sign, noise, final_share, medians, positions)
        return replace(curve, turn=find_eval_turn(curve))

    def eval_turn(self) -> EvalTurn:
        """Where the curve was best and how much worse it ended (found with the curve)."""
        return self.turn if self.turn is not None else find_eval_turn(self)

    @property
    def count(self) -> int:
        """Number of finite points."""
        return len(self.values)

    def logged(self, value: float) -> float:
        """An oriented value as it was logged."""
        return self.sign * value

    def start_count(self) -> int:
        """Points in the start level's median: three on long logs, else only the first (on a
        short log the second and third points are already a large part of the run)."""
        return START_POINTS if self.count >= LONG_LOG_POINTS else 1

    def start(self) -> float:
        """Where the curve began: its first point, or on a long log the median of the first
        three when that is higher (the first point was a low outlier)."""
        first = float(self.values[0])
        return max(first, float(np.median(self.values[: self.start_count()])))

    def final_count(self, share: float | None = None) -> int:
        """Points in the final level: ``share`` of them (default the curve's final share), at
        least 3 (or all there are)."""
        wanted = self.final_share if share is None else share
        return min(self.count, max(3, math.ceil(wanted * self.count)))

    def final(self, share: float | None = None) -> float:
        """The final level: the median of the last :meth:`final_count` points (the same
        function ``compare`` reads, :func:`curvelint.analysis.noise.final_level`)."""
        level = final_level(self.values, self.final_share if share is None else share)
        return float("nan") if level is None else level

    def difference_noise(self, first_count: int, second_count: int) -> float:
        """The noise of a difference between medians of ``first_count`` and ``second_count``
        points (0 when the curve has no noise estimate)."""
        return self.noise * math.sqrt(1.0 / max(1, first_count) + 1.0 / max(1, second_count))

    def trend_window(self) -> int:
        """The running median's window: about a tenth of the points, odd, at least 3."""
        return max(3, int(TREND_WINDOW_SHARE * self.count) | 1)

    def trend(self, window: int | None = None) -> FloatArray:
        """The centred running median (``window`` points; default :meth:`trend_window`, the
        one computed with the curve)."""
        if window is None or window == self.trend_window():
            return self.trend_values
        return running_median(self.values, window)

    def best(self) -> tuple[int, float]:
        """Index and value of the best (lowest oriented) point."""
        index = int(np.argmin(self.values))
        return index, float(self.values[index])

    def at_step(self, step: int) -> float:
        """The trend's value at ``step`` (interpolated, clamped to the ends)."""
        return float(np.interp(step, self.steps, self.trend()))

    def share_of_steps(self, step: int) -> float:
        """Where ``step`` lies in the curve's span: 0 at its first step, 1 at its last."""
        span = int(self.steps[-1]) - int(self.steps[0])
        return (step - int(self.steps[0])) / span if span > 0 else 1.0


def scale_of(curve: Curve) -> float:
    """The curve's own scale for relative thresholds: its start's magnitude, or, when the
    start is near zero (a loss that can be negative), its range or noise."""
    start = curve.start()
    spread = float(np.ptp(curve.values)) if curve.count else 0.0
    scale = abs(start) if start > 0 else max(spread, curve.noise)
    return scale if scale > 0 else 1.0


def second_half_swing(curve: Curve) -> tuple[float, float, float]:
    """The second half's swing around the trend, its median level, and the swing as a share
    of the run's start."""
    half = curve.count // 2
    swing = swing_around_trend(curve, begin=half)
    level = float(np.median(curve.values[half:]))
    return swing, level, swing / scale_of(curve)


def swing_around_trend(curve: Curve, begin: int = 0) -> float:
    """The typical size of the points' departures from the trend from index ``begin`` on: the
    mean absolute residual scaled to a deviation. Unlike :func:`spread_around_trend` it counts
    spikes, which is what an erratic curve is made of."""
    residuals = (curve.values - curve.trend())[begin:]
    if len(residuals) == 0:
        return 0.0
    return float(np.mean(np.abs(residuals))) * math.sqrt(math.pi / 2.0)


def spread_around_trend(curve: Curve, begin: int = 0) -> float:
    """Robust deviation of the points from the trend, from index ``begin`` on."""
    residuals = (curve.values - curve.trend())[begin:]
    if len(residuals) == 0:
        return 0.0
    centred = np.abs(residuals - np.median(residuals))
    spread = MAD_TO_DEVIATION * float(np.median(centred))
    if spread == 0.0:  # quantised values: fall back on the mean absolute deviation
        spread = float(np.mean(centred)) * math.sqrt(math.pi / 2.0)
    return spread


def settled_share(curve: Curve, done: float = 0.9) -> float | None:
    """Share of the steps by which the trend had made ``done`` of its fall from the start to
    the final level (None when it did not fall)."""
    start, end = curve.start(), curve.final(0.1)
    if end >= start:
        return None
    target = start - done * (start - end)
    reached = np.flatnonzero(curve.trend() <= target)
    return curve.share_of_steps(int(curve.steps[reached[0]])) if len(reached) else 1.0


@dataclass(frozen=True, slots=True)
class LateTrend:
    """The straight line through the last points: how much it improves over ``share`` of the
    run (positive = better) and the standard error of that gain."""

    gain: float
    error: float
    points: int


MIN_LATE_POINTS = 4  # a line needs a few points to have an error at all


def late_trend(curve: Curve, share: float) -> LateTrend:
    """A least-squares line through the points in the last ``share`` of the steps (at least
    four): every point counts, and its scatter gives the gain's standard error."""
    cut = curve.steps[-1] - share * (curve.steps[-1] - curve.steps[0])
    count = max(int(np.count_nonzero(curve.steps >= cut)), min(MIN_LATE_POINTS, curve.count))
    x = curve.steps[-count:].astype(np.float64)
    y = curve.values[-count:]
    if count < 2 or float(np.ptp(x)) == 0.0:
        return LateTrend(0.0, float("inf"), count)
    centred = x - x.mean()
    slope = float(np.dot(centred, y - y.mean()) / np.dot(centred, centred))
    residuals = y - y.mean() - slope * centred
    length = share * float(curve.steps[-1] - curve.steps[0])
    if count < 3:
        return LateTrend(-slope * length, float("inf"), count)
    error = _slope_error(residuals, centred) * length
    return LateTrend(-slope * length, error, count)


def _slope_error(residuals: FloatArray, centred: FloatArray) -> float:
    """The standard error of a least-squares slope, computed in units of a power of two near
    the residuals (an exact rescaling): a loss of 1e160 squared would overflow float64."""
    scale = math.ldexp(1.0, math.frexp(float(np.max(np.abs(residuals))))[1])
    variance = float(np.dot(residuals / scale, residuals / scale)) / (len(residuals) - 2)
    return scale * math.sqrt(variance / float(np.dot(centred, centred)))


# A second half of this many points whose slope is this many times the significance asked for
# has a lasting trend even when it moves less than the swing: per-step losses of small batches
# swing by a third of their level around a trend that thousands of steps make plain.
LONG_HALF_POINTS = 200
OVERWHELMING = 3.0


def second_half_trend(
    curve: Curve, swing: float, of_swing: float, significance: float
) -> float | None:
    """The change of a straight line through the second half when it lasts — moves more than
    ``of_swing`` times ``swing`` with a slope ``significance`` standard errors from zero, or on
    a long log a slope three times as clear — else None."""
    half = curve.count // 2
    x = curve.steps[half:].astype(np.float64)
    y = curve.values[half:]
    if len(x) < 3 or float(np.ptp(x)) == 0.0:
        return None
    centred = x - x.mean()
    slope = float(np.dot(centred, y - y.mean()) / np.dot(centred, centred))
    residuals = y - y.mean() - slope * centred
    error = _slope_error(residuals, centred)
    change = slope * float(np.ptp(x))
    clear = error == 0.0 or abs(slope) / error >= significance
    if clear and len(x) >= LONG_HALF_POINTS and abs(slope) >= OVERWHELMING * significance * error:
        return change  # hundreds of noisy steps: a slope this clear lasts, however they swing
    return change if clear and abs(change) > of_swing * swing else None


def exact_tail(curve: Curve) -> tuple[float, int] | None:
    """The value and length of the run of exactly equal points that ends the curve."""
    if curve.count == 0:
        return None
    last = curve.values[-1]
    different = np.flatnonzero(curve.values != last)
    length = curve.count - (int(different[-1]) + 1 if len(different) else 0)
    return float(curve.logged(float(last))), length


def margin_confidence(value: float, threshold: float) -> float:
    """Confidence that ``value`` is on its side of ``threshold`` (both >= 0): 0.5 just at the
    threshold, rising towards 1 as the value moves away from it on either side."""
    if threshold <= 0.0:
        return 1.0 if value > 0.0 else 0.5
    if value <= 0.0:
        return 0.5
    ratio = threshold / value if value >= threshold else value / threshold
    return round(min(1.0, max(0.5, 1.0 - 0.5 * ratio)), 2)


@dataclass(frozen=True, slots=True)
class EvalTurn:
    """Where an eval curve was best and how much worse it ended (oriented: lower is better)."""

    best_index: int
    best_step: int
    best: float
    final: float
    rise: float
    rise_relative: float
    rise_noise_units: float
    points_after: int


def find_eval_turn(curve: Curve) -> EvalTurn:
    """The best point of the trend and the rise from it to the final level.

    Both levels are medians of about ``final_share`` of the evaluations (a single point on a
    short log, where a wider median would hide a turn of two or three epochs).
    """
    count = max(1, math.ceil(curve.final_share * curve.count))
    window = count | 1
    trend = curve.trend(window)
    best_index = int(np.argmin(trend))
    best = float(trend[best_index])
    final = float(np.median(curve.values[-count:]))
    rise = final - best
    relative = rise / abs(best) if best != 0 else float("inf") if rise > 0 else 0.0
    noise = curve.difference_noise(window, count)
    units = rise / noise if noise > 0 else float("inf") if rise > 0 else 0.0
    return EvalTurn(
        best_index,
        int(curve.steps[best_index]),
        best,
        final,
        rise,
        relative,
        units,
        curve.count - 1 - best_index,
    )
