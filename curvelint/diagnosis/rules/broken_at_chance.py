"""Diverged, with the accuracy as the witness: a classifier whose accuracy never beat a random
guess's 1/C while its loss ends clearly above that guess's ln C. A model that predicts no
better than chance yet scores worse than the uniform guess is confidently wrong: a blow-up
(an SGD learning rate far too high, momentum, no clipping) wrecked it, even when the loss
swings too much around its level for the rise alone to stand out from the noise. A loss *on*
ln C beside such an accuracy is stuck (see the stuck rule); this is the loss above it. A model
whose training loss fell far below ln C did not blow up: it memorised its training set, and
its eval loss climbing above ln C is overfitting (that rule judges it).
"""

from __future__ import annotations

import math

from curvelint.analysis.levels import margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, times
from curvelint.names import is_loss

# A training loss below this share of ln C: the model fits its training set.
MEMORISED = 0.5


def check_broken_at_chance(context: RunContext) -> Finding | None:
    """Accuracy at chance all run, loss (eval when logged) well above ln C at the end. The
    class count must come from elsewhere than the accuracy (which would always look like
    chance for its own 1/C): ``num_classes``, or a first loss on ln C."""
    settings = context.settings
    accuracy, levels = context.chance_accuracy, context.chance_accuracy_levels
    chance = context.chance  # given, or from a first loss on ln C: not from the accuracy
    if accuracy is None or levels is None or chance is None:
        return None
    if not is_loss(context.train_series_metric) or not context.accuracy_never_beat(chance.classes):
        return None
    accuracy_level, best = levels
    classes = chance.classes
    guess = 1 / classes
    curve = context.eval if context.eval is not None else context.train
    if curve is None:
        return None
    chance_loss = math.log(classes)
    final = curve.final()
    if final < settings.chance_broken_factor * chance_loss:
        return None
    train = context.train
    if curve is context.eval and train is not None and train.final() < MEMORISED * chance_loss:
        return None  # it fits its training set: an eval loss above ln C is memorisation
    message = (
        f"{accuracy.metric}/{accuracy.split} never beat a random guess (final level "
        f"{number(accuracy_level)}, trend's best {number(best)}, beside a random guess's "
        f"{number(guess)} for {classes} classes) while {curve.name}'s final level "
        f"{number(curve.logged(final))} is "
        f"{times(final / chance_loss)} a random guess's ln {classes} = {number(chance_loss)}: "
        "the model is confidently wrong — a blow-up wrecked it."
    )
    return Finding(
        Verdict.DIVERGED.value,
        Severity.ERROR,
        margin_confidence(final / chance_loss, settings.chance_broken_factor),
        message,
        advice.DIVERGED,
        {
            "cause": "broken_at_chance",
            "accuracy_final_level": accuracy_level,
            "accuracy_trend_best": best,
            "classes": classes,
            "chance_accuracy": guess,
            "final_level": curve.logged(final),
            "chance_loss": chance_loss,
            "final_of_chance": final / chance_loss,
        },
        series=curve.name,
    )
