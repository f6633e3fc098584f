"""A short, noisy curve that still plainly falls is not converged even when a line through its
last fifth (three or four evaluations) cannot clear its error: the means of its thirds use
every point. A curve that levels off into its plateau slows far faster and stays healthy."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.analysis.levels import Curve
from curvelint.analysis.thirds import thirds_fall
from curvelint.diagnosis import Verdict
from tests.diagnosis.helpers import diagnose_curves, finding

EPOCHS = np.arange(15)
# A real 15-epoch plant-disease fine-tune at a constant learning rate: the eval loss wobbles
# by ~0.01 around a fall that is still ~0.01 an epoch at the end.
WOBBLE = np.array([0, 0.004, -0.006, 0.008, -0.002, 0.01, -0.008, 0.012, -0.004, 0.006, -0.01,
                   0.003, -0.015, 0.0, 0.02])  # fmt: skip


def _run(eval_loss: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    train = 0.83 - 0.46 * (1 - np.exp(-EPOCHS / 9))
    return {"train/loss": (EPOCHS, train), "eval/loss": (EPOCHS, eval_loss + WOBBLE)}


def test_an_eval_loss_still_falling_through_its_wobble_is_not_converged() -> None:
    """0.62 → 0.25, the last third 0.03 below the middle third: the line through the last
    three evaluations tilts with the wobble; the thirds do not."""
    diagnosis = diagnose_curves(_run(0.62 - 0.37 * (1 - np.exp(-EPOCHS / 10)) / 0.77))
    assert diagnosis.verdict is Verdict.NOT_CONVERGED, diagnosis.reason
    assert diagnosis.reason.startswith("loss/eval still falling at the end: its last third's")
    evidence = finding(diagnosis, "not_converged").evidence
    assert evidence["last_third_below_middle"] >= 0.05
    assert evidence["last_third_fall_of_middle"] >= 0.4


def test_the_same_fall_levelling_off_into_its_plateau_is_healthy() -> None:
    """The same start and end, reached by epoch 8 and flat since (an Adam run whose schedule
    decayed): the last third fell a sliver of the middle third's fall."""
    diagnosis = diagnose_curves(_run(0.25 + 0.37 * np.exp(-EPOCHS / 2.5)))
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason


def test_thirds_need_two_points_each_and_give_the_first_third_the_remainder() -> None:
    def curve(values: list[float]) -> Curve:
        made = Curve.of("loss/eval", np.arange(len(values)), np.array(values), direction=0)
        assert made is not None
        return made

    assert thirds_fall(curve([3.0, 2.0, 1.0, 0.5, 0.4])) is None
    fall = thirds_fall(curve([9.0, 3.0, 2.0, 2.0, 1.0, 1.0, 0.5]))
    assert fall is not None
    assert (fall.middle_mean, fall.last_mean) == (1.5, 0.75)
    assert (fall.middle_fall, fall.last_fall) == (pytest.approx(19 / 6), 0.75)  # 9, 3, 2 first
    assert fall.within_last_fall == 0.5  # the last third's halves: 1 and 0.5


def test_a_sharp_drop_that_ended_in_the_middle_third_then_flat_is_not_still_falling() -> None:
    """A real neural-ODE classifier: its loss sat near 1.4 for 90 epochs, dropped to ~0.001
    within ten, and stayed there to epoch 200. Its last third is 99 % below its middle third's
    mean, but flat within itself: settled, not still falling."""
    epochs = np.arange(200)
    drop = 1.4 / (1 + np.exp((epochs - 95) / 2.0)) + 0.001
    wobble = 0.0001 * np.sin(epochs * 1.3)
    curves = {"train/loss": (epochs, drop * 1.05 + wobble), "eval/loss": (epochs, drop + wobble)}
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is not Verdict.NOT_CONVERGED, diagnosis.reason


def _early_checkpoint() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A real LoRA fine-tune's checkpoint at step 500: its loss fell from 2.6 to ~1.0 in the
    first steps, then crept on down (~6 % from its middle third to its last) under ±0.05 of
    batch noise, slowing — far more than a run of its full length would need to level off."""
    steps = np.arange(10, 510, 10)
    noise = 0.05 * np.sin(steps * 0.77) * np.cos(steps * 0.31)
    return {
        "train/loss": (steps, 0.85 + 1.9 * np.exp(-steps / 25) + 0.5 * np.exp(-steps / 150) + noise)
    }


def test_a_clear_but_slowing_fall_is_not_converged_when_the_trainer_planned_far_more() -> None:
    """Cut short at step 500 of the 9,900 its Trainer planned, the same fall that a finished
    run levels off with (healthy) was still paying when the run stopped."""
    finished = diagnose_curves(_early_checkpoint())
    assert finished.verdict is Verdict.HEALTHY, finished.reason
    cut = diagnose_curves(_early_checkpoint(), {"global_step": 500, "max_steps": 9900})
    assert cut.verdict is Verdict.NOT_CONVERGED, cut.reason
    evidence = finding(cut, "not_converged").evidence
    assert evidence["last_third_fall_of_middle"] < 0.4
    assert "slowing, but still falling when the run was cut short" in cut.reason
    assert "the run stopped at step 500 of the 9,900 its Trainer planned" in cut.reason
