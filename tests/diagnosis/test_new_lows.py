"""A short eval curve that reached a new low at each of its last three evaluations was still
improving when the run stopped, even where too few evaluations pass the late line's test.

The shape of a real Lightning run (five Fashion-MNIST epochs, a per-step training loss
scattered by its batches, the eval loss 0.484, 0.418, 0.415, 0.399, 0.395): labelled not
converged by its reader, called healthy before this rule. An eval curve whose last point is
not a new low, or whose new lows add up to less than 3 % of its level, is not.
"""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.report.evidence_labels import LABELS
from tests.diagnosis.helpers import diagnose_curves


def _five_epochs(evals: list[float]) -> Diagnosis:
    steps = np.arange(0, 3750, 50)
    trend = 0.45 + 0.35 * np.exp(-steps / 400)
    train = trend * (1 + np.random.default_rng(7).normal(0.0, 0.35, len(steps)))
    eval_steps = np.arange(749, 3750, 750)
    return diagnose_curves(
        {"train/loss": (steps, train), "eval/loss": (eval_steps, np.array(evals))}
    )


def test_new_lows_at_each_of_the_last_three_evaluations_are_not_converged() -> None:
    diagnosis = _five_epochs([0.484, 0.418, 0.415, 0.399, 0.395])
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    finding = diagnosis.findings[0]
    assert finding.evidence["new_lows"] == 3
    assert diagnosis.reason == (
        "loss/eval reached a new low at each of its last 3 evaluations (0.415, 0.399, 0.395 at "
        "step 3,749): 5.1 % of its final level over the last 2, still improving when the run "
        "stopped."
    )
    assert set(finding.evidence) <= set(LABELS)


def test_a_last_evaluation_that_is_no_new_low_is_not() -> None:
    assert _five_epochs([0.484, 0.418, 0.415, 0.399, 0.401]).verdict is not Verdict.NOT_CONVERGED


def test_new_lows_adding_up_to_less_than_3_percent_are_not() -> None:
    diagnosis = _five_epochs([0.484, 0.418, 0.401, 0.399, 0.396])
    assert diagnosis.verdict is not Verdict.NOT_CONVERGED
