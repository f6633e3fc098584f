"""What each check needs to run, as the rules themselves check it: each function returns a
one-line reason naming the missing input, or None when the rule had what it needs. A rule
that returns early without its input is *skipped*; one that looked and found nothing
*passed*. The table that pairs them with the rules is :mod:`curvelint.diagnosis.check_table`.
"""

from __future__ import annotations

from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.plan import metadata_int
from curvelint.diagnosis.rules.eval_gap import GAP_VERDICTS
from curvelint.diagnosis.rules.overfitting import eval_alone, judged_eval
from curvelint.diagnosis.rules.schedule import DECAY_VERDICTS, same_step_unit
from curvelint.diagnosis.selection_metric import kept_checkpoint_step
from curvelint.names import is_loss
from curvelint.verdicts import FACTS, Verdict

GRAD_NORM = "grad_norm"


def nothing(context: RunContext, verdict: Verdict) -> str | None:
    return None


def _train(context: RunContext) -> str | None:
    return "no training loss logged" if context.train is None else None


def _train_loss(context: RunContext) -> str | None:
    if context.train is None:
        return "no training loss logged"
    if not is_loss(context.train_series_metric):
        return f"the training objective ({context.train_series_metric}) is not a loss"
    return None


def _no_eval(context: RunContext) -> str:
    """Why there is no eval curve to compare with: none logged, or it stands in for the
    training loss the run did not log."""
    if context.judged_by_eval_alone:
        return "no training loss logged: the eval loss stands in for it"
    return "no eval loss logged"


def _eval_loss(context: RunContext) -> str | None:
    """The eval loss with enough points (the gap rules, underfitting's second curve)."""
    minimum = context.settings.min_eval_points
    if context.eval_series is None:
        return _no_eval(context)
    count = context.eval.count if context.eval is not None else 0
    return f"fewer than {minimum} eval points ({count} finite)" if count < minimum else None


def _judged_eval(context: RunContext) -> str | None:
    """The eval loss, else the main eval metric, with enough points (overfitting's curve)."""
    if judged_eval(context) is not None:
        return None
    if context.judged_by_eval_alone or (
        context.eval_series is None and context.eval_metric_series is None
    ):
        return _no_eval(context)
    minimum = context.settings.min_eval_points
    counts = [c.count for c in (context.eval, context.eval_metric) if c is not None]
    return f"fewer than {minimum} eval points ({max(counts, default=0)} finite)"


def _classes_known(context: RunContext) -> str | None:
    """A class count the chance checks can read: given, or an accuracy that points to one."""
    if context.num_classes is None and not context.accuracy_series:
        return "no accuracy logged and the number of classes not given"
    return None


def far_above_chance(context: RunContext, verdict: Verdict) -> str | None:
    return _train_loss(context) or _classes_known(context)


def broken_at_chance(context: RunContext, verdict: Verdict) -> str | None:
    if context.chance_accuracy is None:
        return "no accuracy logged"
    if context.chance is None:
        return "the number of classes is not known and the first loss is not on ln C"
    return _train_loss(context)


def any_loss(context: RunContext, verdict: Verdict) -> str | None:
    return None if context.loss_series else "no loss logged"


def train_needed(context: RunContext, verdict: Verdict) -> str | None:
    return _train(context)


def at_chance(context: RunContext, verdict: Verdict) -> str | None:
    return _train_loss(context) or _classes_known(context)


REWARD_REASON = "a policy-gradient run is judged by its reward"


def unstable(context: RunContext, verdict: Verdict) -> str | None:
    minimum = context.settings.unstable_min_points
    evals, train = context.eval, context.train
    eval_enough = evals is not None and evals.count >= minimum
    train_enough = train is not None and train.count >= minimum and not context.judged_by_reward
    if eval_enough or train_enough or judged_eval(context) is not None:
        return None
    if context.judged_by_reward:
        return REWARD_REASON + "'s lasting fall, not its swings"
    return f"fewer than {minimum} points on the training and eval losses"


def overfitting(context: RunContext, verdict: Verdict) -> str | None:
    if context.judged_by_eval_alone:  # its own turn is judged (with less confidence)
        minimum = context.settings.min_eval_points
        return None if eval_alone(context) is not None else f"fewer than {minimum} eval points"
    return _train(context) or _judged_eval(context)


def underfitting(context: RunContext, verdict: Verdict) -> str | None:
    if context.train is None:
        return "no training loss logged"
    if not context.accuracy_series and context.schedule_over:
        return (
            "not a classifier, and its learning rate decayed to ~0 (the plateau is where it ended)"
        )
    return None


