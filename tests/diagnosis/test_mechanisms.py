"""The failure mechanisms of real training that the verdicts were extended for (issue 13): a
rebound the run survived, wild swings that a trend or an overfitting eval loss must not excuse,
an eval loss swinging against its level after a blown-up first evaluation,
a classifier confidently wrong at chance, an underfit model that barely learned, and a
generalisation gap that is not underfitting.

Each is checked on curves built for it (a positive and the nearest negative) through the real
pipeline, then on the real run that showed it: a development-split run written by the real
library, or a public corpus run (skipped when ../shared is absent). The locked test split is
never read here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.diagnosis import Verdict
from curvelint.diagnosis.rules.frozen import constant_prediction_floor
from curvelint.judging import judge_run
from curvelint.runs import read_runs
from tests.diagnosis.helpers import decay, diagnose_curves, flat, subsample

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "benchmark" / "dev" / "runs"
PUBLIC = ROOT.parent / "shared" / "corpus" / "public"


def _rebound_curves(climb: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A loss falling 4 → 1 over 60 % of the run, climbing to ``1 + climb`` over 15 %, then
    falling back to 1.2 (noise 2 %)."""
    steps = np.arange(0, 3000, 25)
    share = steps / steps[-1]
    fall = 1.0 + 3.0 * np.exp(-6.0 * share)
    bump = climb * np.exp(-(((share - 0.72) / 0.06) ** 2))
    values = fall + bump + np.random.default_rng(4).normal(0.0, 0.02, len(steps))
    return {"train/loss": (steps, values)}


def test_a_loss_that_doubled_mid_run_and_came_back_is_an_unstable_rebound() -> None:
    diagnosis = diagnose_curves(_rebound_curves(climb=1.2))
    assert diagnosis.verdict is Verdict.UNSTABLE
    evidence = diagnosis.findings[0].evidence
    assert evidence["cause"] == "rebound"
    assert 1.5 < float(evidence["peak_of_low"]) < 2.3  # the trend's low ~1.2, its peak ~2
    assert 1_900 < int(evidence["trend_peak_step"]) < 2_500
    assert "a blow-up the run survived" in diagnosis.reason


def test_a_small_bump_is_not_a_rebound() -> None:
    diagnosis = diagnose_curves(_rebound_curves(climb=0.2))
    assert all(f.evidence.get("cause") != "rebound" for f in diagnosis.findings)


def test_wild_swings_are_unstable_even_along_a_falling_trend() -> None:
    """A loss falling 8 → 1 (by a constant factor per step) while consecutive points differ
    by about the level itself."""
    steps = np.arange(0, 4000, 5)
    trend = 8.0 * 8.0 ** (-steps / steps[-1])
    rng = np.random.default_rng(5)
    values = trend * np.exp(rng.normal(0.0, 0.6, len(steps)))
    diagnosis = diagnose_curves({"train/loss": (steps, values)})
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert "erratic even along its falling trend" in diagnosis.reason


def test_batch_noise_along_a_falling_trend_is_not_unstable() -> None:
    steps = np.arange(0, 1000, 5)
    trend = 2.0 + 18.0 * np.exp(-3.0 * steps / steps[-1])
    values = trend * np.exp(np.random.default_rng(5).normal(0.0, 0.1, len(steps)))
    assert diagnose_curves({"train/loss": (steps, values)}).verdict is not Verdict.UNSTABLE


def test_an_eval_loss_swinging_a_third_of_its_level_is_unstable_whatever_its_start() -> None:
    """The first evaluation came after a blow-up (10), the rest swings ±35 % around 1.3: small
    against the start, large against the level."""
    rng = np.random.default_rng(6)
    eval_steps = np.arange(10, 610, 10)
    evals = 1.3 * np.exp(rng.normal(0.0, 0.45, len(eval_steps)))
    evals[0] = 10.0
    curves = {
        "train/loss": decay(600, 3.5, 1.3, noise=0.05),
        "eval/loss": (eval_steps, evals),
    }
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert diagnosis.findings[0].series == "loss/eval"


