"""Seeded synthetic training curves with known answers, for tests and benchmarks.

Every generator returns ``(steps, values)``: ``steps`` int64 from ``start`` every ``every``
steps, ``values`` float64. Noise is Gaussian with standard deviation ``noise`` (absolute units)
from ``numpy.random.default_rng(seed)``, so the same arguments always give the same curve.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from curvelint.schema import build_frame, concat

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Curve = tuple[IntArray, FloatArray]


def logged_steps(points: int, every: int = 1, start: int = 0) -> IntArray:
    """``points`` steps ``start, start + every, ...``."""
    return (start + every * np.arange(points)).astype(np.int64)


def _noise(length: int, noise: float, seed: int) -> FloatArray:
    return np.random.default_rng(seed).normal(0.0, noise, length) if noise > 0 else np.zeros(length)


def power_law_decay(
    points: int = 2000,
    *,
    asymptote: float = 0.5,
    amplitude: float = 2.0,
    exponent: float = 0.5,
    noise: float = 0.01,
    every: int = 1,
    seed: int = 0,
) -> Curve:
    """A healthy loss: ``asymptote + amplitude * (step + 1) ** -exponent`` plus noise."""
    steps = logged_steps(points, every)
    clean = asymptote + amplitude * (steps + 1.0) ** -exponent
    return steps, clean + _noise(points, noise, seed)


def level_jump(
    points: int = 2000,
    *,
    jump_index: int = 1000,
    jump: float = 0.2,
    noise: float = 0.01,
    every: int = 1,
    seed: int = 0,
) -> Curve:
    """A power-law decay that shifts by ``jump`` from point ``jump_index`` on."""
    steps, values = power_law_decay(points, noise=noise, every=every, seed=seed)
    values[jump_index:] += jump
    return steps, values


def spike(
    points: int = 2000,
    *,
    spike_index: int = 1200,
    height: float = 1.0,
    width: int = 1,
    noise: float = 0.01,
    every: int = 1,
    seed: int = 0,
) -> Curve:
    """A power-law decay with ``height`` added to ``width`` points from ``spike_index``."""
    steps, values = power_law_decay(points, noise=noise, every=every, seed=seed)
    values[spike_index : spike_index + width] += height
    return steps, values


def u_shaped_eval_loss(
    evaluations: int = 40,
    *,
    every: int = 500,
    minimum_step: int = 8000,
    minimum: float = 0.6,
    curvature: float = 0.3,
    noise: float = 0.002,
    seed: int = 0,
) -> Curve:
    """An overfitting eval loss: a parabola in log-step with its minimum at ``minimum_step``."""
    steps = logged_steps(evaluations, every, start=every)
    distance = np.log(steps / minimum_step)
    return steps, minimum + curvature * distance**2 + _noise(evaluations, noise, seed)


def saturating_accuracy(
    points: int = 2000,
    *,
    ceiling: float = 0.92,
    start: float = 0.1,
    rate: float = 5.0,
    noise: float = 0.005,
    every: int = 1,
    seed: int = 0,
) -> Curve:
    """Accuracy rising from ``start`` towards ``ceiling``:
    ``ceiling - (ceiling - start) * exp(-rate * t)`` with ``t`` the fraction of the run."""
    steps = logged_steps(points, every)
    fraction = steps / max(1, steps[-1])
    clean = ceiling - (ceiling - start) * np.exp(-rate * fraction)
    return steps, clean + _noise(points, noise, seed)


def nan_blow_up(
    points: int = 1000,
    *,
    blow_up_index: int = 700,
    growth: float = 1.05,
    overflow_points: int = 30,
    noise: float = 0.01,
    every: int = 1,
    seed: int = 0,
) -> Curve:
    """A decay that from ``blow_up_index`` grows by ``growth`` x per point, then turns to inf and
    NaN: ``overflow_points`` after the start of the growth comes ``+inf``, then NaN to the end."""
    steps, values = power_law_decay(points, noise=noise, every=every, seed=seed)
    tail = np.arange(points - blow_up_index)
    values[blow_up_index:] = values[blow_up_index] * growth ** (tail * 10)
    overflow = blow_up_index + overflow_points
    values[overflow] = np.inf
    values[overflow + 1 :] = np.nan
    return steps, values


def constant(points: int = 500, *, value: float = 1.25, every: int = 1) -> Curve:
    """A series that never changes (a frozen metric)."""
    return logged_steps(points, every), np.full(points, value)


def oscillating(
    points: int = 2000,
    *,
    level: float = 1.0,
    amplitude: float = 0.3,
    period: int = 200,
    noise: float = 0.01,
    every: int = 1,
    seed: int = 0,
) -> Curve:
    """A loss that swings around ``level`` with ``period`` steps (an unstable optimiser)."""
    steps = logged_steps(points, every)
    clean = level + amplitude * np.sin(2.0 * np.pi * steps / period)
    return steps, clean + _noise(points, noise, seed)


def step_schedule_learning_rate(
    points: int = 2000, *, base: float = 0.1, factor: float = 0.1, every_steps: int = 800
) -> Curve:
    """A step learning-rate schedule: ``base`` times ``factor`` every ``every_steps`` steps."""
    steps = logged_steps(points)
    return steps, (base * factor ** (steps // every_steps)).astype(np.float64)


def staircase_loss(
    points: int = 2000,
    *,
    drop_every: int = 800,
    drop: float = 0.3,
    noise: float = 0.01,
    seed: int = 0,
) -> Curve:
    """A decay that drops by ``drop`` whenever a step schedule lowers the learning rate."""
    steps, values = power_law_decay(points, noise=noise, seed=seed)
    return steps, values - drop * (steps // drop_every)


def series_frame(
    curves: dict[str, Curve], *, run: str = "run", source: str = "synthetic"
) -> pd.DataFrame:
    """A schema frame of one run from ``{tag: (steps, values)}`` (tags canonicalised as usual)."""
    tags = np.concatenate(
        [np.full(len(steps), tag, dtype=object) for tag, (steps, _) in curves.items()]
    )
    return build_frame(
        tag=tags,
        step=np.concatenate([steps for steps, _ in curves.values()]),
        value=np.concatenate([values for _, values in curves.values()]),
        source=source,
        run=run,
    )


def long_series_frame(points: int = 1_000_000, seed: int = 0) -> pd.DataFrame:
    """Benchmark workload 1: one noisy train-loss series of ``points`` points."""
    return series_frame({"train/loss": power_law_decay(points, noise=0.02, seed=seed)})


def many_runs_frame(runs: int = 200, points: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Benchmark workload 2: ``runs`` runs x 4 series of ``points`` points each
    (train loss, U-shaped eval loss, eval accuracy, step learning rate)."""
    frames = []
    for index in range(runs):
        curves = {
            "train/loss": power_law_decay(points, noise=0.02, seed=seed + index),
            "eval/loss": u_shaped_eval_loss(points, every=10, minimum_step=8 * points, seed=index),
            "eval/accuracy": saturating_accuracy(points, seed=seed + index),
            "learning_rate": step_schedule_learning_rate(points),
        }
        frames.append(series_frame(curves, run=f"run-{index:03d}"))
    return concat(frames)
