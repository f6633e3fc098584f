"""diverged: a NaN/inf loss, the Trainer's hidden NaN, or a loss that ends far above its start.

A NaN propagates: once a loss or gradient is NaN, the weights follow and the run is lost, so
any non-finite loss decides the verdict whatever else the curves show. The Trainer hides it:
with ``logging_nan_inf_filter`` (its default) a window of NaN steps is logged as
``"loss": 0.0``, so a diverged run shows an exact 0.0 beside a NaN ``grad_norm``, or a loss
that drops from a normal level straight to exactly 0.0.

An eval loss NaN at some evaluations and finite after, while training stayed finite, is
still divergence's evidence, held with less confidence (see :mod:`eval_glitch`). Not
divergence: a training loss drifting up inside swings a fifth of its start wide (erratic, see
unstable), and a classifier's loss (train or eval) that rose back to within 2x a random guess's
ln C (it fell back toward chance; it did not blow up: :mod:`far_above_chance`) — unless an
explosion to several times its start took it there (:mod:`collapse_after_explosion`).
"""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import (
    Curve,
    margin_confidence,
    scale_of,
    second_half_swing,
    second_half_trend,
    swing_around_trend,
)
from curvelint.analysis.results import NonFiniteEvent, SeriesAnalysis
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.broken_at_chance import check_broken_at_chance
from curvelint.diagnosis.rules.collapse_after_explosion import check_collapse_after_explosion
from curvelint.diagnosis.rules.eval_glitch import EVAL_GLITCH_CONFIDENCE, only_eval_glitches
from curvelint.diagnosis.rules.far_above_chance import check_far_above_chance, near_chance
from curvelint.diagnosis.rules.never_fell import early_and_final
from curvelint.diagnosis.rules.runaway_below_zero import check_runaway_below_zero
from curvelint.diagnosis.wording import number, percent, times

CODE = Verdict.DIVERGED.value
GRAD_NORM = "grad_norm"


def check_diverged(context: RunContext) -> Finding | None:
    """The first sign of divergence found, in order of certainty."""
    return (
        _non_finite_loss(context)
        or _hidden_nan(context)
        or _sudden_zero(context)
        or _blow_up(context)
        or _eval_blow_up(context)
        or check_collapse_after_explosion(context)
        or check_runaway_below_zero(context)
        or check_far_above_chance(context)
        or check_broken_at_chance(context)
    )


def _label(series: SeriesAnalysis) -> str:
    return f"{series.split} {series.metric}".strip()


def _non_finite_loss(context: RunContext) -> Finding | None:
    """The earliest NaN/inf in any loss."""
    events: list[tuple[NonFiniteEvent, SeriesAnalysis]] = [
        (s.nonfinite, s) for s in context.loss_series if s.nonfinite is not None
    ]
    if not events:
        return None
    event, series = min(events, key=lambda pair: pair[0].step)
    before = (
        f"after {number(event.value_before)} at {context.where(event.step_before)}"
        if event.value_before is not None and event.step_before is not None
        else "from the first logged point"
    )
    stayed = (
        "and recovered afterwards" if event.finite_after else "and stayed non-finite to the end"
    )
    glitch = only_eval_glitches(context)
    message = (
        f"{_label(series)} became {event.kind} at {context.where(event.step)} {before}, "
        f"{stayed} ({event.count} non-finite of {series.n_points} points)"
        + (
            "; the training loss stayed finite, so the evaluation may have produced it."
            if glitch
            else "."
        )
    )
    return Finding(
        CODE,
        Severity.ERROR,
        EVAL_GLITCH_CONFIDENCE if glitch else 1.0,
        message,
        advice.DIVERGED,
        {
            "cause": "non_finite_loss",
            "step": event.step,
            "onset_step": event.step,
            "kind": event.kind,
            "value_before": event.value_before,
            "step_before": event.step_before,
            "non_finite_points": event.count,
            "points": series.n_points,
            "recovered": event.finite_after,
        },
        series=_series_name(series),
    )


def _series_name(series: SeriesAnalysis) -> str:
    return f"{series.metric}/{series.split}" if series.split else series.metric


