"""stuck: no learning from the start — the loss stays at its initial level all run long.

The course's case: Adam's default learning rate 1e-3 on a transformer keeps the loss at what
a random guess gives (ln C for C classes) while accuracy sits at one class's frequency. Two
shapes show it: the loss never leaves its first level (any loss scale: the test is relative
to the run's own start), or it drops at once onto ln C — the model learned only to predict
uniformly — and stays there for the rest of the run.
"""

from __future__ import annotations

import math

import numpy as np

from curvelint.analysis.levels import Curve, margin_confidence, scale_of
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import Chance, RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, percent, signed_percent
from curvelint.names import is_loss

CODE = Verdict.STUCK.value


def check_stuck(context: RunContext) -> Finding | None:
    """The training loss never left its start, or sat on a random guess's loss after a
    first drop."""
    curve = context.train
    if curve is None:
        return None
    return _never_left_start(context, curve) or _collapsed_to_chance(context, curve)


def _never_left_start(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    start, scale = curve.start(), scale_of(curve)
    final = curve.final()
    fall = (start - final) / scale
    excursion = float(np.max(np.abs(curve.trend() - start))) / scale
    if abs(fall) > settings.stuck_max_fall_of_start or excursion > settings.stuck_max_dip_of_start:
        return None
    message = (
        f"{curve.name} stayed at its initial level: {number(curve.logged(start))} → "
        f"{number(curve.logged(final))} ({signed_percent(-fall)}) up to "
        f"{context.where(int(curve.steps[-1]))}, its trend never more than {percent(excursion)} "
        f"away from the start{_chance_note(context.chance, final)}{_accuracy_note(context)}."
    )
    confidence = min(
        margin_confidence(abs(fall), settings.stuck_max_fall_of_start),
        margin_confidence(excursion, settings.stuck_max_dip_of_start),
    )
    return _finding(context, curve, message, confidence, start, final, "never_left_start")


def plateau_chance(context: RunContext, level: float) -> Chance | None:
    """The random guess whose loss ``level`` sits on: the given number of classes, or the
    whole C up to the inference limit with ln C within the plateau tolerance (only for a
    classifier — a run that logs an accuracy)."""
    tolerance = context.settings.chance_plateau_tolerance
    if context.num_classes is not None:
        chance = Chance(context.num_classes, inferred=False)
        return chance if abs(level - chance.loss) <= tolerance * chance.loss else None
    if not context.accuracy_series or not 0 < level < math.log(
        context.settings.max_inferred_classes + 1
    ):
        return None
    classes = round(math.exp(level))
    if classes < 2 or abs(level - math.log(classes)) > tolerance * math.log(classes):
        return None
    return Chance(classes, inferred=True)


def _collapsed_to_chance(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    if not is_loss(context.train_series_metric):
        return None
    final = curve.final()
    evals = context.eval
    # The eval loss averages the whole eval set: the truer level when it was logged.
    level = evals.final() if evals is not None else final
    chance = plateau_chance(context, level)
    settled = curve.steps >= curve.steps[0] + settings.stuck_settle_share * (
        curve.steps[-1] - curve.steps[0]
    )
    trend = curve.trend()[settled]
    if chance is None or len(trend) == 0:
        return None
    drift = float(np.max(np.abs(trend - final))) / abs(final)
    if drift > settings.stuck_max_fall_of_start:
        return None
    settle_step = int(curve.steps[settled][0])
    message = (
        f"{curve.name} dropped from {number(curve.logged(curve.start()))} onto "
        f"{number(curve.logged(final))} by {context.where(settle_step)} and stayed within "
        f"{percent(drift)} of it to the end{_chance_note(chance, final)}{_accuracy_note(context)}: "
        "the model only learned to guess uniformly."
    )
    confidence = margin_confidence(drift, settings.stuck_max_fall_of_start)
    return _finding(context, curve, message, confidence, curve.start(), final, "at_chance")


def _finding(
    context: RunContext,
    curve: Curve,
    message: str,
    confidence: float,
    start: float,
    final: float,
    cause: str,
) -> Finding:
    return Finding(
        CODE,
        Severity.ERROR,
        confidence,
        message,
        advice.STUCK,
        {
            "cause": cause,
            "start": curve.logged(start),
            "final": curve.logged(final),
            "chance_loss": context.chance.loss if context.chance else None,
        },
        series=curve.name,
    )


def _chance_note(chance: Chance | None, final: float) -> str:
    if chance is None:
        return ""
    how = "inferred" if chance.inferred else "given"
    return (
        f"; a random guess among {chance.classes} classes ({how}) scores "
        f"ln {chance.classes} = {number(chance.loss)} "
        f"(the loss ends at {percent(final / chance.loss)} of it)"
    )


def _accuracy_note(context: RunContext) -> str:
    metric = context.eval_metric_series
    if metric is None or metric.last_value is None or "acc" not in metric.metric:
        return ""
    note = f"; eval {metric.metric} ends at {number(metric.last_value)}"
    if context.chance is not None:
        note += f" (one class in {context.chance.classes} is {number(1 / context.chance.classes)})"
    return note
