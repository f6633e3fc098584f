"""Which change-points a report shows, and how it names them.

The analysis finds every departure from one smooth trend; a reader needs the few that matter.
A change-point is shown when its shift is at least ``MIN_NOISE_UNITS`` times the curve's noise,
and, of change-points closer than ``MIN_GAP_SHARE`` of the curve's step range, only the larger
shift; at most ``MAX_SHOWN``. A curve that falls (or rises) on both sides of a point where no
learning-rate drop happened is one smooth move the fitted trend only bent away from: its
"shift" is not on the plot, so it is not shown. Each shown one is named with its step and what
changed: the jump of the level and how the curve moves before and after (the analysis' segment
labels).
"""

from __future__ import annotations

from dataclasses import dataclass

from curvelint.analysis.results import ChangePoint, SeriesAnalysis
from curvelint.numbers import times
from curvelint.report.numbers import format_value

MIN_NOISE_UNITS = 3.0
MIN_GAP_SHARE = 0.075
MAX_SHOWN = 4
MOVES = {
    "falling": "falling",
    "plateau": "flat",
    "rising": "rising",
    "spike_and_recovery": "a spike and recovery",
    "blow_up": "blowing up",
}
SMOOTH_MOVES = frozenset({"falling", "rising"})


@dataclass(frozen=True)
class Change:
    """One shown change-point of ``series`` (``metric/split``)."""

    series: str
    step: int
    shift: float
    shift_noise_units: float
    before: str | None  # the segment label before (falling, plateau, …)
    after: str | None
    learning_rate_drop_step: int | None

    @property
    def one_smooth_move(self) -> bool:
        """Falling (or rising) on both sides, with no learning-rate drop there: not a change a
        reader can see, only where the fitted trend bent away from a smooth curve."""
        monotone = self.before == self.after and self.before in SMOOTH_MOVES
        return monotone and self.learning_rate_drop_step is None

    @property
    def description(self) -> str:
        """``shifted up 0.411 from its trend (180x the noise); flat before, flat after``."""
        direction = "up" if self.shift > 0 else "down"
        shift = format_value(abs(self.shift))
        noise = times(abs(self.shift_noise_units))
        text = f"shifted {direction} {shift} from its trend ({noise} the noise)"
        if self.before and self.after:
            text += f"; {MOVES.get(self.before, self.before)} before, "
            text += f"{MOVES.get(self.after, self.after)} after"
        if self.learning_rate_drop_step is not None:
            text += f"; the learning rate dropped at step {self.learning_rate_drop_step:,}"
        return text


def _named(series: SeriesAnalysis, name: str, point: ChangePoint) -> Change:
    """A change-point with the moves of the segments on either side of it."""
    after = next((s for s in series.segments if s.start_step == point.step), None)
    before = next((s for s in reversed(series.segments) if s.end_step < point.step), None)
    return Change(
        series=name,
        step=point.step,
        shift=point.shift,
        shift_noise_units=point.shift_noise_units,
        before=before.label if before else None,
        after=after.label if after else None,
        learning_rate_drop_step=point.learning_rate_drop_step if point.scheduled else None,
    )


def significant_changes(series: SeriesAnalysis) -> tuple[Change, ...]:
    """The change-points of ``series`` worth drawing and naming, in step order."""
    name = f"{series.metric}/{series.split}" if series.split else series.metric
    span = max(1, series.last_step - series.first_step)
    gap = MIN_GAP_SHARE * span
    named = (
        _named(series, name, point)
        for point in series.changepoints
        if abs(point.shift_noise_units) >= MIN_NOISE_UNITS
    )
    candidates = sorted(
        (change for change in named if not change.one_smooth_move),
        key=lambda change: -abs(change.shift_noise_units),
    )
    kept: list[Change] = []
    for change in candidates:
        if change.step - series.first_step < gap / 2:
            continue  # the first steps of a run: warm-up, not a change of regime
        if all(abs(change.step - other.step) >= gap for other in kept):
            kept.append(change)
        if len(kept) == MAX_SHOWN:
            break
    return tuple(sorted(kept, key=lambda change: change.step))
