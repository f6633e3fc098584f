"""A run that ended inside its learning-rate warm-up while its loss was still falling never
trained at the rate it planned: not converged, however noisy the fall (a real 300-step
fine-tune, labelled blind as not converged, stopped with its rate still climbing to 3e-5 and
its per-step loss falling from ln 2 to 0.39 through swings of a fifth of its level)."""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Diagnosis, Verdict
from tests.diagnosis.helpers import diagnose_curves

STEPS = np.arange(10, 301, 10)


def _loss(fall: float) -> np.ndarray:
    """Near ln 2 for 120 steps, then down by ``fall`` with per-step swings of ±0.06."""
    swings = np.random.default_rng(4).uniform(-0.06, 0.06, len(STEPS))
    return 0.69 - fall * np.clip((STEPS - 120) / 180, 0, 1) + swings


def _diagnose(fall: float, rate: np.ndarray) -> Diagnosis:
    return diagnose_curves({"train/loss": (STEPS, _loss(fall)), "learning_rate": (STEPS, rate)})


WARMING_UP = 3e-5 * STEPS / STEPS[-1]  # linear warm-up that was still climbing at the end
DECAYED = np.where(STEPS <= 100, 3e-5 * STEPS / 100, 3e-5 * (300 - STEPS) / 200)


def test_a_loss_still_falling_when_the_run_ended_inside_its_warm_up_is_not_converged() -> None:
    diagnosis = _diagnose(0.25, WARMING_UP)
    assert diagnosis.verdict is Verdict.NOT_CONVERGED, diagnosis.reason
    assert diagnosis.reason.startswith("the run ended inside its learning-rate warm-up")
    assert "to 3e-05 at the end" in diagnosis.reason


def test_the_same_fall_after_a_warm_up_and_a_decay_to_zero_is_not_left_unfinished() -> None:
    diagnosis = _diagnose(0.25, DECAYED)
    assert diagnosis.verdict is not Verdict.NOT_CONVERGED, diagnosis.reason


def test_a_loss_that_never_fell_inside_an_unfinished_warm_up_is_not_this_finding() -> None:
    diagnosis = _diagnose(0.0, WARMING_UP)
    assert not diagnosis.reason.startswith("the run ended inside its learning-rate warm-up")
