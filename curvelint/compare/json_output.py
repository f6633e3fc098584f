"""compare.json: the comparison as data, in the conventions of report.json.

Non-finite numbers are the strings ``"nan"``, ``"inf"``, ``"-inf"``; ``null`` means not
applicable. ``regression`` is what the exit code says; ``regressions`` say why.
"""

from __future__ import annotations

from curvelint import __version__
from curvelint.compare.markdown import RULE
from curvelint.compare.model import Comparison, PairComparison, SeriesComparison, Unit
from curvelint.compare.stats import Difference
from curvelint.report.json_output import JsonObject, configuration_document, json_number
from curvelint.report.seed_groups import tally
from curvelint.seed_groups.statistics import Statistic

SCHEMA_VERSION = 1


def _statistic(statistic: Statistic) -> JsonObject:
    return {
        "value": json_number(statistic.value),
        "per_seed": [json_number(value) for value in statistic.per_seed],
        "spread": json_number(statistic.spread),
        "seeds": statistic.seeds,
    }


def _difference(difference: Difference) -> JsonObject:
    return {
        "base": _statistic(difference.base),
        "head": _statistic(difference.head),
        "delta": json_number(difference.delta),
        "relative": json_number(difference.relative),
        "margin": json_number(difference.margin),
        "basis": difference.basis,
        "beyond_noise": difference.beyond_noise,
        "change": difference.change,
    }


def _series(row: SeriesComparison) -> JsonObject:
    return {
        "series": row.key,
        "metric": row.metric,
        "split": row.split,
        "direction": row.direction,
        "best": _difference(row.best),
        "final": _difference(row.final),
        "tripped": list(row.tripped),
    }


def _unit(unit: Unit) -> JsonObject:
    document: JsonObject = {
        "name": unit.label,
        "key": unit.key,
        "kind": "group" if unit.group else "run",
        "verdict": unit.verdict,
        "reason": unit.reason,
        "seeds": unit.seeds,
        "configuration": configuration_document(unit.configuration),
    }
    if unit.group is not None:
        group = unit.group
        document["members"] = [
            {"run": run, "seed": seed, "verdict": verdict}
            for run, seed, verdict in zip(
                group.group.members, group.group.seeds, group.member_verdicts, strict=True
            )
        ]
        document["member_verdicts"] = tally(group.member_verdicts)
        document["diverged"] = list(group.diverged)
        document["not_averaged"] = list(group.omitted)
    return document


def _pair(pair: PairComparison) -> JsonObject:
    return {
        "name": pair.name,
        "base": _unit(pair.base),
        "head": _unit(pair.head),
        "verdict": {
            "base": pair.verdict.base,
            "head": pair.verdict.head,
            "move": pair.verdict.move,
            "metrics_improved": pair.verdict.overruled,
        },
        "series": [_series(row) for row in pair.series],
        "configuration_changes": [
            {"setting": name, "base": old, "head": new}
            for name, old, new in pair.configuration_changes
        ],
    }


def compare_document(comparison: Comparison) -> JsonObject:
    """compare.json's content."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "curvelint", "version": __version__},
        "base": comparison.base_path,
        "head": comparison.head_path,
        "regression": bool(comparison.regressions),
        "regressions": [{"pair": r.pair, "what": r.what} for r in comparison.regressions],
        "threshold": comparison.threshold,
        "band": comparison.band,
        "rule": RULE,
        "pairs": [_pair(pair) for pair in comparison.pairs],
        "unmatched": {
            "base": list(comparison.unmatched_base),
            "head": list(comparison.unmatched_head),
        },
        "unreadable": [
            {"side": item.side, "name": item.name, "error": item.error}
            for item in comparison.unreadable
        ],
        "plot": comparison.plot.file_name if comparison.plot else None,
        "unplotted": list(comparison.unplotted),
    }
