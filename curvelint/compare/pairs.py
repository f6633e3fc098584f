"""Match base units with head units and compare each pair curve by curve.

Two sides holding one unit each (two run folders, two log files, or one seed group against
one) are compared whatever their names; otherwise units are matched by name: the run's name
relative to its root, or the seed group's key.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from curvelint.compare.model import PairComparison, SeriesComparison, Unit
from curvelint.compare.stats import compare_statistic, worse_by
from curvelint.compare.verdicts import judged_by_metrics, verdict_change
from curvelint.names import CANONICAL_METRICS, direction, is_loss
from curvelint.report.build import main_series
from curvelint.seed_groups.statistics import Which, side_statistic

NOT_COMPARED = frozenset({"epoch", "learning_rate", "grad_norm"})
# Fewer equal values than this may be a coincidence, not one curve logged twice.
MIN_POINTS_TO_MATCH = 3
SPLIT_ORDER = {"train": 0, "eval": 1, "test": 2, "": 3}
SeriesKey = tuple[str, str]


@dataclass(frozen=True)
class Matching:
    """Pairs in base order, and the keys left without a partner on each side."""

    pairs: tuple[tuple[Unit, Unit], ...]
    unmatched_base: tuple[str, ...]
    unmatched_head: tuple[str, ...]


def match_units(base: Sequence[Unit], head: Sequence[Unit]) -> Matching:
    """One unit against one unit, else by key."""
    if len(base) == 1 and len(head) == 1:
        return Matching(((base[0], head[0]),), (), ())
    heads = {unit.key: unit for unit in head}
    pairs = tuple((unit, heads[unit.key]) for unit in base if unit.key in heads)
    bases = {unit.key for unit in base}
    return Matching(
        pairs,
        tuple(unit.label for unit in base if unit.key not in heads),
        tuple(unit.label for unit in head if unit.key not in bases),
    )


def _wanted(key: SeriesKey, metrics: Sequence[str]) -> bool:
    """``--metric loss`` takes every split of the loss, ``--metric loss/eval`` one curve."""
    if not metrics:
        return True
    spelled = f"{key[0]}/{key[1]}" if key[1] else key[0]
    return any(wanted in (key[0], spelled) for wanted in metrics)


def compared_keys(
    base: Unit, head: Unit, metrics: Sequence[str], main: str | None
) -> list[SeriesKey]:
    """Curves both sides logged that have a better direction: the main series' metric first,
    then the other losses, then the other metrics; train before eval before test."""
    shared = set(base.judged.numbers) & set(head.judged.numbers)
    keys = [
        key
        for key in shared
        if direction(key[0]) != 0 and key[0] not in NOT_COMPARED and _wanted(key, metrics)
    ]
    chosen = main_series(base.judged.analysis, main)
    first = chosen.metric if chosen is not None else "loss"
    ordered = sorted(
        keys,
        key=lambda k: (
            k[0] != first,
            not is_loss(k[0]),
            k[0] not in CANONICAL_METRICS,
            k[0],
            SPLIT_ORDER.get(k[1], 4),
            k[1],
        ),
    )
    return _once_each(ordered, base, head)


def _values(unit: Unit, key: SeriesKey) -> tuple[float, ...]:
    """A curve's finite values, rounded so two logs of one curve (float32 and float64) match."""
    series = unit.judged.analysis.series(*key)
    if series is None:
        return ()
    return tuple(float(f"{value:.5g}") for value in series.values if math.isfinite(value))


def _once_each(keys: list[SeriesKey], base: Unit, head: Unit) -> list[SeriesKey]:
    """Each curve once: a curve logged under two tags (Keras' ``epoch_loss`` on the validation
    folder and ``evaluation_loss_vs_iterations``; ``ptl_loss`` and ``loss/eval``) holds the same
    values on both sides, and only its first name in ``keys`` is kept."""
    seen: set[tuple[tuple[float, ...], tuple[float, ...]]] = set()
    kept = []
    for key in keys:
        values = (_values(base, key), _values(head, key))
        if len(values[0]) >= MIN_POINTS_TO_MATCH and values in seen:
            continue
        seen.add(values)
        kept.append(key)
    return kept


def _tripped(row: SeriesComparison, threshold: float | None) -> tuple[Which, ...]:
    if threshold is None:
        return ()
    tripped: list[Which] = []
    for difference in (row.best, row.final):
        share = worse_by(difference, row.direction)
        if difference.beyond_noise and share is not None and share > threshold:
            tripped.append(difference.which)
    return tuple(tripped)


def compare_series(
    base: Unit, head: Unit, key: SeriesKey, threshold: float | None
) -> SeriesComparison:
    """Best and final of one curve, head against base."""
    sign = direction(key[0])
    base_numbers, head_numbers = base.judged.numbers[key], head.judged.numbers[key]
    differences = {
        which: compare_statistic(
            which, side_statistic(base_numbers, which), side_statistic(head_numbers, which), sign
        )
        for which in ("best", "final")
    }
    row = SeriesComparison(key[0], key[1], sign, differences["best"], differences["final"])
    tripped = _tripped(row, threshold)
    return SeriesComparison(row.metric, row.split, sign, row.best, row.final, tripped)


def compare_pair(
    base: Unit,
    head: Unit,
    *,
    threshold: float | None,
    metrics: Sequence[str] = (),
    main: str | None = None,
) -> PairComparison:
    """Head against base: the verdicts, and every compared curve."""
    name = base.key if base.key == head.key else f"{base.key} → {head.key}"
    keys = compared_keys(base, head, metrics, main)
    series = tuple(compare_series(base, head, key, threshold) for key in keys)
    return PairComparison(
        name=name,
        base=base,
        head=head,
        verdict=judged_by_metrics(verdict_change(base.verdict, head.verdict), series),
        series=series,
    )
