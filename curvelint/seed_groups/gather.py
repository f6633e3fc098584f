"""The seed groups among the runs ``analyze`` has judged, each judged as a group.

Runs are judged one by one first (by the pipeline, in any number of processes); afterwards
the members of each group are read again here, through the cache when there is one, in this
process and in name order, so the result does not depend on ``--jobs``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from curvelint.cache import Cache
from curvelint.discover import RunSpec
from curvelint.errors import CurvelintError
from curvelint.judging import JudgingOptions
from curvelint.runs import read_run
from curvelint.seed_groups.judge import SeedGroups, judge_group
from curvelint.seed_groups.naming import compile_pattern, group_runs


def judge_seed_groups(
    specs: Sequence[RunSpec],
    verdicts: Mapping[str, str],
    group_by: str | None,
    judging: JudgingOptions,
    cache: Cache | None = None,
) -> SeedGroups:
    """Every seed group among the runs named in ``verdicts`` (the readable ones, with their
    verdicts), judged; ``group_by`` is ``--group-by``. A group whose member cannot be read now,
    or whose seeds share no curve, is left out."""
    grouping = group_runs(verdicts, compile_pattern(group_by))
    by_name = {spec.name: spec for spec in specs}
    found = []
    for group in grouping.groups:
        try:
            runs = [read_run(by_name[name], cache) for name in group.members]
            found.append(
                judge_group(group, runs, [verdicts[name] for name in group.members], judging)
            )
        except CurvelintError:  # a member unreadable now, or seeds sharing no curve
            continue
    return SeedGroups(tuple(group.key for group in grouping.groups), tuple(found))
