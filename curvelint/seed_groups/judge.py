"""Judge a seed group the same way ``analyze`` judges a run.

A group is judged twice: as one run — its mean curves analysed and diagnosed under the name
``<key> (mean of N seeds)`` through :func:`curvelint.judging.judge_frame` — and one by one,
through its members' own verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from curvelint.analysis import RunAnalysis
from curvelint.analysis.series import iterate_series
from curvelint.diagnosis import Diagnosis
from curvelint.diagnosis.checks import Check
from curvelint.errors import CurvelintError
from curvelint.judging import Judgement, JudgingOptions, judge_frame, run_metadata
from curvelint.run_model import Run
from curvelint.seed_groups.naming import SeedGroup
from curvelint.seed_groups.seeds import MeanCurve, MemberSeries, group_frame, mean_curve
from curvelint.seed_groups.statistics import SeriesNumbers, curve_numbers

SeriesKey = tuple[str, str]


class GroupError(CurvelintError):
    """The seeds of a group share no curve, so there is no mean to judge."""


@dataclass(frozen=True)
class Judged:
    """One run's or one group's analysis and diagnosis, and every member's numbers per curve
    (a run is its own single member)."""

    name: str
    analysis: RunAnalysis
    diagnosis: Diagnosis
    numbers: Mapping[SeriesKey, tuple[SeriesNumbers, ...]]
    # The reader's metadata (what every seed says alike): plots read what a step counts.
    metadata: Mapping[str, Any] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()  # which checks found something, passed or were skipped


@dataclass(frozen=True)
class GroupResult:
    """A seed group judged as one run (its mean curves) and through its members' verdicts.

    ``omitted`` names curves that not every seed logged (they are not averaged)."""

    group: SeedGroup
    judged: Judged
    member_verdicts: tuple[str, ...]
    curves: tuple[MeanCurve, ...]
    omitted: tuple[str, ...]

    @property
    def diverged(self) -> tuple[str, ...]:
        """Members with a NaN/inf in any averaged curve."""
        names = {name for curve in self.curves for name in curve.diverged}
        return tuple(name for name in self.group.members if name in names)


@dataclass(frozen=True)
class SeedGroups:
    """The keys of every seed group found (the plots are named from all of them, so a group
    that could not be judged never renames another's) and the groups judged, by key."""

    keys: tuple[str, ...] = ()
    judged: tuple[GroupResult, ...] = ()


def group_run_name(group: SeedGroup) -> str:
    """The name the group's mean is analysed under."""
    return f"{group.key} (mean of {len(group.members)} seeds)"


def judged_run(run: Run, judgement: Judgement) -> Judged:
    """One run's judgement with its numbers per curve (the run is its own single member)."""
    numbers = {(s.metric, s.split): (curve_numbers(s),) for s in iterate_series(run.frame)}
    return Judged(run.name, judgement.analysis, judgement.diagnosis, numbers, run_metadata(run))


def _shared_metadata(runs: Sequence[Run]) -> dict[str, Any]:
    """What every member says alike (the Trainer's logging steps, the format)."""
    items = [run_metadata(run) for run in runs]
    return {
        key: value for key, value in items[0].items() if all(i.get(key) == value for i in items)
    }


def judge_group(
    group: SeedGroup, runs: Sequence[Run], verdicts: Sequence[str], judging: JudgingOptions
) -> GroupResult:
    """Judge a group from its members' runs (in ``group.members`` order) and verdicts;
    :class:`GroupError` when they share no curve."""
    by_member = [{(s.metric, s.split): s for s in iterate_series(run.frame)} for run in runs]
    keys = sorted(set.intersection(*(set(series) for series in by_member)))
    every = sorted(set.union(*(set(series) for series in by_member)))
    if not keys:
        raise GroupError(f"the seeds of {group.key!r} share no curve")
    curves = tuple(
        mean_curve(
            [
                MemberSeries(run.name, s[key].steps, s[key].values)
                for run, s in zip(runs, by_member, strict=True)
            ],
            key[0],
            key[1],
            by_member[0][key].tag,
        )
        for key in keys
    )
    omitted = tuple(
        f"{metric}/{split}" if split else metric
        for metric, split in every
        if (metric, split) not in keys
    )
    name = group_run_name(group)
    metadata = _shared_metadata(runs)
    judgement = judge_frame(name, group_frame(name, curves), metadata, judging)
    numbers = {key: tuple(curve_numbers(series[key]) for series in by_member) for key in keys}
    judged = Judged(
        name, judgement.analysis, judgement.diagnosis, numbers, metadata, judgement.checks
    )
    return GroupResult(group, judged, tuple(verdicts), curves, omitted)
