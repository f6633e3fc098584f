"""When a difference between two sides' best or final values is beyond the noise.

The values themselves (*final*: the median of the last 10 % of the finite points, or the last
point when that is NaN/inf; *best*: the best finite point; a side with several seeds has the
mean of its seeds' values) come from :mod:`curvelint.seed_groups.statistics`.

A difference is **beyond the noise** when it is larger than a 95 % margin:

* seeds on both sides: Welch's t-test on the per-seed values (the 95 % interval of the
  difference of the means excludes zero);
* seeds on one side only: the single run falls outside the group's 95 % prediction interval
  (``t · sd · sqrt(1 + 1/n)``), that is, it is unlike another seed of the group;
* single runs on both sides: ``2 · sqrt(u_base² + u_head²)``, where ``u`` is the curve's robust
  point-to-point noise (:mod:`curvelint.analysis.noise`), divided by ``sqrt(m) / 1.2533`` for a
  final level that is the median of ``m`` points. Within-run noise understates how much seeds
  differ, so a margin from seeds is the one to trust.

When a margin cannot be estimated (too few points or finite seeds) every non-zero difference
counts; a finite value against a NaN/inf always does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats

from curvelint.seed_groups.statistics import Statistic, Which

Basis = Literal["seeds", "noise", "unknown", "non-finite"]
Change = Literal["worse", "better", "same", "changed", "missing"]

NOISE_Z = 2.0
CONFIDENCE = 0.975  # two-sided 95 %


@dataclass(frozen=True)
class Difference:
    """Head against base for one statistic: ``delta = head - base``, ``relative`` to
    ``|base|``; ``margin`` is what ``|delta|`` had to exceed, from ``basis``."""

    which: Which
    base: Statistic
    head: Statistic
    delta: float | None
    relative: float | None
    margin: float | None
    basis: Basis
    beyond_noise: bool
    change: Change


def _finite_seeds(statistic: Statistic) -> int:
    return sum(1 for value in statistic.per_seed if math.isfinite(value))


def _seed_margin(base: Statistic, head: Statistic) -> float | None:
    """The 95 % margin from the seeds' spread (one side may be a single run)."""
    groups = [s for s in (base, head) if s.seeds >= 2]
    if any(s.spread is None for s in groups):
        return None
    if len(groups) == 1:
        group = groups[0]
        count = _finite_seeds(group)
        quantile = float(stats.t.ppf(CONFIDENCE, count - 1))
        return quantile * float(group.spread or 0.0) * math.sqrt(1.0 + 1.0 / count)
    parts = [float(s.spread or 0.0) ** 2 / _finite_seeds(s) for s in (base, head)]
    error = math.sqrt(sum(parts))
    if error == 0.0:
        return 0.0
    freedom = error**4 / sum(
        p**2 / (_finite_seeds(s) - 1) for p, s in zip(parts, (base, head), strict=True)
    )
    return float(stats.t.ppf(CONFIDENCE, freedom)) * error


def _margin(base: Statistic, head: Statistic) -> tuple[float | None, Basis]:
    if base.seeds >= 2 or head.seeds >= 2:
        margin = _seed_margin(base, head)
        return margin, "seeds" if margin is not None else "unknown"
    if base.spread is None or head.spread is None:
        return None, "unknown"
    return NOISE_Z * math.hypot(base.spread, head.spread), "noise"


def _change(delta: float, beyond: bool, direction: int) -> Change:
    if not beyond:
        return "same"
    if direction == 0:
        return "changed"
    return "better" if delta * direction > 0 else "worse"


def _non_finite(which: Which, base: Statistic, head: Statistic, direction: int) -> Difference:
    """At least one side is NaN/inf: a finite head against a non-finite base is better."""
    base_finite = math.isfinite(float(base.value or 0.0))
    head_finite = math.isfinite(float(head.value or 0.0))
    change: Change = "same"
    if base_finite != head_finite:
        change = "better" if head_finite else "worse"
        if direction == 0:
            change = "changed"
    beyond = base_finite != head_finite
    return Difference(which, base, head, None, None, None, "non-finite", beyond, change)


def compare_statistic(which: Which, base: Statistic, head: Statistic, direction: int) -> Difference:
    """Head against base, judged by the rule in the module docstring."""
    if base.value is None or head.value is None:
        return Difference(which, base, head, None, None, None, "unknown", False, "missing")
    if not (math.isfinite(base.value) and math.isfinite(head.value)):
        return _non_finite(which, base, head, direction)
    delta = head.value - base.value
    relative = delta / abs(base.value) if base.value != 0.0 else None
    margin, basis = _margin(base, head)
    beyond = delta != 0.0 and (margin is None or abs(delta) > margin)
    change = _change(delta, beyond, direction)
    return Difference(which, base, head, delta, relative, margin, basis, beyond, change)


def worse_by(difference: Difference, direction: int) -> float | None:
    """How much worse head is, as a share of ``|base|`` (inf when head went non-finite or
    base was 0); None when it is not worse."""
    if difference.change != "worse":
        return None
    if difference.delta is None or difference.relative is None:
        return math.inf
    return abs(difference.relative) if direction else None
