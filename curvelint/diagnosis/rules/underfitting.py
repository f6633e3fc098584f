"""underfitting: training and eval both flatten at a high level — the model learned a little
and then could not learn more.

"High" is relative: to what a random guess scores (ln C) when the number of classes is known
or inferred, else to where the training loss started — both curves must end high (a low
training loss beside a high eval loss is a generalisation gap, not underfitting). "Flat" is
the not_converged test failing on the eval loss when logged (generalisation is what more
training would improve), else on the training loss, so the two verdicts cannot both hold.
"Early" is when that curve had made 90 % of its fall (an eval loss that fell less than 10 %
below its first evaluation was flat from the start) — any time for a loss that barely fell
(a fine-tuned language model's loss that falls slowly all run and levels off late at half
its start is a converged run, not an underfit one), or when the accuracy closed less than
half the way from a random guess's 1/C to 100 % (the model barely learned, however its loss
fell). A training loss that ends far below the eval loss (the eval loss 1.25x or more) is a
generalisation gap, not underfitting, however high both are. A plateau at most half of a
known ln C, reached as the learning rate decayed to ~0 with the eval curve at its lowest at the
end, is a hard task the run converged on (issue 13's boundary), not underfitting. A run that
is no classifier (no accuracy, no class count) has only its start to measure "high" against,
which says little: a regression, autoencoder or language-model loss that fell below 60 % of
its start has learned, and where it levelled off may be the task's floor; only one that ended
at 60 % of its start or more learned too little to call it done.

A classifier whose loss still falls, but over the last steps by less than a small share of
its whole fall, is levelling off, not "not converged": at that pace more steps gain little, so
a high level is where the model's capacity ends (a single hidden unit's loss creeps down a
few per cent of its fall for the whole second half). Not for a run cut short of its plan: its
schedule had more to do. And no classifier whose accuracy closed most of the way from a
random guess to 100 % is underfitting, however high its loss (label smoothing and
calibration keep a loss high beside near-perfect predictions).
"""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import (
    Curve,
    LateTrend,
    late_trend,
    margin_confidence,
    scale_of,
    settled_share,
)
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.plan import cut_short
from curvelint.diagnosis.rules.not_converged import cut_short_at_its_best, still_improving
from curvelint.diagnosis.wording import number, percent

CODE = Verdict.UNDERFITTING.value


def _reference(context: RunContext) -> tuple[float, str] | None:
    """The level "high" is measured against, and how to name it: a random guess's loss, else
    the training loss's start level (the eval loss's first point comes after some training)."""
    chance, train = context.chance, context.train
    if chance is not None and chance.loss > 0:
        return chance.loss, f"a random guess's ln {chance.classes} = {number(chance.loss)}"
    if train is None:
        return None
    untrained = _evaluated_before_training(context, train)
    if untrained is not None:
        return untrained, f"the untrained model's eval loss {number(untrained)}"
    return scale_of(train), f"{context.judged_loss_words}'s start level {number(scale_of(train))}"


def _evaluated_before_training(context: RunContext, train: Curve) -> float | None:
    """The eval loss logged before the training loss's first log, when above that start (the
    Trainer's ``eval_on_start``): the untrained model's loss, so the level a run that learned
    nothing would sit at — the training loss's first log, averaged over hundreds of steps, has
    already fallen most of the way (a fine-tune's eval loss 7.0 at step 0, its first training
    log 4.1 at step 500)."""
    evals = context.eval
    if evals is None or context.judged_by_eval_alone or not evals.count:
        return None
    first = float(evals.values[0])
    before = int(evals.steps[0]) < int(train.steps[0])
    return first if before and np.isfinite(first) and first > scale_of(train) else None


def _describe(curve: Curve, reference: float, shape: str = "flat") -> str:
    final = curve.final()
    return (
        f"{curve.name} {shape} at final level {number(curve.logged(final))} "
        f"({percent(final / reference)})"
    )


def _final_accuracies(context: RunContext) -> list[float]:
    return [
        series.curve.logged(series.curve.final())
        for series in context.accuracy_series
        if series.curve is not None and series.curve.count
    ]


