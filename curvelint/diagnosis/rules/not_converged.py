"""not_converged: still clearly improving at the end — more training would pay.

"Clearly" means both practically and statistically. The curve must end clearly below its
earlier best (not merely recover from a bump), and a straight line through the last fifth of
the steps must fall by a visible share of the final level, or of the whole fall so far (a
loss falling in a straight line from start to end), but not by a negligible share of that
fall (a loss creeping towards zero after a long fall: memorising, or a solved task — unless the
run stopped short of its plan); and by more than twice its standard error.
While the learning rate is still at half its peak or more (constant, or a decay with most of
its way to go), a late fall of 1 % of the final level counts when clear — unless the eval loss
sits below the training loss (dropout), whose late drift is the regularised model settling.
The eval loss, when logged, must be improving too: a training loss that still falls while
eval has flattened gains nothing. Beside an improving eval loss, the training loss must fall
too — by its late line, or by its per-epoch means when Lightning logged them beside a per-step
loss whose batch noise tilts the line. A run its Trainer stopped short of ``max_steps`` (an
early checkpoint, a job that hit its time limit) is also still improving when its last
evaluation is its best yet: a few evaluations of an early checkpoint
cannot pass the line's significance test, but the steps still planned were paying when it
stopped.

A short or noisy curve may still fall plainly while a line through its last fifth (four
points of a 20-epoch run) cannot clear its error: then the means of its thirds judge. It is
still improving when its last third's mean is at least 5 % below the middle third's, by twice
the error of that difference, and by at least 0.4 of the fall into the middle third. A fall
slowing no faster than that has, extrapolated geometrically, at least 3 % of the level still to
give (the visible share the line asks); a curve levelling off into its plateau (an Adam run
whose schedule decayed) slows far faster. A run its Trainer stopped short of ``max_steps``
needs no such pace, as with the line: its steps were still to be taken, so a clear fall
counts. The last third must still fall within itself too: its second half's mean below its
first half's by at least 0.15 of the fall into it — half what a smooth curve slowing at that
limit shows — so a sharp drop that ended in the middle third, then flat, is not read as still
falling. And an eval curve of a dozen points or fewer whose last three evaluations were each a
new low, by 3 % of its level and a tenth of its fall together, was still paying (see
:mod:`new_lows`).
"""

from __future__ import annotations

import math

import numpy as np

from curvelint.analysis.levels import Curve, LateTrend, late_trend, margin_confidence, scale_of
from curvelint.analysis.results import SeriesAnalysis
from curvelint.analysis.thirds import ThirdsFall, thirds_fall
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.plan import cut_short, stopped_short
from curvelint.diagnosis.rules.late_fall import (
    VISIBLE_AT_FULL_RATE,
    late_gain_of_fall,
    late_gain_share,
    why_visible,
)
from curvelint.diagnosis.rules.new_lows import new_lows_to_the_end
from curvelint.diagnosis.rules.warm_up import ended_in_warm_up
from curvelint.diagnosis.wording import number, percent, times

CODE = Verdict.NOT_CONVERGED.value


# A final level nearer zero than this share of the curve's scale is no yardstick: a change
# "of its final level" would read as hundreds of percent; the late change is then given as a
# share of the start level (or of the curve's range when it starts at or below zero).
MEANINGFUL_FINAL_OF_SCALE = 0.05


def late_change_yardstick(curve: Curve) -> tuple[float, str]:
    """The level a late change is quoted against, and its name: the final level, unless it is
    near zero or of the other sign than the start (then the start level, or the range)."""
    final, scale = curve.final(), scale_of(curve)
    same_side = final * curve.start() > 0
    if same_side and abs(final) >= MEANINGFUL_FINAL_OF_SCALE * scale:
        return abs(final), "final level"
    return scale, "start level" if curve.start() > 0 else "range"


