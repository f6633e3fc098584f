"""Change-points that mean something: jumps found where they are, none on a smooth decay."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.analysis import analyze_series
from curvelint.analysis.results import LearningRateDrop, SeriesAnalysis
from curvelint.analysis.run_analysis import analyze_run
from curvelint.analysis.series import SeriesData
from tests.synthetic import (
    level_jump,
    nan_blow_up,
    oscillating,
    power_law_decay,
    staircase_loss,
    u_shaped_eval_loss,
)


def _loss(steps: np.ndarray, values: np.ndarray, **kwargs: object) -> SeriesAnalysis:
    return analyze_series(steps, values, metric="loss", split="train", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(12))
def test_level_jump_found_within_two_percent_of_length(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = int(rng.integers(300, 5000))
    jump_index = int(rng.integers(points // 10, points - points // 10))
    jump = float(rng.choice([-1, 1]) * rng.uniform(0.08, 0.5))
    steps, values = level_jump(points, jump_index=jump_index, jump=jump, seed=seed)
    analysis = _loss(steps, values)
    distances = [abs(point.index - jump_index) for point in analysis.changepoints]
    assert distances, f"no change-point for a jump of {jump} at {jump_index}/{points}"
    assert min(distances) <= 0.02 * points
    assert len(analysis.changepoints) == 1
    nearest = analysis.changepoints[int(np.argmin(distances))]
    assert np.sign(nearest.shift) == np.sign(jump)
    assert nearest.shift == pytest.approx(jump, rel=0.25)


def test_level_jump_in_a_million_points_uses_buckets_and_is_found() -> None:
    steps, values = level_jump(1_000_000, jump_index=612_345, jump=0.1, noise=0.02)
    analysis = _loss(steps, values)
    assert [abs(point.index - 612_345) <= 20_000 for point in analysis.changepoints] == [True]


@pytest.mark.slow
def test_no_change_point_on_a_smooth_decay_in_95_percent_of_200_seeds() -> None:
    false_alarms = sum(
        bool(_loss(*power_law_decay(2000, noise=0.01, seed=seed)).changepoints)
        for seed in range(200)
    )
    assert false_alarms <= 10


@pytest.mark.parametrize(("points", "noise", "every"), [(100, 0.02, 50), (5000, 0.05, 1)])
def test_no_change_point_on_other_smooth_decays(points: int, noise: float, every: int) -> None:
    alarms = sum(
        bool(_loss(*power_law_decay(points, noise=noise, every=every, seed=seed)).changepoints)
        for seed in range(20)
    )
    assert alarms <= 1


def test_a_single_smooth_segment_is_labelled_falling() -> None:
    analysis = _loss(*power_law_decay(2000, seed=3))
    assert [segment.label for segment in analysis.segments] == ["falling"]
    assert analysis.segments[0].start_step == 0
    assert analysis.segments[0].end_step == 1999


def test_learning_rate_drops_explain_the_staircase() -> None:
    steps, values = staircase_loss(2000, drop_every=800, drop=0.3)
    drops = (
        LearningRateDrop(step=800, factor=0.1, before=0.1, after=0.01),
        LearningRateDrop(step=1600, factor=0.1, before=0.01, after=0.001),
    )
    analysis = _loss(steps, values, learning_rate_drops=drops)
    assert [point.step for point in analysis.changepoints] == pytest.approx([800, 1600], abs=20)
    assert all(point.scheduled for point in analysis.changepoints)
    assert [point.learning_rate_drop_step for point in analysis.changepoints] == [800, 1600]
    unexplained = _loss(steps, values)
    assert not any(point.scheduled for point in unexplained.changepoints)


def test_blow_up_is_the_last_segment() -> None:
    analysis = _loss(*nan_blow_up(1000, blow_up_index=700))
    assert analysis.segments[-1].label == "blow_up"
    assert analysis.segments[0].label == "falling"
    assert abs(analysis.segments[-1].start_index - 700) <= 30


def test_rising_eval_loss_has_a_rising_last_segment() -> None:
    analysis = analyze_series(
        *u_shaped_eval_loss(200, every=100, minimum_step=6000), metric="loss", split="eval"
    )
    labels = [segment.label for segment in analysis.segments]
    assert labels[0] == "falling"
    assert labels[-1] == "rising"


def test_excursion_that_comes_back_is_spike_and_recovery() -> None:
    steps, values = power_law_decay(3000, seed=2)
    values[1500:1650] += 0.3
    analysis = _loss(steps, values)
    labels = [segment.label for segment in analysis.segments]
    assert labels == ["falling", "spike_and_recovery", "plateau"] or labels == [
        "falling",
        "spike_and_recovery",
        "falling",
    ]
    assert analysis.segments[1].start_step == pytest.approx(1500, abs=10)
    assert analysis.segments[1].end_step == pytest.approx(1649, abs=10)


def test_oscillation_is_cut_at_its_swings() -> None:
    analysis = _loss(*oscillating(2000, period=400, amplitude=0.3))
    assert len(analysis.changepoints) >= 6


def test_short_series_give_a_reason() -> None:
    analysis = _loss(np.arange(10), np.linspace(2, 1, 10))
    assert analysis.changepoints == ()
    assert analysis.segments == ()


@pytest.mark.parametrize("level", [0.0, 1.25, -3e-9])
def test_constant_series_has_one_plateau_and_no_change_point(level: float) -> None:
    analysis = _loss(np.arange(500), np.full(500, level))
    assert analysis.changepoints == ()
    assert [segment.label for segment in analysis.segments] == ["plateau"]
    assert analysis.spikes == ()


@pytest.mark.parametrize("scale", [1e160, 1e200, 1e300])
def test_values_near_the_float64_limit_do_not_overflow(scale: float) -> None:
    """A loss of 1e160 squared overflows float64 (``noise**2`` raised OverflowError): the
    segmentation works in units of the noise instead."""
    steps, values = level_jump(2000, jump_index=1200, jump=0.3, seed=4)
    analysis = _loss(steps, values * scale)
    assert analysis.segments
    assert all(np.isfinite(point.shift) for point in analysis.changepoints)


def _keras_series(tag: str, steps: np.ndarray, values: np.ndarray) -> SeriesData:
    metric = "learning_rate" if tag.endswith("learning_rate") else "loss"
    split = "" if metric == "learning_rate" else "train"
    return SeriesData("run", metric, split, tag, (), steps.astype(np.int64), values, 0)


def test_a_per_epoch_learning_rate_drop_explains_only_per_epoch_curves() -> None:
    """Keras' TensorBoard callback logging per batch and per epoch: the rate at epochs (a drop
    at epoch 800 of 2,000), the judged loss at iterations. A staircase step at iteration 800
    is not that drop; the same staircase logged per epoch is."""
    epochs = np.arange(2000)
    rate = np.where(epochs < 800, 0.1, 0.01)
    steps, values = staircase_loss(2000, drop_every=800, drop=0.3)
    per_epoch_rate = _keras_series("epoch_learning_rate", epochs, rate)
    by_batch = analyze_run([per_epoch_rate, _keras_series("batch_loss", steps, values)])
    batch_loss = by_batch.series("loss", "train")
    assert batch_loss is not None and batch_loss.changepoints
    assert not any(point.scheduled for point in batch_loss.changepoints)
    by_epoch = analyze_run([per_epoch_rate, _keras_series("epoch_loss", steps, values)])
    epoch_loss = by_epoch.series("loss", "train")
    assert epoch_loss is not None
    assert [point.learning_rate_drop_step for point in epoch_loss.changepoints][:1] == [800]
