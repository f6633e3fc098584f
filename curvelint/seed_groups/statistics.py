"""Best and final values of one curve, and a side's value over its seeds.

*Final* is the median of the last 10 % of the finite points (at least 3) — the level the curve
ended at, not its last noisy point — or the last point itself when that is NaN/inf. *Best* is
the best finite point. A side with several seeds has the mean of its seeds' values, and the
seeds' standard deviation as its spread; a single run's spread is the standard error from its
curve's robust point-to-point noise (:mod:`curvelint.analysis.noise`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from curvelint.analysis.noise import final_level, noise_level
from curvelint.analysis.series import SeriesData
from curvelint.names import direction

FloatArray = npt.NDArray[np.float64]
Which = Literal["best", "final"]

FINAL_SHARE = 0.1
MEDIAN_EFFICIENCY = 1.2533  # standard error of a median of m normal points: 1.2533 sd / sqrt(m)


@dataclass(frozen=True)
class SeriesNumbers:
    """One run's numbers for one curve. ``final`` may be NaN/inf (the curve ended so);
    ``noise`` is None below 3 finite points."""

    best: float | None
    final: float | None
    final_points: int
    noise: float | None


@dataclass(frozen=True)
class Statistic:
    """One side's best or final value: the mean over its seeds (one value for a single run),
    each seed's value, and the spread used by the noise rule (the seeds' standard deviation
    for a group; the standard error from the curve's noise for a single run)."""

    value: float | None
    per_seed: tuple[float, ...]
    spread: float | None
    seeds: int


def series_numbers(values: FloatArray, direction: int) -> SeriesNumbers:
    """Best, final level and noise of one curve's values (in step order)."""
    finite = values[np.isfinite(values)]
    if len(values) == 0:
        return SeriesNumbers(None, None, 0, None)
    best = None
    if len(finite) and direction:
        best = float(finite.min() if direction < 0 else finite.max())
    last = float(values[-1])
    points = min(len(finite), max(3, math.ceil(FINAL_SHARE * len(finite))))
    final = last if not math.isfinite(last) else final_level(values, FINAL_SHARE)
    noise = noise_level(finite) if len(finite) >= 3 else None
    return SeriesNumbers(best, final, 1 if not math.isfinite(last) else points, noise)


def curve_numbers(series: SeriesData) -> SeriesNumbers:
    """:func:`series_numbers` of one curve, in the better direction of its metric."""
    return series_numbers(series.values, direction(series.metric))


def _single_spread(numbers: SeriesNumbers, which: Which) -> float | None:
    if numbers.noise is None:
        return None
    if which == "best":
        return numbers.noise
    return MEDIAN_EFFICIENCY * numbers.noise / math.sqrt(max(1, numbers.final_points))


def side_statistic(runs: Sequence[SeriesNumbers], which: Which) -> Statistic:
    """A side's statistic from its runs' numbers (one run, or each seed of a group)."""
    values = [getattr(numbers, which) for numbers in runs]
    known = [float("nan") if value is None else float(value) for value in values]
    if not runs or all(value is None for value in values):
        return Statistic(None, tuple(known), None, len(runs))
    if len(runs) == 1:
        return Statistic(known[0], tuple(known), _single_spread(runs[0], which), 1)
    with np.errstate(invalid="ignore", over="ignore"):
        mean = float(np.mean(known))
    finite = [value for value in known if math.isfinite(value)]
    spread = _spread(finite) if len(finite) >= 2 else None
    return Statistic(mean, tuple(known), spread, len(runs))


def _spread(finite: list[float]) -> float:
    """The sample standard deviation, in units of a power of two near the values (exact):
    a loss of 1e160 squared would overflow float64."""
    scale = math.ldexp(1.0, math.frexp(max(abs(value) for value in finite))[1])
    return float(np.std([value / scale for value in finite], ddof=1)) * scale
