"""unstable: noise and oscillation dominate the trend, or spikes repeat without a lasting trend.

Repeated spikes count only when they are large against where the run began (a quarter of its
start): a fine-tune whose per-step loss reached near zero jumps on its hard batches by a fifth
of its start and comes straight back — that is batches, not an unstable model. Nor do spikes
that stopped two thirds into the run, after which the curve fell to its best at the end: the
run came through an unstable phase (a one-cycle schedule's peak rate) and settled.

Judged on the eval loss when it has enough points — it averages a whole eval set, so its
swings are the model's — and on the training loss too, unless a steadily improving (or
overfitting) eval loss shows that the training loss's swings are only batch noise. Beside an
overfitting eval loss that excuse holds for swings of a few % of the start (a memorising
run's per-batch spikes), not for a loss that jumps by a large share of where it began.

The swing is the mean departure from a running median over the second half, where a healthy
run has settled; it counts only if it is large against both the level there and the run's
start (a loss near zero after memorisation swings a lot relative to its level but not
against where it began). A trend "lasts" when a straight line through the second half moves
more than the swing and its slope is statistically clear; a lasting trend excuses the swings
unless they are wild (about half the level or more: consecutive points differ by the level
itself). A training loss whose trend climbed to several times its low mid-run and came back
is a rebound (see :mod:`rebound`): the run survived an episode of instability. An eval curve
that turned clearly worse while the training loss made no progress is learning undone (see
:mod:`learning_undone`).
"""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import (
    Curve,
    margin_confidence,
    scale_of,
    second_half_swing,
    second_half_trend,
)
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.learning_undone import check_learning_undone
from curvelint.diagnosis.rules.loss_spikes import large_spikes
from curvelint.diagnosis.rules.not_converged import MEANINGFUL_FINAL_OF_SCALE
from curvelint.diagnosis.rules.overfitting import check_overfitting
from curvelint.diagnosis.rules.rebound import find_rebound
from curvelint.diagnosis.wording import number, percent, times

CODE = Verdict.UNSTABLE.value


def check_unstable(context: RunContext) -> Finding | None:
    """An erratic second half, repeated large spikes with no lasting trend, a rebound, or an
    eval curve that turned worse while training made no progress (learning undone)."""
    curves = judged_curves(context)
    for curve in curves:
        finding = _erratic(context, curve)
        if finding is None and not (curve is context.train and _eval_fell_calmly(context)):
            finding = _repeated_spikes(context, curve)
        if finding is not None:
            return finding
    rebound = _rebound(context, context.train) if context.train in curves else None
    return rebound or check_learning_undone(context)


def judged_curves(context: RunContext) -> list[Curve]:
    """The eval loss when it has enough points; the training loss unless the eval loss
    improved steadily or turned up as overfitting does (then the training loss's swings are
    batch noise: a small or label-noisy training set spikes per batch while it memorises)."""
    minimum = context.settings.unstable_min_points
    curves = []
    evals, train = context.eval, context.train
    if evals is not None and evals.count >= minimum:
        curves.append(evals)
    batch_noise_only = evals is not None and (
        improved_steadily(context, evals)
        or (
            check_overfitting(context) is not None
            and (not _swings_far(context, train) or _smooth(context, evals))
        )
    )
    # A policy-gradient run's reward is a per-batch sample of returns, noisy by nature: its
    # problems show as a lasting fall (diverged, stuck), not as swings.
    sampled_reward = context.judged_by_reward
    if train is not None and train.count >= minimum and not (batch_noise_only or sampled_reward):
        curves.append(train)
    return curves


def _eval_fell_calmly(context: RunContext) -> bool:
    """The eval loss fell clearly, without spikes or swings of its own (it is judged first):
    a training loss's spikes beside it are batches, not the model (a ViT fine-tune's per-step
    loss spikes on small batches while its eval loss falls to a tenth)."""
    return context.eval is not None and _fell_clearly(context, context.eval)


def _fell_clearly(context: RunContext, curve: Curve) -> bool:
    """An eval curve with enough points that fell by more than a stuck one dips."""
    if curve.count < context.settings.min_eval_points:
        return False
    return curve.start() - curve.final() > context.settings.stuck_max_dip_of_start * scale_of(curve)


def _smooth(context: RunContext, evals: Curve) -> bool:
    """An eval loss of many points whose point-to-point noise is a small share of its level:
    it averages the whole eval set, so while it turns up this calmly, a training loss's wide
    swings beside it are per-batch noise of a model memorising, not a model thrown about."""
    settings = context.settings
    return (
        evals.count >= settings.unstable_smooth_eval_min_points
        and evals.noise <= settings.unstable_smooth_eval_noise * abs(evals.final())
    )


def _swings_far(context: RunContext, train: Curve | None) -> bool:
    """The training loss swings by a large share of its start: not a memorising run's spikes."""
    if train is None or train.count < context.settings.unstable_min_points:
        return False
    return second_half_swing(train)[2] >= context.settings.unstable_batch_noise_of_start


def improved_steadily(context: RunContext, curve: Curve) -> bool:
    """The curve fell clearly and ended near its best."""
    rise = curve.eval_turn().rise_relative
    return _fell_clearly(context, curve) and rise < context.settings.overfit_min_rise


def lasting_trend(context: RunContext, curve: Curve, swing: float) -> float | None:
    """The second half's straight-line change when it lasts (large and clear), else None."""
    settings = context.settings
    return second_half_trend(
        curve, swing, settings.unstable_trend_of_spread, settings.unstable_trend_significance
    )


