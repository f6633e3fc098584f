"""Stuck, judged last (just before healthy): training made the loss no better. It ended above
its start, or its final level is no lower than its early level beyond twice the standard error
of their difference — a noisy loss that swung around one level all run ("fell 6 %" from one
high first point is no learning). A policy-gradient run's reward is judged by the same early and
final medians (:func:`early_and_final`), in :mod:`stuck`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from curvelint.analysis.levels import Curve, margin_confidence, scale_of
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding
from curvelint.diagnosis.rules.stuck_finding import stuck_evidence, stuck_finding
from curvelint.diagnosis.wording import number, percent, signed_percent

EARLY_SHARE = 0.1  # a sampled reward's early level: the median of this share of its points
MEDIAN_STANDARD_ERROR = math.sqrt(math.pi / 2)  # a median's error over a mean's (normal noise)


@dataclass(frozen=True)
class EarlyAndFinal:
    """A curve's early level (the median of its first tenth) against its final level, and
    ``units`` standard errors of their difference (2 by default, ``not_converged_noise_units``):
    the gain the noise alone could make."""

    early: float
    early_count: int
    final: float
    noise: float
    units: float

    def noise_of(self, curve: Curve, count: int) -> float:
        """The same noise for a median of ``count`` points against the final level."""
        return _difference_noise(curve, count, self.units)

    @property
    def within_noise(self) -> bool:
        """No better at the end than early on, beyond the noise (oriented: lower is better)."""
        return self.early - self.final <= self.noise

    def confidence(self) -> float:
        if not self.noise:
            return 0.5
        return margin_confidence(max(self.noise - (self.early - self.final), 0.0), self.noise)


def _difference_noise(curve: Curve, count: int, units: float) -> float:
    """``units`` standard errors of a median of ``count`` points minus the final level."""
    return units * MEDIAN_STANDARD_ERROR * curve.difference_noise(count, curve.final_count())


def early_and_final(context: RunContext, curve: Curve) -> EarlyAndFinal | None:
    """The early and final medians and their noise; None on a curve too short for both."""
    settings = context.settings
    if curve.count < 2 * settings.min_loss_points:
        return None
    early_count = max(3, math.ceil(EARLY_SHARE * curve.count))
    noise = _difference_noise(curve, early_count, settings.not_converged_noise_units)
    early = float(np.median(curve.values[:early_count]))
    return EarlyAndFinal(
        early, early_count, curve.final(), noise, settings.not_converged_noise_units
    )


def within_noise_words(
    context: RunContext, curve: Curve, levels: EarlyAndFinal, cause: str
) -> tuple[str, dict[str, EvidenceValue]]:
    """The sentence's opening (up to its conclusion) and the evidence of a curve whose early
    and final levels differ by no more than the noise."""
    early, final = levels.early, levels.final
    change = curve.logged(final) - curve.logged(early)
    evidence = stuck_evidence(context, curve, cause, early, final)
    evidence |= {
        "early": curve.logged(early),
        "early_points": levels.early_count,
        "change": change,
        "noise": levels.noise,
        "noise_units": levels.units,
    }
    verb = "rose" if curve.sign < 0 else "fell"
    early_words = (
        f"its early level {number(curve.logged(early))} (the median of its first "
        f"{levels.early_count} points)"
    )
    if early - final <= 0:  # no gain at all: the final level is the same or worse
        where = f"{number(abs(change))} {'above' if change > 0 else 'below'}" if change else "at"
        message = (
            f"{curve.name} never {verb}: its final level {number(curve.logged(final))} is "
            f"{where} {early_words}, no better than early on: "
        )
        return message, evidence
    message = (
        f"{curve.name} never {verb}: {early_words} and its final level "
        f"{number(curve.logged(final))} differ by {number(change)}, within "
        f"{number(levels.noise)}, {levels.units:g} standard errors of that difference: "
    )
    return message, evidence


def check_never_fell(context: RunContext) -> Finding | None:
    """The last resort before healthy: a loss that ended above its start with its trend never
    dipping below it by the share that counts as learning, or whose final level is no lower
    than its early level beyond the noise of the two medians (a noisy loss that swung around
    one level all run: "fell 6 %" from one high first point is no learning) — short of the
    rise the diverged rule calls a blow-up and with no other problem to name. Such a run is
    not healthy; it is stuck (judged late, so that erratic swings read as unstable)."""
    curve = context.train
    if curve is None or context.judged_by_reward:
        return None
    return _ended_above_start(context, curve) or _no_gain_beyond_noise(context, curve)


def _ended_above_start(context: RunContext, curve: Curve) -> Finding | None:
    settings = context.settings
    start, scale = curve.start(), scale_of(curve)
    final = curve.final()
    rise = (final - start) / scale
    dip = max((start - float(np.min(curve.trend()))) / scale, 0.0)
    if rise <= settings.stuck_max_fall_of_start or dip > settings.stuck_max_dip_of_start:
        return None
    evidence = stuck_evidence(context, curve, "never_fell", start, final)
    evidence |= {"change_of_start": rise, "trend_dip_of_start": dip}
    message = (
        f"{curve.name} ended above where it started: start level "
        f"{number(curve.logged(start))}, final level {number(curve.logged(final))} "
        f"({signed_percent(rise)}) up to {context.where(int(curve.steps[-1]))}, its trend never "
        f"more than {percent(dip)} below the start: training made the loss worse, not better."
    )
    confidence = margin_confidence(rise, settings.stuck_max_fall_of_start)
    return stuck_finding(curve, message, confidence, evidence)


def _no_gain_beyond_noise(context: RunContext, curve: Curve) -> Finding | None:
    """The early median no higher than the final level beyond the noise — and the start level
    neither (a loss that fell at once, within its first tenth, did learn)."""
    levels = early_and_final(context, curve)
    if levels is None or not levels.within_noise:
        return None
    start_noise = levels.noise_of(curve, curve.start_count())
    if curve.start() - levels.final > start_noise:
        return None
    message, evidence = within_noise_words(context, curve, levels, "no_gain_beyond_noise")
    message += "the loss swung around one level all run and learned nothing it kept."
    return stuck_finding(curve, message, levels.confidence(), evidence)
