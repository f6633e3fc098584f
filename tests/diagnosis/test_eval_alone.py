"""A run that logged only its eval loss (a Lightning module that logs ``val_loss`` alone), or
whose training loss is too short to show a shape while its eval loss is not (a Trainer that
evaluated far more often than it logged), is judged by its eval loss instead of being called
insufficient data; overfitting and the train/eval gap, which need both curves, say why they
were skipped. A per-step training loss that Lightning logged beside its per-epoch means is
judged still falling by those means when its batch noise hides it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.analysis import analyze_frame
from curvelint.diagnosis import Diagnosis, Verdict, diagnose_run
from curvelint.diagnosis.checks import CheckStatus, checks_of
from curvelint.judging import judge_run
from curvelint.runs import read_runs
from tests.diagnosis.helpers import diagnose_curves
from tests.readers.writers import require, run_writer
from tests.synthetic import series_frame

EPOCHS = np.arange(10)
DENTAL_XRAY = Path(__file__).resolve().parents[3] / "shared/corpus/public/lightning_csv/dental-xray"


def test_a_run_that_logged_only_a_falling_eval_loss_is_judged_by_it() -> None:
    """val_loss 2.27 → 1.88 over 10 epochs, still falling 1.2 % an epoch: not converged."""
    evals = 1.6 + 0.67 * np.exp(-EPOCHS / 12)
    diagnosis = diagnose_curves({"eval/loss": (EPOCHS, evals)})
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    assert diagnosis.reason.startswith("loss/eval still falling at the end")
    assert "the eval loss's fitted" in diagnosis.reason  # not "the training loss's"


def test_an_eval_loss_that_settled_is_healthy_and_the_gap_says_why_it_was_skipped() -> None:
    """Overfitting reads the eval loss's own turn (it ran and passed); the train/eval gap
    needs both curves."""
    evals = 0.3 + 1.9 * np.exp(-EPOCHS / 1.5)
    analysis = analyze_frame(series_frame({"eval/loss": (EPOCHS, evals)}, run="run"))["run"]
    diagnosis = diagnose_run(analysis, {})
    assert diagnosis.verdict is Verdict.HEALTHY
    checks = {check.id: check for check in checks_of(analysis, {}, diagnosis)}
    assert checks["overfitting"].status is CheckStatus.PASSED
    stands_in = "no training loss logged: the eval loss stands in for it"
    assert checks["train_eval_gap"].reason == stands_in


def test_an_eval_loss_alone_that_turned_up_and_stayed_up_is_overfitting_held_loosely() -> None:
    """A real recommender run logged only val_loss: 1.12 → its best 0.93 at epoch 9, then a
    steady climb to 1.33 by epoch 64. Overfitting, its usual cause, at most 0.6 confident:
    no training loss shows it kept falling. (It read stuck: "never fell".)"""
    epochs = np.arange(65)
    evals = np.where(epochs <= 9, 1.12 - 0.019 * epochs, 0.95 + 0.0068 * (epochs - 9))
    evals = evals + 0.006 * np.sin(epochs * 1.7)
    diagnosis = diagnose_curves({"eval/loss": (epochs, evals)})
    assert diagnosis.verdict is Verdict.OVERFITTING, diagnosis.reason
    assert "no training loss was logged" in diagnosis.reason
    assert diagnosis.confidence <= 0.6


def test_three_train_points_beside_thirty_evaluations_are_judged_by_the_evaluations() -> None:
    steps = np.arange(50, 1501, 50)
    evals = 0.5 + 3.8 * np.exp(-steps / 400)
    curves = {
        "train/loss": (np.array([500, 1000, 1500]), np.array([1.2, 0.7, 0.6])),
        "eval/loss": (steps, evals),
    }
    assert diagnose_curves(curves).verdict is not Verdict.INSUFFICIENT_DATA


def test_too_few_points_on_both_is_still_insufficient_data() -> None:
    curves = {"train/loss": (np.arange(3), np.array([1.0, 0.8, 0.7]))}
    curves["eval/loss"] = (np.arange(3), np.array([1.1, 0.9, 0.85]))
    assert diagnose_curves(curves).verdict is Verdict.INSUFFICIENT_DATA


@pytest.mark.skipif(not DENTAL_XRAY.is_dir(), reason="needs ../shared/corpus/public")
def test_the_public_lightning_run_with_two_train_points_reads_stuck() -> None:
    """2 train points, 5 evaluations: val_loss 0.762 → 0.728 above ln 2, accuracy 0.555."""
    (run,) = read_runs([DENTAL_XRAY]).runs
    diagnosis = judge_run(run).diagnosis
    assert diagnosis.verdict is Verdict.STUCK
    assert diagnosis.reason.startswith("loss/eval stayed at its initial level")


LIGHTNING_STEPS_AND_MEANS = """
import sys
import numpy as np
from lightning.pytorch.loggers import CSVLogger

means = [float(v) for v in sys.argv[2].split(",")]
logger = CSVLogger(sys.argv[1], name="lightning_logs", version=0)
noise = np.random.default_rng(3).uniform(-0.4, 0.4, 15 * len(means))
for epoch, mean in enumerate(means):
    for batch in range(15):
        step = 15 * epoch + batch
        logger.log_metrics({"train_loss_step": mean * (1 + noise[step]), "epoch": epoch}, step)
    logger.log_metrics({"train_loss_epoch": mean, "epoch": epoch}, 15 * epoch + 14)
