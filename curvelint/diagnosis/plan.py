"""How far a run got through what it planned: the Trainer's ``max_steps``, and a learning rate
decaying in a straight line to zero. Shared by the rules (a run cut short) and the run context
(a schedule that ran out: more steps of it would gain nothing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis.wording import percent

CUT_SHORT_SHARE = 0.95  # a run that reached less than this share of max_steps was cut short
# A decay whose straight line through its last logged points reaches zero within this many
# logging intervals after the last one has run out (the Trainer logs the rate every
# logging_steps; a linear schedule reaches zero at max_steps, after the last log).
ZERO_WITHIN_INTERVALS = 1.5
# ...when the last two intervals fell alike (a straight line, not a step drop at the end).
STRAIGHT_SLOPE_RATIO = 1.5


def metadata_int(metadata: Mapping[str, Any], key: str) -> int | None:
    """An integer the reader found (``global_step``, ``max_steps``…), None when absent."""
    value = metadata.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def share_done(metadata: Mapping[str, Any]) -> float | None:
    """``global_step`` over ``max_steps`` (None when the log does not say both)."""
    done, planned = metadata_int(metadata, "global_step"), metadata_int(metadata, "max_steps")
    if done is None or planned is None or planned <= 0:
        return None
    return done / planned


def cut_short(metadata: Mapping[str, Any]) -> bool:
    """The run stopped before :data:`CUT_SHORT_SHARE` of its Trainer's ``max_steps``."""
    done = share_done(metadata)
    return done is not None and done < CUT_SHORT_SHARE


def warm_up_unfinished(rate: SeriesAnalysis | None) -> bool:
    """The learning rate rose at each of its last three logs, to its highest at the end: the
    run ended inside its warm-up, never training at the rate it planned."""
    if rate is None:
        return False
    values = rate.values[np.isfinite(rate.values)]
    if len(values) < 3:
        return False
    return bool(np.all(np.diff(values[-3:]) > 0) and values[-1] >= np.max(values))


def linear_decay_ran_out(rate: SeriesAnalysis | None, metadata: Mapping[str, Any]) -> bool:
    """The learning rate fell in a straight line over its last three points and that line
    reaches zero within :data:`ZERO_WITHIN_INTERVALS` logging intervals of the last one, in a
    run that was not cut short of its plan."""
    if rate is None or cut_short(metadata):
        return False
    finite = np.isfinite(rate.values)
    steps, values = rate.steps[finite].astype(np.float64), rate.values[finite]
    if len(values) < 3 or values[-1] <= 0:
        return False
    gaps = np.diff(steps[-3:])
    if np.any(gaps <= 0):
        return False
    slopes = np.diff(values[-3:]) / gaps
    if np.any(slopes >= 0) or max(slopes) / min(slopes) * STRAIGHT_SLOPE_RATIO < 1:
        return False
    steps_to_zero = values[-1] / -slopes[-1]
    return bool(steps_to_zero <= ZERO_WITHIN_INTERVALS * gaps[-1])


def stopped_short(metadata: Mapping[str, Any]) -> tuple[str, dict[str, int | float]] | None:
    """``the run stopped at step 60 of the 684 its Trainer planned (8.8 %)`` and its evidence,
    when the run was cut short (None otherwise)."""
    share = share_done(metadata)
    if share is None or not cut_short(metadata):
        return None
    done = metadata_int(metadata, "global_step") or 0
    planned = metadata_int(metadata, "max_steps") or 0
    words = f"the run stopped at step {done:,} of the {planned:,} its Trainer planned"
    return f"{words} ({percent(share)})", {
        "global_step": done,
        "max_steps": planned,
        "share_done": share,
    }
