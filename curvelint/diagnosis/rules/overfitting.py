"""overfitting: the eval loss turned up (or the eval metric down) while the training loss kept
falling — the model memorises the training set instead of learning what generalises.

The best eval point is taken on the running-median trend so that one lucky evaluation does
not set the bar; the rise must be large against the best value and beyond the eval noise (a
rise held over several evaluations may trade one margin for the other: a very large one needs
less of the noise, one far beyond the noise less of the best), and last several evaluations,
and the training loss must have fallen after the turn, beyond its own noise unless by a clear
share (a rise of both is divergence or instability, not overfitting; an eval turn beside a
training loss that only scattered is learning undone). A Trainer run that kept its last
evaluation as best by its task metric is not overfitting by a modest rise of the loss (see
:mod:`selection`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curvelint.analysis.levels import Curve, EvalTurn, margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.rules.selection import excused_by_selection
from curvelint.diagnosis.settings import RuleSettings
from curvelint.diagnosis.wording import number, percent, signed_percent

CODE = Verdict.OVERFITTING.value


def judged_eval(context: RunContext) -> Curve | None:
    """The eval loss if it has enough points, else the main eval metric, else None (also
    when the eval loss stands in for a training loss the run did not log)."""
    if context.judged_by_eval_alone:
        return None
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
    return kept_falling(context, train, curve.eval_turn().best_step)


def kept_falling(context: RunContext, train: Curve, step: int) -> bool:
    """The training loss fell after ``step`` (the eval turn): by ``overfit_min_train_fall`` of
    its trend there, and — unless by ``overfit_train_fall_clear`` or more, or over too few points
    to measure a scatter by — beyond its noise. A noisy training loss that moved less than its
    own scatter made no progress, so an eval turn beside it is learning undone, not
    memorisation."""
    settings = context.settings
    at_turn = train.at_step(step)
    level, after = level_after(train, step)
    fall = _fall(at_turn, level)
    if fall < settings.overfit_min_train_fall:
        return False
    if fall >= settings.overfit_train_fall_clear:
        return True
    if int(np.count_nonzero(train.steps > step)) < settings.overfit_train_noise_min_points:
        return True  # a few epoch means: their scatter is the curve's own bend, not noise
    noise = train.difference_noise(train.trend_window(), after or train.final_count())
    return at_turn - level >= settings.overfit_train_fall_noise_units * noise


def clear_turn(context: RunContext, curve: Curve) -> bool:
    """The eval curve ended worse than its best by a clear margin (against the best and the
    noise), for several evaluations and a share of the run."""
    settings = context.settings
    turn = curve.eval_turn()
    return not (
        turn.points_after < settings.overfit_min_points_after
        or 1.0 - curve.share_of_steps(turn.best_step) < settings.overfit_min_share_after
        or turn.rise_relative < rise_needed(settings, turn)
        or turn.rise_noise_units < noise_units_needed(settings, turn)
    )


def _held(settings: RuleSettings, turn: EvalTurn) -> bool:
    """The rise lasted the evaluations that let one margin be traded for the other."""
    return turn.points_after >= settings.overfit_large_rise_points_after


def rise_needed(settings: RuleSettings, turn: EvalTurn) -> float:
    """The rise's share of the best: the usual one, or a smaller one for a rise held over
    several evaluations far beyond the noise."""
    if _held(settings, turn) and turn.rise_noise_units >= settings.overfit_clear_rise_noise_units:
        return min(settings.overfit_min_rise, settings.overfit_clear_rise)
    return settings.overfit_min_rise


def noise_units_needed(settings: RuleSettings, turn: EvalTurn) -> float:
    """The rise's margin over the noise: the usual one, or a narrower one for a large rise
    held over several evaluations (the noise of a short curve is itself a rough estimate)."""
    if _held(settings, turn) and turn.rise_relative >= settings.overfit_large_rise:
        return min(settings.overfit_min_rise_noise_units, settings.overfit_large_rise_noise_units)
    return settings.overfit_min_rise_noise_units


def _fall(at_turn: float, level: float) -> float:
    return (at_turn - level) / abs(at_turn) if at_turn else 0.0


def level_after(train: Curve, step: int) -> tuple[float, int]:
    """The training loss's final level, and 0 — or, when fewer points than that median takes
    lie after ``step`` (a turn two epochs before the end of a short log, whose final level
    would include the turn's own point), the median of those after it, and their count."""
    after = train.values[train.steps > step]
    if len(after) == 0 or len(after) >= train.final_count():
        return train.final(), 0
    return float(np.median(after)), len(after)


@dataclass(frozen=True)
class TurnReading:
    """An eval curve's turn as the reader finds it: the logged best and its step, the table's
    final level (the turn's own, a median of fewer points, only decides whether the rise is
    real), the rise between them, and the training loss at the turn and after it."""

    turn: EvalTurn
    best: float
    best_step: int
    final: float
    rise: float
    train_at_turn: float
    train_level: float  # the final level, or the median of the few points after the turn
    train_points_after: int  # how many points that median took (0: the final level)

    @classmethod
    def of(cls, curve: Curve, train: Curve) -> TurnReading:
        turn = curve.eval_turn()
        best_index, best = curve.best()
        final = curve.final()
        train_level, after = level_after(train, turn.best_step)
        return cls(
            turn,
            best,
            int(curve.steps[best_index]),
            final,
            (final - best) / abs(best) if best else turn.rise_relative,
            train.at_step(turn.best_step),
            train_level,
            after,
        )

    @property
    def train_fall(self) -> float:
        """The training loss's fall from the turn, a share of its trend there."""
        return _fall(self.train_at_turn, self.train_level)

    def train_level_words(self, train: Curve) -> str:
        """``final level 0.0399``, or ``0.038 (the median of its 2 points after it)``."""
        level = number(train.logged(self.train_level))
        if not self.train_points_after:
            return f"final level {level}"
        return f"{level} (the median of its {self.train_points_after} points after it)"

    def turn_evidence(self, curve: Curve) -> dict[str, EvidenceValue]:
        """The turn's numbers as the sentence quotes them (the logged best and final level) and
        as the rule judged them (the trend's best step, the rise against the best and noise)."""
        turn = self.turn
        return {
            "onset_step": self.best_step,
            "best_value": curve.logged(self.best),
            "best_step": self.best_step,
            "trend_best_step": turn.best_step,
            "final_level": curve.logged(self.final),
            "rise_of_best": self.rise,
            "rise_relative": turn.rise_relative,
            "rise_noise_units": turn.rise_noise_units,
            "points_after": turn.points_after,
        }

    def train_level_evidence(self, train: Curve) -> dict[str, EvidenceValue]:
        """The training loss's level the fall is measured to, under the key that names it."""
        key = "train_level_after_turn" if self.train_points_after else "train_final_level"
        return {key: train.logged(self.train_level)}

    def opening(self, context: RunContext, curve: Curve) -> str:
        """``loss/eval lowest 0.47 at step 2,000, then +14 % to final level 0.5337 (4
        evaluations after the turn)``."""
        extreme = "highest" if curve.sign < 0 else "lowest"
        # A score that improves upwards got worse by falling: its change is said as a fall.
        change = f"{percent(self.rise)} lower" if curve.sign < 0 else signed_percent(self.rise)
        return (
            f"{curve.name} {extreme} {number(curve.logged(self.best))} at "
            f"{context.where(self.best_step)}, then {change} to final level "
            f"{number(curve.logged(self.final))} ({self.turn.points_after} evaluations after "
            "the turn)"
        )

    def rise_confidence(self, settings: RuleSettings) -> float:
        """How clearly the rise passed overfitting's margins, against the best and the noise."""
        return min(
            margin_confidence(self.turn.rise_relative, rise_needed(settings, self.turn)),
            margin_confidence(self.turn.rise_noise_units, noise_units_needed(settings, self.turn)),
        )


def eval_alone(context: RunContext) -> Curve | None:
    """The eval loss with enough points, when it stands in for a training loss the run did not
    log (see :attr:`RunContext.judged_by_eval_alone`)."""
    curve = context.train
    if not context.judged_by_eval_alone or curve is None:
        return None
    return curve if curve.count >= context.settings.min_eval_points else None


def check_overfitting(context: RunContext) -> Finding | None:
    """Eval worse than its best by a clear margin, for several evaluations, train still falling
    — unless the Trainer kept the last evaluation, best by the task metric (see selection).
    An eval loss judged alone that turned up so is overfitting too, held with less confidence:
    nothing shows the training loss kept falling."""
    alone = eval_alone(context)
    if alone is not None:
        return _eval_alone_turn(context, alone) if clear_turn(context, alone) else None
    curve, train = judged_eval(context), context.train
    if curve is None or train is None or not eval_turned_up(context):
        return None
    if curve is context.eval and excused_by_selection(context):
        return None
    settings = context.settings
    reading = TurnReading.of(curve, train)
    turn = reading.turn
    message = (
        f"{reading.opening(context, curve)} while {train.name} fell "
        f"{percent(reading.train_fall)} from trend {number(train.logged(reading.train_at_turn))} "
        f"at the turn to {reading.train_level_words(train)}."
    )
    confidence = min(
        reading.rise_confidence(settings),
        margin_confidence(turn.points_after, settings.overfit_min_points_after),
    )
    evidence = {
        **reading.turn_evidence(curve),
        "train_trend_at_turn": train.logged(reading.train_at_turn),
        **reading.train_level_evidence(train),
        "train_fall": reading.train_fall,
    }
    return _finding(curve, confidence, message, evidence)


# Without a training loss to show it kept falling, an eval turn is read as overfitting (its
# usual cause; learning undone is the other) with at most this confidence.
EVAL_ALONE_MAX_CONFIDENCE = 0.6


def _eval_alone_turn(context: RunContext, curve: Curve) -> Finding:
    """The turn of an eval loss judged alone: the same margins, a capped confidence."""
    reading = TurnReading.of(curve, curve)
    message = (
        f"{reading.opening(context, curve)}; no training loss was logged to show it kept "
        "falling, but an eval loss that turns up and stays up is what overfitting looks like."
    )
    confidence = min(reading.rise_confidence(context.settings), EVAL_ALONE_MAX_CONFIDENCE)
    return _finding(curve, confidence, message, reading.turn_evidence(curve))


def _finding(
    curve: Curve, confidence: float, message: str, evidence: dict[str, EvidenceValue]
) -> Finding:
    return Finding(
        CODE, Severity.WARNING, confidence, message, advice.OVERFITTING, evidence, series=curve.name
    )
