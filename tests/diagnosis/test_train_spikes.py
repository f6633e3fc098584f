"""Repeated spikes of a per-step training loss are instability — unless the eval loss, judged
first, fell clearly without spikes or swings of its own: then they are batches, not the
model. A real ViT fine-tune (3 epochs) spiked three times to 43 % of its start on small batches
while its eval loss fell from 0.47 to 0.04: healthy, not unstable. Swings of per-step losses
around a trend that a long log makes plain are batches too."""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Verdict
from tests.diagnosis.helpers import diagnose_curves

STEPS = np.arange(5, 631, 5)


def _spiky_train() -> tuple[np.ndarray, np.ndarray]:
    """Per-step loss 0.26 → ~0.002 with three lone spikes of ~0.11 in the second half."""
    loss = 0.26 * np.exp(-STEPS / 60) + 0.002
    loss = loss * (1 + np.random.default_rng(8).uniform(-0.2, 0.2, len(STEPS)))
    for step in (350, 470, 560):
        loss[np.searchsorted(STEPS, step)] = 0.11
    return STEPS, loss


def test_training_spikes_beside_a_calmly_falling_eval_loss_are_batches() -> None:
    """The eval loss fell to a tenth; its last evaluation is 26 % above its best (one
    evaluation: no turn), so it did not end "near its best" — its fall alone excuses them."""
    evals = (np.arange(90, 631, 90), np.array([0.47, 0.2, 0.08, 0.05, 0.045, 0.043, 0.054]))
    diagnosis = diagnose_curves({"train/loss": _spiky_train(), "eval/loss": evals})
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason


def test_the_same_spikes_without_an_eval_loss_are_unstable() -> None:
    diagnosis = diagnose_curves({"train/loss": _spiky_train()})
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert "spiked 3 times" in diagnosis.reason


def _per_step(trend: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """3,000 per-step losses of small batches, swinging ±40 % around a level that falls by
    ``trend`` of itself over the second half (after a fall from 0.7 to 0.3)."""
    steps = np.arange(3000)
    level = 0.3 + 0.4 * np.exp(-steps / 300) - trend * 0.3 * np.clip((steps - 1500) / 1500, 0, 1)
    noise = np.random.default_rng(9).uniform(-0.4, 0.4, len(steps))
    return {"train/loss": (steps, level * (1 + noise))}


def test_batch_noise_around_a_trend_thousands_of_steps_make_plain_is_not_erratic() -> None:
    """The second half falls 15 % — less than its ±40 % batch swings, but at many standard
    errors over 1,500 steps: the trend lasts, the swings are batches."""
    assert diagnose_curves(_per_step(trend=0.15)).verdict is not Verdict.UNSTABLE


def test_the_same_swings_around_no_trend_are_erratic() -> None:
    assert diagnose_curves(_per_step(trend=0.0)).verdict is Verdict.UNSTABLE


def _fine_tune_with_hard_batches(jump: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A real fake-news classifier fine-tune (no eval logged): per-step loss 0.72 → 0.0001,
    with 18 lone spikes that come straight back, each ``jump`` above the level it left."""
    steps = np.arange(50, 8001, 50)
    loss = 0.72 * np.exp(-steps / 400) + 0.0001
    loss = loss * (1 + np.random.default_rng(2).uniform(-0.2, 0.2, len(steps)))
    for index in np.linspace(13, 155, 18).astype(int):
        loss[index] += jump
    return {"train/loss": (steps, loss)}


def test_lone_spikes_of_a_fifth_of_the_start_on_a_fine_tune_near_zero_are_batches() -> None:
    """Jumps of 0.14 (20 % of the start): hard batches, as readers of the real run said."""
    diagnosis = diagnose_curves(_fine_tune_with_hard_batches(0.14))
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason


def test_the_same_spikes_at_half_the_start_are_unstable() -> None:
    assert diagnose_curves(_fine_tune_with_hard_batches(0.36)).verdict is Verdict.UNSTABLE
