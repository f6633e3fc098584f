"""Whether a verdict change is for the worse: verdicts ranked in tiers of how much they hurt.

``healthy`` < ``not_converged``, ``underfitting`` (could be better) < ``overfitting``,
``unstable`` (a problem) < ``stuck``, ``diverged`` (failed) < ``unreadable``. A change within a
tier is a change, not a regression; ``insufficient_data`` on either side is not judged.

The metrics come first: a verdict that reads worse while the compared curves improved beyond
the noise and none got worse (eval loss −55 %, accuracy +2.8 %, head now "overfitting" where
base was "not converged") is a change of shape, not a regression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from curvelint.verdicts import FACTS

VerdictMove = Literal["worse", "better", "same", "changed", "not judged"]

TIERS: dict[str, int] = {n: f.tier for n, f in FACTS.items() if f.tier is not None}


@dataclass(frozen=True)
class VerdictChange:
    """Base verdict → head verdict and which way it went. ``overruled`` is set when the
    verdict read worse but the metrics improved beyond the noise (``move`` is then
    ``changed``)."""

    base: str
    head: str
    move: VerdictMove
    overruled: bool = False


class _Compared(Protocol):
    @property
    def best(self) -> _Judged: ...
    @property
    def final(self) -> _Judged: ...
    @property
    def direction(self) -> int: ...


class _Judged(Protocol):
    @property
    def change(self) -> str: ...


def metrics_say_better(series: Sequence[_Compared]) -> bool:
    """Some compared curve is better beyond the noise and none is worse."""
    changes = [d.change for row in series if row.direction for d in (row.best, row.final)]
    return "better" in changes and "worse" not in changes


def judged_by_metrics(change: VerdictChange, series: Sequence[_Compared]) -> VerdictChange:
    """``change``, unless it reads worse while the metrics say better (then ``changed``)."""
    if change.move == "worse" and metrics_say_better(series):
        return VerdictChange(change.base, change.head, "changed", overruled=True)
    return change


def verdict_change(base: str, head: str) -> VerdictChange:
    """Compare two verdicts by tier."""
    if base == head:
        return VerdictChange(base, head, "same")
    base_tier, head_tier = TIERS.get(base), TIERS.get(head)
    if base_tier is None or head_tier is None:
        return VerdictChange(base, head, "not judged")
    if head_tier == base_tier:
        return VerdictChange(base, head, "changed")
    return VerdictChange(base, head, "worse" if head_tier > base_tier else "better")
