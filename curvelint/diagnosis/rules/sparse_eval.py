"""eval_too_sparse: too few evaluations (or none) to tell whether the model overfit."""

from __future__ import annotations

from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict

CODE = "eval_too_sparse"


def check_sparse_eval(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """Fewer eval-loss points than an overfitting judgement needs, in a run long enough."""
    if verdict in (Verdict.INSUFFICIENT_DATA, Verdict.DIVERGED) or context.train is None:
        return ()
    minimum = context.settings.min_eval_points
    count = context.eval.count if context.eval is not None else 0
    if count >= minimum:
        return ()
    if count == 0:
        message = (
            f"no eval loss was logged beside {context.train.count} training points, so "
            "overfitting cannot be judged."
        )
    else:
        message = (
            f"only {count} eval point{'s' if count > 1 else ''} against "
            f"{context.train.count} training points: overfitting needs at least {minimum}."
        )
    return (
        Finding(
            CODE,
            Severity.INFO,
            1.0,
            message,
            advice.SPARSE_EVAL,
            {"eval_points": count, "needed": minimum},
            series=context.eval.name if context.eval is not None else "",
        ),
    )