def late_change_words(context: RunContext, curve: Curve) -> tuple[float, str, str]:
    """The late line's gain as a share of :func:`late_change_yardstick`, the yardstick's name
    and its evidence key (``late_gain_of_final``, ``late_gain_of_start``…)."""
    level, name = late_change_yardstick(curve)
    gain = late_trend(curve, context.settings.late_share).gain
    return gain / level, name, "late_gain_of_" + name.split()[0]


def still_improving(context: RunContext, curve: Curve) -> bool:
    """The curve still improves clearly over the last steps (see the module docstring)."""
    return _line_still_falls(context, curve) or falling_by_thirds(context, curve) is not None


def falling_by_thirds(context: RunContext, curve: Curve) -> ThirdsFall | None:
    """The thirds' falls when its last third still fell clearly (see the module docstring)."""
    settings = context.settings
    fall = thirds_fall(curve)
    if fall is None or fall.middle_fall <= 0 or fall.middle_mean == 0:
        return None
    clear = (
        fall.last_fall >= settings.not_converged_last_third_min_fall * abs(fall.middle_mean)
        and (
            fall.slowing >= settings.not_converged_last_third_min_of_middle
            or cut_short(context.metadata)  # the plan had more to do: a slowing fall counts
        )
        and fall.last_fall > settings.not_converged_noise_units * fall.error
        and fall.within_last_fall >= settings.not_converged_last_third_min_within * fall.last_fall
    )
    return fall if clear else None


def _line_still_falls(context: RunContext, curve: Curve) -> bool:
    """A line through the last steps falls clearly, to new lows (see the module docstring)."""
    settings = context.settings
    late = late_trend(curve, settings.late_share)
    final = curve.final()
    margin = settings.not_converged_noise_units * curve.difference_noise(
        curve.final_count(), curve.trend_window()
    )
    if final >= _best_before_late(curve, late.points) - margin:
        return False  # recovering from a bump, not clearly reaching new lows
    of_fall = late_gain_of_fall(curve, late)
    return (
        why_visible(context, curve) is not None
        and (of_fall >= settings.not_converged_min_late_gain_of_fall or not _may_memorise(context))
        and late.gain > settings.not_converged_noise_units * late.error
    )


def _may_memorise(context: RunContext) -> bool:
    """A loss creeping towards zero after a long fall is memorising (or, for an eval loss, a
    solved task), not converging — unless the run stopped short of its plan: then its steps
    were still to be taken."""
    return not cut_short(context.metadata)


def _best_before_late(curve: Curve, late_points: int) -> float:
    """The trend's lowest level before the late window (inf when there is nothing before)."""
    before = curve.trend()[: curve.count - late_points]
    return float(np.min(before)) if len(before) else float("inf")


def check_not_converged(context: RunContext) -> Finding | None:
    """Still improving clearly at the end: the eval loss when logged (with the training loss
    falling too), else the training loss."""
    curve, series = context.train, context.train_series
    if curve is None or series is None or context.schedule_over:
        return None  # a learning rate decayed to ~0: more steps would gain nothing
    if (warming := ended_in_warm_up(context, curve)) is not None:
        return warming
    evals = context.eval
    if evals is not None and evals.count >= context.settings.min_eval_points:
        if _training_falls(context, curve) and still_improving(context, evals):
            judged = evals
        elif cut_short_at_its_best(context, curve, evals):
            return _cut_short_finding(context, evals)
        else:
            return new_lows_to_the_end(context, curve, evals)
    elif still_improving(context, curve):
        judged = curve
    elif (means := _improving_means(context)) is not None:
        judged = means
    else:
        return None
    if not _line_still_falls(context, judged) and (thirds := falling_by_thirds(context, judged)):
        return _thirds_finding(context, judged, series, thirds)
    late = late_trend(judged, context.settings.late_share)
    share = late_gain_share(context, judged)
    quoted, yardstick, key = late_change_words(context, judged)
    evidence: dict[str, EvidenceValue] = {
        "late_gain": late.gain,
        # the share of the final level is the quoted one when the final level is the yardstick
        **({} if key == "late_gain_of_final" else {"late_gain_share": share}),
        key: quoted,
        "late_share": context.settings.late_share,
        "late_gain_errors": late.gain / late.error if 0 < late.error < np.inf else None,
        "final_level": judged.logged(judged.final()),
        "start_level": judged.logged(judged.start()),
    }
    message = (
        f"{judged.name} still falling at the end: its fitted line fell {number(late.gain)} over "
        f"the last {percent(context.settings.late_share)} of the steps ({percent(quoted)} of its "
        f"{_yardstick_text(judged, yardstick)}{_noise_note(late)})"
        f"{_rate_note(context, judged, evidence)}"
        f"{_projection(context, series, evidence)}{_plan_note(context, evidence)}."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        margin_confidence(late.gain / late.error if late.error > 0 else 10.0, 2.0),
        message,
        advice.NOT_CONVERGED,
        evidence,
        series=judged.name,
    )


