"""Seed groups in ``analyze``'s output: an optional "Seed groups" section in index.md, the
``seed_groups`` key of summary.json, and per group a plot (the mean of its seeds with a
min–max band) and a page with its checks (:mod:`curvelint.report.seed_group_page`). The
groups are judged by :mod:`curvelint.seed_groups`; without groups nothing changes at all.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from curvelint.diagnosis.checks import Check
from curvelint.report.build import main_series
from curvelint.report.json_output import JsonObject, json_number
from curvelint.report.markup import MARKDOWN, Markup, page_path
from curvelint.report.model import ReportOptions
from curvelint.report.numbers import format_value
from curvelint.report.output import OutputFolder
from curvelint.report.overlay_data import group_plot
from curvelint.report.paths import folder_names, name_hash
from curvelint.report.seed_group_checks import group_check_document
from curvelint.seed_groups.checks import GroupCheck, group_checks
from curvelint.seed_groups.judge import GroupResult, SeedGroups
from curvelint.seed_groups.statistics import Statistic, side_statistic
from curvelint.verdicts import verdict_rank

GROUPS_FOLDER = "seed-groups"
NAME_LIMIT = 60


@dataclass(frozen=True)
class GroupRow:
    """One seed group as the index shows it."""

    result: GroupResult
    main_key: str | None
    main_label: str | None
    final: Statistic | None
    best: Statistic | None
    plot: str | None
    page: str | None = None  # the group's page (its checks), beside its plot
    checks: tuple[GroupCheck, ...] = ()  # each check across the seeds and on the mean
    plot_alt: str = ""  # the plot's description, for an image's alt text
    # Each member's folder under --out (by member, None when it has none), for links to it.
    folders: tuple[str | None, ...] = ()


def groups_folder(run_folders: Sequence[str]) -> str:
    """``seed-groups``, unless a run's folder already has that name (then with a hash)."""
    taken = {folder.casefold() for folder in run_folders}
    if GROUPS_FOLDER not in taken:
        return GROUPS_FOLDER
    return f"{GROUPS_FOLDER}-{name_hash('|'.join(sorted(taken)))}"


def _row(
    result: GroupResult,
    plot: tuple[str, str] | None,
    main: str | None,
    page: str,
    member_checks: Mapping[str, Sequence[Check]],
    run_folders: Mapping[str, str],
) -> GroupRow:
    checks = group_checks(result.group.members, member_checks, result.judged.checks)
    file, alt = plot or (None, "")
    folders = tuple(run_folders.get(member) for member in result.group.members)
    series = main_series(result.judged.analysis, main)
    if series is None:
        return GroupRow(result, None, None, None, None, file, page, checks, alt, folders)
    numbers = result.judged.numbers[series.key]
    key = f"{series.metric}/{series.split}" if series.split else series.metric
    label = f"{series.metric} / {series.split}" if series.split else series.metric
    final, best = side_statistic(numbers, "final"), side_statistic(numbers, "best")
    return GroupRow(result, key, label, final, best, file, page, checks, alt, folders)


def write_group_plots(
    folder: OutputFolder,
    groups: SeedGroups,
    run_folders: Mapping[str, str],
    options: ReportOptions,
    member_checks: Mapping[str, Sequence[Check]] | None = None,
) -> list[GroupRow]:
    """Write each judged group's plot (next to the runs' folders, ``run_folders``: each
    run's folder by run name); return the rows to show, with each check across the seeds
    (``member_checks``: each run's checks, by run name)."""
    top = groups_folder(list(run_folders.values()))
    files = folder_names(groups.keys)
    found = []
    for result in groups.judged:
        spec = group_plot(
            result,
            f"{files[result.group.key]}.png",
            options.main_metric,
            "minmax",
            options.max_plot_points,
        )
        plot = None
        if spec is not None:
            plot = (f"{top}/{spec.file_name}", spec.alt_text)
            from curvelint.report.overlays import render_png  # matplotlib: only when drawing

            folder.write_bytes(plot[0], render_png(spec))
        page = f"{top}/{files[result.group.key]}.md"
        found.append(
            _row(result, plot, options.main_metric, page, member_checks or {}, run_folders)
        )
    return found


