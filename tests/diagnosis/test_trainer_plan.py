"""What the Trainer planned and kept: cut short, the checkpoint to keep, a selection metric that
kept improving while the eval loss turned up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.diagnosis import Verdict
from curvelint.judging import judge_run
from curvelint.runs import read_runs
from tests.diagnosis.helpers import decay, diagnose_curves

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "public"


def _curves() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Train falls; eval is lowest at step 200 of 400 and turns up; accuracy keeps rising."""
    eval_steps = np.arange(50, 401, 50)
    eval_loss = np.array([0.9, 0.7, 0.6, 0.55, 0.6, 0.68, 0.75, 0.8])
    accuracy = np.array([0.6, 0.7, 0.75, 0.78, 0.8, 0.81, 0.82, 0.83])
    return {
        "train/loss": decay(400, 1.0, 0.05, rate=6, noise=0.005),
        "eval/loss": (eval_steps, eval_loss),
        "eval/accuracy": (eval_steps, accuracy),
    }


def _codes(metadata: dict[str, object]) -> dict[str, str]:
    diagnosis = diagnose_curves(_curves(), metadata)
    return {f.code: f.message for f in diagnosis.findings}


def test_a_run_that_stopped_before_max_steps_was_cut_short() -> None:
    found = _codes({"global_step": 400, "max_steps": 1000})
    assert "step 400 of the 1,000" in found["cut_short"]
    assert "cut_short" not in _codes({"global_step": 1000, "max_steps": 1000})


def test_the_kept_checkpoint_is_named_and_an_unsaved_best_is_flagged() -> None:
    found = _codes({"best_model_checkpoint": "out/checkpoint-400", "save_steps": 300})
    assert "kept checkpoint-400" in found["best_checkpoint"]
    assert "lowest at step 200" in found["best_checkpoint"]
    assert "was not saved (save_steps 300" in found["best_checkpoint"]
    kept_best = _codes({"best_model_checkpoint": "out/checkpoint-200", "save_steps": 100})
    assert "keep it" in kept_best["best_checkpoint"]


def test_a_task_metric_still_improving_beside_an_eval_loss_turning_up_is_said() -> None:
    found = _codes({})
    assert "accuracy/eval kept improving" in found["selection_metric_improving"]
    curves = _curves()
    steps, accuracy = curves["eval/accuracy"]
    curves["eval/accuracy"] = (steps, accuracy[::-1].copy())  # best at the start
    diagnosis = diagnose_curves(curves)
    assert all(f.code != "selection_metric_improving" for f in diagnosis.findings)


def test_a_trainer_that_kept_its_last_evaluation_best_by_its_metric_is_not_overfitting() -> None:
    """The eval loss turns up after step 200, but accuracy is best at the last evaluation and
    the Trainer kept checkpoint-400: by the user's own criterion the run was improving."""
    kept_last = diagnose_curves(_curves(), {"best_model_checkpoint": "out/checkpoint-400"})
    assert kept_last.verdict is not Verdict.OVERFITTING
    assert "the metric the Trainer keeps its best checkpoint by" in kept_last.reason
    assert any(f.code == "selection_metric_improving" for f in kept_last.findings)
    # Without the Trainer's choice, or with an earlier one, the loss's turn is overfitting.
    assert diagnose_curves(_curves()).verdict is Verdict.OVERFITTING
    kept_early = diagnose_curves(_curves(), {"best_model_checkpoint": "out/checkpoint-200"})
    assert kept_early.verdict is Verdict.OVERFITTING


def test_an_eval_loss_that_more_than_doubled_is_overfitting_whatever_the_metric_kept() -> None:
    """The same choice of the last evaluation, but the eval loss ends at 2.2x its best (a real
    IndoBERT run: 0.351 → 0.996 while F1 crept 0.826 → 0.853): no longer a model growing a
    little overconfident. Overfitting, with the task metric's progress said beside it."""
    curves = _curves()
    steps, _ = curves["eval/loss"]
    curves["eval/loss"] = (steps, np.array([0.9, 0.7, 0.6, 0.55, 0.7, 0.9, 1.1, 1.2]))
    diagnosis = diagnose_curves(curves, {"best_model_checkpoint": "out/checkpoint-400"})
    assert diagnosis.verdict is Verdict.OVERFITTING
    assert any(f.code == "selection_metric_improving" for f in diagnosis.findings)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/public is absent")
