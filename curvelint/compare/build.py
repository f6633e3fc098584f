"""BASE and HEAD paths → :class:`Comparison`: read, judge, group, match, compare, decide.

The command fails (exit 1) for any of the :class:`Regression` found here: a verdict that got
worse (by tier, see :mod:`curvelint.compare.verdicts`), a head run that could not be read, or
— with ``--fail-if-worse`` — a compared statistic worse than base by more than the threshold
and beyond the noise (see :mod:`curvelint.compare.stats`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curvelint.compare.markdown import percent
from curvelint.compare.model import Comparison, PairComparison, Regression, Unit, Unreadable
from curvelint.compare.pairs import compare_pair, match_units
from curvelint.compare.plot_data import comparison_plot
from curvelint.compare.sides import load_side
from curvelint.config import Config
from curvelint.errors import ConfigError, NoLogsError
from curvelint.judging import JudgingOptions
from curvelint.report.numbers import format_value
from curvelint.report.overlay_data import BANDS
from curvelint.seed_groups.naming import compile_pattern
from curvelint.shown_paths import shown_path


@dataclass(frozen=True)
class CompareOptions:
    """What shapes a comparison besides the two paths."""

    judging: JudgingOptions = field(default_factory=JudgingOptions)
    threshold: float | None = None
    group_by: str | None = None
    metrics: tuple[str, ...] = ()
    band: str = "minmax"
    max_plot_points: int = 2000


def compare_options(
    config: Config,
    *,
    threshold: str | None = None,
    group_by: str | None = None,
    metrics: tuple[str, ...] = (),
    band: str = "minmax",
    main_metric: str | None = None,
    num_classes: int | None = None,
) -> CompareOptions:
    """The configuration with the command line's options on top (they win)."""
    judging = JudgingOptions.from_config(config, main_metric=main_metric, num_classes=num_classes)
    return CompareOptions(
        judging=judging,
        threshold=parse_threshold(threshold) if threshold is not None else None,
        group_by=group_by,
        metrics=metrics,
        band=band,
    )


def parse_threshold(text: str) -> float:
    """``--fail-if-worse`` value: ``5%`` or ``0.05`` (a share of the base value), ``0`` for
    any worsening beyond the noise."""
    stripped = text.strip()
    percent = stripped.endswith("%")
    try:
        value = float(stripped.rstrip("%").strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ConfigError(
            f"--fail-if-worse={text}: use a share of the base value, e.g. --fail-if-worse=5% "
            "or --fail-if-worse=0.05 (the = is required)"
        )
    return value / 100.0 if percent else value


def _pair_regressions(pair: PairComparison, threshold: float | None) -> list[Regression]:
    found = []
    if pair.verdict.move == "worse":
        verdicts = f"{pair.verdict.base.replace('_', ' ')} → {pair.verdict.head.replace('_', ' ')}"
        found.append(Regression(pair.name, f"verdict {verdicts}"))
    for row in pair.series:
        for which in row.tripped:
            difference = row.best if which == "best" else row.final
            if difference.relative is not None:
                amount = percent(difference.relative)
            else:
                amount = (
                    f"{format_value(difference.base.value)} → {format_value(difference.head.value)}"
                )
            limit = f"{(threshold or 0.0) * 100:.3g} %"
            found.append(
                Regression(pair.name, f"{row.key} {which} worse by {amount} (threshold {limit})")
            )
    return found


def regressions(
    pairs: Sequence[PairComparison], unreadable: Sequence[Unreadable], threshold: float | None
) -> tuple[Regression, ...]:
    """Every reason to exit 1, pair by pair, then the head runs that could not be read."""
    found = [item for pair in pairs for item in _pair_regressions(pair, threshold)]
    found += [
        Regression(item.name, "could not be read") for item in unreadable if item.side == "head"
    ]
    return tuple(found)


def compare_paths(
    base: Path | str, head: Path | str, options: CompareOptions | None = None
) -> Comparison:
    """Compare every run (and seed group) under ``head`` with its match under ``base``.

    A side given as a URL string (``s3://…``) is read through :mod:`curvelint.remote`.
    Raises :class:`NoLogsError` when a side holds no logs or nothing matches, and
    :class:`ConfigError` for a bad ``--group-by`` or band.
    """
    options = options or CompareOptions()
    if options.band not in BANDS:
        raise ConfigError(f"--band {options.band!r}: use one of {', '.join(BANDS)}")
    pattern = compile_pattern(options.group_by)
    base_side = load_side(base, "base", pattern, options.judging)
    head_side = load_side(head, "head", pattern, options.judging)
    matching = match_units(base_side.units, head_side.units)
    if not matching.pairs:
        raise NoLogsError(_nothing_matched(base_side.units, head_side.units, base, head))
    main = options.judging.main_metric
    pairs = tuple(
        compare_pair(b, h, threshold=options.threshold, metrics=options.metrics, main=main)
        for b, h in matching.pairs
    )
    unreadable = base_side.unreadable + head_side.unreadable
    plot, unplotted = comparison_plot(pairs, options.band, main, options.max_plot_points)
    return Comparison(
        base_path=base_side.path,
        head_path=head_side.path,
        pairs=pairs,
        unmatched_base=matching.unmatched_base,
        unmatched_head=matching.unmatched_head,
        unreadable=unreadable,
        threshold=options.threshold,
        band=options.band,
        plot=plot,
        unplotted=unplotted,
        regressions=regressions(pairs, unreadable, options.threshold),
    )


def _nothing_matched(
    base_units: Sequence[Unit], head_units: Sequence[Unit], base: Path | str, head: Path | str
) -> str:
    def names(units: Sequence[Unit]) -> str:
        keys = [unit.key for unit in units]
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        return shown or "no readable run"

    return (
        f"no run under {shown_path(head)} matches one under {shown_path(base)} by name "
        f"(base: {names(base_units)}; head: {names(head_units)})"
    )
