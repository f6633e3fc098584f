"""A classifier's loss against a random guess's ln C, with C given or read from where its
accuracy ended: far above it and never back is a finite explosion (diverged); a rise that ends
within twice ln C fell back toward chance instead, and is no blow-up.
"""

from __future__ import annotations

import math

import numpy as np

from curvelint.analysis.levels import margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.frozen import accuracy_ceiling
from curvelint.diagnosis.wording import number, times
from curvelint.names import is_loss

CODE = Verdict.DIVERGED.value


def check_far_above_chance(context: RunContext) -> Finding | None:
    """A classifier whose loss sits tens of times above a random guess's ln C and never comes
    back: networks with bounded activations (LayerNorm, tanh) under an absurd learning rate
    explode without reaching NaN, sometimes before the first logged point, then swing there."""
    curve = context.train
    classes = classes_of(context)
    if curve is None or classes is None or not is_loss(context.train_series_metric):
        return None
    settings = context.settings
    chance_loss = math.log(classes)
    final = curve.final()
    half = curve.trend()[curve.count // 2 :]
    floor = float(np.min(half)) if len(half) else final
    threshold = settings.chance_explosion_factor * chance_loss
    if final < threshold or floor < threshold / 2:
        return None
    message = (
        f"{curve.name}'s final level {number(curve.logged(final))} is {times(final / chance_loss)} "
        f"a random guess's ln {classes} = {number(chance_loss)}, and its trend never came back "
        f"below {number(curve.logged(floor))} in the second half: the loss exploded without "
        "reaching NaN and the model never recovered."
    )
    return Finding(
        CODE,
        Severity.ERROR,
        margin_confidence(final / chance_loss, settings.chance_explosion_factor),
        message,
        advice.DIVERGED,
        {
            "cause": "far_above_chance",
            "final_level": curve.logged(final),
            "classes": classes,
            "chance_loss": chance_loss,
            "final_of_chance": final / chance_loss,
            "second_half_trend_low": curve.logged(floor),
            "step": int(curve.steps[-1]),
        },
        series=curve.name,
    )


def near_chance(context: RunContext, final: float) -> bool:
    """A classifier's loss that ended below ``blow_up_min_of_chance`` times a random guess's
    ln C: a rise to there is a fall back toward chance (erratic training that lost what it
    learned, or a collapse to one class), not a blow-up."""
    classes = classes_of(context)
    return classes is not None and final < context.settings.blow_up_min_of_chance * math.log(
        classes
    )


def final_accuracy(context: RunContext) -> float | None:
    """The best final level of the run's accuracies, as a share (an accuracy logged as a
    percentage is divided by 100); None without an accuracy."""
    accuracies = [s.curve for s in context.accuracy_series if s.curve is not None]
    if not accuracies:
        return None
    level = max(curve.logged(curve.final()) for curve in accuracies)
    return level / accuracy_ceiling(level)


def classes_of(context: RunContext) -> int | None:
    """The class count of a classifier: given, or read from where its accuracy ended (a
    blown-up classifier's accuracy sits near a random guess's 1/C)."""
    if context.num_classes is not None:
        return context.num_classes
    level = final_accuracy(context)
    if level is None or level <= 0:
        return None
    return min(max(2, round(1 / level)), context.settings.max_inferred_classes)
