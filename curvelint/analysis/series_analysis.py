"""Analyse one curve: the pure function that turns steps and values into a SeriesAnalysis."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from curvelint.analysis.changepoints import segment_residuals
from curvelint.analysis.extremes import best_index
from curvelint.analysis.fences import clip_to_fence
from curvelint.analysis.levels import Curve
from curvelint.analysis.noise import describe_noise
from curvelint.analysis.nonfinite import first_nonfinite
from curvelint.analysis.results import (
    ChangePoint,
    LearningRateDrop,
    Segment,
    SeriesAnalysis,
    TrendFit,
)
from curvelint.analysis.schedule import explain_changepoints
from curvelint.analysis.segments import SeriesContext, label_segments
from curvelint.analysis.series import sort_and_deduplicate
from curvelint.analysis.settings import AnalysisSettings
from curvelint.analysis.smoothing import smooth
from curvelint.analysis.spikes import detect_spikes
from curvelint.analysis.trend import fit_trend
from curvelint.names import direction

_Scalar = TypeVar("_Scalar", bound=np.generic)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCHEDULE_METRICS = frozenset({"learning_rate"})


def _read_only(array: npt.NDArray[_Scalar]) -> npt.NDArray[_Scalar]:
    """A read-only view: the caller's own array (not copied, on a long series) keeps its flags."""
    view = array.view()
    view.setflags(write=False)
    return view


def analyze_series(
    steps: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    metric: str,
    split: str = "",
    run: str = "",
    tag: str = "",
    ignored_tags: tuple[str, ...] = (),
    settings: AnalysisSettings | None = None,
    learning_rate_drops: tuple[LearningRateDrop, ...] = (),
    duplicates_dropped: int = 0,
) -> SeriesAnalysis:
    """Analyse one series (any order; a repeated step keeps its last value).

    ``duplicates_dropped`` counts repeated steps a caller already removed.
    """
    settings = settings or AnalysisSettings()
    step_array, value_array, duplicates = sort_and_deduplicate(steps, values)
    duplicates += duplicates_dropped
    if len(step_array) == 0:
        raise ValueError(f"series {run!r} {metric!r}/{split!r} has no points")
    sign = direction(metric)
    finite = np.isfinite(value_array)
    finite_index = np.flatnonzero(finite)
    noise = describe_noise(value_array)
    noise_level = noise.absolute if noise is not None else 0.0
    span = float(step_array[-1] - step_array[0])
    smoothed = smooth(
        step_array,
        value_array,
        settings.smoothing,
        ema_weight=settings.ema_weight,
        time_constant=max(settings.time_constant_fraction * span, 1e-9),
    )
    nonfinite = first_nonfinite(step_array, value_array)
    fenced = clip_to_fence(value_array[finite], settings.outlier_fence_iqr)
    trend, _why_no_trend = _trend(step_array[finite], fenced, metric, sign, settings)
    changepoints: tuple[ChangePoint, ...] = ()
    segments: tuple[Segment, ...] = ()
    if trend is not None:
        context = SeriesContext(
            direction=sign,
            noise=noise_level,
            start_level=float(np.median(fenced[:3])),
            nonfinite_after=nonfinite is not None and not nonfinite.finite_after,
            finite_index=finite_index,
            steps=step_array,
        )
        segments, changepoints = _segments(
            step_array[finite].astype(np.float64), fenced, trend, context, settings
        )
        changepoints = explain_changepoints(changepoints, learning_rate_drops, span, settings)
    best = best_index(value_array, sign)
    last = int(finite_index[-1]) if len(finite_index) else None
    return SeriesAnalysis(
        run=run,
        metric=metric,
        split=split,
        tag=tag,
        ignored_tags=ignored_tags,
        direction=sign,
        n_points=len(step_array),
        n_finite=len(finite_index),
        first_step=int(step_array[0]),
        last_step=int(step_array[-1]),
        first_value=float(value_array[finite_index[0]]) if len(finite_index) else None,
        last_value=float(value_array[last]) if last is not None else None,
        last_finite_step=int(step_array[last]) if last is not None else None,
        best_value=float(value_array[best]) if best is not None else None,
        best_step=int(step_array[best]) if best is not None else None,
        steps=_read_only(step_array),
        values=_read_only(value_array),
        smoothed=_read_only(smoothed),
        noise=noise,
        curve=Curve.of(
            f"{metric}/{split}" if split else metric,
            step_array,
            value_array,
            sign,
            settings.final_window_share,
        ),
        trend=trend,
        changepoints=changepoints,
        segments=segments,
        nonfinite=nonfinite,
        spikes=detect_spikes(
            step_array, value_array, noise=noise_level, direction=sign, settings=settings
        ),
    )


def _trend(
    steps: IntArray, values: FloatArray, metric: str, sign: int, settings: AnalysisSettings
) -> tuple[TrendFit | None, str | None]:
    if metric in SCHEDULE_METRICS:
        return None, "a learning rate is a schedule, not a learning curve (see the run's schedule)"
    fitted = fit_trend(steps.astype(np.float64), values, direction=sign, settings=settings)
    if isinstance(fitted, str):
        return None, fitted
    return fitted, None


def _segments(
    steps: FloatArray,
    values: FloatArray,
    trend: TrendFit,
    context: SeriesContext,
    settings: AnalysisSettings,
) -> tuple[tuple[Segment, ...], tuple[ChangePoint, ...]]:
    segmentation = segment_residuals(steps, values, trend, settings)
    if isinstance(segmentation, str):  # why there is no segmentation: nothing to show
        return (), ()
    return label_segments(segmentation, context, settings)
