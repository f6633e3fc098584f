"""An evaluation's NaN, training finite: still divergence's evidence, held with less
confidence, and the sentence says the training loss stayed finite.

A real torch run logged with ``SummaryWriter`` whose eval pass, once, averaged an empty batch
(``torch.mean`` of nothing is NaN) while training went on finite: NaN and inf are data, so the
run is diverged (an error), but at 0.7, not the certainty a NaN in training carries. And a
loss term at exactly 0 throughout (a single-class detector's class loss) is not the eval loss
the run is judged by.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.report.evidence_labels import LABELS
from tests.diagnosis.helpers import decay, diagnose_curves, judge_torch_script, subsample

EMPTY_EVAL_BATCH = """
import sys
import torch
from torch.utils.tensorboard import SummaryWriter

torch.manual_seed(0)
x = torch.randn(512, 4)
y = (x[:, 0] + x[:, 1] > 0).long()
model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
writer = SummaryWriter(sys.argv[1])
for epoch in range(30):
    for start in range(0, 384, 32):
        loss = torch.nn.functional.cross_entropy(model(x[start:start + 32]), y[start:start + 32])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    writer.add_scalar("train/loss", loss.item(), epoch)
    with torch.no_grad():  # epoch 3 evaluates an empty slice: the mean of nothing is NaN
        held = slice(384, 384) if epoch == 3 else slice(384, 512)
        losses = torch.nn.functional.cross_entropy(model(x[held]), y[held], reduction="none")
        writer.add_scalar("eval/loss", losses.mean().item(), epoch)
writer.close()
"""


@pytest.fixture(scope="module")
def glitch(tmp_path_factory: pytest.TempPathFactory) -> Diagnosis:
    return judge_torch_script(EMPTY_EVAL_BATCH, tmp_path_factory.mktemp("empty-eval-batch"))


def test_a_nan_at_one_evaluation_with_training_finite_is_divergence_held_less_sure(
    glitch: Diagnosis,
) -> None:
    assert glitch.verdict is Verdict.DIVERGED
    assert glitch.confidence == 0.7
    assert glitch.reason.startswith("eval loss became nan at step 3 after ")
    assert glitch.reason.endswith(
        "and recovered afterwards (1 non-finite of 30 points); the training loss stayed "
        "finite, so the evaluation may have produced it."
    )
    assert set(glitch.findings[0].evidence) <= set(LABELS)


def test_the_same_nan_in_the_training_loss_is_divergence() -> None:
    steps, train = decay(30, 0.7, 0.1, rate=4)
    train = train.copy()
    train[3] = math.nan
    curves = {"train/loss": (steps, train), "eval/loss": subsample(decay(30, 0.7, 0.12), 1)}
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.DIVERGED
    assert diagnosis.confidence == 1.0
    assert "may have produced it" not in diagnosis.reason


def test_a_loss_term_at_zero_throughout_is_not_the_eval_loss_judged() -> None:
    """A single-class detector: box losses fall, the class loss is 0 at every evaluation (one
    more of them logged than of the box loss): the run is judged by its box loss, and a term
    that does not apply is no sign of a leak."""
    steps = np.arange(60)
    box = 0.1 * np.exp(-steps / 6) + 0.02
    diagnosis = diagnose_curves(
        {
            "train/box_loss": (steps, box),
            "eval/box_loss": (steps[1:], box[1:] * 1.05),
            "eval/cls_loss": (steps, np.zeros(60)),
        }
    )
    assert diagnosis.verdict is Verdict.HEALTHY
    assert "box_loss/eval" in diagnosis.reason
    assert not any(f.code == "zero_loss" for f in diagnosis.findings)
