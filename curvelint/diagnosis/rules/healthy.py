"""healthy: the loss fell, flattened, and train and eval ended close — what is left when no
problem holds. Its confidence says how far the run stayed from the problem thresholds: the
training loss's fall from underfitting's, its late gain from not converged's, and an eval loss
that rose after its best (by one of overfitting's two margins) from the margin it missed."""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import Curve, margin_confidence, scale_of
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.rules.late_fall import late_gain_share
from curvelint.diagnosis.rules.not_converged import late_change_words
from curvelint.diagnosis.rules.overfitting import (
    eval_turned_up,
    judged_eval,
    noise_units_needed,
    rise_needed,
)
from curvelint.diagnosis.rules.selection import excused_by_selection
from curvelint.diagnosis.wording import number, percent, signed_percent

CODE = Verdict.HEALTHY.value
EARLY_HIGH_OF_START = 1.2  # a trend this far above its start level early on...
EARLY_SHARE = 0.5  # ...within this share of the run


def check_healthy(context: RunContext) -> Finding | None:
    """Always a finding when the run has a training curve: the fallback verdict."""
    curve = context.train
    if curve is None:
        return None
    settings = context.settings
    start, final = curve.start(), curve.final()
    fall = (start - final) / scale_of(curve)
    late = late_gain_share(context, curve)
    quoted, yardstick, key = late_change_words(context, curve)
    moved = -quoted * curve.sign  # as logged: a loss that still falls moves down, a reward up
    evidence: dict[str, EvidenceValue] = {
        "start_level": curve.logged(start),
        "final_level": curve.logged(final),
        "fall_of_start": fall,
        key.replace("late_gain", "late_change"): moved,
        "late_share": settings.late_share,
    }
    verb = "fell" if curve.sign > 0 else "rose"  # a reward or score rises as the loss falls
    by = f" {percent(fall)}" if curve.logged(start) != 0 else ""  # no share of a zero start
    origin = f"start level {number(curve.logged(start))}"
    climbed = _early_high(curve, start)
    if climbed is not None:
        index, high = climbed
        fall = (high - final) / abs(high)
        evidence["trend_high"] = curve.logged(high)
        evidence["fall_of_trend_high"] = fall
        by = f" {percent(fall)}"
        where = context.where(int(curve.steps[index]))
        origin = f"its trend's high {number(curve.logged(high))} near {where}"
    message = (
        f"{curve.name} {verb}{by} from {origin} to "
        f"final level {number(curve.logged(final))}, and moved {signed_percent(moved)} of its "
        f"{yardstick} over the last {percent(settings.late_share)} of the steps"
        f"{_eval_note(context, final, evidence)}."
    )
    confidence = min(
        margin_confidence(1.0 - fall, settings.underfit_min_level_of_reference),
        margin_confidence(max(late, 0.0), settings.not_converged_min_late_gain),
        _turn_margin(context),
    )
    return Finding(
        CODE,
        Severity.INFO,
        confidence,
        message,
        advice.HEALTHY,
        evidence,
        series=curve.name,
    )


def _turn_margin(context: RunContext) -> float:
    """How far the eval curve stayed from an overfitting turn: when it rose after its best for
    the evaluations the overfitting rule asks and by one of its two margins (the share of the
    best, the noise units), the margin by which it missed the other; else 1."""
    curve, settings = judged_eval(context), context.settings
    if curve is None:
        return 1.0
    turn = curve.eval_turn()
    if turn.points_after < settings.overfit_min_points_after:
        return 1.0
    rise, units = rise_needed(settings, turn), noise_units_needed(settings, turn)
    if turn.rise_relative >= rise and turn.rise_noise_units < units:
        return margin_confidence(turn.rise_noise_units, units)
    if turn.rise_noise_units >= units and 0 < turn.rise_relative < rise:
        return margin_confidence(turn.rise_relative, rise)
    return 1.0


def _early_high(curve: Curve, start: float) -> tuple[int, float] | None:
    """Where the trend peaked, when it climbed a fifth above a positive start in the first half
    of the run before falling (a first logged average far below the next ones): the fall is
    then measured from there, not from a start the curve never came back near."""
    trend = curve.trend()
    index = int(np.argmax(trend))
    high = float(trend[index])
    early = curve.share_of_steps(int(curve.steps[index])) <= EARLY_SHARE
    if start <= 0 or high < EARLY_HIGH_OF_START * start or not early:
        return None
    return index, high


def _eval_note(context: RunContext, train_final: float, evidence: dict[str, EvidenceValue]) -> str:
    evals = context.eval
    if evals is None:
        return ""
    eval_final = evals.final()
    evidence["eval_final_level"] = evals.logged(eval_final)
    note = f"; {evals.name}'s final level is {number(evals.logged(eval_final))}"
    if train_final == 0:
        return note
    gap = (eval_final - train_final) / abs(train_final)
    evidence["eval_gap_of_train"] = gap
    side = "above" if gap >= 0 else "below"
    return f"{note}, {percent(abs(gap))} {side} the training loss's" + _selection_note(
        context, evidence
    )


def _selection_note(context: RunContext, evidence: dict[str, EvidenceValue]) -> str:
    """Why a turned-up eval loss is not overfitting here: the run's own selection disagrees."""
    metric = context.eval_metric
    if metric is None or not (excused_by_selection(context) and eval_turned_up(context)):
        return ""
    best = metric.logged(metric.best()[1])
    evidence["selection_metric_best"] = best
    return (
        f", but {metric.name}, the metric the Trainer keeps its best checkpoint by, is at its "
        f"best {number(best)} at the last evaluation"
    )