def test_real_trainer_states_say_cut_short_and_which_checkpoint_to_keep() -> None:
    runs = {run.name: run for run in read_runs([CORPUS / "trainer_state"]).runs}
    mt5 = judge_run(runs["mt5-az-news"]).diagnosis
    assert any(f.code == "cut_short" and "7,000 of the 9,411" in f.message for f in mt5.findings)
    flemish = judge_run(runs["whisper-flemish"]).diagnosis
    codes = {f.code for f in flemish.findings}
    assert {"best_checkpoint", "selection_metric_improving"} <= codes
    # WER, the metric it selects on, is best at the last evaluation, which the Trainer kept.
    assert flemish.verdict is Verdict.HEALTHY


def _selected_by_accuracy(best_step: int) -> dict[str, object]:
    """What a Trainer with metric_for_best_model="accuracy" records: the best accuracy's value
    and step (trainer_state.json does not name the metric)."""
    steps, accuracy = _curves()["eval/accuracy"]
    return {"best_metric": float(accuracy[steps == best_step][0]), "best_global_step": best_step}


def test_the_selection_metric_is_the_eval_curve_whose_value_is_the_best_metric() -> None:
    diagnosis = diagnose_curves(_curves(), _selected_by_accuracy(400))
    found = {f.code: f for f in diagnosis.findings}
    # best_global_step alone (no checkpoint saved) says the Trainer's best was the last one.
    assert diagnosis.verdict is Verdict.HEALTHY
    # Its EarlyStoppingCallback watches accuracy, which never stopped improving: no replay.
    assert "early_stopping" not in found
    # By the user's own criterion unseen data kept getting better: no "no better" gap.
    assert "train_eval_gap" not in found
    selection = found["selection_metric_improving"]
    assert selection.severity.value == "info"
    assert "already selects by accuracy/eval" in selection.recommendation


def test_a_best_metric_that_is_the_eval_losss_best_keeps_the_loss_as_the_judge() -> None:
    _, losses = _curves()["eval/loss"]
    by_loss = {"best_metric": float(losses.min()), "best_global_step": 200}
    diagnosis = diagnose_curves(_curves(), by_loss)
    assert diagnosis.verdict is Verdict.OVERFITTING
    assert any(f.code == "early_stopping" for f in diagnosis.findings)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/public is absent")
def test_real_whisper_runs_selected_by_wer_keep_the_checkpoint_the_trainer_kept() -> None:
    """whisper-flemish and whisper-small-hi-merlinmy select by WER (their best_metric is a WER
    at the kept checkpoint) while the eval loss turned up earlier: the kept checkpoint is the
    one to keep, and no replay of early stopping on the loss says otherwise."""
    runs = {run.name: run for run in read_runs([CORPUS / "trainer_state"]).runs}
    for name in ("whisper-flemish", "whisper-small-hi-merlinmy"):
        found = {f.code: f for f in judge_run(runs[name]).diagnosis.findings}
        assert "where wer/eval was best" in found["best_checkpoint"].message, name
        assert found["best_checkpoint"].severity.value == "info", name
        assert "early_stopping" not in found, name


