"""Learning-rate facts: drops of a step schedule, warm-up, decay or none."""

from __future__ import annotations

import numpy as np

from curvelint.analysis.schedule import describe_schedule
from curvelint.analysis.settings import AnalysisSettings
from tests.synthetic import step_schedule_learning_rate

SETTINGS = AnalysisSettings()


def test_step_schedule_drops() -> None:
    steps, lr = step_schedule_learning_rate(2000, base=0.1, factor=0.1, every_steps=800)
    schedule = describe_schedule(steps, lr, SETTINGS)
    assert schedule is not None
    assert [drop.step for drop in schedule.drops] == [800, 1600]
    assert all(abs(drop.factor - 0.1) < 1e-9 for drop in schedule.drops)
    assert not schedule.warmup
    assert not schedule.never_decayed


def test_warmup_then_cosine_has_no_drops() -> None:
    steps = np.arange(3000)
    warm = np.minimum(1.0, (steps + 1) / 300)
    cosine = 0.5 * (1 + np.cos(np.pi * np.clip(steps - 300, 0, None) / 2700))
    lr = 1e-3 * warm * cosine
    schedule = describe_schedule(steps, lr, SETTINGS)
    assert schedule is not None
    assert schedule.drops == ()
    assert schedule.warmup
    assert schedule.warmup_end_step is not None and 250 <= schedule.warmup_end_step <= 300
    assert not schedule.never_decayed
    assert schedule.final_over_peak is not None and schedule.final_over_peak < 0.01


def test_linear_decay_to_zero_is_not_a_drop() -> None:
    steps = np.arange(0, 1000, 10)
    lr = 5e-5 * (1 - steps / 1000)
    schedule = describe_schedule(steps, lr, SETTINGS)
    assert schedule is not None
    assert schedule.drops == ()


def test_constant_learning_rate_never_decayed() -> None:
    schedule = describe_schedule(np.arange(50), np.full(50, 3e-4), SETTINGS)
    assert schedule is not None
    assert schedule.never_decayed and not schedule.warmup and schedule.drops == ()


def test_reduce_on_plateau_in_sparse_epochs() -> None:
    lr = np.array([1e-3] * 12 + [5e-4] * 6 + [2.5e-4] * 5)
    schedule = describe_schedule(np.arange(len(lr)), lr, SETTINGS)
    assert schedule is not None
    assert [(drop.step, drop.factor) for drop in schedule.drops] == [(12, 0.5), (18, 0.5)]
