"""A seed group's curves: the mean of its seeds on the union of their steps, and the spread.

Each seed is interpolated onto the union of steps only inside its own logged range, so a
shorter seed stops contributing where it stopped. A NaN or ±inf is data: the mean is
non-finite wherever a seed covering that step is, and a seed whose last point is non-finite
(it ended diverged) counts as non-finite to the very end — a diverged seed is never averaged
away. The band (min–max, or a 95 % t-interval of the mean) is drawn from the finite seeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from curvelint import schema

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
GROUP_SOURCE = "mean of seeds"


@dataclass(frozen=True)
class MemberSeries:
    """One seed's points of one curve, sorted by step (as the analysis cuts them)."""

    name: str
    steps: IntArray
    values: FloatArray


@dataclass(frozen=True)
class MeanCurve:
    """One curve of a group. Arrays align with ``steps``; ``count`` is how many seeds cover
    each step; ``low``/``high`` the min–max and ``interval_low``/``interval_high`` the 95 %
    interval of the mean over the finite ones (NaN where there are none, or fewer than two)."""

    metric: str
    split: str
    tag: str
    steps: IntArray
    mean: FloatArray
    low: FloatArray
    high: FloatArray
    interval_low: FloatArray
    interval_high: FloatArray
    count: IntArray
    diverged: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        """``(metric, split)``."""
        return (self.metric, self.split)


def on_steps(member: MemberSeries, steps: IntArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """The member's values at ``steps`` and where it counts: linear between its own points
    inside its range, non-finite next to a non-finite point, and non-finite after its end when
    it ended so (a diverged seed counts to the end); elsewhere it does not count."""
    values = np.full(len(steps), np.nan)
    if len(member.steps) == 0:
        return values, np.zeros(len(steps), dtype=np.bool_)
    inside = (steps >= member.steps[0]) & (steps <= member.steps[-1])
    wanted = steps[inside]
    right = np.minimum(np.searchsorted(member.steps, wanted), len(member.steps) - 1)
    left = np.maximum(right - 1, 0)
    x0, x1 = member.steps[left].astype(np.float64), member.steps[right].astype(np.float64)
    y0, y1 = member.values[left], member.values[right]
    span = np.where(x1 > x0, x1 - x0, 1.0)
    with np.errstate(invalid="ignore", over="ignore"):
        between = np.where(
            np.isfinite(y0) & np.isfinite(y1), y0 + (wanted - x0) / span * (y1 - y0), np.nan
        )
    values[inside] = np.where(member.steps[right] == wanted, y1, between)
    counts = inside.copy()
    last = float(member.values[-1])
    if not np.isfinite(last):
        after = steps > member.steps[-1]
        values[after] = last
        counts |= after
    return values, counts


def _interval(finite: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The 95 % t-interval of the mean of each column's finite values (NaN below two)."""
    counts = np.sum(np.isfinite(finite), axis=0)
    low = np.full(finite.shape[1], np.nan)
    high = np.full(finite.shape[1], np.nan)
    enough = counts >= 2
    if not np.any(enough):
        return low, high
    columns = finite[:, enough]
    centre = np.nanmean(columns, axis=0)
    # In units of a power of two near the values (exact): a loss of 1e160 squared overflows.
    scale = math.ldexp(1.0, math.frexp(float(np.nanmax(np.abs(columns))))[1])
    deviation = np.nanstd(columns / scale, axis=0, ddof=1) * scale
    from scipy import stats  # ~0.3 s to import: only when a seed group is judged

    half = stats.t.ppf(0.975, counts[enough] - 1) * deviation / np.sqrt(counts[enough])
    low[enough], high[enough] = centre - half, centre + half
    return low, high


def mean_curve(members: Sequence[MemberSeries], metric: str, split: str, tag: str) -> MeanCurve:
    """The group's curve of one series from its seeds' points."""
    steps = np.unique(np.concatenate([member.steps for member in members])).astype(np.int64)
    placed = [on_steps(member, steps) for member in members]
    values = np.vstack([value for value, _ in placed])
    covered = np.vstack([counts for _, counts in placed])
    count = covered.sum(axis=0).astype(np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        total = np.where(covered, values, 0.0).sum(axis=0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    finite = np.where(covered & np.isfinite(values), values, np.nan)
    interval_low, interval_high = _interval(finite)
    return MeanCurve(
        metric=metric,
        split=split,
        tag=tag,
        steps=steps,
        mean=mean,
        low=np.fmin.reduce(finite, axis=0),
        high=np.fmax.reduce(finite, axis=0),
        interval_low=interval_low,
        interval_high=interval_high,
        count=count,
        diverged=tuple(m.name for m in members if not np.all(np.isfinite(m.values))),
    )


def group_frame(run: str, curves: Sequence[MeanCurve]) -> pd.DataFrame:
    """The group's mean curves as a schema frame of one run, ready for ``judge_frame``."""
    lengths = [len(curve.steps) for curve in curves]
    total = sum(lengths)

    def column(values: list[str]) -> pd.Categorical:
        repeated = np.repeat(np.array(values, dtype=object), lengths)
        return pd.Categorical(repeated, categories=pd.Index(sorted(set(values)), dtype=object))

    frame = pd.DataFrame(
        {
            "run": column([run] * len(curves)),
            "metric": column([curve.metric for curve in curves]),
            "split": column([curve.split for curve in curves]),
            "step": np.concatenate([curve.steps for curve in curves]).astype(np.int64),
            "epoch": np.full(total, np.nan),
            "wall_time": np.full(total, np.nan),
            "value": np.concatenate([curve.mean for curve in curves]).astype(np.float64),
            "tag": column([curve.tag for curve in curves]),
            "source": column([GROUP_SOURCE] * len(curves)),
        }
    )
    return schema.validate(frame)
