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


def _per_step(trend: float, floor: float = 0.3) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """3,000 per-step losses of small batches, swinging ±40 % around a level that falls by
    ``trend`` of itself over the second half (after a fall from 0.7 to ``floor``)."""
    steps = np.arange(3000)
    drop = 0.7 - floor
    level = (
        floor + drop * np.exp(-steps / 300) - trend * floor * np.clip((steps - 1500) / 1500, 0, 1)
    )
    noise = np.random.default_rng(9).uniform(-0.4, 0.4, len(steps))
    return {"train/loss": (steps, level * (1 + noise))}


def test_batch_noise_around_a_trend_thousands_of_steps_make_plain_is_not_erratic() -> None:
    """The second half falls 15 % — less than its ±40 % batch swings, but at many standard
    errors over 1,500 steps: the trend lasts, the swings are batches."""
    assert diagnose_curves(_per_step(trend=0.15)).verdict is not Verdict.UNSTABLE


def test_batch_swings_around_a_learned_level_under_a_tenth_of_the_start_are_noise() -> None:
    """No trend, but the loss fell to a third of its start 0.91 and swings ±0.073 around it,
    8 % of the start (a tenth would be erratic): a per-step loss of small batches around what
    it learned, as readers called a real LoRA run swinging like this."""
    diagnosis = diagnose_curves(_per_step(trend=0.0))
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason


def test_the_same_swings_around_a_level_that_fell_only_by_half_are_erratic() -> None:
    diagnosis = diagnose_curves(_per_step(trend=0.0, floor=0.45))
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert "12 % of its start level" in diagnosis.reason


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


# A real one-cycle CIFAR-10 run's eval loss at each of its 35 epochs: it spiked at the peak
# learning rate (epochs 7, 11, 22), then fell steadily to its best as the rate annealed.
ONE_CYCLE_EVAL = np.array([
    1.894, 1.626, 2.272, 1.897, 1.729, 1.953, 2.569, 4.655, 2.037, 2.076, 3.245, 8.996, 5.467,
    4.605, 2.062, 1.716, 1.450, 1.747, 1.714, 1.550, 1.937, 1.551, 2.772, 1.577, 1.065, 1.305,
    1.162, 0.973, 0.839, 0.800, 0.801, 0.692, 0.690, 0.662, 0.668,
])  # fmt: skip


def _one_cycle(eval_loss: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Beside it, its learning rate: up from 0.005 to 0.1 by epoch 10, then annealed to 1.5e-5
    at the end (the run is over), and a training loss falling to 0.62."""
    epochs = np.arange(len(eval_loss))
    train = 0.62 + 1.27 * np.exp(-epochs / 12)
    rate = np.interp(epochs, [0, 10, 34], [0.005, 0.1, 1.5e-5])
    return {
        "train/loss": (epochs, train),
        "eval/loss": (epochs, eval_loss),
        "train/learning_rate": (epochs, rate),
    }


def test_spikes_that_stopped_before_the_curve_fell_to_its_best_are_a_phase_it_came_through() -> (
    None
):
    """The last spike two thirds of the way in, the eval loss at its lowest at the end: the
    readers of the real run called it healthy; the spikes stay a finding of their own."""
    diagnosis = diagnose_curves(_one_cycle(ONE_CYCLE_EVAL))
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason
    assert any(f.code == "loss_spike" for f in diagnosis.findings)


def test_the_same_spikes_going_on_to_the_end_are_unstable() -> None:
    """The spikes of epochs 7 and 11 again at epochs 29 and 32: not settled."""
    still_spiking = ONE_CYCLE_EVAL.copy()
    still_spiking[[29, 32]] = [4.655, 8.996]
    diagnosis = diagnose_curves(_one_cycle(still_spiking))
    assert diagnosis.verdict is Verdict.UNSTABLE, diagnosis.reason


SEED = 0  # the training batches; the eval noise has its own seed


def _memorising(eval_noise: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A fine-tune memorising its training set: a per-step loss around 0.11 → 0.04 whose
    batches swing it by its own level, beside an eval loss evaluated every 10 steps that
    climbs from 0.69 to 1.5 with point noise ``eval_noise`` of its level (a real sentiment
    fine-tune, logged blind as overfitting, had 0.6 %)."""
    steps = np.arange(10, 2501, 10)
    trend = 0.04 + 0.07 * np.exp(-steps / 800)
    train = trend * np.random.default_rng(SEED).lognormal(0.0, 1.0, len(steps))
    climb = 0.69 + 0.8 * (steps / steps[-1]) ** 1.3
    evals = climb * (1 + np.random.default_rng(1).normal(0.0, eval_noise, len(steps)))
    return {"train/loss": (steps, train), "eval/loss": (steps, evals)}


def test_batch_swings_beside_a_calmly_climbing_eval_loss_are_overfitting() -> None:
    diagnosis = diagnose_curves(_memorising(eval_noise=0.006))
    assert diagnosis.verdict is Verdict.OVERFITTING, diagnosis.reason
    assert diagnosis.reason.startswith("loss/eval lowest")


def test_the_same_swings_beside_an_eval_loss_that_swings_too_are_unstable() -> None:
    diagnosis = diagnose_curves(_memorising(eval_noise=0.15))
    assert diagnosis.verdict is Verdict.UNSTABLE, diagnosis.reason
