"""An eval loss that reached ~zero (a solved task: a real Trainer run ended at eval loss 0.00014
with accuracy 1.0) wobbles by a large share of its level: that is not instability. Swings as
large against the level of an eval loss still at a fifth of its start are (the eval loss
averages the whole eval set: it does not swing by a third of its level unless the model
does)."""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Verdict
from tests.diagnosis.helpers import diagnose_curves

STEPS = np.arange(0, 7000, 25)
EVAL_STEPS = np.arange(250, 7001, 250)


def _curves(
    eval_floor: float, wobble_of_floor: float = 1.0
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Train 0.35 → ~0.0004; eval 0.1 → ``eval_floor``, zigzagging +0.0004 / -0.0002 (times
    ``wobble_of_floor``) from the middle on."""
    train = 0.35 * np.exp(-STEPS / 700) + 0.0004
    share = EVAL_STEPS / EVAL_STEPS[-1]
    up_down = np.where(np.arange(len(share)) % 2 == 0, 4e-4, -2e-4) * wobble_of_floor
    wobble = np.where(share > 0.5, up_down, 0.0)
    evals = (0.1 - eval_floor) * np.exp(-EVAL_STEPS / 600) + eval_floor + wobble
    return {"train/loss": (STEPS, train), "eval/loss": (EVAL_STEPS, np.abs(evals))}


def test_an_eval_loss_that_reached_zero_may_wobble_by_its_own_size() -> None:
    """Eval at ~0.0003 (0.3 % of its start) wobbling ±0.0004: a solved task, healthy."""
    assert diagnose_curves(_curves(eval_floor=0.0003)).verdict is Verdict.HEALTHY


def test_the_same_swings_on_an_eval_loss_far_from_zero_are_unstable() -> None:
    """Eval at 0.02 (a fifth of its start) zigzagging +0.012 / -0.006: erratic."""
    diagnosis = diagnose_curves(_curves(eval_floor=0.02, wobble_of_floor=30.0))
    assert diagnosis.verdict is Verdict.UNSTABLE
