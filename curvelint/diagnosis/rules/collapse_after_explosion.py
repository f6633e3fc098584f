"""Diverged: a run that learned, then exploded, and never got back what it had learned.

A learning rate that jumps mid-run (a step schedule with its factor upside down, a scheduler
stepped per batch instead of per epoch) blows a trained model up: the loss spikes to several
times its start within a few steps, then the wrecked model sits at its untrained level — for a
classifier, on a random guess's ln C with the accuracy at chance — to the end. The end alone
reads like a loss that fell back toward chance (erratic training that lost what it learned),
and the start-to-end numbers like a run that never learned; the explosion between a real low
and that end is what says the run diverged. A loss still swinging after its spike, however
high, is erratic training (unstable), not this.
"""

from __future__ import annotations

import numpy as np

from curvelint.analysis.levels import margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, percent, times
from curvelint.names import is_loss

CODE = Verdict.DIVERGED.value


def check_collapse_after_explosion(context: RunContext) -> Finding | None:
    """The training loss's trend fell to a real low, a logged loss after it exploded to
    several times the start, and the loss then sat still to the end, having undone most of
    its fall."""
    curve, settings = context.train, context.settings
    if curve is None or curve.count < settings.unstable_min_points:
        return None
    if not is_loss(context.train_series_metric):  # lower is better: a loss, not a reward
        return None
    start = curve.start()
    trend = curve.trend()
    low_index = int(np.argmin(trend))
    low = float(trend[low_index])
    if start <= 0 or low > settings.collapse_learned_of_start * start:
        return None
    after = curve.values[low_index + 1 :]
    if not len(after):
        return None
    peak_index = low_index + 1 + int(np.argmax(after))
    peak = float(curve.values[peak_index])
    final = curve.final()
    undone = (final - low) / (start - low)
    if peak < settings.collapse_explosion_of_start * start:
        return None
    if undone < settings.collapse_undone_of_fall:
        return None
    if not _sat_wrecked(curve.values[peak_index + 1 :], settings.collapse_settled_spread):
        return None  # still swinging after the spike: erratic training (unstable)
    message = (
        f"{curve.name}'s trend fell to {number(curve.logged(low))} at "
        f"{context.where(int(curve.steps[low_index]))}, then the loss exploded to "
        f"{number(curve.logged(peak))} at {context.where(int(curve.steps[peak_index]))} "
        f"({times(peak / start)} its start level {number(curve.logged(start))}) and never came "
        f"back: its final level {number(curve.logged(final))} {_undone_words(undone)} — the "
        "model was wrecked, not merely noisy."
    )
    return Finding(
        CODE,
        Severity.ERROR,
        margin_confidence(peak / start, settings.collapse_explosion_of_start),
        message,
        advice.DIVERGED,
        {
            "cause": "collapse_after_explosion",
            "start_level": curve.logged(start),
            "trend_low": curve.logged(low),
            "trend_low_step": int(curve.steps[low_index]),
            "explosion_peak": curve.logged(peak),
            "explosion_step": int(curve.steps[peak_index]),
            "peak_of_start": peak / start,
            "final_level": curve.logged(final),
            "fall_undone": undone,
            "step": int(curve.steps[-1]),
        },
        series=curve.name,
    )


# After the spike, the first quarter of the points may still be settling.
SETTLING_SHARE = 0.25
SETTLED_MIN_POINTS = 3


def _sat_wrecked(after_peak: np.ndarray, max_spread: float) -> bool:
    """After the explosion the loss sat still (its median absolute deviation at most
    ``max_spread`` of its median, once settled): a wrecked model's constant prediction, not a
    loss still swinging (measured: wrecked runs 0.4-7 %, erratic ones 18-42 %)."""
    finite = after_peak[np.isfinite(after_peak)]
    settled = finite[int(len(finite) * SETTLING_SHARE) :]
    if len(settled) < SETTLED_MIN_POINTS:
        return False
    median = float(np.median(settled))
    return median > 0 and float(np.median(np.abs(settled - median))) <= max_spread * median


def _undone_words(undone: float) -> str:
    """``undid 93 % of its fall``, or ``is back above its start`` when it undid all of it."""
    return "is back above its start" if undone >= 1 else f"undid {percent(undone)} of its fall"
