"""The comparison model: everything compare.md, compare.json, stdout and curves.png show,
computed once by :mod:`curvelint.compare.build` and only read by the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from curvelint.compare.stats import Difference
from curvelint.compare.verdicts import VerdictChange
from curvelint.configuration import Configuration, differences
from curvelint.names import SeriesNamed
from curvelint.report.overlay_model import OverlayPlot
from curvelint.seed_groups.judge import GroupResult, Judged
from curvelint.seed_groups.statistics import Which

Side = Literal["base", "head"]


@dataclass(frozen=True)
class Unit:
    """What is compared on one side: a single run, or a seed group judged through its mean."""

    key: str
    judged: Judged
    group: GroupResult | None = None
    # A group's configuration is what its seeds share.
    configuration: Configuration = field(default_factory=Configuration)

    @property
    def label(self) -> str:
        """The run name, or ``<key> (mean of N seeds)``."""
        return self.judged.name

    @property
    def verdict(self) -> str:
        """The run's verdict, or the verdict of the group's mean curves."""
        return self.judged.diagnosis.verdict.value

    @property
    def reason(self) -> str:
        """The verdict's one-sentence reason."""
        return self.judged.diagnosis.reason

    @property
    def seeds(self) -> int:
        """How many runs this unit stands for."""
        return len(self.group.group.members) if self.group else 1


@dataclass(frozen=True)
class SeriesComparison(SeriesNamed):
    """One curve on both sides: its best and final values judged against the noise.

    ``tripped`` lists the statistics worse by more than the ``--fail-if-worse`` threshold and
    beyond the noise (empty without the option)."""

    metric: str
    split: str
    direction: int
    best: Difference
    final: Difference
    tripped: tuple[Which, ...] = ()


@dataclass(frozen=True)
class PairComparison:
    """A base unit and the head unit matched with it."""

    name: str
    base: Unit
    head: Unit
    verdict: VerdictChange
    series: tuple[SeriesComparison, ...]

    @property
    def configuration_changes(self) -> list[tuple[str, str | None, str | None]]:
        """``(setting, base value, head value)`` for each setting that differs (``None``:
        not logged on that side)."""
        return differences(self.base.configuration, self.head.configuration)


@dataclass(frozen=True)
class Unreadable:
    """A run that could not be read, on which side, and why."""

    side: Side
    name: str
    error: str


@dataclass(frozen=True)
class Regression:
    """One reason the comparison fails: which pair, and what got worse."""

    pair: str
    what: str


@dataclass(frozen=True)
class Comparison:
    """The whole comparison of HEAD against BASE.

    ``threshold`` is ``--fail-if-worse``'s (None without it); ``regressions`` are the reasons
    the command exits 1 (a verdict got worse, a gated statistic tripped, a head run could not
    be read)."""

    base_path: str
    head_path: str
    pairs: tuple[PairComparison, ...]
    unmatched_base: tuple[str, ...]
    unmatched_head: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]
    threshold: float | None
    band: str
    plot: OverlayPlot | None
    unplotted: tuple[str, ...]
    regressions: tuple[Regression, ...]
