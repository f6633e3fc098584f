"""A rebound: the loss's trend had fallen, then climbed to several times its low mid-run and
came back down — a transient blow-up (a learning rate too high for that stretch of the loss
surface, an unclipped gradient, a bad batch of data) that the run survived. The run ends near
where it was, so its start-to-end numbers look healthy; the episode is what a reader must see.

The trend is the running median, so one noisy point is not a rebound (single spikes are
counted by the spike rule); the climb must be large against the low and give back a large
share of the fall that led to the low (a loss near zero doubling is not an episode), and the
trend must have come back down by half of the climb — a climb that stays is divergence,
judged before this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curvelint.analysis.levels import Curve
from curvelint.diagnosis.settings import RuleSettings


@dataclass(frozen=True, slots=True)
class Rebound:
    """The worst climb of a curve's trend above its running low, and how far it came back."""

    low_step: int
    low: float
    high_before: float
    peak_step: int
    peak: float
    final: float

    @property
    def rise_of_low(self) -> float:
        return (self.peak - self.low) / self.low if self.low > 0 else float("inf")

    @property
    def fall_given_back(self) -> float:
        """Share of the fall to the low (from the trend's highest point before it) undone."""
        fall = self.high_before - self.low
        return (self.peak - self.low) / fall if fall > 0 else 0.0

    @property
    def recovered(self) -> float:
        """Share of the climb given back by the end (1 = back at the low)."""
        climb = self.peak - self.low
        return (self.peak - self.final) / climb if climb > 0 else 0.0


def find_rebound(curve: Curve, settings: RuleSettings) -> Rebound | None:
    """The worst rebound of ``curve``'s trend that meets the settings, else None."""
    if curve.count < settings.unstable_min_points:
        return None
    trend = curve.trend()
    lows = np.minimum.accumulate(trend)
    climbs = trend - lows
    peak = int(np.argmax(climbs))
    climb = float(climbs[peak])
    low = float(lows[peak])
    if climb <= 0 or low <= 0:
        return None
    low_index = int(np.flatnonzero(trend[: peak + 1] == low)[0])
    rebound = Rebound(
        int(curve.steps[low_index]),
        low,
        float(np.max(trend[: low_index + 1])),
        int(curve.steps[peak]),
        float(trend[peak]),
        curve.final(),
    )
    if (
        rebound.rise_of_low < settings.rebound_rise_of_low
        or rebound.fall_given_back < settings.rebound_fall_given_back
        or rebound.recovered < settings.rebound_recovered
        or curve.share_of_steps(rebound.low_step) < settings.rebound_after_share
    ):
        return None
    return rebound
