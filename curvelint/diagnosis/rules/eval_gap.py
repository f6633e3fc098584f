"""The gap between the eval and the training loss over the second half of the run.

Eval below train is usually regularisation that is active only in training (dropout), or a
training loss averaged over an epoch that the end-of-epoch eval beats — and, when large,
possibly eval samples leaking from the training set. Eval far above a training loss that kept
falling is the course's other overfitting sign (validation flat while training falls).
"""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import Curve
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.selection import selected_at_the_end
from curvelint.diagnosis.wording import number, percent, signed_percent
from curvelint.names import is_loss

# The gap rules speak about a fitted model: a diverged, stuck or overfitting verdict already
# says what the gap would.
GAP_VERDICTS = frozenset(
    {Verdict.HEALTHY, Verdict.NOT_CONVERGED, Verdict.UNDERFITTING, Verdict.UNSTABLE}
)


def relative_gaps(context: RunContext) -> tuple[float, float, float] | None:
    """Median of (eval - train) / train over the eval points of the second half, and the final
    train and eval levels; None without two comparable positive losses."""
    train, evals = context.train, context.eval
    if train is None or evals is None or not is_loss(context.train_series_metric):
        return None
    if evals.count < context.settings.min_eval_points:
        return None
    half = evals.count // 2
    steps = evals.steps[half:]
    train_levels = np.interp(steps, train.steps, train.trend())
    if np.any(train_levels <= 0):
        return None
    gaps = (evals.values[half:] - train_levels) / train_levels
    return float(np.median(gaps)), train.final(), evals.final()


def check_eval_better_than_train(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The eval loss stayed clearly below the training loss over the second half."""
    gaps = relative_gaps(context)
    if gaps is None or verdict not in GAP_VERDICTS:
        return ()
    gap, train_final, eval_final = gaps
    if -gap < context.settings.eval_better_min_gap:
        return ()
    message = (
        f"the eval loss stayed {percent(-gap)} below the training loss over the second half "
        f"(end: eval {number(eval_final)}, train {number(train_final)})."
    )
    severity = Severity.WARNING if -gap >= 0.5 else Severity.INFO
    return (
        Finding(
            "eval_better_than_train",
            severity,
            0.7,
            message,
            advice.EVAL_BETTER,
            {"median_gap": gap, "train_final": train_final, "eval_final": eval_final},
            series=context.eval.name if context.eval else "",
        ),
    )


def _second_half_fall(curve: Curve, share: float) -> float:
    """How much the curve fell from its middle to its end, as a share of its middle level."""
    middle = curve.at_step(int(curve.steps[curve.count // 2]))
    return (middle - curve.final(share)) / abs(middle) if middle else 0.0


def check_train_eval_gap(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The eval loss stalled far above a training loss that kept falling — unless the task
    metric the Trainer selects by was still at its best at the last evaluation (then unseen
    data did get better, by the user's own criterion; the selection finding says so)."""
    gaps = relative_gaps(context)
    if gaps is None or verdict not in GAP_VERDICTS or context.train is None or context.eval is None:
        return ()
    if selected_at_the_end(context):
        return ()
    settings = context.settings
    gap, train_final, eval_final = gaps
    train_fall = _second_half_fall(context.train, context.train.final_share)
    eval_fall = _second_half_fall(context.eval, context.eval.final_share)
    if (
        gap < settings.train_eval_gap_min
        or train_fall < settings.train_eval_gap_train_fall
        or eval_fall > settings.train_eval_gap_eval_fall
    ):
        return ()
    message = (
        f"over the second half {context.train.name} fell {percent(train_fall)} while "
        f"{context.eval.name} moved {signed_percent(-eval_fall)}, sitting a median "
        f"{percent(gap)} above it over that half (end: eval {number(eval_final)}, train "
        f"{number(train_final)}): the model fits the training set ever better and unseen data "
        "no better."
    )
    return (
        Finding(
            "train_eval_gap",
            Severity.WARNING,
            0.7,
            message,
            advice.TRAIN_EVAL_GAP,
            {
                "median_gap": gap,
                "train_final": train_final,
                "eval_final": eval_final,
                "train_fall_second_half": train_fall,
                "eval_fall_second_half": eval_fall,
            },
            series=context.eval.name,
        ),
    )
