"""Change-points: where a curve stops following one smooth learning curve.

Searching raw values for mean shifts chops any smooth decay into a staircase of "changes".
Here the fitted trend is subtracted first, so a curve that is one smooth decay leaves only
noise, and what remains to split is a departure from it: a jump, a new plateau, a rise.
The split is the exact penalised optimum of a piecewise-constant mean (ruptures' C-backed
``KernelCPD`` with the linear kernel, every position tried), with a BIC-like penalty
``factor * noise² * ln(n)`` and a minimum segment length. The noise is floored at a share of
the curve's range so a near-noiseless curve is not split at every wiggle of the fit.

A jump also bends a trend fitted across it, and that misfit would show up as extra "changes"
far from the jump. So while change-points are found, the trend is refitted with a level offset
at the largest new one (:mod:`curvelint.analysis.offsets`; offsets the latest segmentation no
longer supports are dropped), and the residuals from its smooth part are segmented again,
until no change-point is new: a staircase of learning-rate drops
ends with exactly its steps, a smooth decay with none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from curvelint.analysis.buckets import bucket_medians, bucket_size
from curvelint.analysis.noise import noise_level
from curvelint.analysis.offsets import smooth_part_with_offsets
from curvelint.analysis.results import TrendFit
from curvelint.analysis.settings import AnalysisSettings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_MEDIAN_ERROR = math.sqrt(math.pi / 2.0)  # standard error of a median, in sigma / sqrt(n)
_REFITS = 3  # at most this many level offsets are added to the trend, one per refit


@dataclass(frozen=True, slots=True)
class Segmentation:
    """Change-points on a (possibly bucketed) finite series.

    ``boundaries`` are bucket indices ``0 = b0 < b1 < ... < bk = len(positions)``;
    bucket ``i`` starts at finite point ``i * bucket``. ``shifts`` is the jump of the mean
    residual at each inner boundary.
    """

    positions: FloatArray
    medians: FloatArray
    residuals: FloatArray
    boundaries: tuple[int, ...]
    shifts: tuple[float, ...]
    bucket: int


def segment_residuals(
    steps: FloatArray, values: FloatArray, trend: TrendFit, settings: AnalysisSettings
) -> Segmentation | str:
    """Optimal segmentation of finite ``values`` around ``trend``, or why it was not tried."""
    count = len(values)
    if count < settings.changepoint_min_points:
        return f"{count} finite points; change-points need {settings.changepoint_min_points}"
    bucket = bucket_size(count, settings.changepoint_max_points)
    positions, residuals = bucket_medians(steps, values - trend.evaluate(steps), bucket)
    medians = trend.evaluate(positions) + residuals  # bucket medians without the bend inside
    if not np.all(np.isfinite(residuals)):
        return "the trend is not finite at every point"
    length = len(residuals)
    minimum = max(
        2,
        math.ceil(settings.min_segment_points / bucket),
        math.ceil(settings.min_segment_fraction * length),
    )
    if length < 2 * minimum:
        return Segmentation(positions, medians, residuals, (0, length), (), bucket)
    noise = _segment_noise(residuals, medians, settings)
    # Segment in units near the noise (a power of two: exact), so that squares of values
    # near float64's limit (a loss of 1e160) cannot overflow; the optimum does not change.
    scale = math.ldexp(1.0, math.frexp(noise)[1])
    noise /= scale
    penalty = settings.changepoint_penalty_factor * noise**2 * math.log(length)
    boundaries = _optimal_boundaries(residuals / scale, minimum, penalty, noise)
    offsets: list[int] = []
    for _ in range(_REFITS):
        inner = boundaries[1:-1]
        offsets = [o for o in offsets if any(abs(b - o) < minimum for b in inner)]
        new = [b for b in inner if all(abs(b - o) >= minimum for o in offsets)]
        if not new:
            break
        shifts = _shifts(residuals, boundaries)
        offsets.append(max(new, key=lambda b: abs(shifts[boundaries.index(b) - 1])))
        smooth = smooth_part_with_offsets(
            trend, positions, medians, (0, *sorted(offsets), length), settings.trend_families
        )
        residuals = medians - smooth
        boundaries = _optimal_boundaries(residuals / scale, minimum, penalty, noise)
    return Segmentation(
        positions, medians, residuals, boundaries, _shifts(residuals, boundaries), bucket
    )


def _shifts(residuals: FloatArray, boundaries: tuple[int, ...]) -> tuple[float, ...]:
    """Jump of the mean residual at each inner boundary (after minus before)."""
    means = [float(residuals[start:end].mean()) for start, end in pairwise(boundaries)]
    return tuple(after - before for before, after in pairwise(means))


def _optimal_boundaries(
    residuals: FloatArray, minimum: int, penalty: float, noise: float
) -> tuple[int, ...]:
    """Exact penalised segmentation, then only the change-points medians also support.

    The L2 optimum can be bought by a single bucket that straddles a jump (its median sits
    between the two levels): with a minimum segment length, carving a short segment around
    it pays. Each change-point must therefore also pass the same threshold as a robust test
    on the medians of its two neighbouring segments; the weakest failing one is merged away
    until all pass.
    """
    # Imported here, not at the top: ruptures pulls in scipy.stats (~1 s), which a run whose
    # analysis comes from the cache never needs.
    import ruptures

    detector = ruptures.KernelCPD(kernel="linear", min_size=minimum, jump=1)
    ends = detector.fit(residuals.reshape(-1, 1)).predict(pen=penalty)
    boundaries = [0, *(int(end) for end in ends)]
    threshold = math.sqrt(penalty) / noise  # z-score equivalent of the penalty
    while len(boundaries) > 2:
        scores = [
            _median_shift_score(
                residuals, boundaries[i - 1], boundaries[i], boundaries[i + 1], noise
            )
            for i in range(1, len(boundaries) - 1)
        ]
        weakest = int(np.argmin(scores))
        if scores[weakest] >= threshold:
            break
        del boundaries[weakest + 1]
    return tuple(boundaries)


def _median_shift_score(
    residuals: FloatArray, start: int, middle: int, end: int, noise: float
) -> float:
    """Shift of the median across ``middle`` in standard errors of a median."""
    before, after = residuals[start:middle], residuals[middle:end]
    shift = abs(float(np.median(after)) - float(np.median(before)))
    error = _MEDIAN_ERROR * noise * math.sqrt(1.0 / len(before) + 1.0 / len(after))
    return shift / error


def _segment_noise(residuals: FloatArray, medians: FloatArray, settings: AnalysisSettings) -> float:
    """Noise of the segmented sequence, floored at a share of the curve's range."""
    low, high = np.quantile(medians, [0.05, 0.95])
    floor = settings.changepoint_noise_floor * float(high - low)
    return max(noise_level(residuals), floor, 1e-12 * float(np.max(np.abs(medians))), 1e-100)
