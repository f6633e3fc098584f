"""The random guess a dead model sits on is read off its loss when its accuracy, a little
above chance, points to no class count: 0.15 on 10 classes reads as 1/7, whose ln 7 the loss
(2.25) is nowhere near, while ln 9 and 1/9 agree with both. A holdout7 run (a CNN on digits
whose learning rate blew the first loss up to 110, then died onto ln C, the eval accuracy
at 0.12-0.15) read healthy: "fell 98 %"."""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Verdict
from tests.diagnosis.helpers import diagnose_curves

STEPS = np.arange(5, 341, 5)
EVALS = np.arange(43, 345, 43)


def _dead_after_a_blow_up(accuracy: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A first loss of 110, then noise around 2.2; eval loss 2.52 → 2.24; eval accuracy
    wobbling up to ``accuracy`` at the end."""
    noise = np.random.default_rng(5).uniform(-0.08, 0.08, len(STEPS))
    train = np.where(STEPS == 5, 110.4, 2.3 - 0.15 * STEPS / STEPS[-1] + noise)
    evals = np.array([2.52, 2.31, 2.30, 2.31, 2.31, 2.27, 2.25, 2.24])
    wobble = np.array([0.142, 0.118, 0.153, 0.124, 0.133, 0.149, 0.153, 0.151])
    return {
        "train/loss": (STEPS, train),
        "eval/loss": (EVALS, evals),
        "eval/accuracy": (EVALS, wobble * accuracy / 0.151),
    }


def test_a_dead_model_a_little_above_chance_is_stuck_on_the_guess_its_loss_names() -> None:
    diagnosis = diagnose_curves(_dead_after_a_blow_up(accuracy=0.151))
    assert diagnosis.verdict is Verdict.STUCK, diagnosis.reason
    assert "for 9 classes (inferred)" in diagnosis.reason
    assert "sits on ln 9 = 2.197" in diagnosis.reason


def test_an_accuracy_clearly_above_that_guess_learned_something() -> None:
    """0.25 on what the loss says are 9 classes (1/9 = 0.11): no random guess."""
    diagnosis = diagnose_curves(_dead_after_a_blow_up(accuracy=0.25))
    assert "never beat a random guess" not in diagnosis.reason


def test_an_accuracy_of_exactly_zero_names_no_random_guess() -> None:
    """Never right at all is no class share (a held-out set of unseen classes, a metric that
    does not apply): the loss alone does not make the run a random guess's."""
    diagnosis = diagnose_curves(_dead_after_a_blow_up(accuracy=0.0))
    assert "never beat a random guess" not in diagnosis.reason