def test_an_eval_loss_with_small_swings_after_a_high_start_is_not_unstable() -> None:
    rng = np.random.default_rng(6)
    eval_steps = np.arange(10, 610, 10)
    evals = 1.3 * np.exp(rng.normal(0.0, 0.05, len(eval_steps)))
    evals[0] = 10.0
    curves = {"train/loss": decay(600, 3.5, 1.3, noise=0.05), "eval/loss": (eval_steps, evals)}
    assert diagnose_curves(curves).verdict is not Verdict.UNSTABLE


def _confidently_wrong(loss_level: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A 10-class classifier whose first loss is ln 10, blown up by spikes, ending near
    ``loss_level`` with its accuracy on 1/10 all run."""
    rng = np.random.default_rng(8)
    steps = np.arange(0, 260)
    loss = np.log(10) + (loss_level - np.log(10)) * np.minimum(1.0, steps / 40.0)
    loss = loss * np.exp(rng.normal(0.0, 0.3, len(steps)))
    loss[0] = np.log(10)
    loss[[45, 48, 50, 120]] = [300.0, 9_000.0, 500.0, 60.0]
    eval_steps = np.arange(25, 260, 25)
    return {
        "train/loss": (steps, loss),
        "eval/loss": (eval_steps, loss_level + rng.normal(0.0, 0.1, len(eval_steps))),
        "eval/accuracy": (eval_steps, 0.1 + rng.normal(0.0, 0.005, len(eval_steps))),
    }


def test_an_accuracy_at_chance_beside_a_loss_well_above_ln_c_is_diverged() -> None:
    diagnosis = diagnose_curves(_confidently_wrong(3.5))
    assert diagnosis.verdict is Verdict.DIVERGED
    evidence = diagnosis.findings[0].evidence
    assert evidence["cause"] == "broken_at_chance"
    assert evidence["classes"] == 10


def test_a_memorised_training_set_beside_a_chance_accuracy_is_overfitting_not_a_blow_up() -> None:
    """A real binary run: train loss 0.69 → 5e-11 (every training example learned), eval loss
    on ln 2 for 25 epochs, then up to 7x it while the eval accuracy never left chance. No
    blow-up wrecked it: it memorised what does not generalise."""
    epochs = np.arange(100)
    rng = np.random.default_rng(12)
    train = 0.69 * np.exp(-epochs / 4.0) + 1e-6
    evals = np.where(epochs < 25, 0.69, 0.69 + 4.2 * (epochs - 25) / 75) + rng.normal(0, 0.01, 100)
    accuracy = 0.5 + rng.normal(0.0, 0.03, 100)
    curves = {
        "train/loss": (epochs, train),
        "eval/loss": (epochs, evals),
        "eval/accuracy": (epochs, accuracy),
    }
    diagnosis = diagnose_curves(curves, num_classes=2)
    assert diagnosis.verdict is Verdict.OVERFITTING, diagnosis.reason


def test_an_accuracy_at_chance_beside_a_loss_on_ln_c_is_stuck_not_diverged() -> None:
    diagnosis = diagnose_curves(_confidently_wrong(float(np.log(10))))
    assert diagnosis.verdict is not Verdict.DIVERGED


def test_an_eval_loss_flat_from_its_first_evaluation_is_underfitting() -> None:
    """Training fell a third and stopped; the eval loss sat at its first value all run."""
    curves = {
        "train/loss": decay(400, 2.3, 1.5, rate=12, noise=0.01),
        "eval/loss": subsample(flat(400, 1.52, noise=0.005, start=0, seed=3), 40),
        "eval/accuracy": subsample(flat(400, 0.62, noise=0.002, seed=4), 40),
    }
    diagnosis = diagnose_curves(curves, num_classes=10)
    assert diagnosis.verdict is Verdict.UNDERFITTING


def test_a_late_plateau_with_an_accuracy_that_barely_left_chance_is_underfitting() -> None:
    """Settled late (still creeping down until the last third), at 65 % of ln 10, with an
    accuracy of 30 %: a model too small, whenever it settled."""
    curves = {
        "train/loss": decay(600, 2.3, 1.5, rate=3, noise=0.005),
        "eval/loss": subsample(decay(600, 2.3, 1.55, rate=3, seed=1), 30),
        "eval/accuracy": subsample(decay(600, 0.1, 0.3, rate=3, seed=2), 30),
    }
    diagnosis = diagnose_curves(curves, num_classes=10)
    assert diagnosis.verdict is Verdict.UNDERFITTING
    assert "closed only" in diagnosis.reason


def test_a_regression_loss_that_fell_to_half_its_start_and_settled_is_not_underfitting() -> None:
    """No accuracy, no class count: the start is all "high" can be measured against, and a loss
    that fell to 45 % of it has learned; where it settled may be the task's floor (a real
    Lightning text model: 1.48 → 0.84, its AUROC flat at 0.92 — healthy)."""
    curves = {
        "train/loss": decay(400, 2.0, 0.9, rate=12, noise=0.005),
        "eval/loss": subsample(decay(400, 2.0, 0.95, rate=12, noise=0.005, seed=1), 20),
    }
    assert diagnose_curves(curves).verdict is Verdict.HEALTHY


def _plateau_with_gap(eval_floor: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Training settles early at 1.3 (from 2.0, no classes known: 65 % of its start, high enough
    to call without a random guess to measure by); the eval loss settles early at
    ``eval_floor``."""
    return {
        "train/loss": decay(400, 2.0, 1.3, rate=12, noise=0.005),
        "eval/loss": subsample(decay(400, 2.0, eval_floor, rate=12, noise=0.005, seed=1), 20),
    }


