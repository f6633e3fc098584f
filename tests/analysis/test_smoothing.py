"""Smoothing invariants and the spacing invariance the default smoother promises."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curvelint.analysis.settings import SMOOTHING_METHODS, SmoothingMethod
from curvelint.analysis.smoothing import debiased_ema, smooth
from tests.synthetic import power_law_decay, saturating_accuracy

TIME_CONSTANT = 40.0


def _relative_gap(sparse: np.ndarray, dense: np.ndarray) -> float:
    return float(np.max(np.abs(sparse / dense - 1.0)))


@pytest.mark.parametrize("method", SMOOTHING_METHODS)
def test_length_and_non_finite_positions_are_kept(method: SmoothingMethod) -> None:
    steps, values = power_law_decay(300, seed=1)
    values[[0, 17, 18, 150, 299]] = [np.nan, np.inf, -np.inf, np.nan, np.nan]
    smoothed = smooth(steps, values, method, time_constant=TIME_CONSTANT)
    assert smoothed.shape == values.shape
    finite = np.isfinite(values)
    assert np.array_equal(np.isfinite(smoothed), finite)
    assert np.array_equal(smoothed[~finite], values[~finite], equal_nan=True)


@pytest.mark.parametrize("method", SMOOTHING_METHODS)
def test_constant_in_constant_out(method: SmoothingMethod) -> None:
    steps = np.arange(0, 5000, 7)
    values = np.full(len(steps), 0.1 + 0.2)  # not exactly representable: no lucky rounding
    values[10] = np.nan
    smoothed = smooth(steps, values, method, time_constant=TIME_CONSTANT)
    assert np.array_equal(smoothed, values, equal_nan=True)


@given(
    level=st.floats(-1e6, 1e6, allow_nan=False),
    gaps=st.lists(st.integers(1, 50), min_size=1, max_size=60),
)
@settings(max_examples=50, deadline=None)
def test_constant_stays_constant_for_any_spacing(level: float, gaps: list[int]) -> None:
    steps = np.concatenate([[0], np.cumsum(gaps)])
    values = np.full(len(steps), level)
    for method in SMOOTHING_METHODS:
        assert np.array_equal(smooth(steps, values, method, time_constant=5.0), values)


@given(values=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=80))
@settings(max_examples=50, deadline=None)
def test_smoothed_values_stay_within_the_data_range(values: list[float]) -> None:
    data = np.array(values)
    steps = np.arange(len(data)) * 3
    for method in ("time_ema", "debiased_ema"):
        smoothed = smooth(steps, data, method, time_constant=4.0)
        assert np.all(smoothed >= data.min() - 1e-9 * (1 + abs(data.min())))
        assert np.all(smoothed <= data.max() + 1e-9 * (1 + abs(data.max())))


@pytest.mark.parametrize("curve", [power_law_decay, saturating_accuracy])
def test_default_smoothing_does_not_depend_on_logging_density(curve: object) -> None:
    """The same run logged every step and every 10th step: within 2 % at shared steps."""
    steps, values = curve(2000, noise=0.0)  # type: ignore[operator]
    dense = smooth(steps, values, "centered_time_ema", time_constant=TIME_CONSTANT)
    sparse = smooth(steps[::10], values[::10], "centered_time_ema", time_constant=TIME_CONSTANT)
    assert _relative_gap(sparse, dense[::10]) < 0.02


def test_spacing_invariance_holds_with_noise_and_irregular_logging() -> None:
    steps, values = power_law_decay(5000, noise=0.002, seed=3)
    dense = smooth(steps, values, "centered_time_ema", time_constant=100.0)
    keep = np.sort(np.random.default_rng(0).choice(len(steps), 500, replace=False))
    keep[[0, -1]] = [0, len(steps) - 1]
    sparse = smooth(steps[keep], values[keep], "centered_time_ema", time_constant=100.0)
    assert _relative_gap(sparse[5:-5], dense[keep][5:-5]) < 0.02


def test_tensorboard_ema_depends_on_logging_density() -> None:
    """The reason the default is different (tensorflow/tensorboard#1518)."""
    steps, values = power_law_decay(2000, noise=0.0)
    dense = smooth(steps, values, "debiased_ema", ema_weight=0.6)
    sparse = smooth(steps[::10], values[::10], "debiased_ema", ema_weight=0.6)
    assert _relative_gap(sparse, dense[::10]) > 0.1


def test_debiased_ema_matches_tensorboard_recursion() -> None:
    values = np.array([3.0, 1.0, 2.0, 5.0])
    last, expected = 0.0, []
    for count, value in enumerate(values, start=1):
        last = last * 0.6 + 0.4 * value
        expected.append(last / (1 - 0.6**count))
    assert np.allclose(debiased_ema(values, 0.6), expected)
    assert debiased_ema(values, 0.6)[0] == pytest.approx(3.0)


def test_centered_smoothing_does_not_lag() -> None:
    """A symmetric valley keeps its minimum where it is; a causal EMA moves it later."""
    steps = np.arange(1001)
    values = (steps - 500.0) ** 2 / 1e4
    centred = smooth(steps, values, "centered_time_ema", time_constant=30.0)
    causal = smooth(steps, values, "time_ema", time_constant=30.0)
    assert int(np.argmin(centred)) == 500
    assert int(np.argmin(causal)) > 520


def test_smoothing_starts_on_the_raw_first_value() -> None:
    steps, values = power_law_decay(500, noise=0.0)
    for method in SMOOTHING_METHODS:
        smoothed = smooth(steps, values, method, time_constant=20.0)
        assert smoothed[0] == pytest.approx(values[0], rel=1e-4)