def _thirds_finding(
    context: RunContext, judged: Curve, series: SeriesAnalysis, fall: ThirdsFall
) -> Finding:
    """Still falling by the thirds' means: how far the last third fell, against its error and
    the middle third's fall."""
    share = fall.last_fall / abs(fall.middle_mean)
    errors = fall.last_fall / fall.error if fall.error > 0 else None
    evidence: dict[str, EvidenceValue] = {
        "middle_third_mean": judged.logged(fall.middle_mean),
        "last_third_mean": judged.logged(fall.last_mean),
        "last_third_below_middle": share,
        "last_third_fall_errors": errors,
        "last_third_fall_of_middle": fall.slowing if math.isfinite(fall.slowing) else None,
        "final_level": judged.logged(judged.final()),
        "start_level": judged.logged(judged.start()),
    }
    noise = f", {times(errors)} its standard error" if errors is not None else ""
    better = "below" if judged.sign > 0 else "above"  # a reward or score improves upwards
    levelling = (
        "so it was not levelling off"
        if fall.slowing >= context.settings.not_converged_last_third_min_of_middle
        else "slowing, but still falling when the run was cut short"
    )
    message = (
        f"{judged.name} still falling at the end: its last third's mean "
        f"{number(judged.logged(fall.last_mean))} is {percent(share)} {better} its middle "
        f"third's {number(judged.logged(fall.middle_mean))}{noise} — "
        f"{percent(fall.slowing)} of the fall into the middle third, {levelling}"
        f"{_projection(context, series, evidence)}{_plan_note(context, evidence)}."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        margin_confidence(errors if errors is not None else 10.0, 2.0),
        message,
        advice.NOT_CONVERGED,
        evidence,
        series=judged.name,
    )


def _training_falls(context: RunContext, curve: Curve) -> bool:
    """The training loss's late line falls, or (for a noisy per-step loss that Lightning also
    logged as per-epoch means) its epoch means' late line does."""
    late_share = context.settings.late_share
    means = _epoch_means(context)
    return late_trend(curve, late_share).gain > 0 or (
        means is not None and late_trend(means, late_share).gain > 0
    )


def _improving_means(context: RunContext) -> Curve | None:
    """The per-epoch means of a noisy per-step training loss, when they still improve
    clearly."""
    means = _epoch_means(context)
    return means if means is not None and still_improving(context, means) else None


def _epoch_means(context: RunContext) -> Curve | None:
    """Lightning's per-epoch means of the training loss, when there are enough to judge."""
    means = context.train_epoch_means
    return means if means is not None and means.count >= context.settings.min_loss_points else None


def cut_short_at_its_best(context: RunContext, train: Curve, evals: Curve) -> bool:
    """Stopped short of its plan with its last evaluation strictly the best so far (a line
    through a few evaluations says less: one spike tilts it), the training loss not clearly
    rising."""
    if not cut_short(context.metadata):
        return False
    settings = context.settings
    train_late = late_trend(train, settings.late_share)
    return (
        bool(evals.values[-1] < np.min(evals.values[:-1]))
        and train_late.gain >= -settings.not_converged_noise_units * train_late.error
    )