def _hidden_nan(context: RunContext) -> Finding | None:
    """A non-finite grad norm beside an exact 0.0 loss, or non-finite to the end."""
    grad_norm = context.series(GRAD_NORM)
    if grad_norm is None or grad_norm.nonfinite is None or context.train_series is None:
        return None
    event = grad_norm.nonfinite
    train = context.train_series
    zeros = train.steps[(train.values == 0.0) & (train.steps >= event.step)]
    if len(zeros) == 0 and (event.finite_after or event.count < 2):
        return None
    shown = (
        f"the loss is logged as exactly 0 from {context.where(int(zeros[0]))}"
        if len(zeros)
        else "it stays non-finite to the end"
    )
    message = (
        f"grad_norm became {event.kind} at {context.where(event.step)} and {shown} "
        f"({event.count} non-finite grad norms): the Trainer's logging_nan_inf_filter hid a NaN "
        "loss."
    )
    return Finding(
        CODE,
        Severity.ERROR,
        0.95 if len(zeros) else 0.85,
        message,
        advice.DIVERGED,
        {
            "cause": "hidden_nan",
            "step": event.step,
            "onset_step": event.step,
            "kind": event.kind,
            "zero_loss_points": len(zeros),
            "non_finite_points": event.count,
        },
        series="grad_norm",
    )


def _sudden_zero(context: RunContext) -> Finding | None:
    """A training loss that jumps from a normal level to exactly 0.0 and stays there."""
    curve = context.train
    if curve is None or curve.count < 3 or curve.values[-1] != 0.0 or curve.start() <= 0:
        return None
    nonzero = np.flatnonzero(curve.values != 0.0)
    if len(nonzero) == 0 or curve.count - (nonzero[-1] + 1) < 2:
        return None
    if np.any(curve.values[: nonzero[-1]] == 0.0):
        return None  # zeros all along (an RL loss, a masked loss): not a sudden switch
    before = float(curve.values[nonzero[-1]])
    share = abs(before) / scale_of(curve)
    if share < context.settings.hidden_nan_min_share_of_start:
        return None
    first_zero = int(curve.steps[nonzero[-1] + 1])
    before_step = int(curve.steps[nonzero[-1]])
    message = (
        f"{curve.name} dropped from {number(curve.logged(before))} at "
        f"{context.where(before_step)} straight to exactly 0 at {context.where(first_zero)} "
        f"({percent(share)} of its start level just before) and stayed there: the signature of "
        "NaN losses replaced by the Trainer's logging_nan_inf_filter."
    )
    return Finding(
        CODE,
        Severity.ERROR,
        margin_confidence(share, context.settings.hidden_nan_min_share_of_start),
        message,
        advice.DIVERGED,
        {
            "cause": "sudden_zero",
            "step": first_zero,
            "onset_step": first_zero,
            "value_before": curve.logged(before),
            "step_before": before_step,
            "before_of_start": share,
        },
        series=curve.name,
    )


def _reward_held(context: RunContext, curve: Curve) -> bool:
    """A policy's sampled reward that ended no lower than its early median beyond the noise: a
    sparse reward (0 at most steps) is not collapsed by one lucky first batch."""
    if not context.judged_by_reward:
        return False
    levels = early_and_final(context, curve)
    return levels is not None and levels.final - levels.early <= levels.noise


def _blow_up(context: RunContext) -> Finding | None:
    """The loss exploded, or ended far above its start — unless a classifier's loss ended
    near a random guess's (:func:`_near_chance`)."""
    curve = context.train
    if curve is None or curve.count < 2 or _reward_held(context, curve):
        return None
    settings = context.settings
    start, scale = curve.start(), scale_of(curve)
    final = curve.final()
    last = float(curve.values[-1])
    noise = settings.blow_up_noise_units * curve.difference_noise(1, curve.final_count())
    rise = (final - start) / scale
    low = float(np.min(curve.trend()))
    climb = (final - low) / scale
    multiplied = low > 0 and final >= settings.climb_factor_of_low * low
    if start > 0 and last >= settings.explosion_factor * start:
        cause, confidence = "explosion", margin_confidence(last / start, settings.explosion_factor)
    elif near_chance(context, final):
        return None  # it rose back toward a random guess's loss: it lost what it learned
    elif rise >= settings.blow_up_rise_of_start and final - start > noise:
        cause, confidence = "blow_up", margin_confidence(rise, settings.blow_up_rise_of_start)
    elif _swings_wide(context, curve):
        return None  # a drift up inside swings a fifth of the start wide is erratic (unstable)
    elif climb >= settings.blow_up_rise_of_start and _climbing(context, curve):
        cause, confidence = "climb", margin_confidence(climb, settings.blow_up_rise_of_start)
    elif multiplied and climb >= settings.climb_min_rise_of_start and _climbing(context, curve):
        cause, confidence = "climb", margin_confidence(final / low, settings.climb_factor_of_low)
    else:
        return None
    return Finding(
        CODE,
        Severity.ERROR,
        confidence,
        _blow_up_message(context, curve, cause, final, last),
        advice.DIVERGED,
        {
            "cause": cause,
            "start_level": curve.logged(start),
            "final_level": curve.logged(final),
            "last_value": curve.logged(last),
            "last_step": int(curve.steps[-1]),
            "trend_low": curve.logged(low),
            "trend_low_step": int(curve.steps[int(np.argmin(curve.trend()))]),
            "rise_of_start": rise,
            "climb_of_start": climb,
            "final_of_low": final / low if low > 0 else None,
            "last_of_start": last / start if start > 0 else None,
            "step": int(curve.steps[-1]),
        },
        series=curve.name,
    )


