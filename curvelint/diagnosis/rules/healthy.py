"""healthy: the loss fell, flattened, and train and eval ended close — what is left when no
problem holds. Its confidence says how far the run stayed from the problem thresholds."""

from __future__ import annotations

from curvelint.analysis.levels import margin_confidence, scale_of
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.not_converged import late_gain_share
from curvelint.diagnosis.wording import number, percent, signed_percent

CODE = Verdict.HEALTHY.value


def check_healthy(context: RunContext) -> Finding | None:
    """Always a finding when the run has a training curve: the fallback verdict."""
    curve = context.train
    if curve is None:
        return None
    settings = context.settings
    start, final = curve.start(), curve.final()
    fall = (start - final) / scale_of(curve)
    late = late_gain_share(context, curve)
    message = (
        f"{curve.name} fell {percent(fall)} ({number(curve.logged(start))} → "
        f"{number(curve.logged(final))}), moving {signed_percent(-late)} of its final level "
        f"over the last {percent(settings.late_share)} of the steps{_eval_note(context, final)}."
    )
    confidence = min(
        margin_confidence(1.0 - fall, settings.underfit_min_level_of_reference),
        margin_confidence(max(late, 0.0), settings.not_converged_min_late_gain),
    )
    return Finding(
        CODE,
        Severity.INFO,
        confidence,
        message,
        advice.HEALTHY,
        {"start": curve.logged(start), "final": curve.logged(final), "fall_of_start": fall},
        series=curve.name,
    )


def _eval_note(context: RunContext, train_final: float) -> str:
    evals = context.eval
    if evals is None:
        return ""
    eval_final = evals.final()
    if train_final == 0:
        return f"; {evals.name} ends at {number(evals.logged(eval_final))}"
    gap = (eval_final - train_final) / abs(train_final)
    side = "above" if gap >= 0 else "below"
    return (
        f"; {evals.name} ends at {number(evals.logged(eval_final))}, {percent(abs(gap))} {side} "
        "the training loss"
    )
