"""A classifier that learned only the class frequencies: its inputs told it nothing, so its
loss fell from ln C onto the prior's entropy (a few per cent lower) and no accuracy moved from
the commonest class's share. Stuck, not underfitting: nothing about the inputs was learned.
The logs are real Keras 3 fits (a ``CSVLogger``), one on inputs that carry no signal and one
on inputs that carry the label."""

from __future__ import annotations

from pathlib import Path

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.judging import judge_run
from curvelint.report.evidence_labels import LABELS, WORDS
from curvelint.runs import read_runs
from tests.diagnosis.helpers import decay, diagnose_curves, flat, subsample
from tests.readers.writers import run_keras

# 40 classes with a skewed prior (the commonest is 7 % of the examples, its entropy 93 % of
# ln 40): a dense softmax layer, SGD at 0.2, 15 epochs.
PRIOR_ONLY = """
import sys
from pathlib import Path
import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
classes = 40
prior = np.exp(-np.arange(classes) / 15.0)
prior /= prior.sum()
y = rng.choice(classes, size=3000, p=prior)
if "@INPUTS@" == "signal":
    x = np.eye(classes, dtype="float32")[y] + rng.normal(0, 0.3, (3000, classes)).astype("float32")
else:  # noise independent of the label: predictions jitter, the accuracy never freezes
    x = rng.normal(0, 1, (3000, 2)).astype("float32")
model = keras.Sequential(
    [keras.Input((x.shape[1],)), keras.layers.Dense(classes, activation="softmax")]
)
model.compile(optimizer=keras.optimizers.SGD(0.2), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
log = keras.callbacks.CSVLogger(str(Path(sys.argv[1]) / "training.log"))
model.fit(x, y, epochs=15, batch_size=64, validation_split=0.2, verbose=0, callbacks=[log])
"""


def _fit(root: Path, inputs: str) -> Path:
    run_keras(PRIOR_ONLY.replace("@INPUTS@", inputs), root)
    return root


def _judge(root: Path) -> Diagnosis:
    (run,) = read_runs([root]).runs
    return judge_run(run).diagnosis


def test_a_model_whose_inputs_carry_nothing_learned_only_the_prior_and_is_stuck(
    tmp_path: Path,
) -> None:
    diagnosis = _judge(_fit(tmp_path, "noise"))
    assert diagnosis.verdict is Verdict.STUCK
    (stuck,) = [f for f in diagnosis.findings if f.code == "stuck"]
    evidence = stuck.evidence
    assert evidence["cause"] == "accuracy_never_moved"
    fall = -float(evidence["change_of_start"])  # type: ignore[arg-type]
    assert 0.05 < fall <= 0.1  # more than the plain "never left its start" allows
    assert float(evidence["accuracy_band"]) <= 0.03  # type: ignore[arg-type]
    assert "the model learned the class frequencies and nothing of the inputs" in stuck.message
    assert f"{fall:.1%}".replace("%", " %") in stuck.message
    assert set(evidence) <= set(LABELS) and evidence["cause"] in WORDS  # reads as words


def test_the_same_model_on_inputs_that_carry_the_label_is_not_stuck(tmp_path: Path) -> None:
    diagnosis = _judge(_fit(tmp_path, "signal"))
    assert diagnosis.verdict is not Verdict.STUCK
    assert not any(f.evidence.get("cause") == "accuracy_never_moved" for f in diagnosis.findings)


def test_a_flat_accuracy_beside_a_loss_that_fell_a_quarter_is_not_the_prior_alone() -> None:
    """A 3-class model whose accuracy stayed at 0.6 while its loss fell from 1.1 to 0.82:
    a quarter is more than settling on the class frequencies gives (a capacity limit)."""
    curves = {
        "train/loss": decay(300, 1.1, 0.82, rate=8, noise=0.002),
        "eval/loss": subsample(decay(300, 1.1, 0.84, rate=8, noise=0.002, seed=1), 20),
        "eval/accuracy": subsample(flat(300, 0.6, noise=0.004), 20),
    }
    diagnosis = diagnose_curves(curves)
    assert not any(f.evidence.get("cause") == "accuracy_never_moved" for f in diagnosis.findings)