def _eval_blow_up(context: RunContext) -> Finding | None:
    """The eval loss ended far above its start while the training loss did not fall: the
    model got worse at everything, not only at unseen data (that is overfitting). A
    classifier's eval loss that ended near a random guess's ln C fell back toward chance
    instead (erratic training that lost what it learned): that is not a blow-up."""
    evals, train, settings = context.eval, context.train, context.settings
    if evals is None or train is None or evals.count < settings.min_eval_points:
        return None
    start, final = evals.start(), evals.final()
    if near_chance(context, final):
        return None
    rise = (final - start) / scale_of(evals)
    noise = settings.blow_up_noise_units * evals.difference_noise(1, evals.final_count())
    train_at_start = train.at_step(int(evals.steps[0]))
    train_final = train.final()
    train_fall = (train_at_start - train_final) / abs(train_at_start) if train_at_start else 0.0
    if (
        rise < settings.blow_up_rise_of_start
        or final - start <= noise
        or train_fall >= settings.overfit_min_train_fall
    ):
        return None
    message = (
        f"{evals.name} ended at final level {number(evals.logged(final))}, {percent(rise)} above "
        f"its start level {number(evals.logged(start))} from {context.where(int(evals.steps[0]))}"
        f", while {train.name} did not fall (trend {number(train.logged(train_at_start))} then, "
        f"final level {number(train.logged(train_final))}): the model got worse, not just overfit."
    )
    return Finding(
        CODE,
        Severity.ERROR,
        margin_confidence(rise, settings.blow_up_rise_of_start),
        message,
        advice.DIVERGED,
        {
            "cause": "eval_blow_up",
            "start_level": evals.logged(start),
            "final_level": evals.logged(final),
            "rise_of_start": rise,
            "train_trend_at_start": train.logged(train_at_start),
            "train_final_level": train.logged(train_final),
            "train_fall": train_fall,
            "step": int(evals.steps[-1]),
        },
        series=evals.name,
    )


def _swings_wide(context: RunContext, curve: Curve) -> bool:
    """The second half swings around its trend by the unstable rule's share of its level and
    its wild share of the start: a climb of the running median there is a drift inside the
    swings, not the steady climb of a diverging run (which ends above its start anyway)."""
    settings = context.settings
    swing, level, of_start = second_half_swing(curve)
    return (
        level != 0
        and swing >= settings.unstable_spread_of_level * abs(level)
        and of_start >= settings.unstable_wild_of_start
    )


def _climbing(context: RunContext, curve: Curve) -> bool:
    """The second half rises along a lasting straight line (a steady climb, not a bounce)."""
    settings = context.settings
    swing = swing_around_trend(curve, begin=curve.count // 2)
    change = second_half_trend(
        curve, swing, settings.unstable_trend_of_spread, settings.unstable_trend_significance
    )
    return change is not None and change > 0


def _blow_up_message(
    context: RunContext, curve: Curve, cause: str, final: float, last: float
) -> str:
    start = curve.start()
    trend = curve.trend()
    best_index = int(np.argmin(trend))
    bottom = float(trend[best_index])
    reward = curve.sign < 0  # higher is better: its best is a high, and it got worse by falling
    low = (
        f"its trend {'high' if reward else 'low'} {number(curve.logged(bottom))} near "
        f"{context.where(int(curve.steps[best_index]))}"
    )
    if cause == "climb":
        multiple = f"{times(final / bottom)} its low, " if bottom > 0 else ""
        return (
            f"{curve.name} {'fell' if reward else 'climbed'} steadily from {low} to final level "
            f"{number(curve.logged(final))}, {multiple}"
            f"{percent((final - bottom) / scale_of(curve))} of its start level "
            f"{number(curve.logged(start))} back up."
        )
    if cause == "explosion":
        return (
            f"{curve.name} exploded to {number(curve.logged(last))} at "
            f"{context.where(int(curve.steps[-1]))}, {times(last / start)} its start level "
            f"{number(curve.logged(start))} (after {low})."
        )
    return (
        f"{curve.name} ended at final level {number(curve.logged(final))}, "
        f"{percent((final - start) / scale_of(curve))} {'below' if reward else 'above'} its "
        f"start level {number(curve.logged(start))} (after {low})."
    )