def _early_checkpoint(evals: list[float]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """An early checkpoint of a long run: train still falling steadily (logged every 50
    steps), four evaluations every 500."""
    steps = np.arange(50, 2001, 50)
    train = 0.55 * np.exp(-steps / 2500) + np.random.default_rng(1).normal(0.0, 0.004, 40)
    return {"train/loss": (steps, train), "eval/loss": (np.arange(500, 2001, 500), np.array(evals))}


PLAN = {"global_step": 2000, "max_steps": 35050}


def test_an_early_checkpoint_whose_last_evaluation_is_its_best_is_not_converged() -> None:
    """Four evaluations cannot pass the late line's significance test; a run stopped at 5.7 %
    of its plan with the last one 21 % below the best before still had steps that paid."""
    diagnosis = diagnose_curves(_early_checkpoint([0.252, 0.265, 0.245, 0.193]), PLAN)
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    planned = "stopped at step 2,000 of the 35,050 its Trainer planned (5.7 %), still improving"
    assert planned in diagnosis.reason
    assert "last evaluation was its best, 0.193 at step 2,000, 21 % below its best before" in (
        diagnosis.reason
    )


def test_a_checkpoint_whose_training_loss_has_levelled_off_is_not_converged_too() -> None:
    """The eval loss still reached a new low at the last evaluation of a run cut short; the
    training loss had flattened: the planned steps were still paying on held-out data."""
    curves = _early_checkpoint([0.252, 0.265, 0.245, 0.193])
    steps = curves["train/loss"][0]
    levelled = 0.2 + 0.35 * np.exp(-steps / 250) + np.random.default_rng(2).normal(0, 0.004, 40)
    curves["train/loss"] = (steps, levelled)
    diagnosis = diagnose_curves(curves, PLAN)
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    assert diagnosis.findings[0].evidence["eval_points"] == 4


def test_the_same_curves_without_a_plan_or_with_an_earlier_best_are_not() -> None:
    finished = diagnose_curves(_early_checkpoint([0.252, 0.265, 0.245, 0.193]), {})
    earlier_best = diagnose_curves(_early_checkpoint([0.252, 0.265, 0.193, 0.245]), PLAN)
    assert Verdict.NOT_CONVERGED not in (finished.verdict, earlier_best.verdict)


@pytest.mark.skipif(not (CORPUS / "trainer_state" / "trocr-mohammed").is_dir(), reason="corpus")
def test_the_public_trocr_checkpoint_reads_not_converged() -> None:
    """TrOCR fine-tune saved at step 2,000 of 35,050: eval 0.252, 0.265, 0.245, 0.193."""
    (run,) = read_runs([CORPUS / "trainer_state" / "trocr-mohammed"]).runs
    diagnosis = judge_run(run).diagnosis
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    assert "0.1926 at step 2,000 (epoch 1.4), 21 % below its best before (0.2446)" in (
        diagnosis.reason
    )


def _long_fall_still_creeping() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A training loss that fell from 11 to ~0.01 in its first tenth and still creeps down
    (0.013 → 0.007 over the last fifth): a negligible share of its whole fall."""
    steps = np.arange(10, 1251, 10)
    loss = 11.0 * np.exp(-steps / 15) + 0.02 * np.exp(-steps / 900)
    return {"train/loss": (steps, loss + np.random.default_rng(4).normal(0, 2e-4, len(steps)))}


def test_a_checkpoint_creeping_towards_zero_is_not_converged_when_the_plan_had_more() -> None:
    """Run to its end, such a loss is memorising, not converging; stopped at a third of its
    plan, the steps still to come would have been taken anyway: not converged, with the plan."""
    cut = diagnose_curves(_long_fall_still_creeping(), {"global_step": 1250, "max_steps": 3750})
    finished = diagnose_curves(
        _long_fall_still_creeping(), {"global_step": 1250, "max_steps": 1250}
    )
    assert cut.verdict is Verdict.NOT_CONVERGED
    assert cut.reason.endswith(
        "the run stopped at step 1,250 of the 3,750 its Trainer planned (33 %)."
    )
    assert finished.verdict is not Verdict.NOT_CONVERGED


def test_a_checkpoint_whose_last_evaluation_is_its_best_after_a_spike_is_not_converged() -> None:
    """A real early checkpoint (step 4,000 of 19,920): eval 1.05, 0.93, 1.65, 0.89 — a line
    through four evaluations tilts up with the spike; the last one is still the best."""
    curves = _early_checkpoint([1.05, 0.93, 1.65, 0.89])
    diagnosis = diagnose_curves(curves, {"global_step": 2000, "max_steps": 10000})
    assert diagnosis.verdict is Verdict.NOT_CONVERGED
    assert "last evaluation was its best, 0.89 at step 2,000" in diagnosis.reason


def _warming_up(rate_rising: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A 50-step fine-tune logged every 5 steps: loss 4.70 → 4.40, falling faster and faster;
    the learning rate rising to its last log (warm-up unfinished) or held constant."""
    steps = np.arange(5, 51, 5)
    loss = 4.70 - 0.3 * (steps / 50) ** 3
    rate = 2e-4 * steps / 50 if rate_rising else np.full(10, 2e-4)
    return {"train/loss": (steps, loss), "train/learning_rate": (steps, rate)}


def test_a_run_that_ended_inside_its_warm_up_with_its_loss_falling_is_not_stuck() -> None:
    """Its final level is only 4 % below its start — within "stayed at its initial level" —
    but its learning rate never reached its peak and the loss was falling faster at the end:
    it had barely begun."""
    assert diagnose_curves(_warming_up(rate_rising=True)).verdict is Verdict.NOT_CONVERGED
    assert diagnose_curves(_warming_up(rate_rising=False)).verdict is Verdict.STUCK