def accuracy_learned(context: RunContext) -> float | None:
    """How much of the way from a random guess (1/C) to perfect the best final accuracy got:
    0 at chance, 1 at 100 % (None without an accuracy or a class count)."""
    chance, finals = context.chance, _final_accuracies(context)
    if chance is None or not finals:
        return None
    guess = 1.0 / chance.classes
    return (max(finals) - guess) / (1.0 - guess)


def _least_learned(context: RunContext) -> float | None:
    """:func:`accuracy_learned`, or without a class count the least it can be (two classes: a
    guess scores 0.5, and more classes only lower the guess); None without an accuracy, or
    one logged in per cent."""
    if context.chance is not None:
        return accuracy_learned(context)
    finals = _final_accuracies(context)
    if not finals or max(finals) > 1.0:
        return None
    return (max(finals) - 0.5) / 0.5


def _generalisation_gap(train: Curve, evals: Curve, max_ratio: float) -> bool:
    """The eval loss ended ``max_ratio`` times the training loss or more (both positive): the
    model fits its training data far better than held-out data, so capacity is not the limit."""
    train_final, eval_final = train.final(), evals.final()
    return train_final > 0 and eval_final >= max_ratio * train_final


def _no_guess_to_measure_by(context: RunContext) -> bool:
    """Neither a class count nor an accuracy: not a classifier, so "high" has only the start
    to be measured against."""
    return context.chance is None and not context.accuracy_series


def _flat_from_first(curve: Curve | None, share: float) -> bool:
    """The curve ended within ``share`` of its start level below it, or above it."""
    return curve is not None and curve.start() - curve.final() <= share * scale_of(curve)


# The last share of the steps where an eval curve's trend must reach its lowest point to
# still be improving when the schedule ended.
AT_THE_END_SHARE = 0.05


def _high(context: RunContext, curve: Curve, lowest: float) -> bool:
    """Both curves ended high against the reference (the start alone asks more), the accuracy
    did not close most of the gap to 100 %, and not as a converged hard task."""
    settings = context.settings
    if lowest < settings.underfit_min_level_of_reference:
        return False
    if _no_guess_to_measure_by(context) and lowest < settings.underfit_min_level_of_start_alone:
        return False
    learned = _least_learned(context)
    if learned is not None and learned >= settings.underfit_max_learned:
        return False  # near-perfect predictions: the loss is high from calibration, not capacity
    return not _converged_hard_task(context, curve, lowest)


def _converged_hard_task(context: RunContext, curve: Curve, lowest: float) -> bool:
    """Issue 13's boundary: a plateau at most ``underfit_hard_task_max_level`` of a known
    random guess's ln C, reached as the learning rate decayed to ~0, with the curve still at
    its lowest at the end — a hard task the run converged on, not a model short of capacity."""
    settings = context.settings
    if context.chance is None or not context.schedule_over:
        return False
    if lowest > settings.underfit_hard_task_max_level:
        return False
    trend = curve.trend()
    lowest_index = int(np.argmin(trend))
    return curve.share_of_steps(int(curve.steps[lowest_index])) >= 1.0 - AT_THE_END_SHARE


def _levelling_off(context: RunContext, curve: Curve) -> LateTrend | None:
    """The late line of a classifier's curve that falls by less than
    ``underfit_levelling_late_of_fall`` of its whole fall (None otherwise, and for a run cut
    short of its plan)."""
    settings = context.settings
    if context.chance is None and not context.accuracy_series:
        return None
    whole_fall = curve.start() - curve.final()
    if whole_fall <= 0 or cut_short(context.metadata):
        return None
    late = late_trend(curve, settings.late_share)
    return late if late.gain < settings.underfit_levelling_late_of_fall * whole_fall else None


def _plateau(context: RunContext, train: Curve, judged: Curve) -> tuple[bool, LateTrend | None]:
    """Whether the judged curve stopped improving — or, still improving, only levels off (then
    with its late line)."""
    if not _improving(context, train, judged):
        return True, None
    levelling = _levelling_off(context, judged)
    return levelling is not None, levelling


