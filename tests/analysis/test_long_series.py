"""A series of millions of points is analysed on bounded samples where the cost would grow
faster than the points (change-points, the running median) or dominate (the display EMA), and
still finds what a short series would: a planted change, the exact smoothed curve, the level."""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import (
    RUNNING_MEDIAN_MAX_POINTS,
    _exact_running_median,
    running_median,
)
from curvelint.analysis.series_analysis import analyze_series
from curvelint.analysis.smoothing import SMOOTHING_MAX_POINTS, centered_time_ema, smooth

COUNT = 2_000_000
JUMP_AT = 1_200_000


def _long_loss(count: int = COUNT) -> tuple[np.ndarray, np.ndarray]:
    """A decaying loss with noise that jumps up by 0.5 at ``JUMP_AT`` (a bad restart)."""
    steps = np.arange(count, dtype=np.int64)
    t = steps / count
    values = 2.5 * np.exp(-5 * t) + 0.3 + np.random.default_rng(5).normal(0.0, 0.05, count)
    values[JUMP_AT:] += 0.5
    return steps, values


def test_a_change_planted_in_two_million_points_is_found() -> None:
    steps, values = _long_loss()
    series = analyze_series(steps, values, metric="loss", split="train")
    found = [point.step for point in series.changepoints]
    assert any(abs(step - JUMP_AT) < 0.01 * COUNT for step in found), found
    assert series.n_points == COUNT and len(series.smoothed) == COUNT


def test_a_long_curve_is_smoothed_on_a_sample_as_on_every_point() -> None:
    steps, values = _long_loss(SMOOTHING_MAX_POINTS * 10)
    x = steps.astype(np.float64)
    time_constant = 0.05 * x[-1]
    sampled = smooth(x, values, "centered_time_ema", time_constant=time_constant)
    exact = centered_time_ema(x, values, time_constant)
    assert np.max(np.abs(sampled - exact)) < 1e-6


def test_the_running_median_of_a_sample_follows_the_exact_one() -> None:
    _, values = _long_loss(RUNNING_MEDIAN_MAX_POINTS * 10)
    window = len(values) // 10 | 1
    sampled = running_median(values, window)
    exact = _exact_running_median(values, window)
    assert len(sampled) == len(values)
    far_from_jump = np.abs(np.arange(len(values)) - JUMP_AT * len(values) // COUNT) > window
    assert np.max(np.abs(sampled - exact)[far_from_jump]) < 0.01  # a fifth of the noise
