"""Events with known answers: spikes, non-finite values, best points and eval turns."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.analysis import Curve, analyze_series
from tests.synthetic import (
    nan_blow_up,
    power_law_decay,
    saturating_accuracy,
    spike,
    u_shaped_eval_loss,
)


@pytest.mark.parametrize(("index", "height"), [(1200, 1.0), (300, 0.2), (1990, 0.5)])
def test_spike_found_at_its_step(index: int, height: float) -> None:
    steps, values = spike(2000, spike_index=index, height=height, every=5)
    analysis = analyze_series(steps, values, metric="loss", split="train")
    assert [s.step for s in analysis.spikes] == [steps[index]]
    found = analysis.spikes[0]
    assert found.size_noise_units == pytest.approx(height / 0.01, rel=0.3)
    assert found.worse is True
    assert found.n_points == 1
    assert found.baseline == pytest.approx(values[index] - height, abs=0.05)


def test_spike_recovery() -> None:
    steps, values = spike(2000, spike_index=1000, height=1.0, width=3)
    analysis = analyze_series(steps, values, metric="loss", split="train")
    (found,) = analysis.spikes
    assert found.recovered
    assert found.recovery_step == 1003
    assert found.n_points == 3


def test_dip_in_accuracy_is_a_worse_spike_and_a_dip_in_loss_is_not() -> None:
    steps, values = saturating_accuracy(1000)
    values[600] -= 0.3
    (dip,) = analyze_series(steps, values, metric="accuracy", split="eval").spikes
    assert dip.worse is True and dip.size_noise_units < 0
    steps, values = power_law_decay(1000)
    values[600] -= 0.3
    (dip,) = analyze_series(steps, values, metric="loss", split="train").spikes
    assert dip.worse is False


def test_no_spikes_on_a_clean_decay() -> None:
    for seed in range(10):
        analysis = analyze_series(*power_law_decay(2000, seed=seed), metric="loss")
        assert analysis.spikes == ()


def test_first_non_finite_value() -> None:
    steps, values = nan_blow_up(1000, blow_up_index=700, overflow_points=30)
    analysis = analyze_series(steps, values, metric="loss", split="train")
    event = analysis.nonfinite
    assert event is not None
    assert (event.step, event.kind, event.count, event.finite_after) == (730, "inf", 270, False)
    assert event.value_before == values[729]
    assert event.step_before == 729
    assert analysis.last_finite_step == 729


def test_nan_in_the_middle_then_finite_again() -> None:
    steps, values = power_law_decay(100)
    values[40] = np.nan
    values[41] = -np.inf
    event = analyze_series(steps, values, metric="grad_norm").nonfinite
    assert event is not None
    assert (event.step, event.kind, event.count, event.finite_after) == (40, "nan", 2, True)


@pytest.mark.parametrize("seed", range(10))
def test_u_shaped_eval_minimum_within_one_eval_interval(seed: int) -> None:
    steps, values = u_shaped_eval_loss(40, every=500, minimum_step=8000, noise=0.002, seed=seed)
    analysis = analyze_series(steps, values, metric="loss", split="eval")
    assert analysis.curve is not None
    turn = analysis.curve.eval_turn()
    assert abs(turn.best_step - 8000) <= 500
    assert turn.rise > 0
    assert turn.points_after == int(np.sum(steps > turn.best_step))
    # the final level is the median of the last 10 % of the evaluations (4 of 40)
    assert turn.final == pytest.approx(float(np.median(values[-4:])))


def test_best_is_the_raw_extreme() -> None:
    steps, values = u_shaped_eval_loss(40, every=500, minimum_step=8000, noise=0.0)
    analysis = analyze_series(steps, values, metric="loss", split="eval")
    assert analysis.best_step == 8000
    assert analysis.best_value == pytest.approx(0.6)


def test_accuracy_best_is_its_maximum() -> None:
    steps, values = saturating_accuracy(500)
    analysis = analyze_series(steps, values, metric="accuracy", split="train")
    assert analysis.best_value == values.max()
    assert analysis.curve is not None
    assert analysis.curve.sign == -1.0  # oriented lower-is-better for the rules


def test_no_direction_means_no_best() -> None:
    analysis = analyze_series(*power_law_decay(100), metric="grad_norm")
    assert analysis.best_step is None


def test_eval_turn_never_reports_a_point_well_above_the_minimum_as_the_best() -> None:
    """dnabert2's eval loss: the curve was best at 0.232 (step 800); the turn is found on the
    running-median trend, so one lucky evaluation does not set the bar, but it must stay
    within an evaluation of that point and within the noise of its value."""
    steps = np.arange(200, 2400, 200, dtype=np.int64)
    values = np.array(
        [0.3139, 0.2554, 0.2665, 0.2317, 0.3033, 0.2723, 0.2541, 0.2833, 0.2941, 0.2944, 0.2878]
    )
    curve = Curve.of("loss/eval", steps, values, direction=-1)
    assert curve is not None
    turn = curve.eval_turn()
    assert abs(turn.best_step - 800) <= 200
    assert values.min() <= turn.best <= values.min() + 1.5 * curve.noise
