"""Curves that stopped moving exactly: a frozen accuracy, a loss of exactly 0.0, a loss that
repeats one value. Real training never repeats a float exactly for long, so an exact repeat
is a bug, leakage or a collapsed model — not convergence. One exception: a term of the
objective (``loss_data`` beside ``loss``) at exactly 0 on batches with no example of its kind,
while the training loss it adds up to never is."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from curvelint.analysis.levels import Curve, exact_tail
from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, percent
from curvelint.names import TRAIN

FROZEN_SHARE = 0.2  # an exact repeat must also cover this share of the curve's points


def _frozen_tail(context: RunContext, series: SeriesAnalysis) -> tuple[Curve, float, int] | None:
    """The curve, repeated value and run length when the curve ends in a long exact repeat."""
    curve = series.curve
    if curve is None or curve.count < context.settings.constant_min_points:
        return None
    tail = exact_tail(curve)
    if tail is None:
        return None
    value, length = tail
    if length < max(context.settings.constant_min_points, FROZEN_SHARE * curve.count):
        return None
    return curve, value, length


def _since(context: RunContext, curve: Curve, length: int) -> str:
    return context.where(int(curve.steps[curve.count - length]))


CEILING = 1.0  # an accuracy logged as a share
# A constant prediction scores its class's share, at least 1/C; below 1/1000 no class share is
# plausible: an exact-match accuracy on a regressor's targets, a metric that does not apply.
NO_CLASS_SHARE = 0.001
CEILING_PERCENT = 100.0  # ...or as a percentage


def accuracy_ceiling(value: float) -> float:
    """An accuracy's ceiling: 1, or 100 for one logged as a percentage."""
    return CEILING_PERCENT if value > CEILING else CEILING


