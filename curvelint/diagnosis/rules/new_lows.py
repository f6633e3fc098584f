"""Not converged: a short eval curve that reached a new low at each of its last evaluations.

A few evaluations (a five-epoch run) can pass neither the late line's significance test nor
the thirds', yet an eval loss that improved at every one of its last three evaluations, by a
visible share of its level and of its whole fall (a curve levelling into its floor makes new
lows too, by a sliver of what it fell), was still paying when the run stopped — with the
training loss not rising beside it, and the learning rate not decayed to ~0 (checked before
this).
"""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import Curve, late_trend
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, percent

CODE = Verdict.NOT_CONVERGED.value


def _each_a_new_low(values: np.ndarray, last: int) -> bool:
    """Each of the ``last`` points lies below every point before it."""
    first = max(1, len(values) - last)
    lowest_before = np.minimum.accumulate(values)[first - 1 : -1]
    return bool(np.all(values[first:] < lowest_before))


def new_lows_to_the_end(context: RunContext, train: Curve, evals: Curve) -> Finding | None:
    """The short eval curve's last evaluations were each a new low, together a visible share
    of its level and of its whole fall, the training loss not rising (None otherwise)."""
    settings = context.settings
    needed = settings.not_converged_new_lows
    if not needed or not needed <= evals.count <= settings.not_converged_new_lows_max_points:
        return None
    values = evals.values
    if not _each_a_new_low(values, needed):
        return None
    first, last = float(values[-needed]), float(values[-1])
    drop = (first - last) / abs(last) if last else 0.0
    whole_fall = evals.start() - last
    train_late = late_trend(train, settings.late_share)
    if (
        drop < settings.not_converged_min_late_gain
        or first - last < settings.not_converged_min_late_share_of_fall * whole_fall
        or train_late.gain < -settings.not_converged_noise_units * train_late.error
    ):
        return None
    points = ", ".join(number(evals.logged(float(v))) for v in values[-needed:])
    message = (
        f"{evals.name} reached a new low at each of its last {needed} evaluations ({points} at "
        f"{context.where(int(evals.steps[-1]))}): {percent(drop)} of its final level over the "
        f"last {needed - 1}, still improving when the run stopped."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        round(min(0.9, max(0.5, 1.0 - 1.0 / evals.count)), 2),
        message,
        advice.NOT_CONVERGED,
        {
            "eval_points": evals.count,
            "new_lows": needed,
            "eval_last": evals.logged(last),
            "late_gain_of_final": drop,
        },
        series=evals.name,
    )