def _improving(context: RunContext, train: Curve, judged: Curve) -> bool:
    """The judged curve still improves: not flat (a run cut short of its plan while its eval
    loss still reached new lows is not converged, whatever the line's significance)."""
    if still_improving(context, judged):
        return True
    return judged is not train and cut_short_at_its_best(context, train, judged)


def _accuracy_words(context: RunContext, learned: float | None) -> str:
    if learned is None or context.chance is None:
        return ""
    return (
        f"; its accuracy closed only {percent(learned)} of the gap from a random guess's "
        f"{number(1 / context.chance.classes)} to a perfect score"
    )


def check_underfitting(context: RunContext) -> Finding | None:
    """Training and eval losses both high against the reference, the curve that shows
    generalisation (eval when logged, else train) no longer improving — or levelling off."""
    train, settings = context.train, context.settings
    reference = _reference(context)
    if train is None or reference is None:
        return None
    if train.start() <= train.final():
        return None  # it never fell: stuck or diverged, not underfitting
    if not context.accuracy_series and context.schedule_over:
        # Not a classifier, so no random guess to measure "high" against: a plateau reached as
        # the learning rate decayed to ~0 is where the schedule converged, not too little
        # capacity (a language model's loss levels off far above zero).
        return None
    curves = [train]
    evals = context.eval
    if evals is not None and evals.count >= settings.min_eval_points:
        curves.append(evals)
    plateaued, levelling = _plateau(context, train, curves[-1])
    if not plateaued:
        return None
    if len(curves) > 1 and _generalisation_gap(train, curves[-1], settings.underfit_max_eval_gap):
        return None
    levels = [curve.final() / reference[0] for curve in curves]
    lowest = min(levels)
    if not _high(context, curves[-1], lowest):
        return None
    learned = accuracy_learned(context)
    settled = settled_share(curves[-1])
    if (
        len(curves) > 1
        and _flat_from_first(evals, settings.stuck_max_dip_of_start)
        and not still_improving(context, train)
    ):
        settled = 0.0  # the eval loss barely moved from its first evaluation: flat from there
    barely_fell = lowest >= settings.underfit_barely_fell_level
    barely_learned = learned is not None and learned < settings.underfit_barely_learned
    if not (barely_fell or barely_learned or levelling is not None) and (
        settled is None or settled > settings.underfit_plateau_by
    ):
        return None
    late = levelling or late_trend(curves[-1], settings.late_share)
    shape = "levelling off" if levelling is not None else "flat"
    message = (
        " and ".join(_describe(curve, reference[0], shape) for curve in curves)
        + f" of {reference[1]}; over the last {percent(settings.late_share)} of the steps "
        f"{curves[-1].name}'s fitted line moved {number(-late.gain)}"
        + _levelling_words(curves[-1], levelling)
        + _accuracy_words(context, learned if barely_learned and not barely_fell else None)
        + "."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        margin_confidence(lowest, settings.underfit_min_level_of_reference),
        message,
        advice.UNDERFITTING,
        {
            "train_final_level": train.logged(train.final()),
            "train_level_of_reference": levels[0],
            "eval_final_level": curves[1].logged(curves[1].final()) if len(curves) > 1 else None,
            "eval_level_of_reference": levels[1] if len(levels) > 1 else None,
            "reference": "chance" if context.chance else "start",
            "reference_level": reference[0],
            "classes": context.chance.classes if context.chance else None,
            "settled_share": settled,
            "late_share": settings.late_share,
            "late_change": -late.gain,
            "late_gain_of_fall": _late_of_fall(curves[-1], late) if levelling else None,
            "accuracy_learned": learned,
            "chance_accuracy": 1 / context.chance.classes if context.chance else None,
        },
        series=curves[-1].name,
    )


def _late_of_fall(curve: Curve, late: LateTrend) -> float:
    return late.gain / (curve.start() - curve.final())


def _levelling_words(curve: Curve, levelling: LateTrend | None) -> str:
    """``, only 4.2 % of its whole fall: at that pace more steps gain little``."""
    if levelling is None:
        return ""
    return (
        f", only {percent(_late_of_fall(curve, levelling))} of its whole fall: at that pace "
        "more steps gain little"
    )
