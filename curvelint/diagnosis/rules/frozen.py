"""Curves that stopped moving exactly: a frozen accuracy, a loss of exactly 0.0, a loss that
repeats one value. Real training never repeats a float exactly for long, so an exact repeat
is a bug, leakage or a collapsed model — not convergence."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.curves import Curve, exact_tail
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, percent

FROZEN_SHARE = 0.2  # an exact repeat must also cover this share of the curve's points


def _frozen_tail(context: RunContext, series: SeriesAnalysis) -> tuple[Curve, float, int] | None:
    """The curve, repeated value and run length when the curve ends in a long exact repeat."""
    if series.n_finite < context.settings.constant_min_points:
        return None
    curve = Curve.of(series)
    tail = exact_tail(curve)
    if tail is None:
        return None
    value, length = tail
    if length < max(context.settings.constant_min_points, FROZEN_SHARE * curve.count):
        return None
    return curve, value, length


def _since(context: RunContext, curve: Curve, length: int) -> str:
    return context.where(int(curve.steps[curve.count - length]))


def check_frozen_accuracy(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """An accuracy that ends repeating one exact value."""
    findings = []
    for series in context.accuracy_series:
        frozen = _frozen_tail(context, series)
        if frozen is None:
            continue
        curve, value, length = frozen
        message = (
            f"{curve.name} is frozen at exactly {number(value)} for the last {length} points "
            f"(from {_since(context, curve, length)}, {percent(length / curve.count)} of the "
            "run): the model predicts the same classes whatever the input."
        )
        findings.append(
            Finding(
                "frozen_accuracy",
                Severity.WARNING,
                0.9,
                message,
                advice.FROZEN_ACCURACY,
                {
                    "value": value,
                    "points": length,
                    "since_step": int(curve.steps[curve.count - length]),
                },
                series=curve.name,
            )
        )
    return tuple(findings)


def check_constant_loss(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """A loss that is exactly 0.0 at many points (collapse or leakage), or that ends
    repeating one exact value.

    A diverged verdict already explains a Trainer loss of 0.0 (NaN replaced by the filter).
    """
    findings = []
    for series in context.loss_series:
        if series.n_finite < context.settings.constant_min_points:
            continue
        curve = Curve.of(series)
        zeros = np.flatnonzero(curve.values == 0.0)
        if len(zeros) >= max(context.settings.constant_min_points, FROZEN_SHARE * curve.count):
            if verdict is not Verdict.DIVERGED:
                findings.append(_zero_loss(context, curve, zeros))
            continue
        frozen = _frozen_tail(context, series)
        if frozen is not None:
            findings.append(_constant_loss(context, *frozen))
    return tuple(findings)


def _zero_loss(context: RunContext, curve: Curve, zeros: npt.NDArray[np.int64]) -> Finding:
    first = int(curve.steps[zeros[0]])
    message = (
        f"{curve.name} is logged as exactly 0.0 at {len(zeros)} of {curve.count} points (from "
        f"{context.where(first)}): a loss of zero means nothing is left to learn from — leaked "
        "labels, an empty loss, or a collapsed model."
    )
    return Finding(
        "zero_loss",
        Severity.ERROR,
        0.9,
        message,
        advice.ZERO_LOSS,
        {"points": len(zeros), "since_step": first},
        series=curve.name,
    )


def _constant_loss(context: RunContext, curve: Curve, value: float, length: int) -> Finding:
    message = (
        f"{curve.name} repeats exactly {number(value)} for the last {length} points (from "
        f"{_since(context, curve, length)}): the value is no longer being recomputed."
    )
    return Finding(
        "constant_loss",
        Severity.WARNING,
        0.9,
        message,
        advice.CONSTANT_LOSS,
        {"value": value, "points": length, "since_step": int(curve.steps[curve.count - length])},
        series=curve.name,
    )
