"""insufficient_data: too few points to see a shape, and the finding says which curve lacks them.

Three points cannot tell a plateau from noise or a fall from a fluke, so any verdict but
diverged (a NaN is a NaN however short the log) would be a guess.
"""

from __future__ import annotations

from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import format_step

CODE = Verdict.INSUFFICIENT_DATA.value


def _points(count: int, what: str) -> str:
    return f"{count} {what} point" + ("" if count == 1 else "s")


def check_insufficient_data(context: RunContext) -> Finding | None:
    """Too few finite points on the training objective (or none at all)."""
    minimum = context.settings.min_loss_points
    train = context.train
    train_count = train.count if train is not None else 0
    if train_count >= minimum:
        return None
    eval_count = context.eval.count if context.eval is not None else 0
    if context.train_series is None:
        logged = ", ".join(sorted({s.metric for s in context.analysis.series_analyses}))
        reason = f"no training loss was logged (only {logged})"
    else:
        span = (
            f" (steps {format_step(int(train.steps[0]))}–{format_step(int(train.steps[-1]))})"
            if train is not None and train.count > 1
            else ""
        )
        reason = f"only {_points(train_count, 'finite train ' + context.train_series.metric)}{span}"
    evals = f" and {_points(eval_count, 'eval')}" if context.eval_series is not None else ""
    message = f"{reason}{evals}: a shape needs at least {minimum} points."
    return Finding(
        CODE,
        Severity.INFO,
        1.0,
        message,
        advice.INSUFFICIENT_DATA,
        {"train_points": train_count, "eval_points": eval_count, "needed": minimum},
        series=train.name if train is not None else "",
    )
