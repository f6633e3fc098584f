"""Where the epoch ticks go above a step axis: at the steps where the log says that epoch.

The logged (step, epoch) pairs are the truth; between two of them the epoch is interpolated
linearly. A log whose epoch counter starts again (a resumed or streamed run: 5.06 → 0) is cut
into stretches and each stretch gets its own ticks, labelled with the epoch as logged, so a
tick never names an epoch the log did not reach at that step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

NICE_STEPS = (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0)
MAX_TICKS = 11
MIN_GAP_SHARE = 0.04  # two ticks closer than this share of the step range: keep the first


@dataclass(frozen=True)
class EpochTicks:
    """Tick positions (in steps), their labels, and the steps where the epoch started again."""

    steps: FloatArray
    labels: tuple[str, ...]
    restarts: tuple[int, ...]


def stretches(steps: FloatArray, epochs: FloatArray) -> list[tuple[FloatArray, FloatArray]]:
    """The pairs cut wherever the logged epoch goes down."""
    cuts = np.flatnonzero(np.diff(epochs) < 0) + 1
    return list(zip(np.split(steps, cuts), np.split(epochs, cuts), strict=True))


def tick_interval(total_epochs: float) -> float:
    """The smallest nice epoch interval that gives at most ``MAX_TICKS`` ticks."""
    magnitude = 10.0 ** np.floor(np.log10(max(total_epochs, 1e-9) / MAX_TICKS))
    for base in (1.0, 10.0, 100.0):
        for nice in NICE_STEPS:
            interval = nice * magnitude * base
            if total_epochs / interval <= MAX_TICKS:
                return float(interval)
    return float(total_epochs)


def _label(epoch: float) -> str:
    epoch = epoch + 0.0  # no "-0"
    return f"{epoch:g}" if abs(epoch) < 1e6 else f"{epoch:,.0f}"


def step_of_epoch(epoch: float, steps: FloatArray, epochs: FloatArray) -> float | None:
    """The first step at which non-decreasing ``epochs`` reach ``epoch`` (linear between the
    logged pairs), or None outside them."""
    if len(epochs) == 0 or not epochs[0] <= epoch <= epochs[-1]:
        return None
    after = int(np.searchsorted(epochs, epoch, side="left"))
    if after == 0 or epochs[after] == epoch:
        return float(steps[after])
    low, high = epochs[after - 1], epochs[after]
    share = (epoch - low) / (high - low)
    return float(steps[after - 1] + share * (steps[after] - steps[after - 1]))


def continued(epochs: FloatArray) -> FloatArray:
    """Epochs counted on across restarts (each stretch starts where the previous one ended),
    made non-decreasing: an x axis in epochs that never runs backwards."""
    values = np.asarray(epochs, dtype=np.float64).copy()
    drops = np.flatnonzero(np.diff(values) < 0) + 1
    for cut in drops:
        values[cut:] += values[cut - 1] - values[cut]
    return np.maximum.accumulate(values) if len(values) else values


def epoch_ticks(steps: FloatArray, epochs: FloatArray) -> EpochTicks:
    """Ticks at round epochs, each placed at the step the logged pairs give for that epoch."""
    parts = stretches(steps, epochs)
    total = sum(float(e[-1] - e[0]) for _, e in parts)
    interval = tick_interval(total)
    span = float(steps[-1] - steps[0]) or 1.0
    tick_steps: list[float] = []
    labels: list[str] = []
    for part_steps, part_epochs in parts:
        first = np.ceil(part_epochs[0] / interval - 1e-9) * interval
        for epoch in np.arange(first, part_epochs[-1] + interval * 1e-6, interval):
            step = step_of_epoch(round(float(epoch), 9), part_steps, part_epochs)
            if step is None:
                continue
            if tick_steps and step - tick_steps[-1] < MIN_GAP_SHARE * span:
                continue
            tick_steps.append(step)
            labels.append(_label(round(float(epoch), 6)))
    restarts = tuple(int(s[0]) for s, _ in parts[1:])
    return EpochTicks(np.asarray(tick_steps, dtype=np.float64), tuple(labels), restarts)
