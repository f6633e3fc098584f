"""The table of checks, the one place that lists them: every rule of the diagnosis, the
finding codes it writes, and what it needs to run (:mod:`curvelint.diagnosis.check_needs`), so
a report can say which checks ran and why the others did not. A test fails when a rule
registered in ``VERDICT_RULES`` or ``SECONDARY_RULES`` has no entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from curvelint.diagnosis import check_needs as needs
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding
from curvelint.diagnosis.rules.broken_at_chance import check_broken_at_chance
from curvelint.diagnosis.rules.diverged import check_diverged
from curvelint.diagnosis.rules.early_stopping import check_early_stopping
from curvelint.diagnosis.rules.eval_gap import (
    check_eval_better_than_train,
    check_train_eval_gap,
)
from curvelint.diagnosis.rules.frozen import check_constant_loss, check_frozen_accuracy
from curvelint.diagnosis.rules.grad_norm import check_exploding_grad_norm, check_nan_grad_norm
from curvelint.diagnosis.rules.healthy import check_healthy
from curvelint.diagnosis.rules.initial_loss import check_initial_loss
from curvelint.diagnosis.rules.insufficient_data import check_insufficient_data
from curvelint.diagnosis.rules.loss_spikes import check_loss_spikes
from curvelint.diagnosis.rules.never_fell import check_never_fell
from curvelint.diagnosis.rules.not_converged import check_not_converged
from curvelint.diagnosis.rules.overfitting import check_overfitting
from curvelint.diagnosis.rules.schedule import (
    check_never_decayed,
    check_no_warmup,
    check_plateau_after_drop,
)
from curvelint.diagnosis.rules.sparse_eval import check_sparse_eval
from curvelint.diagnosis.rules.stuck import check_stuck
from curvelint.diagnosis.rules.trainer_plan import (
    check_best_checkpoint,
    check_cut_short,
    check_selection_metric,
)
from curvelint.diagnosis.rules.underfitting import check_underfitting
from curvelint.diagnosis.rules.unstable import check_unstable
from curvelint.verdicts import Verdict

Needs = Callable[[RunContext, Verdict], str | None]


@dataclass(frozen=True)
class CheckSpec:
    """One check: its stable id, a short name, the rule that runs it, the finding codes it
    writes (``causes`` narrows a code several checks share by the evidence's ``cause``), the
    verdict it decides (None for a secondary rule) and what it needs."""

    id: str
    name: str
    rule: Callable[..., Any]
    needs: Needs
    codes: frozenset[str]
    causes: frozenset[str] = frozenset()
    verdict: Verdict | None = None


def _codes(*codes: str) -> frozenset[str]:
    return frozenset(codes)


D, S = Verdict.DIVERGED, Verdict.STUCK
# In the order the diagnosis runs them: the verdict checks by precedence (a cause-narrowed
# check sits where its cause is tried inside its rule), then the secondary rules.
CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "diverged",
        "Diverged: NaN/inf or blown-up loss",
        check_diverged,
        needs.any_loss,
        _codes("diverged"),
        verdict=D,
    ),
    CheckSpec(
        "far_above_chance",
        "Diverged: loss far above a random guess's ln C",
        check_diverged,
        needs.far_above_chance,
        _codes("diverged"),
        _codes("far_above_chance"),
        D,
    ),
    CheckSpec(
        "broken_at_chance",
        "Diverged: accuracy at chance, loss above ln C",
        check_broken_at_chance,
        needs.broken_at_chance,
        _codes("diverged"),
        _codes("broken_at_chance"),
        D,
    ),
    CheckSpec(
        "insufficient_data",
        "Too few points to judge",
        check_insufficient_data,
        needs.nothing,
        _codes("insufficient_data"),
        verdict=Verdict.INSUFFICIENT_DATA,
    ),
    CheckSpec(
        "stuck",
        "Stuck at its initial level (a reward: never rose)",
        check_stuck,
        needs.train_needed,
        _codes("stuck"),
        _codes("never_left_start", "reward_never_rose"),
        S,
    ),
    CheckSpec(
        "stuck_at_chance",
        "Stuck at a random guess (ln C, 1/C)",
        check_stuck,
        needs.at_chance,
        _codes("stuck"),
        _codes("at_chance", "accuracy_at_chance"),
        S,
    ),
    CheckSpec(
        "unstable",
        "Unstable: swings, spikes, a rebound, learning undone",
        check_unstable,
        needs.unstable,
        _codes("unstable"),
        verdict=Verdict.UNSTABLE,
    ),
    CheckSpec(
        "overfitting",
        "Overfitting: eval turned worse, train fell",
        check_overfitting,
        needs.overfitting,
        _codes("overfitting"),
        verdict=Verdict.OVERFITTING,
    ),
    CheckSpec(
        "underfitting",
        "Underfitting: flat at a high level",
        check_underfitting,
        needs.underfitting,
        _codes("underfitting"),
        verdict=Verdict.UNDERFITTING,
    ),
    CheckSpec(
        "not_converged",
        "Not converged: still improving at the end",
        check_not_converged,
        needs.not_converged,
        _codes("not_converged"),
        verdict=Verdict.NOT_CONVERGED,
    ),
    CheckSpec(
        "never_fell",
        "Loss ended above its start or never fell beyond its noise",
        check_never_fell,
        needs.never_fell,
        _codes("stuck"),
        _codes("never_fell", "no_gain_beyond_noise"),
        S,
    ),
    CheckSpec(
        "healthy",
        "Healthy: no problem verdict held",
        check_healthy,
        needs.train_needed,
        _codes("healthy"),
        verdict=Verdict.HEALTHY,
    ),
    CheckSpec("loss_spike", "Loss spikes", check_loss_spikes, needs.spikes, _codes("loss_spike")),
    CheckSpec(
        "nan_grad_norm",
        "NaN/inf grad norm",
        check_nan_grad_norm,
        needs.nan_grad_norm,
        _codes("nan_grad_norm"),
    ),
    CheckSpec(
        "exploding_grad_norm",
        "Growing grad norm",
        check_exploding_grad_norm,
        needs.growing_grad_norm,
        _codes("exploding_grad_norm"),
    ),
    CheckSpec(
        "eval_better_than_train",
        "Eval loss below the training loss",
        check_eval_better_than_train,
        needs.gap,
        _codes("eval_better_than_train"),
    ),
    CheckSpec(
        "train_eval_gap",
        "Eval loss stalled above a falling training loss",
        check_train_eval_gap,
        needs.gap,
        _codes("train_eval_gap"),
    ),
    CheckSpec(
        "early_stopping",
        "Early stopping replayed",
        check_early_stopping,
        needs.early_stopping,
        _codes("early_stopping"),
    ),
    CheckSpec(
        "initial_loss",
        "First loss against ln C",
        check_initial_loss,
        needs.initial_loss,
        _codes("initial_loss"),
    ),
    CheckSpec(
        "no_warmup",
        "Early spike without warm-up",
        check_no_warmup,
        needs.no_warmup,
        _codes("no_warmup"),
    ),
    CheckSpec(
        "learning_rate_never_decayed",
        "Learning rate never decayed",
        check_never_decayed,
        needs.never_decayed,
        _codes("learning_rate_never_decayed"),
    ),
    CheckSpec(
        "plateau_after_lr_drop",
        "Plateau after a learning-rate drop",
        check_plateau_after_drop,
        needs.plateau_after_drop,
        _codes("plateau_after_lr_drop"),
    ),
    CheckSpec(
        "frozen_accuracy",
        "Accuracy frozen at one value",
        check_frozen_accuracy,
        needs.frozen_accuracy,
        _codes("frozen_accuracy", "accuracy_at_ceiling"),
    ),
    CheckSpec(
        "constant_loss",
        "Loss exactly 0 or repeating one value",
        check_constant_loss,
        needs.constant_loss,
        _codes("zero_loss", "constant_loss"),
    ),
    CheckSpec(
        "eval_too_sparse",
        "Too few evaluations to judge overfitting",
        check_sparse_eval,
        needs.sparse_eval,
        _codes("eval_too_sparse"),
    ),
    CheckSpec(
        "cut_short", "Cut short of max_steps", check_cut_short, needs.cut_short, _codes("cut_short")
    ),
    CheckSpec(
        "best_checkpoint",
        "The checkpoint the Trainer kept",
        check_best_checkpoint,
        needs.best_checkpoint,
        _codes("best_checkpoint"),
    ),
    CheckSpec(
        "selection_metric_improving",
        "Task metric improving as the eval loss turned",
        check_selection_metric,
        needs.selection_metric,
        _codes("selection_metric_improving"),
    ),
)


def check_of(finding: Finding) -> CheckSpec | None:
    """The check a finding belongs to: the one narrowed to its cause, else the one of its
    code that is not narrowed (None for a code no check lists)."""
    cause = finding.evidence.get("cause")
    candidates = [spec for spec in CHECKS if finding.code in spec.codes]
    narrowed = [spec for spec in candidates if spec.causes and cause in spec.causes]
    broad = [spec for spec in candidates if not spec.causes]
    matching = narrowed or broad or candidates  # a cause no check narrows to: its rule's first
    return matching[0] if matching else None
