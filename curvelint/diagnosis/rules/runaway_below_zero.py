"""A loss that ran away below zero: diverged, not still improving.

Some losses are negative by design (a Gaussian likelihood with a learned variance, an SI-SNR),
but they settle at a few times their start at most. A loss whose size grew a hundredfold or
more into the negatives, still falling at the end, has no floor: a sign error (gradient ascent
on the error), a likelihood whose variance collapses to zero, a term that pays without bound.
It never reaches NaN while the weights stay finite, so the NaN rule does not see it, and
"still falling" would read as not converged (a real Keras ECG run: -3.4e4 to -6.5e7).
"""

from __future__ import annotations

from curvelint.analysis.levels import Curve, late_trend, margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, times
from curvelint.names import is_loss

# A start this close to zero is no yardstick: a hundredfold of nothing is nothing.
_LEAST_START = 1e-12


def check_runaway_below_zero(context: RunContext) -> Finding | None:
    """The training loss (else the eval loss) ran away below zero (see the module docstring)."""
    if context.judged_by_reward or not is_loss(context.train_series_metric):
        return None
    for curve in (context.train, context.eval):
        if curve is not None and (finding := _ran_away(context, curve)) is not None:
            return finding
    return None


def _ran_away(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    start, final = curve.logged(curve.start()), curve.logged(curve.final())
    if final >= 0 or curve.count < settings.min_loss_points:
        return None
    growth = abs(final) / max(abs(start), _LEAST_START)
    if growth < settings.runaway_below_zero_factor:
        return None
    if late_trend(curve, settings.late_share).gain <= 0:
        return None  # it stopped falling: a deep but settled level
    evidence: dict[str, EvidenceValue] = {
        "cause": "runaway_below_zero",
        "start_level": start,
        "final_level": final,
        "growth_of_start": growth,
    }
    message = (
        f"{curve.name} ran away below zero: from start level {number(start)} to final level "
        f"{number(final)}, {times(growth)} the start's size, and still falling at the end — "
        "a loss with no floor (a sign error, a variance collapsing to zero, a term that pays "
        "without bound) diverges; it does not converge."
    )
    return Finding(
        Verdict.DIVERGED.value,
        Severity.ERROR,
        margin_confidence(growth, settings.runaway_below_zero_factor),
        message,
        advice.RUNAWAY_BELOW_ZERO,
        evidence,
        series=curve.name,
    )