def tally(verdicts: Iterable[str]) -> str:
    """``2/3 healthy, 1 not converged``: the most common first, then by precedence."""
    counts = Counter(verdicts)
    total = sum(counts.values())
    ranked = sorted(counts, key=lambda v: (-counts[v], verdict_rank(v)))
    parts = [f"{counts[v]} {v.replace('_', ' ')}" for v in ranked]
    if parts:
        parts[0] = f"{counts[ranked[0]]}/{total} {ranked[0].replace('_', ' ')}"
    return ", ".join(parts)


def _final_cell(row: GroupRow, with_label: bool, markup: Markup) -> str:
    if row.final is None:
        return "—"
    text = format_value(row.final.value)
    if row.final.spread is not None and math.isfinite(row.final.value or 0.0):
        text += f" ± {format_value(row.final.spread, 2)}"
    return f"{markup.text(row.main_label or '')}: {text}" if with_label else text


def _seeds_cell(row: GroupRow, markup: Markup) -> str:
    text = markup.text(tally(row.result.member_verdicts))
    if row.result.diverged:
        names = ", ".join(markup.text(name, NAME_LIMIT) for name in row.result.diverged)
        text += f" (NaN/inf: {names})"
    return text


SECTION_TITLE = "Seed groups"
SECTION_NOTE = (
    "Runs whose names differ only by a seed, judged as one run (the mean of their seeds, "
    "on the union of their steps; a seed's NaN/inf keeps the mean non-finite) and one by one."
)


def section_table(groups: Sequence[GroupRow], markup: Markup) -> list[str]:
    """The table of the "Seed groups" section, in ``markup``'s format; its last column links
    to each group's page in that format."""
    labels = {row.main_label for row in groups}
    shared = next(iter(labels)) if len(labels) == 1 and None not in labels else None
    final = f"Final {markup.text(shared)} (mean ± sd)" if shared else "Final (mean ± sd)"
    cells = (
        [
            markup.text(row.result.group.key, NAME_LIMIT),
            str(len(row.result.group.members)),
            markup.verdict(row.result.judged.diagnosis.verdict.value),
            _seeds_cell(row, markup),
            _final_cell(row, shared is None, markup),
            markup.link("plot", row.plot) if row.plot else "—",
            markup.link("checks", page_path(row.page, markup)) if row.page else "—",
        ]
        for row in groups
    )
    header = [
        "Seed group",
        "Seeds",
        "Verdict of the mean",
        "Seeds one by one",
        final,
        "Plot",
        "Checks",
    ]
    return markup.table(header, cells)


def render_section(groups: Sequence[GroupRow]) -> list[str]:
    """The "Seed groups" section of index.md (nothing when there are none)."""
    if not groups:
        return []
    title = f"## {SECTION_TITLE} ({len(groups)})"
    return ["", title, "", SECTION_NOTE, "", *section_table(groups, MARKDOWN)]


def _statistic(statistic: Statistic | None) -> JsonObject | None:
    if statistic is None:
        return None
    return {
        "mean": json_number(statistic.value),
        "sd": json_number(statistic.spread),
        "per_seed": [json_number(value) for value in statistic.per_seed],
    }


def group_document(row: GroupRow) -> JsonObject:
    """One group in summary.json's ``seed_groups``."""
    result = row.result
    return {
        "group": result.group.key,
        "name": result.judged.name,
        "members": [
            {"run": run, "seed": seed, "verdict": verdict}
            for run, seed, verdict in zip(
                result.group.members, result.group.seeds, result.member_verdicts, strict=True
            )
        ],
        "verdict": result.judged.diagnosis.verdict.value,
        "reason": result.judged.diagnosis.reason,
        "member_verdicts": tally(result.member_verdicts),
        "diverged": list(result.diverged),
        "not_averaged": list(result.omitted),
        "main_series": row.main_key,
        "final": _statistic(row.final),
        "best": _statistic(row.best),
        "plot": row.plot,
        "page": row.page,
        "checks": [group_check_document(check) for check in row.checks],
    }
