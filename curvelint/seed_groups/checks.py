"""What each check made of a seed group: found in which seeds, passed in which, skipped in
which and why, and what it made of the group's mean.

A group's verdict is the verdict of its mean; this says whether the seeds one by one agree with
it check by check ("overfitting found in 2 of 5 seeds"), so a finding that only one seed shows
is not mistaken for the experiment's. The members' checks are their own runs' checks
(:func:`curvelint.diagnosis.checks.list_checks`, as each report.json lists them); nothing here
judges a check again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from curvelint.diagnosis.checks import Check, CheckStatus


@dataclass(frozen=True)
class SkippedIn:
    """One reason a check was skipped and the members it was skipped in for that reason."""

    reason: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class GroupCheck:
    """One check across a group: the members (run names, in the group's order) in which it
    found something, passed or was skipped (by reason), those with no record of it (a run that
    failed), and the check of the group's mean (None when the mean was not judged on it)."""

    id: str
    name: str
    found: tuple[str, ...]
    passed: tuple[str, ...]
    skipped: tuple[SkippedIn, ...]
    unrecorded: tuple[str, ...] = ()
    mean: Check | None = None

    @property
    def members(self) -> int:
        """How many seeds the group has."""
        return sum(map(len, (self.found, self.passed, self.skipped_members, self.unrecorded)))

    @property
    def skipped_members(self) -> tuple[str, ...]:
        """Every member the check was skipped in, in the group's order of reasons."""
        return tuple(member for skip in self.skipped for member in skip.members)


def group_checks(
    members: Sequence[str],
    member_checks: Mapping[str, Sequence[Check]],
    mean_checks: Sequence[Check] = (),
) -> tuple[GroupCheck, ...]:
    """Every check any member or the mean lists, in the order they list them (the table's
    order), with what it made of each member; a member missing from ``member_checks`` has no
    record of any check."""
    by_member = {name: {c.id: c for c in member_checks.get(name, ())} for name in members}
    mean = {check.id: check for check in mean_checks}
    names: dict[str, str] = {}
    for checks in (*(member_checks.get(name, ()) for name in members), mean_checks):
        for check in checks:
            names.setdefault(check.id, check.name)
    return tuple(
        _across(identifier, name, members, by_member, mean.get(identifier))
        for identifier, name in names.items()
    )


def _across(
    identifier: str,
    name: str,
    members: Sequence[str],
    by_member: Mapping[str, Mapping[str, Check]],
    mean: Check | None,
) -> GroupCheck:
    """One check's statuses over the members."""
    checks = {member: by_member[member].get(identifier) for member in members}
    reasons: dict[str, list[str]] = {}
    for member, check in checks.items():
        if check is not None and check.status is CheckStatus.SKIPPED:
            reasons.setdefault(check.reason, []).append(member)

    def having(status: CheckStatus) -> tuple[str, ...]:
        return tuple(m for m, c in checks.items() if c is not None and c.status is status)

    return GroupCheck(
        id=identifier,
        name=name,
        found=having(CheckStatus.FOUND),
        passed=having(CheckStatus.PASSED),
        skipped=tuple(SkippedIn(reason, tuple(names)) for reason, names in reasons.items()),
        unrecorded=tuple(member for member, check in checks.items() if check is None),
        mean=mean,
    )


__all__ = ["GroupCheck", "SkippedIn", "group_checks"]
