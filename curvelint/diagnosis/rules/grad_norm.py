"""The gradient norm: a lone NaN (a skipped mixed-precision step) and sustained growth.

Gradient norms have no natural scale — fp16 loss scaling makes them 1e5 on a healthy run — so
growth is measured against the run's own early norm, on the running median so that single
spikes do not count.
"""

from __future__ import annotations

import math

import numpy as np

from curvelint.analysis.levels import margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, times

GRAD_NORM = "grad_norm"
EARLY_SHARE = 0.2  # the early level: median of the first fifth of the points


def check_nan_grad_norm(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """Non-finite grad norms in a run that did not diverge (the verdict explains them if so)."""
    series = context.series(GRAD_NORM)
    if series is None or series.nonfinite is None or verdict is Verdict.DIVERGED:
        return ()
    event = series.nonfinite
    train = context.train
    loss_note = ""
    if train is not None:
        loss_note = (
            f" while {train.name} stayed finite ({number(train.logged(train.at_step(event.step)))})"
        )
    message = (
        f"grad_norm was {event.kind} at {context.where(event.step)} ({event.count} of "
        f"{series.n_points} points){loss_note}: an overflowed step the loss scaler skipped, not "
        "a divergence."
    )
    return (
        Finding(
            "nan_grad_norm",
            Severity.WARNING if event.count > 1 else Severity.INFO,
            0.8,
            message,
            advice.NAN_GRAD_NORM,
            {"step": event.step, "kind": event.kind, "non_finite_points": event.count},
            series=GRAD_NORM,
        ),
    )


def check_exploding_grad_norm(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The grad norm's running median ended many times above its early level (a norm that
    spiked and came back down is a spike; the loss spike finding reports those)."""
    series = context.series(GRAD_NORM)
    curve = series.curve if series is not None else None
    if curve is None or curve.count < context.settings.min_loss_points:
        return ()
    early = float(np.median(curve.values[: max(1, math.ceil(EARLY_SHARE * curve.count))]))
    trend = curve.trend()
    peak_index = int(np.argmax(trend))
    peak = float(trend[peak_index])
    factor = context.settings.grad_norm_growth_factor
    final = curve.final()
    if early <= 0 or final < factor * early:
        return ()
    message = (
        f"grad_norm grew from {number(early)} early on to {number(peak)} around "
        f"{context.where(int(curve.steps[peak_index]))} ({times(peak / early)}), ending at "
        f"{number(final)}."
    )
    return (
        Finding(
            "exploding_grad_norm",
            Severity.WARNING,
            margin_confidence(final / early, factor),
            message,
            advice.EXPLODING_GRAD_NORM,
            {
                "early": early,
                "peak": peak,
                "peak_step": int(curve.steps[peak_index]),
                "final": final,
            },
            series=GRAD_NORM,
        ),
    )
