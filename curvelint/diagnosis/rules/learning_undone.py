"""Learning undone: the eval curve turned worse than its best, by the margin overfitting
needs, while the training loss made no progress — so the model is not memorising its training
set (that would lower the training loss); its updates undo what it had learned. The cause is
a learning rate too high for steady progress, often hidden in a training loss averaged over
the logging interval (issue 13's erratic training logged as averages).

Judged after diverged (an eval loss that blew up) and stuck. On the labelled and public runs it
holds only for diverged and unstable ones.
"""

from __future__ import annotations

from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.overfitting import (
    TurnReading,
    clear_turn,
    judged_eval,
    kept_falling,
)
from curvelint.diagnosis.wording import number, percent

CODE = Verdict.UNSTABLE.value


def check_learning_undone(context: RunContext) -> Finding | None:
    """The judged eval curve turned clearly worse while the training loss did not fall."""
    curve, train = judged_eval(context), context.train
    if curve is None or train is None or context.judged_by_reward:
        return None
    if not clear_turn(context, curve):
        return None
    reading = TurnReading.of(curve, train)
    if kept_falling(context, train, reading.turn.best_step):
        return None  # the training loss kept falling: overfitting
    turn = reading.turn
    moved = (
        f"fell only {percent(reading.train_fall)}, within its own scatter"
        if reading.train_fall >= context.settings.overfit_min_train_fall
        else "did not fall"
    )
    message = (
        f"{reading.opening(context, curve)} while {train.name} {moved} (trend "
        f"{number(train.logged(reading.train_at_turn))} at the turn, "
        f"{reading.train_level_words(train)}): the updates undid what the model had learned, "
        "which memorising the training set would not do."
    )
    return Finding(
        CODE,
        Severity.WARNING,
        reading.rise_confidence(context.settings),
        message,
        advice.UNSTABLE,
        {
            "cause": "learning_undone",
            "best_value": curve.logged(reading.best),
            "best_step": reading.best_step,
            "final_level": curve.logged(reading.final),
            "rise_of_best": reading.rise,
            "rise_noise_units": turn.rise_noise_units,
            "points_after": turn.points_after,
            "train_trend_at_turn": train.logged(reading.train_at_turn),
            **reading.train_level_evidence(train),
            "train_fall": reading.train_fall,
        },
        series=curve.name,
    )