def _erratic(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    swing, level, of_start = second_half_swing(curve)
    of_level = swing / abs(level) if level != 0 else float("inf")
    wild = (
        of_level >= settings.unstable_wild_of_level and of_start >= settings.unstable_wild_of_start
    )
    # An eval loss averages the whole eval set and does not memorise its way to zero: swings
    # this large against its level are the model's, however high it started — unless it did
    # reach ~zero (a solved task: eval accuracy 1.0), where any wobble is a large share.
    eval_wild = (
        curve is context.eval
        and of_level >= settings.unstable_eval_spread_of_level
        and abs(level) >= MEANINGFUL_FINAL_OF_SCALE * scale_of(curve)
    )
    # A training loss logged per step swings with its batches: around a level it learned
    # (under a tenth of its start), that is noise, not a model thrown about.
    of_start_floor = (
        settings.unstable_train_spread_of_start
        if curve is context.train
        else settings.unstable_spread_of_start
    )
    if of_level < settings.unstable_spread_of_level or (
        of_start < of_start_floor and not eval_wild
    ):
        return None
    trend = lasting_trend(context, curve, swing)
    # A lasting fall excuses the swings (still learning); so does an eval loss's rise (the
    # overfitting rule judges it). A training loss drifting up inside its swings does not: that
    # is erratic training losing ground, short of a divergence (see diverged._swings_wide).
    drifting_up = trend is not None and trend > 0 and curve is context.train
    if trend is not None and not wild and not drifting_up:
        return None
    message = (
        f"{curve.name} swings ±{number(swing)} in the second half — {percent(of_level)} of its "
        f"second-half level {number(curve.logged(level))} and {percent(of_start)} of its start "
        f"level {number(curve.logged(curve.start()))} — {_trend_words(trend)}."
    )
    confidence = min(
        margin_confidence(of_level, settings.unstable_spread_of_level),
        margin_confidence(of_start, settings.unstable_spread_of_start),
    )
    return Finding(
        CODE,
        Severity.WARNING,
        confidence,
        message,
        advice.UNSTABLE,
        {
            "cause": "erratic",
            "swing": swing,
            "second_half_level": curve.logged(level),
            "start_level": curve.logged(curve.start()),
            "swing_of_level": of_level,
            "swing_of_start": of_start,
        },
        series=curve.name,
    )


def _trend_words(trend: float | None) -> str:
    if trend is None:
        return "with no lasting trend"
    direction = "falling" if trend < 0 else "rising"
    return f"swings this large are erratic even along its {direction} trend"


def _repeated_spikes(context: RunContext, curve: Curve) -> Finding | None:
    series = context.eval_series if curve is context.eval else context.train_series
    if series is None:
        return None
    spikes = large_spikes(context, series, curve)
    if len(spikes) < context.settings.unstable_min_spikes:
        return None
    typical = float(np.median([spike.value - spike.baseline for spike in spikes]))
    if typical < context.settings.unstable_spike_min_of_start * scale_of(curve):
        return None
    if lasting_trend(context, curve, typical) is not None:
        return None
    if _spikes_settled(curve, spikes[-1].step):
        return None
    where = ", ".join(context.where(spike.step) for spike in spikes[:3])
    more = ", …" if len(spikes) > 3 else ""
    message = (
        f"{curve.name} spiked {len(spikes)} times ({where}{more}; typical jump "
        f"{number(typical)}, {percent(typical / scale_of(curve))} of its start level) with no "
        "lasting trend in the second half."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        margin_confidence(len(spikes), context.settings.unstable_min_spikes),
        message,
        advice.UNSTABLE,
        {
            "cause": "repeated_spikes",
            "spikes": len(spikes),
            "typical_jump": typical,
            "jump_of_start": typical / scale_of(curve),
            "first_spike_step": spikes[0].step,
        },
        series=curve.name,
    )


# Spikes that stopped within this share of the steps, the curve's trend then reaching its
# lowest within the last tenth: an unstable phase the run came through.
SPIKES_STOPPED_BY = 2 / 3
LOWEST_IN_LAST = 0.1


def _spikes_settled(curve: Curve, last_spike_step: int) -> bool:
    """The spikes stopped by :data:`SPIKES_STOPPED_BY` of the run and the curve then fell to
    its lowest at the end (a one-cycle schedule's peak learning rate shakes the eval loss
    mid-run; as the rate anneals it falls steadily to its best): the run came through."""
    if curve.share_of_steps(last_spike_step) > SPIKES_STOPPED_BY:
        return False
    lowest_step = int(curve.steps[int(np.argmin(curve.trend()))])
    return curve.share_of_steps(lowest_step) >= 1.0 - LOWEST_IN_LAST


def _rebound(context: RunContext, curve: Curve | None) -> Finding | None:
    if curve is None or context.judged_by_reward:
        return None
    rebound = find_rebound(curve, context.settings)
    if rebound is None:
        return None
    message = (
        f"{curve.name}'s trend climbed from its low {number(curve.logged(rebound.low))} near "
        f"{context.where(rebound.low_step)} to {number(curve.logged(rebound.peak))} near "
        f"{context.where(rebound.peak_step)} — {times(rebound.peak / rebound.low)} its low, "
        f"undoing {percent(rebound.fall_given_back)} of its fall — then came back to final "
        f"level {number(curve.logged(rebound.final))}: a blow-up the run survived."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        margin_confidence(rebound.rise_of_low, context.settings.rebound_rise_of_low),
        message,
        advice.UNSTABLE,
        {
            "cause": "rebound",
            "trend_low": curve.logged(rebound.low),
            "trend_low_step": rebound.low_step,
            "trend_peak": curve.logged(rebound.peak),
            "trend_peak_step": rebound.peak_step,
            "peak_of_low": rebound.peak / rebound.low,
            "fall_given_back": rebound.fall_given_back,
            "final_level": curve.logged(rebound.final),
        },
        series=curve.name,
    )
