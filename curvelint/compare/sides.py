"""One side of a comparison: its runs read and judged, then gathered into units (seed groups
and the runs that belong to none)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from curvelint.compare.model import Side, Unit, Unreadable
from curvelint.configuration import shared
from curvelint.errors import NoLogsError
from curvelint.judging import JudgingOptions, judge_run
from curvelint.runs import Run, read_runs
from curvelint.seed_groups.judge import GroupError, Judged, judge_group, judged_run
from curvelint.seed_groups.naming import group_runs
from curvelint.shown_paths import shown_path

GROUP_SUFFIX = " (seeds)"


@dataclass(frozen=True)
class SideResult:
    """A side's units (groups first, then runs, each sorted by key) and unreadable runs."""

    path: str
    units: tuple[Unit, ...]
    unreadable: tuple[Unreadable, ...]


def read_side(path: Path | str, side: Side) -> tuple[list[Run], list[Unreadable]]:
    """Every run under ``path``; :class:`NoLogsError` when there is none at all."""
    report = read_runs([path])
    unreadable = [Unreadable(side, failed.name, failed.error) for failed in report.failed]
    if not report.runs and not unreadable:
        detail = f" ({report.skipped[0]})" if report.skipped else ""
        raise NoLogsError(f"{side} {shown_path(path)}: no training logs found{detail}")
    return sorted(report.runs, key=lambda run: run.name), unreadable


def build_units(
    runs: Sequence[Run], pattern: re.Pattern[str] | None, judging: JudgingOptions
) -> tuple[Unit, ...]:
    """Judge every run, then every seed group of them (a group whose seeds share no curve
    leaves its runs on their own)."""
    judged: dict[str, Judged] = {run.name: judged_run(run, judge_run(run, judging)) for run in runs}
    by_name = {run.name: run for run in runs}
    grouping = group_runs(by_name, pattern)
    units: list[Unit] = []
    alone = set(grouping.ungrouped)
    for group in grouping.groups:
        verdicts = [judged[name].diagnosis.verdict.value for name in group.members]
        try:
            result = judge_group(group, [by_name[n] for n in group.members], verdicts, judging)
        except GroupError:
            alone.update(group.members)
            continue
        key = group.key + GROUP_SUFFIX if group.key in by_name else group.key
        settings = shared([by_name[name].configuration for name in group.members])
        units.append(Unit(key, result.judged, result, settings))
    units += [Unit(name, judged[name], None, by_name[name].configuration) for name in sorted(alone)]
    return tuple(units)


def load_side(
    path: Path | str, side: Side, pattern: re.Pattern[str] | None, judging: JudgingOptions
) -> SideResult:
    """Read, judge and group one side."""
    runs, unreadable = read_side(path, side)
    return SideResult(shown_path(path), build_units(runs, pattern, judging), tuple(unreadable))
