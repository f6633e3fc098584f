"""Seed groups in ``analyze``: an optional "Seed groups" section in index.md and summary.json,
and one plot per group (the mean of its seeds with a min–max band).

Runs are analysed one by one by the pipeline as before; afterwards the members of each group
are read again here (in this process, in name order, so the output does not depend on
``--jobs``) to build the group's mean curves. Without groups nothing changes at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curvelint.compare.draw import render_png
from curvelint.compare.judge import GroupResult, judge_group
from curvelint.compare.plot_data import group_plot
from curvelint.compare.stats import Statistic, side_statistic
from curvelint.discover import RunSpec
from curvelint.errors import CurvelintError
from curvelint.groups import compile_pattern, group_runs
from curvelint.report.build import main_series
from curvelint.report.escape import markdown_text
from curvelint.report.index import render_index
from curvelint.report.json_output import JsonObject, dumps, json_number, summary_document
from curvelint.report.markdown import table, verdict_label
from curvelint.report.model import IndexRow, SkippedItem
from curvelint.report.numbers import format_value
from curvelint.report.output import OutputFolder
from curvelint.report.paths import folder_names, link_target, name_hash
from curvelint.report.write import FOOTER, INDEX, SUMMARY, write_index
from curvelint.runs import read_run
from curvelint.verdicts import UNREADABLE

if TYPE_CHECKING:
    from curvelint.pipeline import PipelineOptions

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


def groups_folder(run_folders: Sequence[str]) -> str:
    """``seed-groups``, unless a run's folder already has that name (then with a hash)."""
    taken = {folder.casefold() for folder in run_folders}
    if GROUPS_FOLDER not in taken:
        return GROUPS_FOLDER
    return f"{GROUPS_FOLDER}-{name_hash('|'.join(sorted(taken)))}"


def _row(result: GroupResult, plot: str | None, main: str | None) -> GroupRow:
    series = main_series(result.judged.analysis, main)
    if series is None:
        return GroupRow(result, None, None, None, None, plot)
    numbers = result.judged.numbers[series.key]
    key = f"{series.metric}/{series.split}" if series.split else series.metric
    label = f"{series.metric} / {series.split}" if series.split else series.metric
    final, best = side_statistic(numbers, "final"), side_statistic(numbers, "best")
    return GroupRow(result, key, label, final, best, plot)


def seed_group_rows(
    folder: OutputFolder,
    specs: Sequence[RunSpec],
    rows: Sequence[IndexRow],
    options: PipelineOptions,
) -> list[GroupRow]:
    """Judge every seed group among the readable runs and write its plot."""
    pattern = compile_pattern(options.group_by)
    verdicts = {row.name: row.verdict for row in rows if row.verdict != UNREADABLE}
    grouping = group_runs(verdicts, pattern)
    if not grouping.groups:
        return []
    by_name = {spec.name: spec for spec in specs}
    judging = options.judging
    top = groups_folder([row.folder for row in rows])
    files = folder_names(group.key for group in grouping.groups)
    found = []
    for group in grouping.groups:
        try:
            runs = [read_run(by_name[name]) for name in group.members]
            result = judge_group(group, runs, [verdicts[n] for n in group.members], judging)
        except CurvelintError:  # a member unreadable now, or seeds sharing no curve
            continue
        spec = group_plot(
            result,
            f"{files[group.key]}.png",
            options.report.main_metric,
            "minmax",
            options.report.max_plot_points,
        )
        plot = None
        if spec is not None:
            plot = f"{top}/{spec.file_name}"
            folder.write_bytes(plot, render_png(spec))
        found.append(_row(result, plot, options.report.main_metric))
    return found


def _final_cell(row: GroupRow, with_label: bool) -> str:
    if row.final is None:
        return "—"
    text = format_value(row.final.value)
    if row.final.spread is not None and math.isfinite(row.final.value or 0.0):
        text += f" ± {format_value(row.final.spread, 2)}"
    return f"{markdown_text(row.main_label or '')}: {text}" if with_label else text


def _seeds_cell(row: GroupRow) -> str:
    text = row.result.tally
    if row.result.diverged:
        names = ", ".join(markdown_text(name, NAME_LIMIT) for name in row.result.diverged)
        text += f" (NaN/inf: {names})"
    return text


def render_section(groups: Sequence[GroupRow]) -> list[str]:
    """The "Seed groups" section of index.md (nothing when there are none)."""
    if not groups:
        return []
    labels = {row.main_label for row in groups}
    shared = next(iter(labels)) if len(labels) == 1 and None not in labels else None
    final = f"Final {markdown_text(shared)} (mean ± sd)" if shared else "Final (mean ± sd)"
    cells = (
        [
            markdown_text(row.result.group.key, NAME_LIMIT),
            str(len(row.result.group.members)),
            verdict_label(row.result.judged.diagnosis.verdict.value),
            _seeds_cell(row),
            _final_cell(row, shared is None),
            f"[plot]({link_target(*row.plot.split('/'))})" if row.plot else "—",
        ]
        for row in groups
    )
    header = ["Seed group", "Seeds", "Verdict of the mean", "Seeds one by one", final, "Plot"]
    note = (
        "Runs whose names differ only by a seed, judged as one run (the mean of their seeds, "
        "on the union of their steps; a seed's NaN/inf keeps the mean non-finite) and one by one."
    )
    return ["", f"## Seed groups ({len(groups)})", "", note, "", *table(header, cells)]


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
        "member_verdicts": result.tally,
        "diverged": list(result.diverged),
        "not_averaged": list(result.omitted),
        "main_series": row.main_key,
        "final": _statistic(row.final),
        "best": _statistic(row.best),
        "plot": row.plot,
    }


def write_index_with_groups(
    folder: OutputFolder,
    specs: Sequence[RunSpec],
    rows: Sequence[IndexRow],
    documents: Sequence[JsonObject],
    skipped: Sequence[SkippedItem],
    options: PipelineOptions,
) -> tuple[str, str]:
    """index.md and summary.json as :func:`write_index` writes them, plus the seed groups
    section and ``seed_groups`` key when there are groups."""
    groups = seed_group_rows(folder, specs, rows, options)
    if not groups:
        return write_index(folder, rows, documents, skipped)
    index = render_index(rows, skipped, footer=FOOTER, sections=render_section(groups))
    document = summary_document(documents, skipped)
    document["seed_groups"] = [group_document(row) for row in groups]
    summary = dumps(document)
    folder.write_text(INDEX, index)
    folder.write_text(SUMMARY, summary)
    return index, summary