def check_frozen_accuracy(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """An accuracy that ends repeating one exact value: at its ceiling (every example right:
    memorised, or a leak on an eval split) or below it (a class frequency: the model predicts
    the same class whatever the input)."""
    findings = []
    for series in context.accuracy_series:
        frozen = _frozen_tail(context, series)
        if frozen is None:
            continue
        curve, value, length = frozen
        if value < NO_CLASS_SHARE * accuracy_ceiling(value):
            continue  # (almost) never right: the metric does not fit the model (a regressor)
        since = int(curve.steps[curve.count - length])
        opening = (
            f"{curve.name} is frozen at exactly {number(value)} for the last {length} points "
            f"(from {_since(context, curve, length)}, {percent(length / curve.count)} of the run)"
        )
        evidence: dict[str, EvidenceValue] = {"value": value, "points": length}
        evidence["initial"] = series.first_value
        evidence |= {"since_step": since, "share_of_run": length / curve.count}
        if value in (CEILING, CEILING_PERCENT):
            findings.append(_at_ceiling(curve, opening, evidence))
        elif _at_class_frequency(context, series, value):
            best = _best_before(curve, length)
            knocked = best >= value + KNOCKED_MARGIN * accuracy_ceiling(value)
            if verdict is Verdict.UNSTABLE and knocked:
                evidence["best_before"] = best
                findings.append(_knocked_to_one_class(curve, opening, best, evidence))
            else:
                findings.append(_predicts_one_class(curve, opening, evidence))
        else:
            first = series.first_value
            findings.append(_settled(curve, opening, evidence, first is None or value > first))
    return tuple(findings)


CHANCE_TOLERANCE = 0.02  # an accuracy this close to 1/C is a random guess's


def _at_class_frequency(context: RunContext, series: SeriesAnalysis, value: float) -> bool:
    """A frozen accuracy a constant prediction gives: no better than where it began (a model
    that predicts one class never improves on that class's share), or a random guess's 1/C —
    unless the split's cross-entropy is below what any constant prediction scores."""
    if _beats_every_constant_prediction(context, series, value):
        return False
    first = series.first_value
    if first is not None and value <= first:
        return True
    chance = context.chance
    return chance is not None and abs(value - 1.0 / chance.classes) <= CHANCE_TOLERANCE


# Slack on the bound below: label smoothing raises a loss, class weights can lower it a little.
CONSTANT_PREDICTION_SLACK = 0.9


def constant_prediction_floor(accuracy: float) -> float:
    """The least cross-entropy a constant prediction scores on examples whose commonest class
    is a share ``accuracy`` of them: the entropy of that class against the rest, a lower bound
    of the class prior's entropy (0 at a share of 0 or 1)."""
    share = accuracy / accuracy_ceiling(accuracy)
    if not 0.0 < share < 1.0:
        return 0.0
    return -(share * math.log(share) + (1.0 - share) * math.log(1.0 - share))


def _beats_every_constant_prediction(
    context: RunContext, series: SeriesAnalysis, value: float
) -> bool:
    """A loss ended below what a constant prediction with this accuracy could score: the model
    is right with confidence, so its frozen accuracy is settled predictions, not one class.

    The bound holds for a cross-entropy: known when the run's first loss sat on ln C; otherwise
    trusted only of a training loss that fell to a quarter of its start, which no constant
    prediction does from a sane start (a blown-up start falls to ln C, above the bound). A
    constant prediction is constant on the training inputs too, so the training loss bounds an
    eval accuracy as well, with more slack: the two splits' class shares may differ."""
    if context.judged_by_reward:
        return False
    floor = constant_prediction_floor(value)
    train = context.train
    if context.chance is None and not _learned(train):
        return False
    own = context.eval if series.split != TRAIN else train
    if own is not None and _ended_below(own, CONSTANT_PREDICTION_SLACK * floor):
        return True
    return train is not None and _ended_below(train, OTHER_SPLIT_SLACK * floor)


# A training loss this far below its start has learned (a constant prediction cannot).
LEARNED_SHARE = 0.25
OTHER_SPLIT_SLACK = 0.5  # the training loss bounds an eval accuracy with the splits' shares apart


def _learned(loss: Curve | None) -> bool:
    """The training loss ended at a quarter of its start or lower, above zero (the Trainer
    logs a NaN loss as 0.0)."""
    if loss is None:
        return False
    start, final = loss.logged(loss.start()), loss.logged(loss.final())
    return bool(np.isfinite(start) and np.isfinite(final)) and 0.0 < final <= LEARNED_SHARE * start


def _ended_below(loss: Curve, bound: float) -> bool:
    final = loss.logged(loss.final())
    return bool(np.isfinite(final)) and 0.0 < final < bound


# An accuracy this far above its frozen value before it froze (a share; x100 for percentages)
# had learned: erratic training knocked it back to one class, it did not start there.
KNOCKED_MARGIN = 0.15


def _best_before(curve: Curve, length: int) -> float:
    """The best accuracy, as logged, before the frozen tail of ``length`` points (-inf when
    the curve was frozen from its first point)."""
    before = curve.values[: curve.count - length]
    return float(curve.logged(np.min(before))) if len(before) else -math.inf


def _knocked_to_one_class(
    curve: Curve, opening: str, best: float, evidence: dict[str, EvidenceValue]
) -> Finding:
    """Erratic training (the curves read unstable) that had learned, then fell onto one
    class's share: the instability is the cause, the frozen accuracy its damage."""
    evidence["at"] = "class frequency"
    message = f"{opening}, down from {number(best)} before it froze: "
    message += "the erratic updates knocked the model into predicting the same class whatever "
    message += "the input, undoing what it had learned."
    return Finding(
        "frozen_accuracy",
        Severity.WARNING,
        0.9,
        message,
        advice.KNOCKED_TO_ONE_CLASS,
        evidence,
        series=curve.name,
    )


def _predicts_one_class(curve: Curve, opening: str, evidence: dict[str, EvidenceValue]) -> Finding:
    evidence["at"] = "class frequency"
    message = f"{opening}, no better than where it began: the model predicts the same class "
    message += "whatever the input, so the accuracy is that class's share of the examples."
    return Finding(
        "frozen_accuracy",
        Severity.ERROR,
        0.9,
        message,
        advice.FROZEN_ACCURACY,
        evidence,
        series=curve.name,
    )


def _settled(
    curve: Curve, opening: str, evidence: dict[str, EvidenceValue], above_start: bool
) -> Finding:
    """Predictions that stopped changing after the model learned: normal late in training,
    and on a small eval set one example moves the accuracy by a visible step."""
    evidence["at"] = "settled"
    why = "well above where it began"
    if not above_start:
        why = "beside a loss no constant prediction reaches"
    message = f"{opening}, {why}: the model's predictions on these examples have stopped "
    message += "changing."
    return Finding(
        "frozen_accuracy",
        Severity.INFO,
        0.9,
        message,
        advice.ACCURACY_SETTLED,
        evidence,
        series=curve.name,
    )


def _at_ceiling(curve: Curve, opening: str, evidence: dict[str, EvidenceValue]) -> Finding:
    """Every example right: memorised on the training split; on an eval split, worth a look
    for eval examples that are also training examples."""
    evidence["at"] = "ceiling"
    if curve.name.endswith(f"/{TRAIN}"):
        message = f"{opening}, its ceiling: the model gets every training example right — it "
        message += "has memorised the training set (compare with the eval curves)."
        return Finding(
            "accuracy_at_ceiling",
            Severity.INFO,
            0.9,
            message,
            advice.TRAIN_AT_CEILING,
            evidence,
            series=curve.name,
        )
    message = f"{opening}, its ceiling: every evaluation example is right, which real data "
    message += "rarely allows — check that the eval set does not overlap the training set."
    return Finding(
        "accuracy_at_ceiling",
        Severity.WARNING,
        0.9,
        message,
        advice.EVAL_AT_CEILING,
        evidence,
        series=curve.name,
    )


def check_constant_loss(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """A loss that is exactly 0.0 at many points (collapse or leakage), or that ends
    repeating one exact value.

    A diverged verdict already explains a Trainer loss of 0.0 (NaN replaced by the filter).
    """
    findings = []
    for series in context.loss_series:
        if context.judged_by_reward and series.split == "train":
            continue  # a policy-gradient loss sits on zero by design
        curve = series.curve
        if curve is None or curve.count < context.settings.constant_min_points:
            continue
        zeros = np.flatnonzero(curve.values == 0.0)
        if len(zeros) >= max(context.settings.constant_min_points, FROZEN_SHARE * curve.count):
            if verdict is not Verdict.DIVERGED and not _empty_term(context, series):
                findings.append(_zero_loss(context, curve, zeros))
            continue
        frozen = _frozen_tail(context, series)
        if frozen is not None:
            findings.append(_constant_loss(context, *frozen))
    return tuple(findings)


def _empty_term(context: RunContext, series: SeriesAnalysis) -> bool:
    """A term of the objective (``loss_data`` beside ``loss``) at exactly 0 while the training
    loss it is part of never is: the term was empty on those batches (no example of its
    kind), not a model with nothing left to learn."""
    train = context.train
    if series is context.train_series or series is context.eval_series or train is None:
        return False
    return not bool(np.any(train.values == 0.0))


def _zero_loss(context: RunContext, curve: Curve, zeros: npt.NDArray[np.int64]) -> Finding:
    first = int(curve.steps[zeros[0]])
    message = (
        f"{curve.name} is logged as exactly 0 at {len(zeros)} of {curve.count} points (from "
        f"{context.where(first)}): a loss of zero means nothing is left to learn from — leaked "
        "labels, an empty loss, or a collapsed model."
    )
    return Finding(
        "zero_loss",
        Severity.ERROR,
        0.9,
        message,
        advice.ZERO_LOSS,
        {"value": 0.0, "points": len(zeros), "finite_points": curve.count, "since_step": first},
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