def test_an_early_plateau_with_eval_close_to_train_is_underfitting() -> None:
    assert diagnose_curves(_plateau_with_gap(eval_floor=1.37)).verdict is Verdict.UNDERFITTING


def test_an_early_plateau_with_eval_far_above_train_is_not_underfitting() -> None:
    """Eval ends 1.4x the training loss: the model fits its training data far better than
    held-out data, so more capacity is not the fix."""
    diagnosis = diagnose_curves(_plateau_with_gap(eval_floor=1.82))
    assert diagnosis.verdict is not Verdict.UNDERFITTING
    assert all(finding.code != "underfitting" for finding in diagnosis.findings)


def test_a_healthy_fall_is_measured_from_the_trends_high_when_the_first_point_was_low() -> None:
    """A first logged average (0.94) far below the next ones (1.8): the fall is quoted from
    the trend's high, not as "fell 0.1 %" from a start the curve never came back near."""
    steps, values = decay(20, 1.8, 0.9, rate=4, noise=0.01)
    values = values.copy()
    values[0] = 0.94
    curves = {
        "train/loss": (steps, values),
        "eval/loss": subsample(decay(20, 1.8, 0.92, rate=4, noise=0.01, seed=1), 2),
    }
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.HEALTHY
    assert "from its trend's high" in diagnosis.reason
    assert float(diagnosis.findings[0].evidence["fall_of_trend_high"]) > 0.35


