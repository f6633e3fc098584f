"""insufficient_data: too few points to see a shape, and the finding says which curve lacks them.

Three points cannot tell a plateau from noise or a fall from a fluke, so any verdict but
diverged (a NaN is a NaN however short the log) would be a guess — except the one shape a
three-epoch fine-tune shows plainly: the training loss falling at every log while the eval
loss rose at every evaluation after its best (overfitting judges it).
"""

from __future__ import annotations

import numpy as np

from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.overfitting import eval_turned_up
from curvelint.diagnosis.wording import format_step

CODE = Verdict.INSUFFICIENT_DATA.value


def _points(count: int, what: str) -> str:
    return f"{count} {what} point" + ("" if count == 1 else "s")


def _short_turn(context: RunContext) -> bool:
    """A fine-tune of a few epochs that shows the one shape few points can: the training loss
    fell at every log while the eval loss rose at every evaluation after its best (the classic
    three-epoch run that overfit after the first; how far it rose, the overfitting rule judges)."""
    train, evals = context.train, context.eval
    if train is None or evals is None or train.count < 2:
        return False
    if evals.count < context.settings.min_eval_points:
        return False
    best = int(np.argmin(evals.values))
    after = evals.values[best:]
    return (
        bool(np.all(np.diff(train.values) < 0))
        and len(after) >= 1 + context.settings.overfit_min_points_after
        and bool(np.all(np.diff(after) > 0))
    )


def check_insufficient_data(context: RunContext) -> Finding | None:
    """Too few finite points on the training objective (or none at all)."""
    minimum = context.settings.min_loss_points
    train = context.train
    train_count = train.count if train is not None else 0
    if train_count >= minimum or (_short_turn(context) and eval_turned_up(context)):
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
