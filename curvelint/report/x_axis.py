"""Where a step lands on the plots' x axis: the step itself, the epoch, or time since the start.

Epochs and wall times come from the frame (the analysis works in steps). Both are made
non-decreasing in step order, so interpolation is well defined even for a resumed run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from curvelint.report.epoch_ticks import continued
from curvelint.report.model import EpochScale, XAxis

FloatArray = npt.NDArray[np.float64]

_TIME_UNITS = ((7200.0, 3600.0, "hours"), (120.0, 60.0, "minutes"), (0.0, 1.0, "seconds"))


@dataclass(frozen=True)
class XMapping:
    """Steps → x positions. ``known_steps``/``positions`` are the interpolation table."""

    unit: XAxis
    label: str
    known_steps: FloatArray
    positions: FloatArray

    def __call__(self, steps: npt.ArrayLike) -> FloatArray:
        x = np.asarray(steps, dtype=np.float64)
        if self.unit == "step":
            return x
        return np.interp(x, self.known_steps, self.positions)


def logged_table(frame: pd.DataFrame, column: str, aggregate: str) -> tuple[FloatArray, FloatArray]:
    """Distinct steps with a finite ``column`` value, and that value as logged (one per step)."""
    known = frame.loc[np.isfinite(frame[column].to_numpy()), ["step", column]]
    if known.empty:
        return np.zeros(0), np.zeros(0)
    table = known.groupby("step", sort=True)[column].agg(aggregate)
    return table.index.to_numpy(dtype=np.float64), table.to_numpy(dtype=np.float64)


def step_table(frame: pd.DataFrame, column: str, aggregate: str) -> tuple[FloatArray, FloatArray]:
    """Distinct steps with a finite ``column`` value, and that value made non-decreasing."""
    known = frame.loc[np.isfinite(frame[column].to_numpy()), ["step", column]]
    if known.empty:
        return np.zeros(0), np.zeros(0)
    table = known.groupby("step", sort=True)[column].agg(aggregate)
    steps = table.index.to_numpy(dtype=np.float64)
    values = np.maximum.accumulate(table.to_numpy(dtype=np.float64))
    return steps, values


def epoch_scale(frame: pd.DataFrame) -> EpochScale | None:
    """The logged step → epoch pairs (restarts of the counter kept) when the epoch moved."""
    steps, epochs = logged_table(frame, "epoch", "max")
    if len(steps) < 2 or continued(epochs)[-1] <= epochs[0]:
        return None
    return EpochScale(steps=steps, epochs=epochs)


def x_mapping(frame: pd.DataFrame, wanted: XAxis) -> tuple[XMapping, str | None]:
    """The mapping for ``wanted``, or the step with a note saying why not."""
    if wanted == "epoch":
        scale = epoch_scale(frame)
        if scale is not None:
            restarted = bool(np.any(np.diff(scale.epochs) < 0))
            label = "epoch (counted on across restarts)" if restarted else "epoch"
            return XMapping("epoch", label, scale.steps, continued(scale.epochs)), None
        return _steps(), "no epochs were logged, so the x axis is the step"
    if wanted == "time":
        steps, times = step_table(frame, "wall_time", "min")
        if len(steps) >= 2 and times[-1] > times[0]:
            elapsed = times - times[0]
            _, divisor, unit = next(u for u in _TIME_UNITS if elapsed[-1] >= u[0])
            return XMapping("time", f"{unit} since the start", steps, elapsed / divisor), None
        return _steps(), "no wall times were logged, so the x axis is the step"
    return _steps(), None


def _steps() -> XMapping:
    return XMapping("step", "step", np.zeros(0), np.zeros(0))
