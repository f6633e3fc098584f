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


def test_a_suspect_verdict_is_a_suspicion_not_a_certainty() -> None:
    """A training loss that fell to ~1e-5, then logged as exactly 0 from epoch 15, beside a
    falling eval loss (a real hate-speech fine-tune: 0.85 -> 0.0001 -> 0.0): the
    curves read healthy and the zero makes the run suspect — leaked labels, an empty loss or a
    collapsed model, the log cannot say which (readers of such real runs called four of five
    solved, healthy), so the verdict is held at 0.6 however sure the zero itself is."""
    epochs = np.arange(30)
    train = np.where(epochs < 15, 0.7 * np.exp(-epochs / 1.5), 0.0)
    evals = 0.05 + 0.6 * np.exp(-epochs / 4)
    diagnosis = diagnose_curves({"train/loss": (epochs, train), "eval/loss": (epochs, evals)})
    assert diagnosis.verdict is Verdict.SUSPECT, diagnosis.reason
    assert diagnosis.confidence <= 0.6
    zero = [f for f in diagnosis.findings if f.code == "zero_loss"]
    assert len(zero) == 1 and zero[0] is diagnosis.findings[0]
