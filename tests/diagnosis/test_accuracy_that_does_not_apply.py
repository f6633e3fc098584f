"""An accuracy frozen below any class's share (exactly 0, or 1 example in 4,000) is a metric that
does not fit the model — Keras' ``accuracy`` compiled on a regressor's targets — not a model
predicting one class: a constant prediction scores its class's share, at least 1/C. A real
Keras docking-score regressor logged acc 0.00025 and val_acc 0.0 at every epoch while its
val_loss turned up; the frozen accuracy made it "stuck"."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.diagnosis import Verdict
from tests.diagnosis.helpers import codes, diagnose_curves

EPOCHS = np.arange(7)


def _regressor(accuracy: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Train 3.9 → 2.2; val 2.9 → best 2.52 at epoch 2 → 3.18 (+26 %); accuracy constant."""
    return {
        "train/loss": (EPOCHS, np.array([3.88, 3.03, 2.76, 2.49, 2.2, 1.89, 1.85])),
        "eval/loss": (EPOCHS, np.array([2.89, 2.66, 2.52, 2.62, 2.61, 2.87, 3.18])),
        "train/accuracy": (EPOCHS, np.full(7, accuracy)),
        "eval/accuracy": (EPOCHS, np.full(7, accuracy)),
    }


@pytest.mark.parametrize("accuracy", [0.0, 0.00025])
def test_an_accuracy_frozen_below_any_class_share_is_ignored(accuracy: float) -> None:
    diagnosis = diagnose_curves(_regressor(accuracy))
    assert "frozen_accuracy" not in codes(diagnosis)
    assert diagnosis.verdict is Verdict.OVERFITTING


def test_an_accuracy_frozen_at_a_class_share_still_reads_one_class() -> None:
    assert "frozen_accuracy" in codes(diagnose_curves(_regressor(0.4)))
