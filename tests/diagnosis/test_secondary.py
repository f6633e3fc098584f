"""Each secondary rule on synthetic curves: one run that shows the pattern, one that does not."""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import Curve
from curvelint.diagnosis import Severity, Verdict
from curvelint.diagnosis.rules.early_stopping import replay_early_stopping
from curvelint.diagnosis.wording import percent
from tests import synthetic
from tests.diagnosis.helpers import (
    codes,
    decay,
    diagnose_curves,
    finding,
    flat,
    straight,
    subsample,
)


def _clean_run() -> dict[str, synthetic.Curve]:
    return {
        "train/loss": decay(500, 2.3, 0.1, noise=0.01),
        "eval/loss": subsample(decay(500, 2.3, 0.12, noise=0.01, seed=1), 25),
    }


def test_a_clean_run_has_no_secondary_finding() -> None:
    diagnosis = diagnose_curves(_clean_run())
    assert codes(diagnosis) == {"healthy"}


def test_a_loss_spike_gives_its_step_size_and_recovery() -> None:
    diagnosis = diagnose_curves({"train/loss": synthetic.spike(2000, spike_index=1200, height=2.0)})
    spike = finding(diagnosis, "loss_spike")
    assert spike.evidence["largest_step"] == 1200
    assert spike.evidence["spikes"] == 1
    assert spike.evidence["unrecovered"] == 0
    assert "recovered by step 1,201" in spike.message
    assert spike.severity is Severity.INFO


def test_a_spike_small_against_the_level_is_not_reported() -> None:
    diagnosis = diagnose_curves({"train/loss": synthetic.spike(2000, spike_index=1200, height=0.1)})
    assert "loss_spike" not in codes(diagnosis)


def test_a_growing_gradient_norm_is_reported() -> None:
    steps, loss = decay(200, 2.3, 0.3)
    grad_norm = np.geomspace(1.0, 200.0, 200)
    diagnosis = diagnose_curves({"loss": (steps, loss), "grad_norm": (steps, grad_norm)})
    explode = finding(diagnosis, "exploding_grad_norm")
    final, early = explode.evidence["final"], explode.evidence["early"]
    assert isinstance(final, float) and isinstance(early, float)
    assert final >= 10 * early


def test_a_huge_but_steady_gradient_norm_is_not_exploding() -> None:
    steps, loss = decay(200, 2.3, 0.3)
    grad_norm = 1e5 * (1.0 + 0.3 * np.random.default_rng(0).random(200))  # fp16 loss scaling
    diagnosis = diagnose_curves({"loss": (steps, loss), "grad_norm": (steps, grad_norm)})
    assert "exploding_grad_norm" not in codes(diagnosis)


def test_eval_below_train_all_along_is_reported() -> None:
    curves = {
        "train/loss": decay(500, 2.3, 0.5, noise=0.01),
        "eval/loss": subsample(decay(500, 1.6, 0.3, noise=0.005, seed=1), 25),
    }
    better = finding(diagnose_curves(curves), "eval_better_than_train")
    assert better.evidence["median_gap"] < -0.3
    assert "leak" in better.recommendation


def test_eval_close_to_train_is_not_eval_better() -> None:
    assert "eval_better_than_train" not in codes(diagnose_curves(_clean_run()))


def _stalled_eval() -> dict[str, synthetic.Curve]:
    """A training loss falling to 0.01 beside an eval loss flat at 0.6 from early on."""
    return {
        "train/loss": decay(500, 2.3, 0.01, rate=4),
        "eval/loss": subsample(decay(500, 2.3, 0.6, rate=20, seed=1), 25),
    }


def test_eval_stalled_far_above_a_falling_training_loss_is_a_gap() -> None:
    diagnosis = diagnose_curves(_stalled_eval())
    assert diagnosis.verdict is not Verdict.OVERFITTING
    gap = finding(diagnosis, "train_eval_gap")
    assert gap.evidence["eval_fall_second_half"] < 0.05
    assert gap.severity is Severity.WARNING
    # The percent said is the second half's median gap, named so: the end values beside it
    # give another ratio.
    assert f"a median {percent(gap.evidence['median_gap'])} above it over that half" in gap.message


def test_replay_counts_patience_like_keras_and_the_trainer() -> None:
    values = np.array([1.0, 0.8, 0.7, 0.7, 0.75, 0.72, 0.69, 0.8])  # 0.7 again is no improvement
    curve = Curve.of("loss/eval", np.arange(8), values, direction=-1)
    assert curve is not None
    stop = replay_early_stopping(curve, patience=3)
    assert stop is not None
    assert (stop.best_index, stop.stop_index) == (2, 5)
    assert replay_early_stopping(curve, patience=4) is None  # 0.69 at index 6 resets the wait


