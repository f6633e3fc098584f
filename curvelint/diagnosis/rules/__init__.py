"""The rules, one small function per diagnosis: verdict rules in precedence order, then the
secondary rules that add findings beside whatever verdict won."""

from __future__ import annotations

from collections.abc import Callable

from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Verdict
from curvelint.diagnosis.rules.diverged import check_diverged
from curvelint.diagnosis.rules.early_stopping import check_early_stopping
from curvelint.diagnosis.rules.eval_gap import check_eval_better_than_train, check_train_eval_gap
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

VerdictRule = Callable[[RunContext], Finding | None]
SecondaryRule = Callable[[RunContext, Verdict], tuple[Finding, ...]]

# The first rule that holds decides the verdict. A NaN is judged however short the log;
# every other verdict needs enough points, so insufficient_data comes second.
VERDICT_RULES: tuple[tuple[Verdict, VerdictRule], ...] = (
    (Verdict.DIVERGED, check_diverged),
    (Verdict.INSUFFICIENT_DATA, check_insufficient_data),
    (Verdict.STUCK, check_stuck),
    (Verdict.UNSTABLE, check_unstable),
    (Verdict.OVERFITTING, check_overfitting),
    (Verdict.UNDERFITTING, check_underfitting),
    (Verdict.NOT_CONVERGED, check_not_converged),
    (Verdict.STUCK, check_never_fell),  # the last resort before healthy: a loss that rose
    (Verdict.HEALTHY, check_healthy),
)

# Each sees the verdict, so it can stay silent where the verdict already says it.
SECONDARY_RULES: tuple[SecondaryRule, ...] = (
    check_loss_spikes,
    check_nan_grad_norm,
    check_exploding_grad_norm,
    check_eval_better_than_train,
    check_train_eval_gap,
    check_early_stopping,
    check_initial_loss,
    check_no_warmup,
    check_never_decayed,
    check_plateau_after_drop,
    check_frozen_accuracy,
    check_constant_loss,
    check_sparse_eval,
    check_cut_short,
    check_best_checkpoint,
    check_selection_metric,
)
