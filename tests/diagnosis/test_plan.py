"""A learning rate whose straight-line decay ran out: the Trainer logs the rate every
``logging_steps``, so a linear schedule's last logged rate sits one interval before zero (ner-jd:
2.5e-6 of 4.5e-5 at step 5,000 of 5,268). The run is over all the same — unless it was cut
short of ``max_steps``, or the rate stepped down at the end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.analysis import analyze_frame
from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis import Verdict
from curvelint.diagnosis.plan import linear_decay_ran_out
from curvelint.judging import judge_run
from curvelint.runs import read_runs
from tests.diagnosis.helpers import diagnose_curves
from tests.synthetic import series_frame

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "public"
STEPS = np.arange(500, 5001, 500)
LINEAR = 5e-5 * (1 - STEPS / 5268)  # the Trainer's linear schedule, logged every 500 steps
FINISHED = {"global_step": 5268, "max_steps": 5268}


def _rate(values: np.ndarray) -> SeriesAnalysis | None:
    frame = series_frame({"learning_rate": (STEPS, values)})
    return analyze_frame(frame)["run"].series("learning_rate", "")


def test_a_linear_decay_one_log_short_of_zero_has_run_out() -> None:
    assert linear_decay_ran_out(_rate(LINEAR), FINISHED)


def test_a_run_cut_short_of_its_plan_has_not_run_out() -> None:
    assert not linear_decay_ran_out(_rate(LINEAR), {"global_step": 5000, "max_steps": 8000})


def test_a_decay_still_far_from_zero_has_not_run_out() -> None:
    half_way = 5e-5 * (1 - STEPS / 10_000)
    assert not linear_decay_ran_out(_rate(half_way), {})


def test_a_step_drop_at_the_end_is_not_a_straight_line_to_zero() -> None:
    stepped = np.where(STEPS < 5000, 5e-5, 5e-6)
    assert not linear_decay_ran_out(_rate(stepped), {})


def _still_falling_loss() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    steps = np.arange(500, 5001, 500)
    loss = 0.15 * np.exp(-steps / 1500) + 0.002
    return {"loss": (steps, loss), "learning_rate": (steps, LINEAR)}


def test_a_loss_still_falling_when_the_schedule_ran_out_is_not_not_converged() -> None:
    assert diagnose_curves(_still_falling_loss(), FINISHED).verdict is not Verdict.NOT_CONVERGED
    cut_short = {"global_step": 5000, "max_steps": 9000}
    assert diagnose_curves(_still_falling_loss(), cut_short).verdict is Verdict.NOT_CONVERGED


@pytest.mark.skipif(not PUBLIC.is_dir(), reason="the public corpus (../shared) is not beside us")
def test_ner_jd_finished_its_schedule() -> None:
    (run,) = read_runs([PUBLIC / "trainer_state" / "ner-jd"]).runs
    assert judge_run(run).diagnosis.verdict is Verdict.HEALTHY


def _slow_late_fall(final_rate: float | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A real time-series fine-tune (Moirai, 44 epochs, no eval): its loss still fell 2.1 % of
    its final level over the last fifth, well clear of its noise; beside it, a learning rate
    decaying in a straight line from 1e-3 to ``final_rate`` (None: not logged)."""
    epochs = np.arange(44)
    loss = 1.25 + 0.75 * np.exp(-epochs / 8) - 0.0022 * epochs + 0.004 * np.sin(epochs * 1.7)
    curves = {"train/loss": (epochs, loss)}
    if final_rate is not None:
        curves["train/learning_rate"] = (epochs, 1e-3 - (1e-3 - final_rate) * epochs / 43)
    return curves


def test_a_small_clear_late_fall_counts_while_the_rate_is_still_over_half_its_peak() -> None:
    """At 59 % of its peak the run was not winding down: 2.1 % is still training undone. The
    same fall with the rate down to a quarter, or with no rate logged, is the usual levelling
    off (the usual share is 3 %)."""
    running = diagnose_curves(_slow_late_fall(5.9e-4))
    assert running.verdict is Verdict.NOT_CONVERGED, running.reason
    assert "(2.1 % of its final level" in running.reason
    assert "its learning rate ended at 59 % of its peak: the run was not winding down" in (
        running.reason
    )
    assert diagnose_curves(_slow_late_fall(2.5e-4)).verdict is Verdict.HEALTHY
    assert diagnose_curves(_slow_late_fall(None)).verdict is Verdict.HEALTHY


def test_the_same_drift_of_an_eval_loss_below_the_training_loss_is_healthy() -> None:
    """Issue 13's boundary: an eval loss sitting below the training loss (dropout) that still
    drifts down a little at full rate is the regularised model settling."""
    curves = _slow_late_fall(1e-3)
    epochs, loss = curves["train/loss"]
    curves["train/loss"] = (epochs, loss * 1.3 + 0.01 * np.cos(epochs * 2.3))
    curves["eval/loss"] = (epochs, loss)
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason


def test_the_rate_is_named_only_when_it_is_why_a_small_late_fall_counts() -> None:
    """A loss falling in a straight line (SGD at a low constant rate: 1.14 -> 1.0) counts by
    its share of the whole fall; its learning rate is not the reason, so not said to be."""
    epochs = np.arange(40)
    loss = 1.14 - 0.14 * epochs / 39 + 0.0005 * np.sin(epochs * 1.7)
    curves = {"train/loss": (epochs, loss), "train/learning_rate": (epochs, np.full(40, 1e-3))}
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.NOT_CONVERGED, diagnosis.reason
    assert "learning rate ended" not in diagnosis.reason