logger.save()
"""


def _lightning_run(tmp_path: Path, means: str) -> Diagnosis:
    """A per-step training loss on small batches (noise ±40 % of its level) around the given
    per-epoch means, written by Lightning's own CSVLogger as ``self.log(on_step=True,
    on_epoch=True)`` leaves it: ``train_loss_step`` beside ``train_loss_epoch``."""
    require("lightning")
    folder = tmp_path / "run"
    run_writer(LIGHTNING_STEPS_AND_MEANS.replace("sys.argv[2]", repr(means)), folder)
    (run,) = read_runs([folder]).runs
    return judge_run(run).diagnosis


def test_a_noisy_per_step_loss_whose_epoch_means_still_fall_is_not_converged(
    tmp_path: Path,
) -> None:
    """Epoch means 0.43, 0.21, 0.16, 0.13, 0.107: still -17 % an epoch under the batch noise."""
    diagnosis = _lightning_run(tmp_path, "0.43,0.21,0.16,0.13,0.107")
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    assert diagnosis.reason.startswith("loss_epoch/train still falling at the end")


def test_epoch_means_that_levelled_off_are_not(tmp_path: Path) -> None:
    diagnosis = _lightning_run(tmp_path, "0.43,0.21,0.16,0.15,0.151")
    assert diagnosis.verdict is not Verdict.NOT_CONVERGED


LIGHTNING_EVAL_BATCHES = """
import sys
import numpy as np
from lightning.pytorch.loggers import CSVLogger

logger = CSVLogger(sys.argv[1], name="lightning_logs", version=0)
rng = np.random.default_rng(5)
val_means = [0.9, 0.6, 0.45, 0.4, 0.42, 0.48, 0.55, 0.62, 0.7, 0.78]
for epoch, val in enumerate(val_means):
    train = 0.9 * np.exp(-0.35 * epoch) + 0.02
    for batch in range(20):
        step = 20 * epoch + batch
        logger.log_metrics({"train_loss_step": train * (1 + rng.uniform(-0.3, 0.3))}, step)
    for batch in range(3):  # the eval set's batches, each its own noisy value
        logger.log_metrics({"val_loss_step": val * (1 + rng.uniform(-0.6, 0.6))}, 20 * epoch + 19)
    means = {"val_loss_epoch": val, "train_loss_epoch": train, "epoch": epoch}
    logger.log_metrics(means, 20 * epoch + 19)
logger.save()
"""


def test_lightning_eval_batches_give_way_to_the_eval_sets_epoch_means(tmp_path: Path) -> None:
    """``self.log("val_loss", on_step=True, on_epoch=True)`` logs each eval batch and their
    mean: the mean is the eval loss (here it turns up after epoch 3: overfitting)."""
    require("lightning")
    run_writer(LIGHTNING_EVAL_BATCHES, tmp_path / "run")
    (run,) = read_runs([tmp_path / "run"]).runs
    diagnosis = judge_run(run).diagnosis
    assert diagnosis.verdict is Verdict.OVERFITTING
    assert diagnosis.reason.startswith("loss_epoch/eval lowest 0.4 at")


LIGHTNING_EVAL_AND_NOISY_STEPS = """
import sys
import numpy as np
from lightning.pytorch.loggers import CSVLogger

logger = CSVLogger(sys.argv[1], name="lightning_logs", version=0)
train_means = [4325.0, 3593.0, 2915.0, 2182.0, 1871.0]
val_means = [4495.0, 3613.0, 2702.0, 2182.0, 2003.0]
noise = np.random.default_rng(SEED).uniform(-0.4, 0.4, 5 * len(train_means))
for epoch, (train, val) in enumerate(zip(train_means, val_means)):
    for batch in range(5):
        step = 5 * epoch + batch
        logger.log_metrics({"train_loss_step": train * (1 + noise[step]), "epoch": epoch}, step)
    means = {"train_loss_epoch": train, "val_loss": val, "epoch": epoch}
    logger.log_metrics(means, 5 * epoch + 4)
logger.save()
"""


@pytest.mark.parametrize("seed", [0, 25])
def test_an_eval_loss_still_falling_beside_falling_epoch_means_is_not_converged(
    tmp_path: Path, seed: int
) -> None:
    """A real self-supervised pre-training run (5 epochs): val_loss 4,495 → 2,003 and the
    training loss's epoch means 4,325 → 1,871, both still falling 8–25 % an epoch — but a
    line through the last per-step losses (5 small batches an epoch, ±40 %) happens to rise
    (with these seeds it read healthy, and stuck). The epoch means say the training loss still
    falls; the run is not converged."""
    require("lightning")
    folder = tmp_path / "run"
    run_writer(LIGHTNING_EVAL_AND_NOISY_STEPS.replace("SEED", str(seed)), folder)
    (run,) = read_runs([folder]).runs
    diagnosis = judge_run(run).diagnosis
    assert diagnosis.verdict is Verdict.NOT_CONVERGED, diagnosis.reason
    assert diagnosis.reason.startswith("loss/eval still falling at the end")
