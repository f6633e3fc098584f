"""Learning-rate schedule facts, and which curve change-points a schedule explains.

A step schedule (or ReduceLROnPlateau) shows as a sudden drop from a stable level; a cosine or
linear decay only ever moves a little from one logged point to the next, even where the ratio
between neighbours gets small near zero, because it was already moving before. So a drop is
a neighbour ratio at most ``lr_drop_ratio`` right after a ratio of at least ``lr_stable_ratio``.
A loss that steps down at such a drop is the schedule working, not an anomaly.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import ChangePoint, LearningRateDrop, LearningRateSchedule
from curvelint.analysis.settings import AnalysisSettings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_WARMUP_REACHED = 0.95  # warm-up ends where the rate first reaches 95 % of its peak


def describe_schedule(
    steps: IntArray, values: FloatArray, settings: AnalysisSettings
) -> LearningRateSchedule | None:
    """Drops, warm-up and decay of a logged learning rate (finite points only)."""
    finite = np.isfinite(values)
    x, lr = steps[finite], values[finite]
    if len(lr) == 0:
        return None
    peak_index = int(np.argmax(lr))
    peak = float(lr[peak_index])
    initial, final = float(lr[0]), float(lr[-1])
    warmup = peak > 0 and initial < settings.lr_warmup_ratio * peak and peak_index > 0
    warmup_end = None
    if warmup:
        warmup_end = int(x[int(np.argmax(lr >= _WARMUP_REACHED * peak))])
    return LearningRateSchedule(
        initial=initial,
        peak=peak,
        peak_step=int(x[peak_index]),
        final=final,
        drops=_drops(x, lr, settings),
        warmup=warmup,
        warmup_end_step=warmup_end,
        never_decayed=peak > 0 and final >= settings.lr_never_decayed_ratio * peak,
        final_over_peak=final / peak if peak > 0 else None,
    )


def _drops(
    steps: IntArray, lr: FloatArray, settings: AnalysisSettings
) -> tuple[LearningRateDrop, ...]:
    if len(lr) < 3:
        return ()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = lr[1:] / lr[:-1]
    stable_before = np.concatenate([[True], ratios[:-1] >= settings.lr_stable_ratio])
    is_drop = (lr[:-1] > 0) & (ratios <= settings.lr_drop_ratio) & stable_before
    return tuple(
        LearningRateDrop(
            step=int(steps[i + 1]),
            factor=float(ratios[i]),
            before=float(lr[i]),
            after=float(lr[i + 1]),
        )
        for i in np.flatnonzero(is_drop)
    )


def explain_changepoints(
    changepoints: tuple[ChangePoint, ...],
    drops: tuple[LearningRateDrop, ...],
    span: float,
    settings: AnalysisSettings,
) -> tuple[ChangePoint, ...]:
    """Mark change-points within ``lr_explain_fraction`` of the span after-or-around a drop."""
    if not drops or not changepoints:
        return changepoints
    tolerance = max(1.0, settings.lr_explain_fraction * span)
    drop_steps = np.array([drop.step for drop in drops], dtype=np.float64)
    explained = []
    for point in changepoints:
        distance = np.abs(drop_steps - point.step)
        nearest = int(np.argmin(distance))
        if distance[nearest] <= tolerance and math.isfinite(distance[nearest]):
            point = replace(point, scheduled=True, learning_rate_drop_step=drops[nearest].step)
        explained.append(point)
    return tuple(explained)
