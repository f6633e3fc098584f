"""stuck: no learning from the start — the loss stays at its initial level all run long.

The course's case: Adam's default learning rate 1e-3 on a transformer keeps the loss at what
a random guess gives (ln C for C classes) while accuracy sits at one class's frequency. Two
shapes show it: the loss never leaves its first level (any loss scale: the test is relative
to the run's own start), or it drops at once onto ln C — the model learned only to predict
uniformly — and stays there for the rest of the run (after a blow-up that lasted a few epochs,
it may take up to half the run to settle there). A classifier whose accuracies never moved
after their first point, its loss a few per cent lower on the class prior's entropy, learned
the class frequencies and nothing more: stuck too. A policy-gradient run is stuck when its
sampled reward never rose beyond the noise of its early and final medians. And a loss that
ended above its start, or no lower than its early median beyond that same noise, with no other
problem named is stuck too (:mod:`never_fell`, tried just before healthy): training made it
no better.
"""

from __future__ import annotations

import math

import numpy as np

from curvelint.analysis.levels import Curve, late_trend, margin_confidence, scale_of
from curvelint.diagnosis.context import Chance, RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding
from curvelint.diagnosis.plan import warm_up_unfinished
from curvelint.diagnosis.rules.frozen import (
    CONSTANT_PREDICTION_SLACK,
    accuracy_ceiling,
    constant_prediction_floor,
)
from curvelint.diagnosis.rules.never_fell import early_and_final, within_noise_words
from curvelint.diagnosis.rules.stuck_finding import stuck_evidence, stuck_finding
from curvelint.diagnosis.wording import number, percent, signed_percent
from curvelint.names import is_loss


def check_stuck(context: RunContext) -> Finding | None:
    """The training loss never left its start, or sat on a random guess's loss after a
    first drop."""
    curve = context.train
    if curve is None:
        return None
    if context.judged_by_reward:
        return _reward_never_rose(context, curve)
    return (
        _never_left_start(context, curve)
        or _collapsed_to_chance(context, curve)
        or _accuracy_at_chance(context, curve)
        or _accuracy_never_moved(context, curve)
    )


def _reward_never_rose(context: RunContext, curve: Curve) -> Finding | None:
    """A policy-gradient run's reward (a per-batch sample of returns, noisy by nature) whose
    final level is no better than its early level beyond the noise of the two medians: the
    policy learned nothing from its reward. Judged on medians, not on the first point, which
    one noisy batch sets."""
    levels = early_and_final(context, curve)
    if levels is None or not levels.within_noise:
        return None
    message, evidence = within_noise_words(context, curve, levels, "reward_never_rose")
    message += "the policy learned nothing from its reward."
    return stuck_finding(curve, message, levels.confidence(), evidence)


def _still_warming_up_and_falling(context: RunContext, curve: Curve) -> bool:
    """The run ended inside its learning-rate warm-up with its loss falling beyond the noise
    at the end: it had barely begun, not stalled (a 50-step fine-tune whose rate was still
    rising at its last step, its loss falling faster and faster)."""
    if not warm_up_unfinished(context.series("learning_rate")):
        return False
    late = late_trend(curve, context.settings.late_share)
    return late.gain > context.settings.not_converged_noise_units * late.error


