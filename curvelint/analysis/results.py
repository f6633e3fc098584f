"""The analysis results: frozen, plain data built once and only read afterwards.

Scalars are Python ``int``/``float``/``str``/``bool`` (never numpy scalars) so the report can
serialise them to JSON as they are; ``None`` means "not applicable" and no field holds NaN when
the series had finite points. Arrays are read-only numpy arrays aligned with ``steps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from curvelint.analysis.trend_models import evaluate_model
from curvelint.names import is_loss

if TYPE_CHECKING:
    from curvelint.analysis.levels import Curve

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
NonFiniteKind = Literal["nan", "inf", "-inf"]
SegmentLabel = Literal["falling", "plateau", "rising", "spike_and_recovery", "blow_up"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A bootstrap percentile interval; ``level`` is its coverage (0.9 = 5th to 95th percentile)."""

    low: float
    high: float
    level: float


@dataclass(frozen=True, slots=True)
class Noise:
    """Robust point-to-point noise: ``absolute`` in value units, ``relative`` to the final level."""

    absolute: float
    relative: float | None
    level: float


@dataclass(frozen=True, slots=True)
class TrendFit:
    """A fitted learning curve ``value = c + a * g(x)``, ``x = (step - step_origin) / step_scale``.

    ``asymptote`` is ``c``. Improvements are signed so that positive means better (for metrics
    without a direction, positive means the value went up). ``improvement_last_10`` and
    ``improvement_last_20`` are the shares of ``improvement_total`` made in the last 10 % and
    20 % of the steps (``None`` when the total is too small to divide by). The projection is the
    fitted curve at ``projection_step`` (``projection_factor`` x the last step); its interval
    covers the curve, not the noise of single points.
    """

    model: str
    parameters: dict[str, float]
    step_origin: float
    step_scale: float
    asymptote: float
    asymptote_interval: Interval | None
    fitted_first: float
    fitted_last: float
    improvement_total: float
    improvement_last_10: float | None
    improvement_last_20: float | None
    projection_step: int
    projection: float
    projection_interval: Interval | None
    aic: float
    n_fitted: int
    residual_noise: float

    def evaluate(self, steps: npt.ArrayLike) -> FloatArray:
        """The fitted curve at ``steps`` (for plotting the trend and its projection)."""
        x = (np.asarray(steps, dtype=np.float64) - self.step_origin) / self.step_scale
        return evaluate_model(self.model, x, self.parameters)


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """Where the curve departs from one smooth trend: the first point of the new segment.

    ``shift`` is the jump of the mean residual from the trend (after minus before), also in
    noise units. ``scheduled`` is True when a logged learning-rate drop explains it.
    """

    step: int
    index: int
    shift: float
    shift_noise_units: float
    scheduled: bool
    learning_rate_drop_step: int | None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch between change-points, labelled by how its values move.

    ``slope`` is value per step of a least-squares line; ``change`` its rise over the segment,
    ``relative_change`` that rise over the segment's starting level (``None`` at level 0).
    """

    start_step: int
    end_step: int
    start_index: int
    end_index: int
    label: SegmentLabel
    slope: float
    change: float
    relative_change: float | None
    level: float


@dataclass(frozen=True, slots=True)
class NonFiniteEvent:
    """The first NaN/±inf of a series and what came before and after it."""

    step: int
    index: int
    kind: NonFiniteKind
    value_before: float | None
    step_before: int | None
    count: int
    finite_after: bool


@dataclass(frozen=True, slots=True)
class Spike:
    """A short excursion away from the rolling median, at its largest point.

    ``size_noise_units`` is the robust z-score (signed: positive = above the baseline),
    ``size_relative`` the excursion over the baseline's magnitude. ``worse`` says the spike went
    in the bad direction (up for a loss). ``recovered`` means the curve came back within the
    recovery band of the pre-spike baseline, first at ``recovery_step``.
    """

    step: int
    index: int
    value: float
    baseline: float
    size_noise_units: float
    size_relative: float | None
    n_points: int
    worse: bool | None
    recovered: bool
    recovery_step: int | None


@dataclass(frozen=True, slots=True)
class LearningRateDrop:
    """A sudden learning-rate decrease from a stable level: ``factor`` = after / before."""

    step: int
    factor: float
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class LearningRateSchedule:
    """Facts about a logged learning rate that explain (or indict) the curves."""

    initial: float
    peak: float
    peak_step: int
    final: float
    drops: tuple[LearningRateDrop, ...]
    warmup: bool
    warmup_end_step: int | None
    never_decayed: bool
    final_over_peak: float | None


@dataclass(frozen=True, slots=True)
class SeriesAnalysis:
    """Everything computed for one (run, metric, split) curve.

    ``steps``/``values`` are the analysed points (sorted, one per step); ``smoothed`` is the
    display curve. ``first_value``/``last_value`` are the first and last finite values (the
    raw values a report's table shows), ``best_value`` the best finite one. ``curve`` holds the
    measures every rule reads (levels, noise, trend, eval turn: :mod:`curvelint.analysis.levels`).
    ``ignored_tags`` are other tags that map to the same name (the one with most points wins).
    """

    run: str
    metric: str
    split: str
    tag: str
    ignored_tags: tuple[str, ...]
    direction: int
    n_points: int
    n_finite: int
    first_step: int
    last_step: int
    first_value: float | None
    last_value: float | None
    last_finite_step: int | None
    best_value: float | None
    best_step: int | None
    steps: IntArray
    values: FloatArray
    smoothed: FloatArray
    noise: Noise | None
    curve: Curve | None
    trend: TrendFit | None
    changepoints: tuple[ChangePoint, ...]
    segments: tuple[Segment, ...]
    nonfinite: NonFiniteEvent | None
    spikes: tuple[Spike, ...]

    @property
    def key(self) -> tuple[str, str]:
        """``(metric, split)``, the series' name within its run."""
        return (self.metric, self.split)


@dataclass(frozen=True, slots=True)
class RunAnalysis:
    """One run: its series (ordered by metric, then split) and its learning-rate schedule."""

    run: str
    series_analyses: tuple[SeriesAnalysis, ...]
    schedule: LearningRateSchedule | None

    def keys(self) -> tuple[tuple[str, str], ...]:
        """The ``(metric, split)`` of every series, in order."""
        return tuple(analysis.key for analysis in self.series_analyses)

    def series(self, metric: str, split: str) -> SeriesAnalysis | None:
        """The series named ``metric``/``split``, or None when the run did not log it."""
        for analysis in self.series_analyses:
            if analysis.metric == metric and analysis.split == split:
                return analysis
        return None

    def main_loss(self, split: str = "train") -> SeriesAnalysis | None:
        """``loss`` in ``split``; else the loss-like metric of that split with most points
        (one that is not exactly 0 throughout first)."""
        exact = self.series("loss", split)
        if exact is not None:
            return exact
        candidates = [
            analysis
            for analysis in self.series_analyses
            if analysis.split == split and is_loss(analysis.metric)
        ]
        if not candidates:
            return None
        # A term at exactly 0 throughout (a single-class detector's class loss) says nothing.
        return max(candidates, key=lambda analysis: (_moves(analysis), analysis.n_finite))


def _moves(analysis: SeriesAnalysis) -> bool:
    """The series has a finite point other than exactly 0."""
    curve = analysis.curve
    return curve is not None and bool(np.any(curve.values != 0.0))
