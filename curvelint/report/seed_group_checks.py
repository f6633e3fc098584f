"""A seed group's checks in words, markdown and JSON: for each check, what it made of the mean
of the seeds and of each seed ("found in 2 of 5 seeds (a, b); passed in 3 of 5").

The per-check statuses come from :func:`curvelint.seed_groups.checks.group_checks`; the line
about the mean is :func:`curvelint.diagnosis.checks.summary_line` of the mean's own checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from curvelint.diagnosis.checks import Check, CheckStatus, summary_line
from curvelint.report.json_output import JsonObject
from curvelint.report.markup import MARKDOWN, Markup
from curvelint.seed_groups.checks import GroupCheck

NAME_LIMIT = 60
PASSED_EVERYWHERE = "Passed in every seed and on the mean"
Shown = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def across_seeds(check: GroupCheck, shown: Shown = _plain) -> str:
    """What the check made of the seeds one by one (``found in 1 of 3 seeds (a); passed in
    2``); the seeds it found something in, was skipped in or has no record of are named (the
    ones it passed in are the rest)."""
    total = check.members
    statuses = (
        ("found", check.found, True),
        ("passed", check.passed, False),
        ("skipped", check.skipped_members, True),
        ("not recorded", check.unrecorded, True),
    )
    parts: list[str] = []
    for status, members, named in statuses:
        if not members:
            continue
        if len(members) == total:
            parts.append(f"{status} in all {total} seeds")
            continue
        text = f"{status} in {len(members)}" + ("" if parts else f" of {total} seeds")
        if named:
            text += f" ({', '.join(shown(name) for name in members)})"
        parts.append(text)
    return "; ".join(parts)


def why_skipped(check: GroupCheck, shown: Shown = _plain, text: Shown = _plain) -> str:
    """Each reason the check was skipped for, naming the seeds when not every seed shares it,
    and the mean's reason when it is another."""
    reasons = [
        text(skip.reason)
        if len(skip.members) == check.members
        else f"{text(skip.reason)} ({', '.join(shown(name) for name in skip.members)})"
        for skip in check.skipped
    ]
    mean = check.mean
    if mean is not None and mean.reason and mean.reason not in {s.reason for s in check.skipped}:
        reasons.append(f"the mean: {text(mean.reason)}")
    return "; ".join(reasons)


def seeds_line(checks: Sequence[GroupCheck]) -> str:
    """``Seeds one by one (3): 1 check found something in every seed, 2 in some; …``"""
    if not checks:
        return ""
    total = checks[0].members
    every = sum(len(c.found) == total for c in checks)
    some = sum(0 < len(c.found) < total for c in checks)
    passed = sum(len(c.passed) == total for c in checks)
    skipped = sum(len(c.skipped_members) == total for c in checks)
    mixed = len(checks) - every - some - passed - skipped
    line = (
        f"Seeds one by one ({total}): {every} found something in every seed, {some} in some; "
        f"{passed} passed in every seed; {skipped} skipped in every seed"
    )
    if mixed:
        line += f"; {mixed} passed in some seeds and were skipped or not recorded in others"
    return line + "."


def mean_line(checks: Sequence[Check]) -> str:
    """``Mean of the seeds: 14 ran (2 found something), 6 skipped.``"""
    return "Mean of the seeds: " + summary_line(tuple(checks)).removeprefix("Checks: ")


def _mean_status(check: GroupCheck) -> str:
    return check.mean.status.value if check.mean is not None else "not judged"


def _all_passed(check: GroupCheck) -> bool:
    passed_mean = check.mean is None or check.mean.status is CheckStatus.PASSED
    return passed_mean and len(check.passed) == check.members


class ChecksPart(NamedTuple):
    """A group's checks written in one format (:class:`Markup`): the two summary lines (plain
    text: numbers and fixed words), the table of every check that found something or was
    skipped in the mean or in any seed, and the names of the checks that passed everywhere."""

    mean_line: str
    seeds_line: str
    table: list[str]
    passed: list[str]


def checks_part(checks: Sequence[GroupCheck], mean: Sequence[Check], markup: Markup) -> ChecksPart:
    """The pieces of a group's "Checks" section, in ``markup``'s format."""

    def shown(name: str) -> str:
        return markup.text(name, NAME_LIMIT)

    rows = (
        (
            markup.text(check.name),
            markup.text(check.id),
            _mean_status(check),
            across_seeds(check, shown),
            why_skipped(check, shown, markup.text),
        )
        for check in checks
        if not _all_passed(check)
    )
    header = ["Check", "Id", "Mean of the seeds", "Seeds one by one", "Why skipped"]
    passed = [markup.text(check.name) for check in checks if _all_passed(check)]
    return ChecksPart(mean_line(mean), seeds_line(checks), markup.table(header, rows), passed)


def markdown_checks(part: ChecksPart) -> list[str]:
    """The "Checks" section of a group's markdown page: the two summary lines, the table and
    the checks that passed everywhere named on one line (as a run's report.md lists them)."""
    lines = ["", "## Checks", "", part.mean_line, "", part.seeds_line, "", *part.table]
    if part.passed:
        lines += ["", f"{PASSED_EVERYWHERE}: {'; '.join(part.passed)}."]
    return lines


def render_group_checks(checks: Sequence[GroupCheck], mean: Sequence[Check]) -> list[str]:
    """The markdown "Checks" section of a group's page (nothing without checks)."""
    return markdown_checks(checks_part(checks, mean, MARKDOWN)) if checks else []


def group_check_document(check: GroupCheck) -> JsonObject:
    """One check in a seed group's ``checks`` in summary.json."""
    mean = check.mean
    return {
        "id": check.id,
        "name": check.name,
        "mean": None if mean is None else {"status": mean.status.value, "reason": mean.reason},
        "seeds": check.members,
        "found": list(check.found),
        "passed": list(check.passed),
        "skipped": [{"reason": skip.reason, "runs": list(skip.members)} for skip in check.skipped],
        "not_recorded": list(check.unrecorded),
        "summary": across_seeds(check),
    }
