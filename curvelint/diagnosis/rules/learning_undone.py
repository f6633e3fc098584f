"""Learning undone: the eval curve turned worse than its best, by the margin overfitting
needs, while the training loss made no progress — so the model is not memorising its training
set (that would lower the training loss); its updates undo what it had learned. The cause is
a learning rate too high for steady progress, often hidden in a training loss averaged over
the logging interval (issue 13's erratic training logged as averages).

Judged after diverged (an eval loss that blew up) and stuck. On the labelled and public runs it
holds only for diverged and unstable ones.
"""

from __future__ import annotations

from curvelint.analysis.levels import margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.overfitting import clear_turn, judged_eval, train_fall
from curvelint.diagnosis.wording import number, signed_percent

CODE = Verdict.UNSTABLE.value


def check_learning_undone(context: RunContext) -> Finding | None:
    """The judged eval curve turned clearly worse while the training loss did not fall."""
    curve, train = judged_eval(context), context.train
    if curve is None or train is None or context.judged_by_reward:
        return None
    settings = context.settings
    if not clear_turn(context, curve):
        return None
    turn = curve.eval_turn()
    fall = train_fall(train, turn.best_step)
    if fall >= settings.overfit_min_train_fall:
        return None  # the training loss kept falling: overfitting
    best_index, best = curve.best()
    best_step = int(curve.steps[best_index])
    final = curve.final()
    rise = (final - best) / abs(best) if best else turn.rise_relative
    extreme = "highest" if curve.sign < 0 else "lowest"
    train_at_turn = train.at_step(turn.best_step)
    message = (
        f"{curve.name} {extreme} {number(curve.logged(best))} at {context.where(best_step)}, "
        f"then {signed_percent(rise)} to final level {number(curve.logged(final))} "
        f"({turn.points_after} evaluations after the turn) while {train.name} did not fall "
        f"(trend {number(train.logged(train_at_turn))} at the turn, final level "
        f"{number(train.logged(train.final()))}): the updates undid what the model had "
        "learned, which memorising the training set would not do."
    )
    confidence = min(
        margin_confidence(turn.rise_relative, settings.overfit_min_rise),
        margin_confidence(turn.rise_noise_units, settings.overfit_min_rise_noise_units),
    )
    return Finding(
        CODE,
        Severity.WARNING,
        confidence,
        message,
        advice.UNSTABLE,
        {
            "cause": "learning_undone",
            "best_value": curve.logged(best),
            "best_step": best_step,
            "final_level": curve.logged(final),
            "rise_of_best": rise,
            "rise_noise_units": turn.rise_noise_units,
            "points_after": turn.points_after,
            "train_trend_at_turn": train.logged(train_at_turn),
            "train_final_level": train.logged(train.final()),
            "train_fall": fall,
        },
        series=curve.name,
    )