def _never_left_start(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    start, scale = curve.start(), scale_of(curve)
    final = curve.final()
    fall = (start - final) / scale
    excursion = float(np.max(np.abs(curve.trend() - start))) / scale
    if abs(fall) > settings.stuck_max_fall_of_start or excursion > settings.stuck_max_dip_of_start:
        return None
    if _still_warming_up_and_falling(context, curve):
        return None
    evidence = stuck_evidence(context, curve, "never_left_start", start, final)
    evidence |= {"change_of_start": -fall, "trend_excursion_of_start": excursion}
    message = (
        f"{curve.name} stayed at its initial level: start level {number(curve.logged(start))}, "
        f"final level {number(curve.logged(final))} ({signed_percent(-fall)}) up to "
        f"{context.where(int(curve.steps[-1]))}, its trend never more than {percent(excursion)} "
        f"away from the start{_chance_note(context.chance, final, evidence)}"
        f"{_accuracy_note(context, context.chance, evidence)}."
    )
    confidence = min(
        margin_confidence(abs(fall), settings.stuck_max_fall_of_start),
        margin_confidence(excursion, settings.stuck_max_dip_of_start),
    )
    return stuck_finding(curve, message, confidence, evidence)


def plateau_chance(context: RunContext, level: float) -> Chance | None:
    """The random guess whose loss ``level`` sits on: the given number of classes, or the
    whole C up to the inference limit with ln C within the plateau tolerance (only for a
    classifier — a run that logs an accuracy)."""
    tolerance = context.settings.chance_plateau_tolerance
    if context.num_classes is not None:
        chance = Chance(context.num_classes, inferred=False)
        return chance if abs(level - chance.loss) <= tolerance * chance.loss else None
    if not context.accuracy_series or not 0 < level < math.log(
        context.settings.max_inferred_classes + 1
    ):
        return None
    classes = round(math.exp(level))
    if classes < 2 or abs(level - math.log(classes)) > tolerance * math.log(classes):
        return None
    return Chance(classes, inferred=True)


def _collapsed_to_chance(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    if not is_loss(context.train_series_metric):
        return None
    final = curve.final()
    evals = context.eval
    # The eval loss averages the whole eval set: the truer level when it was logged.
    level = evals.final() if evals is not None else final
    chance = plateau_chance(context, level)
    if chance is not None and _accuracy_beats(context, chance):
        return None  # a loss near ln C beside an accuracy far above 1/C learned something
    if chance is None:
        return None
    first = _settled_from(curve, final, settings.stuck_max_fall_of_start)
    blown_up = curve.start() >= settings.explosion_factor * final
    share = settings.stuck_settle_share_after_blow_up if blown_up else settings.stuck_settle_share
    latest = curve.steps[0] + share * (curve.steps[-1] - curve.steps[0])
    if first is None or curve.steps[first] > latest:
        return None
    drift = float(np.max(np.abs(curve.trend()[first:] - final))) / abs(final)
    settle_step = int(curve.steps[first])
    evidence = stuck_evidence(context, curve, "at_chance", curve.start(), final)
    evidence |= {"settled_step": settle_step, "trend_drift_of_final": drift}
    message = (
        f"{curve.name} dropped from start level {number(curve.logged(curve.start()))} onto "
        f"final level {number(curve.logged(final))} by {context.where(settle_step)} and its "
        f"trend stayed within {percent(drift)} of it to the end"
        f"{_chance_note(chance, final, evidence)}{_accuracy_note(context, chance, evidence)}: "
        "the model only learned to guess uniformly."
    )
    confidence = margin_confidence(drift, settings.stuck_max_fall_of_start)
    return stuck_finding(curve, message, confidence, evidence)


def _settled_from(curve: Curve, final: float, tolerance: float) -> int | None:
    """The first point from which the trend stays within ``tolerance`` of ``final`` to the
    end (a blow-up before it may last a few epochs), None when not even the last does."""
    within = np.abs(curve.trend() - final) <= tolerance * abs(final)
    outside = np.flatnonzero(~within)
    first = int(outside[-1]) + 1 if len(outside) else 0
    return first if first < curve.count else None


def _accuracy_at_chance(context: RunContext, curve: Curve) -> Finding | None:
    """A classifier whose accuracy never got past a random guess's 1/C while its loss sits on
    ln C: stuck, however high the loss started (a learning rate so high that the first steps
    blew the loss up to hundreds, then the model died into a constant prediction)."""
    settings = context.settings
    accuracy, levels = context.chance_accuracy, context.chance_accuracy_levels
    if accuracy is None or levels is None or not is_loss(context.train_series_metric):
        return None
    accuracy_level = levels[0]
    found = _loss_at_chance(context, curve, accuracy_level)
    if found is None:
        return None
    loss_curve, chance = found
    level = loss_curve.final()
    # After a blow-up, only the accuracy once the model died counts (its second half).
    blown_up = curve.start() >= settings.explosion_factor * curve.final()
    since = BLOWN_UP_ACCURACY_FROM if blown_up else 0.0
    best = context.chance_accuracy_best(since)
    if best is None or not context.accuracy_never_beat(chance.classes, since):
        return None
    margin = settings.chance_accuracy_margin
    evidence = stuck_evidence(context, loss_curve, "accuracy_at_chance", loss_curve.start(), level)
    evidence |= {
        "accuracy_final_level": accuracy_level,
        "accuracy_trend_best": best,
        "classes": chance.classes,
        "chance_loss": chance.loss,
        "chance_accuracy": 1 / chance.classes,
    }
    how = "inferred" if chance.inferred else "given"
    when, where = ("", "")
    if since:
        evidence["accuracy_best_from_share"] = since
        when, where = " once the loss had blown up", " over the second half"
    evals = context.eval
    eval_note = ""
    if evals is not None and loss_curve is not evals:
        evidence["eval_final_level"] = evals.logged(evals.final())
        eval_note = (
            f" ({evals.name} never came back from its blow-up: final level "
            f"{number(evals.logged(evals.final()))})"
        )
    message = (
        f"{accuracy.metric}/{accuracy.split} never beat a random guess{when}: its final level "
        f"is {number(accuracy_level)} and its trend's best{where} {number(best)}, beside 1/"
        f"{chance.classes} = {number(1 / chance.classes)} for {chance.classes} classes ({how}), "
        f"while {loss_curve.name}'s final level {number(loss_curve.logged(level))} sits on "
        f"ln {chance.classes} = {number(chance.loss)}{eval_note}: the model predicts no better "
        f"than chance, whatever its start level {number(loss_curve.logged(loss_curve.start()))}."
    )
    distance = abs(accuracy_level - 1 / chance.classes)
    return stuck_finding(loss_curve, message, margin_confidence(distance, margin), evidence)


def _accuracy_never_moved(context: RunContext, curve: Curve) -> Finding | None:
    """A classifier whose every accuracy stayed within a hair of its first value all run long
    while its loss fell only a little and ended no lower than a constant prediction's: the
    model learned the class frequencies (the prior) and nothing of the inputs. A loss that
    settles on the prior's entropy falls a few per cent below ln C, more than the plain
    test allows, and the prior is not the uniform 1/C the chance test looks for."""
    settings = context.settings
    if not is_loss(context.train_series_metric):
        return None
    # The loss's fall first: most runs fell far more than this, and it costs two levels.
    start, final = curve.start(), curve.final()
    fall = (start - final) / scale_of(curve)
    evals = context.eval
    eval_fall = (evals.start() - evals.final()) / scale_of(evals) if evals is not None else 0.0
    limit = settings.stuck_prior_max_fall_of_start
    if max(fall, eval_fall) > limit:
        return None
    bands = _accuracy_bands(context)
    widest = max((band for _, band in bands), default=None)
    if widest is None or widest > settings.stuck_prior_max_accuracy_band:
        return None
    accuracy, levels = context.chance_accuracy, context.chance_accuracy_levels
    if accuracy is None or levels is None:
        return None
    floor = constant_prediction_floor(levels[0])
    loss_level = evals.final() if evals is not None else final
    if loss_level < CONSTANT_PREDICTION_SLACK * floor:
        return None  # below what any constant prediction scores: it learned something
    evidence = stuck_evidence(context, curve, "accuracy_never_moved", start, final)
    evidence |= {
        "change_of_start": -fall,
        "accuracy_final_level": levels[0],
        "accuracy_band": widest,
        "constant_prediction_loss": floor,
    }
    moved = ", ".join(f"{name}'s points after its first span {number(b)}" for name, b in bands)
    message = (
        f"{curve.name} fell only {percent(fall)}, from start level "
        f"{number(curve.logged(start))} to final level {number(curve.logged(final))}, while no "
        f"accuracy moved after its first point ({moved}; "
        f"{accuracy.metric}/{accuracy.split} ends at {number(levels[0])}): the model learned "
        "the class frequencies and nothing of the inputs."
    )
    confidence = margin_confidence(max(fall, eval_fall, 0.0), limit)
    return stuck_finding(curve, message, confidence, evidence)


def _accuracy_bands(context: RunContext) -> list[tuple[str, float]]:
    """Each accuracy's range (highest minus lowest point) after its first point, as a share
    of its ceiling; empty when any accuracy has too few points to tell. The first point is
    left out: logged per epoch, it averages the steps before the model learned the prior."""
    bands = []
    for series in context.accuracy_series:
        curve = series.curve
        if curve is None or curve.count <= context.settings.constant_min_points:
            return []
        values = np.abs(curve.values[1:])
        ceiling = accuracy_ceiling(float(np.max(values)))
        bands.append((curve.name, float(np.ptp(values)) / ceiling))
    return bands


def _accuracy_beats(context: RunContext, chance: Chance) -> bool:
    """The run's accuracy ended clearly above a random guess's 1/C."""
    accuracy = context.chance_accuracy
    if accuracy is None or accuracy.curve is None:
        return False
    level = accuracy.curve.logged(accuracy.curve.final())
    return level > 1 / chance.classes + 2 * context.settings.chance_accuracy_margin


BLOWN_UP_ACCURACY_FROM = 0.5  # the share of the run after which a blown-up run's accuracy counts


def _loss_at_chance(
    context: RunContext, train: Curve, accuracy: float
) -> tuple[Curve, Chance] | None:
    """The loss curve that sits on the random guess the accuracy points to, and that guess:
    the eval loss when logged (it averages the whole eval set) — or the training loss when the
    eval loss never came back from a blow-up, far above that guess's loss."""
    evals = context.eval
    if evals is None:
        chance = _chance_from(context, accuracy, train.final())
        return (train, chance) if chance is not None else None
    chance = _chance_from(context, accuracy, evals.final())
    if chance is not None:
        return evals, chance
    chance = _chance_from(context, accuracy, train.final())
    factor = context.settings.chance_explosion_factor
    if chance is None or evals.final() < factor * chance.loss:
        return None
    return train, chance


def _chance_from(context: RunContext, accuracy: float, loss: float) -> Chance | None:
    """The class count both an accuracy level (1/C) and a loss level (ln C) point to: read
    off the accuracy, else off the loss when the accuracy is within the margin of that 1/C
    (an accuracy a little above chance, 0.15 for 10 classes, reads as 7)."""
    if context.num_classes is not None:
        return _matching_loss(context, context.num_classes, loss, inferred=False)
    if accuracy <= 0:
        return None  # never right at all: no class share (a metric that does not apply)
    if found := _matching_loss(context, round(1 / accuracy), loss):
        return found
    if loss <= 0 or loss > math.log(context.settings.max_inferred_classes + 1):
        return None
    classes = round(math.exp(loss))
    if classes < 2 or accuracy > 1 / classes + context.settings.chance_accuracy_margin:
        return None
    return _matching_loss(context, classes, loss)


def _matching_loss(
    context: RunContext, classes: int, loss: float, *, inferred: bool = True
) -> Chance | None:
    """``classes`` when a loss level sits on its ln C (within tolerance)."""
    if not 2 <= classes <= context.settings.max_inferred_classes:
        return None
    tolerance = context.settings.chance_loss_tolerance_with_accuracy
    if abs(loss - math.log(classes)) > tolerance * math.log(classes):
        return None
    return Chance(classes, inferred=inferred)


def _chance_note(chance: Chance | None, final: float, evidence: dict[str, EvidenceValue]) -> str:
    if chance is None:
        return ""
    how = "inferred" if chance.inferred else "given"
    evidence |= {
        "classes": chance.classes,
        "chance_loss": chance.loss,
        "final_of_chance": final / chance.loss,
    }
    return (
        f"; a random guess among {chance.classes} classes ({how}) scores "
        f"ln {chance.classes} = {number(chance.loss)} "
        f"(the final level is {percent(final / chance.loss)} of it)"
    )


def _accuracy_note(
    context: RunContext, chance: Chance | None, evidence: dict[str, EvidenceValue]
) -> str:
    """The eval accuracy's last value, beside the random guess the sentence names."""
    metric = context.eval_metric_series
    if metric is None or metric.last_value is None or "acc" not in metric.metric:
        return ""
    evidence["accuracy_last_value"] = metric.last_value
    evidence["accuracy_last_step"] = metric.last_finite_step
    note = f"; eval {metric.metric} ends at {number(metric.last_value)}"
    if chance is not None:
        evidence["chance_accuracy"] = 1 / chance.classes
        note += f" (one class in {chance.classes} is {number(1 / chance.classes)})"
    return note
