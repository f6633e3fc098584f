"""A classifier without a class count measures "high" against the untrained model's eval loss
when the Trainer evaluated before training (``eval_on_start``), not against the training
loss's first log, which averages hundreds of steps that already did most of the fall.

The shape of a real fine-tune (a masked language model, 15 epochs): eval loss 7.0 at step 0,
the first training log 4.14 at step 500, both ending near 2.1 with the eval accuracy at 0.72.
Measured against 4.14 it was "flat at 55 %" and called underfitting; against 7.0 it fell 70 %.
"""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Diagnosis, Verdict
from tests.diagnosis.helpers import diagnose_curves


def _fine_tune(untrained_eval: float | None) -> Diagnosis:
    train_steps = np.arange(500, 4501, 500)
    train = 2.2 + 1.95 * np.exp(-(train_steps - 500) / 700.0)
    eval_steps = np.arange(500, 4501, 500)
    evals = 2.03 + 0.5 * np.exp(-(eval_steps - 500) / 700.0)
    accuracy = 0.72 - 0.2 * np.exp(-(eval_steps - 500) / 700.0)
    if untrained_eval is not None:
        eval_steps = np.concatenate([[0], eval_steps])
        evals = np.concatenate([[untrained_eval], evals])
        accuracy = np.concatenate([[0.0], accuracy])
    return diagnose_curves(
        {
            "train/loss": (train_steps, train),
            "eval/loss": (eval_steps, evals),
            "eval/accuracy": (eval_steps, accuracy),
        }
    )


def test_a_plateau_far_below_the_untrained_eval_loss_is_not_underfitting() -> None:
    diagnosis = _fine_tune(untrained_eval=7.0)
    assert diagnosis.verdict is Verdict.HEALTHY


def test_without_that_evaluation_the_first_training_log_is_the_reference() -> None:
    diagnosis = _fine_tune(untrained_eval=None)
    assert diagnosis.verdict is Verdict.UNDERFITTING
    assert "of the training loss's start level 4.15" in diagnosis.reason


def test_a_plateau_still_high_against_it_says_what_it_was_measured_by() -> None:
    diagnosis = _fine_tune(untrained_eval=4.6)
    assert diagnosis.verdict is Verdict.UNDERFITTING
    assert "of the untrained model's eval loss 4.6;" in diagnosis.reason
