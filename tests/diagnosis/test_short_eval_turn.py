"""A short eval curve that turned up by a large share and stayed up is overfitting, even though
its noise, estimated from its own nine points, is wide.

Keras runs of a few epochs are where overfitting is most often seen first: the eval loss
bottoms out, then sits 40 % above its best for the last three epochs while the training loss
keeps falling. The noise estimate of such a curve includes the turn's own wiggles and the
curvature of its early fall, so the usual margin (1.5 noise units) hid it. A large rise held
over several evaluations passes at 1 noise unit; a moderate rise, or one of two evaluations,
still needs the usual margin. Conversely a rise held as long and far beyond the noise (3
units or more) needs only 5 % of the best, not 10 %: a real Keras run's eval loss climbed 9 %
over seven epochs at 6.5 noise units. Checked on curves built for each, then on the real run
that showed the first (a public corpus run, skipped when ../shared is absent).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.judging import judge_run
from curvelint.runs import read_runs
from tests.diagnosis.helpers import diagnose_curves, finding

EPOCHS = np.arange(9)
TRAIN = 0.08 + 0.85 * np.exp(-0.55 * EPOCHS)  # falls all run, 0.93 → 0.09
PLANT_DISEASE = (
    Path(__file__).resolve().parents[3] / "shared/corpus/public/keras_csv/plant-disease-galexy"
)


def _diagnose(evals: list[float]) -> Diagnosis:
    return diagnose_curves({"train/loss": (EPOCHS, TRAIN), "eval/loss": (EPOCHS, np.array(evals))})


def test_a_large_rise_held_for_three_evaluations_is_overfitting() -> None:
    """Best 0.136 at epoch 5, then 0.155, 0.22, 0.19: +40 % at about 1.2 noise units."""
    diagnosis = _diagnose([0.55, 0.42, 0.27, 0.175, 0.18, 0.136, 0.155, 0.22, 0.19])
    assert diagnosis.verdict is Verdict.OVERFITTING
    evidence = finding(diagnosis, "overfitting").evidence
    assert 1.0 <= float(evidence["rise_noise_units"]) < 1.5  # passed on the narrower margin
    assert float(evidence["rise_relative"]) > 0.25
    assert evidence["points_after"] == 3
    assert "lowest 0.136 at step 5, then +40 % to final level 0.19" in diagnosis.reason


def test_the_same_rise_over_two_evaluations_needs_the_usual_margin() -> None:
    diagnosis = _diagnose([0.55, 0.42, 0.27, 0.175, 0.18, 0.16, 0.136, 0.20, 0.19])
    assert diagnosis.verdict is not Verdict.OVERFITTING


def test_a_moderate_rise_at_the_same_margin_is_not_overfitting() -> None:
    """+16 % over three evaluations at about 1 noise unit: within what such a curve wanders."""
    diagnosis = _diagnose([0.55, 0.40, 0.29, 0.20, 0.17, 0.14, 0.158, 0.17, 0.163])
    assert diagnosis.verdict is not Verdict.OVERFITTING


@pytest.mark.skipif(not PLANT_DISEASE.is_dir(), reason="needs ../shared/corpus/public")
def test_the_public_keras_run_that_showed_it_reads_overfitting() -> None:
    """Keras CSVLogger, 9 epochs: val_loss 0.136 at epoch 5, then 0.154, 0.220, 0.190."""
    (run,) = read_runs([PLANT_DISEASE]).runs
    diagnosis = judge_run(run).diagnosis
    assert diagnosis.verdict is Verdict.OVERFITTING
    assert "lowest 0.1358 at epoch 5, then +40 % to final level 0.1896" in diagnosis.reason


SIXTEEN = np.arange(16)
SIXTEEN_TRAIN = 0.16 + 0.52 * np.exp(-0.2 * SIXTEEN)  # falls all run, 0.68 → 0.18


def _sixteen(rise: float) -> Diagnosis:
    """Eval falls to 0.52 by epoch 5, then climbs steadily by ``rise`` of it, little noise."""
    fall = [0.69, 0.67, 0.64, 0.59, 0.55, 0.52]
    wiggle = np.array([0.0, 0.002, -0.002, 0.001, 0.0, -0.001, 0.002, -0.002, 0.001, 0.0])
    climb = 0.52 * (1 + rise * np.linspace(0.1, 1.0, 10)) + wiggle
    curves = {"train/loss": (SIXTEEN, SIXTEEN_TRAIN), "eval/loss": (SIXTEEN, np.r_[fall, climb])}
    return diagnose_curves(curves)


def test_a_steady_climb_far_beyond_the_noise_is_overfitting_below_ten_percent() -> None:
    """+9 % over ten epochs, many noise units: the eval loss turned, however modestly."""
    diagnosis = _sixteen(rise=0.09)
    assert diagnosis.verdict is Verdict.OVERFITTING
    evidence = finding(diagnosis, "overfitting").evidence
    assert 0.05 <= float(evidence["rise_relative"]) < 0.1
    assert float(evidence["rise_noise_units"]) >= 3.0


def test_a_climb_of_a_few_percent_is_not_overfitting_however_clear() -> None:
    assert _sixteen(rise=0.035).verdict is not Verdict.OVERFITTING


def _three_epochs(evals: list[float], train: list[float]) -> Diagnosis:
    """A three-epoch fine-tune: the Trainer logged the training loss and evaluated once an
    epoch (logging_steps of 500 on a run of 1,500 steps)."""
    steps = np.array([500, 1000, 1500])
    return diagnose_curves({"train/loss": (steps, np.array(train)), "eval/loss": (steps, evals)})


def test_three_epochs_whose_eval_loss_rose_after_the_first_are_overfitting() -> None:
    """Eval 0.255 → 0.288 → 0.375 while train fell 0.308 → 0.201 → 0.142."""
    diagnosis = _three_epochs([0.255, 0.288, 0.375], [0.308, 0.201, 0.142])
    assert diagnosis.verdict is Verdict.OVERFITTING


@pytest.mark.parametrize(
    ("evals", "train"),
    [
        ([0.255, 0.30, 0.28], [0.308, 0.201, 0.142]),  # the eval loss came back down
        ([0.255, 0.288, 0.375], [0.308, 0.201, 0.25]),  # the training loss did not keep falling
        ([0.255, 0.26, 0.265], [0.308, 0.201, 0.142]),  # a rise of 4 %
    ],
)
def test_three_epochs_of_any_other_shape_are_too_few_to_judge(
    evals: list[float], train: list[float]
) -> None:
    assert _three_epochs(evals, train).verdict is Verdict.INSUFFICIENT_DATA


def _ten_epochs(rise: float) -> Diagnosis:
    """Eval falls 0.30 → 0.22 by epoch 5, then sits ``rise`` above it for four epochs (a small
    wobble: about 1.7 noise units at 8 %), while the training loss keeps falling."""
    epochs = np.arange(10)
    fall = [0.3, 0.28, 0.26, 0.24, 0.23, 0.22]
    held = 0.22 * (1 + rise) + np.array([0.004, -0.004, 0.005, 0.0])
    train = 0.08 + 0.45 * np.exp(-0.3 * epochs)
    evals = np.r_[fall, held]
    return diagnose_curves({"train/loss": (epochs, train), "eval/loss": (epochs, evals)})


def test_an_eval_loss_held_8_percent_above_its_best_is_overfitting() -> None:
    """Real runs labelled blind called a rise of 7–8 % held over several epochs overfitting."""
    assert _ten_epochs(rise=0.08).verdict is Verdict.OVERFITTING


def test_one_held_4_percent_above_it_is_not() -> None:
    assert _ten_epochs(rise=0.04).verdict is not Verdict.OVERFITTING


def test_a_turn_two_epochs_before_the_end_measures_training_after_the_turn() -> None:
    """A real 10-epoch Keras run: eval lowest at epoch 7, then 0.0507, 0.0583; training loss
    0.0406 at the turn, then 0.0399, 0.0361. The final level (the median of the last three
    epochs) would include the turn's own epoch and read "did not fall" (learning undone); the
    two epochs after it fell 6.5 %: overfitting."""
    epochs = np.arange(10)
    train = np.array([0.95, 0.186, 0.103, 0.077, 0.082, 0.052, 0.046, 0.0406, 0.0399, 0.0361])
    evals = np.array([2.99, 0.80, 0.050, 0.0458, 0.0502, 0.0424, 0.0402, 0.03996, 0.0507, 0.0583])
    diagnosis = diagnose_curves({"train/loss": (epochs, train), "eval/loss": (epochs, evals)})
    assert diagnosis.verdict is Verdict.OVERFITTING, diagnosis.reason
    assert "(the median of its 2 points after it)" in diagnosis.reason


def test_a_score_that_turned_down_is_said_to_have_fallen_not_risen() -> None:
    """A seq2seq run logging BLEU as its only eval curve: BLEU peaked at 0.0584, then fell
    6.5 % while the training loss kept falling. "+6.5 %" would read as BLEU rising."""
    steps = np.arange(19) * 300
    bleu = np.array([
        0.01, 0.03, 0.045, 0.052, 0.055, 0.057, 0.0584, 0.058, 0.0575, 0.057, 0.0565, 0.056,
        0.0556, 0.0552, 0.055, 0.0548, 0.0547, 0.0546, 0.0545,
    ])  # fmt: skip
    train_steps = np.arange(190) * 30
    train = 10.2 - 1.9 * (1 - np.exp(-np.arange(190) / 60))
    diagnosis = diagnose_curves({"train/loss": (train_steps, train), "eval/bleu": (steps, bleu)})
    assert diagnosis.verdict is Verdict.OVERFITTING, diagnosis.reason
    assert diagnosis.reason.startswith(
        "bleu/eval highest 0.0584 at step 1,800, then 6.5 % lower to final level 0.0546"
    )
