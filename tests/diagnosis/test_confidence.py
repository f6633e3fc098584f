"""A verdict's confidence says how near the run came to another verdict's threshold. A healthy
run whose eval loss rose well above its best afterwards, but within its own wobble (a real
CodeBERT fine-tune: +37 % over seven evaluations, 0.92 noise units where overfitting asks 1),
is healthy with confidence near a coin toss — not the 1.0 of a run whose eval loss ended at its
best."""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Verdict
from tests.diagnosis.helpers import diagnose_curves

EPOCHS = np.arange(10)
TRAIN = 0.01 + 0.67 * np.exp(-EPOCHS / 1.2)
WOBBLE = np.array([0.0, 0.0, 0.0, 0.058, 0.038, 0.072, 0.020, 0.080, 0.057, 0.057])


def _eval(wobble_scale: float) -> np.ndarray:
    """0.176 → its best 0.157 at epoch 2, then 27 % above it for seven evaluations, wobbling
    by ``wobble_scale`` x the real run's wobble around that level."""
    after = 0.157 * 1.27 + (WOBBLE[3:] - WOBBLE[3:].mean()) * wobble_scale
    return np.r_[0.176, 0.166, 0.157, after]


def test_an_eval_loss_that_ended_at_its_best_gives_a_confident_healthy_verdict() -> None:
    evals = 0.15 + 0.03 * np.exp(-EPOCHS / 2)
    diagnosis = diagnose_curves({"train/loss": (EPOCHS, TRAIN), "eval/loss": (EPOCHS, evals)})
    assert diagnosis.verdict is Verdict.HEALTHY
    assert diagnosis.confidence >= 0.9


def test_a_rise_short_of_overfittings_noise_margin_leaves_healthy_near_a_coin_toss() -> None:
    diagnosis = diagnose_curves({"train/loss": (EPOCHS, TRAIN), "eval/loss": (EPOCHS, _eval(1))})
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason
    assert diagnosis.confidence <= 0.6


def test_the_same_rise_calmer_is_overfitting() -> None:
    evals = _eval(0.3)
    diagnosis = diagnose_curves({"train/loss": (EPOCHS, TRAIN), "eval/loss": (EPOCHS, evals)})
    assert diagnosis.verdict is Verdict.OVERFITTING, diagnosis.reason
