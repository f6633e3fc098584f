"""overfitting: the eval loss turned up (or the eval metric down) while the training loss kept
falling — the model memorises the training set instead of learning what generalises.

The best eval point is taken on the running-median trend so that one lucky evaluation does
not set the bar; the rise must be large against the best value, beyond the eval noise, and
last several evaluations, and the training loss must have fallen after the turn (a rise of
both is divergence or instability, not overfitting). A Trainer run that kept its last
evaluation as best by its task metric is not overfitting by the loss (see :mod:`selection`).
"""

from __future__ import annotations

from curvelint.analysis.levels import Curve, margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.selection import selected_at_the_end
from curvelint.diagnosis.wording import number, percent, signed_percent

CODE = Verdict.OVERFITTING.value


def judged_eval(context: RunContext) -> Curve | None:
    """The eval loss if it has enough points, else the main eval metric, else None."""
    minimum = context.settings.min_eval_points
    for curve in (context.eval, context.eval_metric):
        if curve is not None and curve.count >= minimum:
            return curve
    return None


def eval_turned_up(context: RunContext) -> bool:
    """The judged eval curve turned worse than its best by a clear margin, for several
    evaluations, while the training loss kept falling."""
    curve, train = judged_eval(context), context.train
    if curve is None or train is None or not clear_turn(context, curve):
        return False
    return train_fall(train, curve.eval_turn().best_step) >= context.settings.overfit_min_train_fall


def clear_turn(context: RunContext, curve: Curve) -> bool:
    """The eval curve ended worse than its best by a clear margin (against the best and the
    noise), for several evaluations and a share of the run."""
    settings = context.settings
    turn = curve.eval_turn()
    return not (
        turn.points_after < settings.overfit_min_points_after
        or 1.0 - curve.share_of_steps(turn.best_step) < settings.overfit_min_share_after
        or turn.rise_relative < settings.overfit_min_rise
        or turn.rise_noise_units < settings.overfit_min_rise_noise_units
    )


def train_fall(train: Curve, step: int) -> float:
    """The training loss's fall from its trend at ``step`` to its final level, a share of
    the former."""
    at_turn = train.at_step(step)
    return (at_turn - train.final()) / abs(at_turn) if at_turn else 0.0


def check_overfitting(context: RunContext) -> Finding | None:
    """Eval worse than its best by a clear margin, for several evaluations, train still falling
    — unless the Trainer kept the last evaluation, best by the task metric (see selection)."""
    curve, train = judged_eval(context), context.train
    if curve is None or train is None or not eval_turned_up(context):
        return None
    if curve is context.eval and selected_at_the_end(context):
        return None
    settings = context.settings
    turn = curve.eval_turn()
    train_at_turn = train.at_step(turn.best_step)
    train_final = train.final()
    fall = train_fall(train, turn.best_step)
    best_index, best = curve.best()  # the logged best, as the user will find it in the log
    best_step = int(curve.steps[best_index])
    # The final level the key-numbers table shows (the turn's own, a median of fewer points,
    # only decides whether the rise is real).
    final = curve.final()
    rise = (final - best) / abs(best) if best else turn.rise_relative
    extreme = "highest" if curve.sign < 0 else "lowest"
    message = (
        f"{curve.name} {extreme} {number(curve.logged(best))} at {context.where(best_step)}, "
        f"then {signed_percent(rise)} to final level {number(curve.logged(final))} "
        f"({turn.points_after} evaluations after the turn) while {train.name} fell "
        f"{percent(fall)} from trend {number(train.logged(train_at_turn))} at the turn to "
        f"final level {number(train.logged(train_final))}."
    )
    confidence = min(
        margin_confidence(turn.rise_relative, settings.overfit_min_rise),
        margin_confidence(turn.rise_noise_units, settings.overfit_min_rise_noise_units),
        margin_confidence(turn.points_after, settings.overfit_min_points_after),
    )
    return Finding(
        CODE,
        Severity.WARNING,
        confidence,
        message,
        advice.OVERFITTING,
        {
            "onset_step": best_step,
            "best_value": curve.logged(best),
            "best_step": best_step,
            "trend_best_step": turn.best_step,
            "final_level": curve.logged(final),
            "rise_of_best": rise,
            "rise_relative": turn.rise_relative,
            "rise_noise_units": turn.rise_noise_units,
            "points_after": turn.points_after,
            "train_trend_at_turn": train.logged(train_at_turn),
            "train_final_level": train.logged(train_final),
            "train_fall": fall,
        },
        series=curve.name,
    )
