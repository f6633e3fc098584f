"""Underfitting at the boundary with its neighbours, on real Keras 3 fits (a ``CSVLogger``):

* a model too small for its task (one hidden unit for three classes) whose loss still creeps
  down, by a few per cent of its whole fall late in the run, is levelling off at a high level:
  underfitting, with not converged as the second verdict — not "train longer";
* the same model at half the learning rate, its loss still falling a tenth of its level late,
  is not converged: there more steps do pay;
* a model that classifies almost perfectly under label smoothing keeps a loss far above zero
  (the smoothed targets' entropy): high, but not underfitting.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.judging import judge_run
from curvelint.report.evidence_labels import LABELS
from curvelint.runs import read_runs
from tests.readers.writers import run_keras

# Three classes at the corners of a triangle: one hidden unit (a line) cannot keep them apart,
# so about two thirds of the examples are classified right however long it trains.
THREE_CORNERS = """
import sys
from pathlib import Path
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
centres = np.array([[0.0, 2.0], [-1.8, -1.0], [1.8, -1.0]])
y = rng.integers(0, 3, 900)
x = (centres[y] + rng.normal(0, 0.7, (900, 2))).astype("float32")
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(@UNITS@, activation="relu"),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(@RATE@),
              loss=keras.losses.CategoricalCrossentropy(label_smoothing=@SMOOTHING@),
              metrics=["accuracy"])
log = keras.callbacks.CSVLogger(str(Path(sys.argv[1]) / "training.log"))
model.fit(x, np.eye(3)[y], epochs=30, batch_size=32, validation_split=0.2, verbose=0,
          callbacks=[log])
"""


def _judge(root: Path, units: int, rate: str, smoothing: float = 0.0) -> Diagnosis:
    script = (
        THREE_CORNERS.replace("@UNITS@", str(units))
        .replace("@RATE@", rate)
        .replace("@SMOOTHING@", str(smoothing))
    )
    run_keras(script, root)
    (run,) = read_runs([root]).runs
    return judge_run(run).diagnosis


def _last_val_accuracy(root: Path) -> float:
    with (root / "training.log").open(newline="") as log:
        return float(list(csv.DictReader(log))[-1]["val_accuracy"])


@pytest.fixture(scope="module")
def one_unit(tmp_path_factory: pytest.TempPathFactory) -> Diagnosis:
    return _judge(tmp_path_factory.mktemp("one-unit"), 1, "3e-3")


def test_a_model_too_small_whose_loss_creeps_down_is_underfitting(one_unit: Diagnosis) -> None:
    assert one_unit.verdict is Verdict.UNDERFITTING
    assert one_unit.secondary is Verdict.NOT_CONVERGED  # it does still fall, slowly
    finding = one_unit.findings[0]
    share = float(finding.evidence["late_gain_of_fall"])  # type: ignore[arg-type]
    assert 0 < share < 0.08
    assert "levelling off at final level" in finding.message
    assert f"only {share:.1%}".replace("%", " %") in finding.message
    assert "of its whole fall: at that pace more steps gain little" in finding.message
    assert set(finding.evidence) <= set(LABELS)


def test_the_same_model_at_half_the_rate_still_falling_fast_is_not_converged(
    tmp_path: Path,
) -> None:
    diagnosis = _judge(tmp_path, 1, "1.5e-3")
    assert diagnosis.verdict is Verdict.NOT_CONVERGED


def test_near_perfect_predictions_under_label_smoothing_are_not_underfitting(
    tmp_path: Path,
) -> None:
    """Smoothing 0.3 over three classes keeps the best loss at the targets' entropy, 0.64
    nats (58 % of ln 3), while the accuracy reaches 0.99."""
    diagnosis = _judge(tmp_path, 16, "1e-2", smoothing=0.3)
    assert _last_val_accuracy(tmp_path) > 0.95
    assert diagnosis.verdict is Verdict.HEALTHY
    assert not any(f.code == "underfitting" for f in diagnosis.findings)