def not_converged(context: RunContext, verdict: Verdict) -> str | None:
    if context.train is None:
        return "no training loss logged"
    if context.schedule_over:
        return "the learning rate decayed to ~0: more steps would gain nothing"
    return None


def never_fell(context: RunContext, verdict: Verdict) -> str | None:
    return _train(context) or (REWARD_REASON if context.judged_by_reward else None)


def spikes(context: RunContext, verdict: Verdict) -> str | None:
    return None if context.train is not None or context.eval is not None else "no loss logged"


def nan_grad_norm(context: RunContext, verdict: Verdict) -> str | None:
    if context.series(GRAD_NORM) is None:
        return "no grad_norm logged"
    if verdict is Verdict.DIVERGED:
        return "the run diverged: the verdict explains a non-finite grad norm"
    return None


def growing_grad_norm(context: RunContext, verdict: Verdict) -> str | None:
    series = context.series(GRAD_NORM)
    if series is None:
        return "no grad_norm logged"
    minimum = context.settings.min_loss_points
    count = series.curve.count if series.curve is not None else 0
    return f"fewer than {minimum} finite grad_norm points" if count < minimum else None


def gap(context: RunContext, verdict: Verdict) -> str | None:
    reason = _eval_loss(context) or _train_loss(context)
    if reason is None and verdict not in GAP_VERDICTS:
        return f"the verdict ({FACTS[verdict.value].words}) already says what a gap would"
    return reason


def early_stopping(context: RunContext, verdict: Verdict) -> str | None:
    reason = _train(context) or _judged_eval(context)
    if reason is None and verdict in (Verdict.DIVERGED, Verdict.STUCK):
        return f"a {FACTS[verdict.value].words} run has no checkpoint worth keeping"
    return reason


def initial_loss(context: RunContext, verdict: Verdict) -> str | None:
    reason = _train_loss(context)
    if reason is not None:
        return reason
    chance = context.chance
    if chance is None:
        return "the number of classes is not known (no --num-classes)"
    if chance.inferred:
        return "the number of classes was inferred from the first loss itself (no --num-classes)"
    return None


def _schedule(context: RunContext) -> str | None:
    return "no learning rate logged" if context.analysis.schedule is None else None


def no_warmup(context: RunContext, verdict: Verdict) -> str | None:
    return _schedule(context) or _train(context)


def never_decayed(context: RunContext, verdict: Verdict) -> str | None:
    reason = _schedule(context)
    if reason is None and verdict not in DECAY_VERDICTS:
        return "judged only on a diverged, stuck, unstable or underfitting run"
    return reason


def plateau_after_drop(context: RunContext, verdict: Verdict) -> str | None:
    reason = _schedule(context) or _train(context)
    if reason is None and not same_step_unit(context):
        return "the learning rate counts other steps than the training loss (epochs vs batches)"
    return reason


def frozen_accuracy(context: RunContext, verdict: Verdict) -> str | None:
    if not context.accuracy_series:
        return "no accuracy logged"
    minimum = context.settings.constant_min_points
    counts = [s.curve.count for s in context.accuracy_series if s.curve is not None]
    enough = max(counts, default=0) >= minimum
    return None if enough else f"fewer than {minimum} points on any accuracy"


def constant_loss(context: RunContext, verdict: Verdict) -> str | None:
    minimum = context.settings.constant_min_points
    counts = [s.curve.count for s in context.loss_series if s.curve is not None]
    return None if max(counts, default=0) >= minimum else f"fewer than {minimum} points on any loss"


def sparse_eval(context: RunContext, verdict: Verdict) -> str | None:
    if verdict is Verdict.DIVERGED:
        return "the run diverged: whether it overfit does not matter"
    return _train(context)


def cut_short(context: RunContext, verdict: Verdict) -> str | None:
    if metadata_int(context.metadata, "max_steps") is None:
        return "not a Trainer run (no max_steps)"
    if metadata_int(context.metadata, "global_step") is None:
        return "no global_step logged"
    return None


def best_checkpoint(context: RunContext, verdict: Verdict) -> str | None:
    if kept_checkpoint_step(context.metadata) is None:
        return "no best_model_checkpoint logged (a Trainer state names it)"
    return _no_eval(context) if context.eval is None else None


def selection_metric(context: RunContext, verdict: Verdict) -> str | None:
    if context.eval_metric is None:
        return "no eval task metric logged (accuracy, F1, WER…)"
    judged = judged_eval(context)
    if judged is None:
        return _judged_eval(context)
    if judged is context.eval_metric:
        return _eval_loss(context) or "no eval loss to set the metric against"
    return None