def test_early_stopping_reports_where_it_would_have_stopped() -> None:
    curves = {
        "train/loss": decay(600, 2.0, 0.01, rate=6),
        "eval/loss": synthetic.u_shaped_eval_loss(30, every=20, minimum_step=120, minimum=0.5),
    }
    early = finding(diagnose_curves(curves, {"early_stopping_patience": 2}), "early_stopping")
    assert early.evidence == {
        "patience": 2,
        "stop_step": 160,
        "best_step": 120,
        "best_value": early.evidence["best_value"],
        "saving": early.evidence["saving"],
    }
    assert abs(float(early.evidence["saving"] or 0) - (1 - 160 / 599)) < 1e-9
    assert "EarlyStopping(patience=2)" in early.message


def test_early_stopping_is_silent_when_eval_improves_to_the_end() -> None:
    assert "early_stopping" not in codes(diagnose_curves(_clean_run()))


def test_a_first_loss_far_above_ln_c_points_at_num_labels() -> None:
    curves = {"train/loss": decay(200, 1.8, 0.1), "eval/loss": subsample(decay(200, 1.6, 0.12), 20)}
    initial = finding(diagnose_curves(curves, num_classes=2), "initial_loss")
    assert initial.severity is Severity.WARNING
    assert initial.evidence["ratio"] == 1.8 / np.log(2)
    assert "num_labels" in initial.recommendation


def test_a_first_loss_near_ln_c_is_fine() -> None:
    curves = {"train/loss": decay(200, 0.7, 0.1), "eval/loss": subsample(decay(200, 0.7, 0.12), 20)}
    assert "initial_loss" not in codes(diagnose_curves(curves, num_classes=2))


def test_an_early_spike_without_warmup_is_reported() -> None:
    steps, loss = synthetic.spike(1000, spike_index=50, height=2.0)
    curves = {"train/loss": (steps, loss), "lr": (steps, np.full(1000, 1e-3))}
    warmup = finding(diagnose_curves(curves), "no_warmup")
    assert warmup.evidence["spike_step"] == 50


def test_an_early_spike_after_a_warmup_is_not_blamed_on_it() -> None:
    steps, loss = synthetic.spike(1000, spike_index=150, height=2.0)
    rate = np.minimum(1e-3, 1e-3 * (steps + 1) / 100)
    diagnosis = diagnose_curves({"train/loss": (steps, loss), "lr": (steps, rate)})
    assert "no_warmup" not in codes(diagnosis)


def test_a_constant_learning_rate_on_an_unstable_run_is_reported() -> None:
    steps, loss = synthetic.oscillating(2000, amplitude=0.4, period=100)
    diagnosis = diagnose_curves({"train/loss": (steps, loss), "lr": (steps, np.full(2000, 0.1))})
    assert diagnosis.verdict is Verdict.UNSTABLE
    assert "learning_rate_never_decayed" in codes(diagnosis)


def test_a_decayed_learning_rate_is_not_reported() -> None:
    steps, loss = synthetic.oscillating(2000, amplitude=0.4, period=100)
    rate = np.linspace(0.1, 0.001, 2000)
    diagnosis = diagnose_curves({"train/loss": (steps, loss), "lr": (steps, rate)})
    assert "learning_rate_never_decayed" not in codes(diagnosis)


def test_a_plateau_right_after_a_learning_rate_drop_is_reported() -> None:
    steps, loss = decay(2000, 2.0, 0.5, rate=20)
    rate = synthetic.step_schedule_learning_rate(2000, every_steps=800)[1]
    plateau = finding(
        diagnose_curves({"train/loss": (steps, loss), "lr": (steps, rate)}),
        "plateau_after_lr_drop",
    )
    assert plateau.evidence["drop_step"] == 800


def test_a_loss_that_drops_with_the_learning_rate_is_no_plateau() -> None:
    steps, loss = synthetic.staircase_loss(2000, drop_every=800, drop=0.3)
    rate = synthetic.step_schedule_learning_rate(2000, every_steps=800)[1]
    diagnosis = diagnose_curves({"train/loss": (steps, loss), "lr": (steps, rate)})
    assert "plateau_after_lr_drop" not in codes(diagnosis)


def test_an_accuracy_frozen_at_one_value_is_reported() -> None:
    curves = {**_clean_run(), "eval/accuracy": flat(20, 0.643, every=25)}
    frozen = finding(diagnose_curves(curves), "frozen_accuracy")
    assert frozen.evidence["value"] == 0.643
    assert frozen.evidence["points"] == 20


