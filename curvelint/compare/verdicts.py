"""Whether a verdict change is for the worse: verdicts ranked in tiers of how much they hurt.

``healthy`` < ``not_converged``, ``underfitting`` (could be better) < ``overfitting``,
``unstable`` (a problem) < ``stuck``, ``diverged`` (failed) < ``unreadable``. A change within a
tier is a change, not a regression; ``insufficient_data`` on either side is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from curvelint.verdicts import FACTS

VerdictMove = Literal["worse", "better", "same", "changed", "not judged"]

TIERS: dict[str, int] = {n: f.tier for n, f in FACTS.items() if f.tier is not None}


@dataclass(frozen=True)
class VerdictChange:
    """Base verdict → head verdict and which way it went."""

    base: str
    head: str
    move: VerdictMove


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
