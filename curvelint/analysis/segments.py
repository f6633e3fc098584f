"""Label the stretches between change-points by how the values move.

Each segment gets a least-squares line over its (bucketed) values. A change within the noise
band or a small share of the level is a plateau; otherwise the sign says falling or rising.
Two shapes are recognised across neighbours: a short excursion that comes back to where it
left (spike-and-recovery), and a worsening that ends in non-finite values or goes past where
the run started (blow-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from curvelint.analysis.changepoints import Segmentation
from curvelint.analysis.results import ChangePoint, Segment, SegmentLabel
from curvelint.analysis.settings import AnalysisSettings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_RETURN_SHARE = 0.5  # an excursion "recovers" when its neighbours differ by less than half of it


@dataclass(frozen=True, slots=True)
class Line:
    """A segment's straight-line summary in bucket space."""

    start: int
    end: int
    slope: float
    start_level: float
    end_level: float
    level: float


@dataclass(frozen=True, slots=True)
class SeriesContext:
    """What labelling needs to know about the whole series."""

    direction: int
    noise: float
    start_level: float
    nonfinite_after: bool
    finite_index: IntArray
    steps: IntArray


def _line(positions: FloatArray, values: FloatArray, start: int, end: int) -> Line:
    x, y = positions[start:end], values[start:end]
    centre_x, level = float(x.mean()), float(y.mean())
    spread = float(np.sum((x - centre_x) ** 2))
    slope = float(np.sum((x - centre_x) * (y - level)) / spread) if spread > 0 else 0.0
    return Line(
        start=start,
        end=end,
        slope=slope,
        start_level=level + slope * (float(x[0]) - centre_x),
        end_level=level + slope * (float(x[-1]) - centre_x),
        level=level,
    )


def _is_flat(
    change: float, level: float, context: SeriesContext, settings: AnalysisSettings
) -> bool:
    band = max(
        settings.plateau_noise_units * context.noise,
        settings.plateau_relative_change * abs(level),
    )
    return abs(change) <= band


def _is_excursion(
    lines: list[Line], position: int, context: SeriesContext, settings: AnalysisSettings
) -> bool:
    if position == 0 or position == len(lines) - 1:
        return False
    before, here, after = lines[position - 1], lines[position], lines[position + 1]
    total = lines[-1].end - lines[0].start
    if here.end - here.start > settings.spike_segment_max_fraction * total:
        return False
    excursion = here.level - (before.end_level + after.start_level) / 2.0
    if _is_flat(excursion, here.level, context, settings):
        return False
    same_side = (here.level - before.end_level) * (here.level - after.start_level) > 0
    return same_side and abs(after.start_level - before.end_level) < _RETURN_SHARE * abs(excursion)


def _is_blow_up(lines: list[Line], position: int, label: str, context: SeriesContext) -> bool:
    worse = {-1: "rising", 1: "falling"}.get(context.direction)
    last = position == len(lines) - 1
    if last and context.nonfinite_after and label != "plateau":
        return True
    if label != worse or position == 0:
        return False
    return context.direction * (lines[position].end_level - context.start_level) < 0


def _label(
    lines: list[Line], position: int, context: SeriesContext, settings: AnalysisSettings
) -> SegmentLabel:
    line = lines[position]
    change = line.end_level - line.start_level
    basic: SegmentLabel = "plateau"
    if not _is_flat(change, line.level, context, settings):
        basic = "falling" if change < 0 else "rising"
    if _is_excursion(lines, position, context, settings):
        return "spike_and_recovery"
    if _is_blow_up(lines, position, basic, context):
        return "blow_up"
    return basic


def label_segments(
    segmentation: Segmentation, context: SeriesContext, settings: AnalysisSettings
) -> tuple[tuple[Segment, ...], tuple[ChangePoint, ...]]:
    """Labelled segments and the change-points between them (indices into the full series)."""
    lines = [
        _line(segmentation.positions, segmentation.medians, start, end)
        for start, end in pairwise(segmentation.boundaries)
    ]
    finite_count = len(context.finite_index)
    segments = []
    for position, line in enumerate(lines):
        first = context.finite_index[min(line.start * segmentation.bucket, finite_count - 1)]
        last = context.finite_index[min(line.end * segmentation.bucket, finite_count) - 1]
        change = line.end_level - line.start_level
        segments.append(
            Segment(
                start_step=int(context.steps[first]),
                end_step=int(context.steps[last]),
                start_index=int(first),
                end_index=int(last),
                label=_label(lines, position, context, settings),
                slope=line.slope,
                change=change,
                relative_change=change / abs(line.start_level) if line.start_level != 0 else None,
                level=line.level,
            )
        )
    changepoints = tuple(
        ChangePoint(
            step=segment.start_step,
            index=segment.start_index,
            shift=shift,
            shift_noise_units=shift / context.noise if context.noise > 0 else 0.0,
            scheduled=False,
            learning_rate_drop_step=None,
        )
        for segment, shift in zip(segments[1:], segmentation.shifts, strict=True)
    )
    return tuple(segments), changepoints