def test_a_rising_accuracy_is_not_frozen() -> None:
    curves = {**_clean_run(), "eval/accuracy": subsample(synthetic.saturating_accuracy(500), 25)}
    assert "frozen_accuracy" not in codes(diagnose_curves(curves))


def test_a_loss_that_ends_at_exactly_zero_is_an_error_even_in_a_healthy_shape() -> None:
    values = np.r_[np.geomspace(1.0, 1e-4, 50), np.zeros(50)]
    diagnosis = diagnose_curves({"train/loss": (np.arange(100), values)})
    zero = finding(diagnosis, "zero_loss")
    assert zero.severity is Severity.ERROR
    assert zero.evidence["points"] == 50
    assert diagnosis.severity is Severity.ERROR
    assert diagnosis.findings[0] is zero  # most severe first


def test_a_loss_repeating_one_exact_value_is_reported() -> None:
    steps, values = decay(100, 2.0, 0.3)
    values[60:] = values[60]
    diagnosis = diagnose_curves({"train/loss": (steps, values)})
    constant = finding(diagnosis, "constant_loss")
    assert constant.evidence["points"] == 40


def test_a_noisy_plateau_is_not_constant() -> None:
    diagnosis = diagnose_curves({"train/loss": decay(100, 2.0, 0.3, noise=0.001)})
    assert not {"constant_loss", "zero_loss"} & codes(diagnosis)


def test_a_single_evaluation_is_too_sparse_to_judge_overfitting() -> None:
    curves = {"train/loss": decay(300, 2.3, 0.2), "eval/loss": (np.array([299]), np.array([0.3]))}
    sparse = finding(diagnose_curves(curves), "eval_too_sparse")
    assert sparse.evidence["eval_points"] == 1


def test_enough_evaluations_are_not_sparse() -> None:
    assert "eval_too_sparse" not in codes(diagnose_curves(_clean_run()))


def test_straight_lines_give_no_spurious_findings() -> None:
    curves = {
        "train/loss": straight(300, 2.3, 1.2, noise=0.01),
        "eval/loss": subsample(straight(300, 2.3, 1.25, noise=0.01, seed=1), 15),
    }
    assert codes(diagnose_curves(curves)) == {"not_converged"}


def test_a_loss_that_is_zero_at_most_steps_is_flagged_even_mid_run() -> None:
    values = np.where(np.arange(200) % 4 == 0, 0.01, 0.0)  # an RL loss that is ~always 0.0
    diagnosis = diagnose_curves({"train/loss": (np.arange(200), values)})
    zero = finding(diagnosis, "zero_loss")
    assert zero.evidence["points"] == 150
    assert diagnosis.severity is Severity.ERROR


def _with_a_data_term(total_zero: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A real prompt-injection fine-tune logs ``loss_data`` (its term on the batches' data
    examples) beside ``loss``: the term is exactly 0 on the batches that hold none (36 % of
    them); the loss it adds up to never is (unless ``total_zero``: then it is 0 there too,
    from mid-run)."""
    steps, total = decay(300, 1.7, 0.03)
    rng = np.random.default_rng(4)
    term = np.where(rng.uniform(size=300) < 0.36, 0.0, 0.1 * total)
    if total_zero:
        total = np.where((term == 0) & (np.arange(300) >= 150), 0.0, total)
    return {"train/loss": (steps, total), "train/loss_data": (steps, term)}


def test_a_loss_term_at_zero_on_batches_without_its_examples_is_no_zero_loss() -> None:
    diagnosis = diagnose_curves(_with_a_data_term(total_zero=False))
    assert "zero_loss" not in codes(diagnosis)
    assert diagnosis.verdict is Verdict.HEALTHY, diagnosis.reason


def test_the_same_term_beside_a_total_loss_at_zero_is_flagged() -> None:
    assert "zero_loss" in codes(diagnose_curves(_with_a_data_term(total_zero=True)))


def test_a_healthy_verdict_beside_a_warning_points_to_it_instead_of_nothing_to_fix() -> None:
    diagnosis = diagnose_curves(_stalled_eval())
    assert diagnosis.verdict is Verdict.HEALTHY
    assert "train_eval_gap" in codes(diagnosis)
    advice_given = diagnosis.findings[0].recommendation
    assert "Nothing to fix" not in advice_given
    assert "Eval loss stalled above a falling training loss" in advice_given
    clean = diagnose_curves(_clean_run())
    assert clean.verdict is Verdict.HEALTHY
    assert clean.findings[0].recommendation.startswith("Nothing to fix")