def _cut_short_finding(context: RunContext, evals: Curve) -> Finding:
    """A run cut short while still reaching new lows (see the module docstring). Were the eval
    curve flat, its last evaluation would be its best one time in ``count``: the confidence."""
    last, before = float(evals.values[-1]), float(np.min(evals.values[:-1]))
    drop = (before - last) / abs(before) if before else 0.0
    stopped, plan = stopped_short(context.metadata) or ("the run stopped", {})
    message = (
        f"{stopped}, still improving: {evals.name}'s last evaluation was its best, "
        f"{number(evals.logged(last))} at {context.where(int(evals.steps[-1]))}, "
        f"{percent(drop)} below its best before ({number(evals.logged(before))})."
    )
    evidence: dict[str, EvidenceValue] = {
        **plan,
        "eval_points": evals.count,
        "eval_last": evals.logged(last),
        "eval_best_before": evals.logged(before),
        "eval_drop_of_best_before": drop,
    }
    confidence = round(min(0.9, max(0.5, 1.0 - 1.0 / evals.count)), 2)
    return Finding(
        CODE,
        Severity.WARNING,
        confidence,
        message,
        advice.NOT_CONVERGED,
        evidence,
        series=evals.name,
    )


def _rate_note(context: RunContext, judged: Curve, evidence: dict[str, EvidenceValue]) -> str:
    """``; its learning rate ended at 59 % of its peak: the run was not winding down`` when
    that is why a late fall under the usual share counts."""
    ratio = context.rate_final_of_peak
    if ratio is None or why_visible(context, judged) != VISIBLE_AT_FULL_RATE:
        return ""
    evidence["lr_final_of_peak"] = ratio
    rate = percent(ratio)
    return f"; its learning rate ended at {rate} of its peak: the run was not winding down"


def _plan_note(context: RunContext, evidence: dict[str, EvidenceValue]) -> str:
    """``; the run stopped at step 60 of the 684 its Trainer planned (8.8 %)`` when it did."""
    stopped = stopped_short(context.metadata)
    if stopped is None:
        return ""
    evidence |= stopped[1]
    return f"; {stopped[0]}"


def _yardstick_text(curve: Curve, name: str) -> str:
    """``final level 0.972``, ``start level 2.3``, or ``range`` (no single logged value)."""
    if name == "final level":
        return f"final level {number(curve.logged(curve.final()))}"
    if name == "start level":
        return f"start level {number(curve.logged(curve.start()))}"
    return name


def _noise_note(late: LateTrend) -> str:
    if late.error <= 0 or not np.isfinite(late.error):
        return ""
    return f", {times(late.gain / late.error)} its standard error"


def _projection(
    context: RunContext, series: SeriesAnalysis, evidence: dict[str, EvidenceValue]
) -> str:
    trend, curve = series.trend, context.train
    if trend is None or curve is None or not _plausible(series, trend.projection):
        return ""
    if curve.sign * trend.projection >= curve.final():
        return ""  # a fit that projects no gain contradicts "still improving": not quoted
    interval = trend.projection_interval
    evidence["projection"] = trend.projection
    evidence["projection_step"] = trend.projection_step
    bounds = ""
    if interval is not None:
        evidence["projection_low"], evidence["projection_high"] = interval.low, interval.high
        bounds = f" ({number(interval.low)}–{number(interval.high)})"
    return (
        f"; {context.judged_loss_words}'s fitted {trend.model.replace('_', ' ')} curve projects "
        f"{number(trend.projection)}{bounds} at {context.where(trend.projection_step)}"
    )


def _plausible(series: SeriesAnalysis, projection: float) -> bool:
    """A projection on the side of zero the curve always kept (a loss never logged below zero
    is not projected below it)."""
    finite = series.values[np.isfinite(series.values)]
    if len(finite) == 0:
        return False
    if np.all(finite >= 0):
        return projection >= 0
    if np.all(finite <= 0):
        return projection <= 0
    return True