def _frozen_accuracy_run(eval_loss: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A 3-class model right on 97.8 % of the eval set from its first evaluation on, the
    accuracy repeating exactly (a small eval set), beside an eval loss ending at ``eval_loss``."""
    return {
        "train/loss": decay(300, 1.1, 0.05, rate=10, noise=0.002),
        "eval/loss": subsample(decay(300, 0.3, eval_loss, rate=6, noise=0.001, seed=1), 20),
        "eval/accuracy": subsample(flat(300, 0.978), 20),
    }


def test_a_frozen_accuracy_beside_a_loss_no_constant_prediction_reaches_is_not_stuck() -> None:
    """Predicting one class with 97.8 % of the examples scores at least 0.106 nats; an eval
    loss of 0.05 says the model is right with confidence, so the accuracy settled."""
    assert constant_prediction_floor(0.978) == pytest.approx(0.1058, abs=1e-3)
    diagnosis = diagnose_curves(_frozen_accuracy_run(eval_loss=0.05), num_classes=3)
    assert diagnosis.verdict is not Verdict.STUCK
    frozen = [f for f in diagnosis.findings if f.code == "frozen_accuracy"]
    assert frozen and frozen[0].evidence["at"] == "settled"
    assert "beside a loss no constant prediction reaches" in frozen[0].message


def test_a_frozen_accuracy_beside_a_loss_a_constant_prediction_reaches_is_stuck() -> None:
    """Both losses end where a constant prediction can sit (eval 0.3, train 0.2)."""
    curves = _frozen_accuracy_run(eval_loss=0.3)
    curves["train/loss"] = decay(300, 1.1, 0.2, rate=10, noise=0.002)
    diagnosis = diagnose_curves(curves, num_classes=3)
    assert diagnosis.verdict is Verdict.STUCK


def test_without_a_class_count_a_frozen_accuracy_beside_a_loss_that_learned_is_not_stuck() -> None:
    """The Trainer's first logged loss (0.9) is already off ln 3, so the class count is not
    known; a training loss that fell to a twentieth of its start is a cross-entropy that
    learned, and both losses end below a constant prediction's 0.106."""
    curves = _frozen_accuracy_run(eval_loss=0.07)
    curves["train/loss"] = decay(300, 0.9, 0.045, rate=10, noise=0.002)
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is not Verdict.STUCK
    assert [f.evidence["at"] for f in diagnosis.findings if f.code == "frozen_accuracy"] == [
        "settled"
    ]


def test_a_memorised_training_set_rules_out_one_class_behind_a_frozen_eval_accuracy() -> None:
    """Label noise: the eval accuracy falls to 0.888 and repeats it while the eval loss climbs
    to 0.47 (above 0.9 x 0.350, the bound at 0.888), but the training loss of 0.0025 is one no
    constant prediction scores on the training inputs."""
    steps = np.arange(0, 300, 5)
    accuracy = np.where(steps < 240, 0.958, 0.888)
    curves = {
        "train/loss": decay(300, 0.5, 0.0025, rate=8, noise=0.0001),
        "eval/loss": (steps, 0.16 + 0.31 * (steps / 300.0) ** 2),
        "eval/accuracy": (steps, accuracy),
    }
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is not Verdict.STUCK
    assert [f.evidence["at"] for f in diagnosis.findings if f.code == "frozen_accuracy"] == [
        "settled"
    ]


def test_a_collapse_after_a_blow_up_keeps_its_one_class_finding() -> None:
    """The loss fell 99.9 % from a blown-up 967 — but to ln 3, which every constant prediction
    scores, so the bound does not clear the frozen accuracy."""
    curves = {
        "train/loss": decay(300, 967.0, 1.1, rate=40, noise=0.001),
        "eval/loss": subsample(flat(300, 1.099, noise=0.001), 20),
        "eval/accuracy": subsample(flat(300, 0.4), 20),
    }
    diagnosis = diagnose_curves(curves)
    assert [f.evidence["at"] for f in diagnosis.findings if f.code == "frozen_accuracy"] == [
        "class frequency"
    ]


def _erratic_binary_run(accuracy_before: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """High-rate SGD on a balanced binary task: the loss swings ±30 % around ln 2 all run;
    the eval accuracy reads ``accuracy_before`` at its first four evaluations, then repeats
    exactly 0.5 (one class of two) for the rest."""
    rng = np.random.default_rng(8)
    steps = np.arange(0, 1400, 5)
    train = 0.75 * np.exp(rng.normal(0.0, 0.35, len(steps)))
    eval_steps = np.arange(25, 1400, 25)
    accuracy = np.where(np.arange(len(eval_steps)) < 4, accuracy_before, 0.5)
    return {
        "train/loss": (steps, train),
        "eval/loss": (eval_steps, 0.75 * np.exp(rng.normal(0.0, 0.3, len(eval_steps)))),
        "eval/accuracy": (eval_steps, accuracy),
    }


def test_erratic_training_that_learned_then_fell_onto_one_class_is_unstable() -> None:
    """The accuracy reached 0.85 before it froze on one class's 0.5: the erratic updates undid
    the learning (the instability is the cause), not a model that never started."""
    diagnosis = diagnose_curves(_erratic_binary_run(accuracy_before=0.85))
    assert diagnosis.verdict is Verdict.UNSTABLE
    frozen = [f for f in diagnosis.findings if f.code == "frozen_accuracy"]
    assert frozen and frozen[0].severity.value == "warning"
    assert "down from 0.85 before it froze" in frozen[0].message
    assert frozen[0].evidence["best_before"] == pytest.approx(0.85)


def test_erratic_training_on_one_class_from_its_first_evaluation_is_stuck() -> None:
    """The same swings, but the accuracy never left 0.5: nothing was learned to lose."""
    assert diagnose_curves(_erratic_binary_run(accuracy_before=0.5)).verdict is Verdict.STUCK


def _eval_undone(train_final: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A training loss logged as averages (smooth) that falls to 0.5 by step 150 and then
    moves to ``train_final``; the eval loss falls to 0.45 by step 150, then climbs to 0.67."""
    steps = np.arange(0, 700, 7)
    train = np.where(steps < 150, 0.95 - 0.45 * steps / 150, 0.5)
    train = np.where(steps >= 150, 0.5 + (train_final - 0.5) * (steps - 150) / 550, train)
    eval_steps = np.arange(25, 700, 25)
    evals = np.where(eval_steps <= 150, 0.9 - 0.45 * eval_steps / 150, 0.0)
    evals = np.where(eval_steps > 150, 0.45 + 0.22 * (eval_steps - 150) / 550, evals)
    return {"train/loss": (steps, train), "eval/loss": (eval_steps, evals)}


def test_an_eval_loss_that_turned_up_while_training_made_no_progress_is_unstable() -> None:
    """Memorising the training set lowers the training loss; this one rose to 0.6 while the
    eval loss lost half of its fall: the updates undo the learning (a rate too high)."""
    diagnosis = diagnose_curves(_eval_undone(train_final=0.6))
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert diagnosis.findings[0].evidence["cause"] == "learning_undone"
    assert "lowest 0.45 at step 150" in diagnosis.reason
    assert "did not fall" in diagnosis.reason


def test_the_same_turn_while_training_keeps_falling_is_overfitting() -> None:
    assert diagnose_curves(_eval_undone(train_final=0.1)).verdict is Verdict.OVERFITTING


def _scattered(curves: dict[str, tuple[np.ndarray, np.ndarray]], scatter: float) -> None:
    """Per-batch noise on the training loss: ``scatter`` of its level, point by point."""
    steps, train = curves["train/loss"]
    noise = np.random.default_rng(1).normal(0.0, scatter, len(train))
    curves["train/loss"] = (steps, train * (1.0 + noise))


def test_an_eval_turn_beside_a_training_loss_that_only_scattered_is_unstable() -> None:
    """After the turn the training loss's trend fell 5 % (0.5 to 0.475) while its points
    scatter ±25 %: no progress beyond its own noise, so the eval loss's climb is learning
    undone, not memorisation (a rate 30x too high, logged per batch)."""
    curves = _eval_undone(train_final=0.475)
    _scattered(curves, 0.25)
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.UNSTABLE
    undone = diagnosis.findings[0].evidence
    assert undone["cause"] == "learning_undone"
    fall = float(undone["train_fall"])  # type: ignore[arg-type]
    assert 0.02 <= fall < 0.1
    assert f"fell only {fall:.1%}, within its own scatter".replace("%", " %") in diagnosis.reason


def test_the_same_small_fall_of_a_smooth_training_loss_is_overfitting() -> None:
    """5 % on a training loss logged as smooth averages is beyond its noise: it kept falling."""
    assert diagnose_curves(_eval_undone(train_final=0.475)).verdict is Verdict.OVERFITTING


def test_a_clear_fall_of_a_scattered_training_loss_is_overfitting() -> None:
    """A fall of 60 % after the turn counts, however the points scatter."""
    curves = _eval_undone(train_final=0.2)
    _scattered(curves, 0.25)
    assert diagnose_curves(curves).verdict is Verdict.OVERFITTING


def _collapse_after_a_long_blow_up(first: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """20 epochs on an imbalanced 3-class set (shares 0.40 / 0.33 / 0.27): the loss starts at
    ``first``, is still far off for three epochs, then swings ±4 % around ln 3 while the
    constant prediction switches class, so the accuracy hops between the class shares."""
    epochs = np.arange(20)
    rng = np.random.default_rng(3)
    settled = np.log(3.0) * (1.04 + rng.normal(0.0, 0.02, 20))
    train = np.r_[first, first / 10, 2.0, settled[3:]]
    evals = np.r_[60.0, 250.0, 130.0, settled[3:] - 0.04]
    accuracy = np.array([0.4, 0.333, 0.267])[rng.integers(0, 3, 20)]
    accuracy[-3:] = 0.4
    return {
        "train/loss": (epochs, train),
        "eval/loss": (epochs, evals),
        "eval/accuracy": (epochs, accuracy),
    }


def test_a_collapse_onto_ln_c_after_a_blow_up_of_several_epochs_is_stuck() -> None:
    """Issue 13's mechanism 1: measured from its blown-up start the loss "fell 99.9 %", but
    it ends on a random guess's ln 3 — stuck, however long the blow-up lasted."""
    diagnosis = diagnose_curves(_collapse_after_a_long_blow_up(first=967.0))
    assert diagnosis.verdict is Verdict.STUCK
    assert "ln 3 = 1.099" in diagnosis.reason


def test_a_loss_that_settles_near_ln_c_late_without_a_blow_up_is_not_collapsed() -> None:
    """The same late settling from a sane start (1.9) is a plateau that happens to sit near a
    ln C, not a collapse: the late-settle allowance is for blown-up starts only."""
    diagnosis = diagnose_curves(_collapse_after_a_long_blow_up(first=1.9))
    assert not any(f.evidence.get("cause") == "at_chance" for f in diagnosis.findings)


def _drifting_up(swing: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A regression loss that falls from 1.0 to 0.5 in the first tenth, then drifts up to
    1.2 by the end, with multiplicative swings of ``swing`` around that trend."""
    steps = np.arange(0, 1000, 5)
    trend = np.where(steps < 100, 1.0 - 0.5 * steps / 100, 0.5 + 0.7 * (steps - 100) / 900)
    noise = np.exp(np.random.default_rng(4).normal(0.0, swing, len(steps)))
    return {"train/loss": (steps, trend * noise)}


def test_a_drift_up_inside_wide_swings_is_unstable_not_a_divergence() -> None:
    """Momentum SGD with a rate too high: the running median creeps up 2.4x from its low while
    the loss swings by a third of its level — erratic, ending near where it began."""
    diagnosis = diagnose_curves(_drifting_up(swing=0.3))
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert "rising trend" in diagnosis.reason


def test_the_same_climb_with_small_swings_is_a_divergence() -> None:
    diagnosis = diagnose_curves(_drifting_up(swing=0.02))
    assert diagnosis.verdict is Verdict.DIVERGED
    assert diagnosis.findings[0].evidence["cause"] == "climb"


def _lost_what_it_learned(final: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A binary classifier (ln 2 = 0.69) whose loss fell to 0.4, then climbed steadily to
    ``final`` while its accuracy fell from 0.85 to one class's 0.5."""
    epochs = np.arange(60)
    trend = np.where(epochs < 20, 0.5 - 0.1 * epochs / 20, 0.4 + (final - 0.4) * (epochs - 20) / 39)
    noise = np.exp(np.random.default_rng(5).normal(0.0, 0.02, 60))
    accuracy = np.where(epochs < 30, 0.85, 0.5)
    return {
        "train/loss": (epochs, trend * noise),
        "train/accuracy": (epochs, accuracy),
        "eval/accuracy": (epochs, accuracy),
    }


def test_a_classifier_whose_loss_climbed_back_near_ln_c_did_not_blow_up() -> None:
    """+95 % from its start, but ending at 1.1x ln 2 beside an accuracy on one class: the
    model fell back to chance (it lost what it learned); that is not divergence."""
    diagnosis = diagnose_curves(_lost_what_it_learned(final=0.78))
    assert diagnosis.verdict is not Verdict.DIVERGED, diagnosis.reason


def test_the_same_climb_far_above_ln_c_is_a_divergence() -> None:
    diagnosis = diagnose_curves(_lost_what_it_learned(final=3.0))
    assert diagnosis.verdict is Verdict.DIVERGED
    assert diagnosis.findings[0].evidence["cause"] in {"blow_up", "climb"}


def _three_classes_back_to_chance(scale: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A 3-class classifier whose loss fell to 0.3, then climbed to 1.6 (1.5x ln 3) as its
    accuracy fell from 0.9 to one class's 1/3 — logged as a share (``scale`` 1) or a
    percentage (100)."""
    epochs = np.arange(60)
    trend = np.where(epochs < 20, 1.1 - 0.8 * epochs / 20, 0.3 + 1.3 * (epochs - 20) / 39)
    noise = np.exp(np.random.default_rng(6).normal(0.0, 0.02, 60))
    accuracy = scale * np.where(epochs < 30, 0.9, 1 / 3)
    return {"train/loss": (epochs, trend * noise), "eval/accuracy": (epochs, accuracy)}


def test_an_accuracy_logged_as_a_percentage_reads_the_same_class_count() -> None:
    """33.3 (%) is one class in three, as 0.333 is: the loss back at 1.5x ln 3 fell back
    toward chance either way (read as 1/33.3, the class count was 2 and the same loss a
    blow-up past 2x ln 2)."""
    share = diagnose_curves(_three_classes_back_to_chance(scale=1.0))
    percentage = diagnose_curves(_three_classes_back_to_chance(scale=100.0))
    assert share.verdict is not Verdict.DIVERGED, share.reason
    assert percentage.verdict is share.verdict, percentage.reason


def _hard_task(decayed: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A 4-class run that plateaus at 45 % of ln 4 with its eval loss still (barely) at its
    lowest at the end, under a cosine decay to 0 or a constant rate."""
    steps = np.arange(0, 2000, 10)
    level, ln4 = 0.45 * np.log(4), np.log(4)
    noise = np.random.default_rng(1).normal(0.0, 0.01, len(steps))
    evals = np.arange(100, 2001, 100)
    rate = 1e-3 * 0.5 * (1 + np.cos(np.pi * steps / 2000)) if decayed else np.full(200, 1e-3)
    return {
        "train/loss": (steps, level + (ln4 - level) * np.exp(-steps / 100) + noise),
        "eval/loss": (evals, 1.03 * level + (ln4 - level) * np.exp(-evals / 100)),
        "train/learning_rate": (steps, rate),
        "eval/accuracy": (evals, 0.25 + 0.47 * (1 - np.exp(-evals / 100))),
    }


def test_a_hard_task_converged_as_the_rate_decayed_is_healthy_not_underfitting() -> None:
    """Issue 13's boundary: a plateau at 40-50 % of ln C after the learning rate decayed, eval
    at its minimum at the end, is a converged hard task."""
    assert diagnose_curves(_hard_task(decayed=True)).verdict is Verdict.HEALTHY


def test_the_same_plateau_at_a_constant_rate_is_underfitting() -> None:
    assert diagnose_curves(_hard_task(decayed=False)).verdict is Verdict.UNDERFITTING


def _verdict_of(path: Path) -> Verdict:
    runs = read_runs([path]).runs
    assert len(runs) == 1
    return judge_run(runs[0]).diagnosis.verdict


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("diverged-tb-sgd-momentum-blowup-cnn-digits-s520", Verdict.DIVERGED),
        ("unstable-pl-noisy-sgd-high-lr-mlp-iris-s102", Verdict.UNSTABLE),
        ("unstable-tb-noisy-sgd-high-lr-mlp-moons-s80", Verdict.UNSTABLE),
        ("unstable-pl-30x-lr-no-clip-mlp-digits-s94", Verdict.UNSTABLE),
        ("unstable-ktb-sgd-momentum-regression-mlp-regression-s415", Verdict.UNSTABLE),
        ("unstable-ktb-noisy-sgd-high-lr-mlp-moons-s83", Verdict.UNSTABLE),
        ("underfitting-hf-strong-weight-decay-mlp-digits-s166", Verdict.UNDERFITTING),
        ("underfitting-kcsv-one-hidden-unit-mlp-digits-s662", Verdict.UNDERFITTING),
    ],
)
def test_the_real_development_run_of_each_mechanism(run: str, expected: Verdict) -> None:
    assert _verdict_of(DEV / run) is expected


@pytest.mark.skipif(not PUBLIC.is_dir(), reason="the public corpus (../shared) is not beside us")
@pytest.mark.parametrize("run", ["trainer_state/summary-creator", "keras_csv/brats2020-unet"])
def test_public_runs_whose_eval_sits_far_above_train_are_not_underfitting(run: str) -> None:
    """summary-creator: eval 1.44 beside train 0.94 as training kept falling; brats2020-unet:
    eval 0.0345 beside train 0.0258 as the rate decayed."""
    assert _verdict_of(PUBLIC / run) is not Verdict.UNDERFITTING


@pytest.mark.skipif(not PUBLIC.is_dir(), reason="the public corpus (../shared) is not beside us")
def test_a_ctc_run_whose_loss_rebounded_mid_run_is_unstable() -> None:
    """stress-detection-ctc: train 883 at step 2,150, back up near 2,400, then ~1,060."""
    assert _verdict_of(PUBLIC / "trainer_state" / "stress-detection-ctc") is Verdict.UNSTABLE


# A real Keras run (Adam at lr 1, wine, 3 classes, its TensorBoard callback's epoch values):
# the first steps blew the loss up to 2,524; the training loss then died onto ln 3 while the
# eval loss never came back from its blow-up (~304), and the accuracy, briefly 0.56 in the
# first epoch, sat at a class's share from the middle of the run on.
BLOWN_TRAIN = [2524.4, 184.9, 32.68, 14.30, 2.143, 2.165, 1.328, 1.503, 1.195, 1.131, 1.181,
               1.159, 1.261, 1.137, 1.086, 1.177, 1.081, 1.088, 1.088, 1.073]  # fmt: skip
BLOWN_EVAL = [779.8, 145.6, 333.6, 299.2, 309.9, 308.7, 307.4, 305.6, 304.8, 304.4, 304.2,
              304.0, 303.95, 304.04, 303.95, 303.94, 303.95, 303.96, 303.94, 303.93]  # fmt: skip
BLOWN_ACCURACY = [0.5556, 0.4222, 0.2667, 0.3333, 0.3556, 0.3778, 0.3556, 0.3778, 0.3778,
                  0.3556, 0.3778, 0.3556, 0.3556, 0.3778, 0.3556, 0.3556, 0.3111, 0.3111,
                  0.3111, 0.3111]  # fmt: skip


def _blown_up(eval_loss: list[float]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    epochs = np.arange(len(BLOWN_TRAIN))
    return {
        "train/loss": (epochs, np.array(BLOWN_TRAIN)),
        "eval/loss": (epochs, np.array(eval_loss)),
        "eval/accuracy": (epochs, np.array(BLOWN_ACCURACY)),
    }


def test_a_collapse_whose_eval_loss_never_came_back_from_the_blow_up_is_stuck() -> None:
    """Issue 13's first mechanism: the training loss on ln 3 and the accuracy at chance from
    the middle of the run are a dead model, whatever the eval loss did (it read healthy:
    "fell 99.96 %")."""
    diagnosis = diagnose_curves(_blown_up(BLOWN_EVAL))
    assert diagnosis.verdict is Verdict.STUCK, diagnosis.reason
    assert "never beat a random guess once the loss had blown up" in diagnosis.reason
    assert "its trend's best over the second half 0.3556" in diagnosis.reason
    assert "loss/eval never came back from its blow-up: final level 303.9" in diagnosis.reason


def test_a_training_loss_near_ln_c_beside_an_eval_loss_near_it_too_is_judged_by_the_eval() -> None:
    """An eval loss well short of a blow-up (about 1.3, not hundreds) is the level judged: the
    training loss happening to sit near ln C says nothing then."""
    eval_loss = [1.3 + 0.1 * np.sin(i) for i in range(len(BLOWN_TRAIN))]
    diagnosis = diagnose_curves(_blown_up(eval_loss))
    assert "once the loss had blown up" not in diagnosis.reason
    assert "never came back from its blow-up" not in diagnosis.reason
