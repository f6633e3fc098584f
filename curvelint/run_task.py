"""One run's task, anywhere: read, analyse, diagnose and render it in memory.

A :class:`RunTask` is picklable and :func:`render_run` is a module-level function of it, so the
same task runs in this process, in a local pool (:mod:`curvelint.pipeline`) or on a Dask worker
(:mod:`curvelint.dask_executor`), and renders the same bytes. Nothing here writes a file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from curvelint import cache as run_cache
from curvelint import isolation, remote, remote_runs, schema
from curvelint.analysis.series import iterate_series, series_columns
from curvelint.discover import RunSpec, discover
from curvelint.errors import CurvelintError, NoLogsError
from curvelint.formats import ONE_RUN_LOGS
from curvelint.isolation import Failure
from curvelint.judging import JudgingOptions, judge_series, run_metadata
from curvelint.report import output
from curvelint.report.build import (
    build_run_report,
    empty_log_report,
    frame_facts,
    log_held,
    unreadable_report,
)
from curvelint.report.json_output import JsonObject
from curvelint.report.model import IndexRow, ReportOptions, RunReport, SkippedItem, index_row
from curvelint.report.write import write_run
from curvelint.runs import read_run
from curvelint.seed_groups.gather import judge_seed_groups
from curvelint.seed_groups.judge import SeedGroups
from curvelint.seed_groups.naming import compile_pattern, group_runs
from curvelint.shown_paths import shown_path


@dataclass(frozen=True)
class PipelineOptions:
    """Everything that shapes the output; picklable, so each worker gets the same copy."""

    judging: JudgingOptions = field(default_factory=JudgingOptions)
    report: ReportOptions = field(default_factory=ReportOptions)
    # Seed groups (curvelint.seed_groups): None strips a trailing seed marker, "none": no groups.
    group_by: str | None = None


@dataclass(frozen=True)
class RunTask:
    """One run to process and where its files go."""

    spec: RunSpec
    folder: str
    out: Path
    options: PipelineOptions
    cache: run_cache.Cache | None = None  # parsed runs and rendered outputs, when used
    # (local path, shown form) of each URL or absolute path given: what reports show instead
    urls: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RunOutcome:
    """What a task sends back: the index row, report.json's content and the files written.
    A run with no points at all has no row, only ``skipped``."""

    row: IndexRow | None
    document: JsonObject | None
    written: tuple[str, ...] = ()
    skipped: SkippedItem | None = None
    failure: Failure | None = None  # the run failed on a bug (its row says so)


def _report(task: RunTask) -> RunReport | SkippedItem:
    spec, shown = task.spec, remote.LocalPaths(urls=dict(task.urls))
    try:
        run = read_run(spec, task.cache)
    except CurvelintError as error:
        return unreadable_report(
            spec.name, spec.format, shown.original(str(error)), folder=task.folder
        )
    run = remote.relabel_run(run, shown)
    if run.frame.empty:
        if spec.format in ONE_RUN_LOGS:  # a run that logged nothing: too little to judge
            return empty_log_report(spec.name, spec.format, run.notes, folder=task.folder)
        why = f"no scalar points ({log_held(run.notes)})"
        # as read_runs does: an event file without a point (a graph, a writer's header) is
        # no run of its own
        return SkippedItem(shown.original(str(spec.root)), "", why, 1)
    # The report needs the frame's facts and its series only: the rest of the frame goes
    # before the series are cut, and all of it before they are analysed (a 10M-point run's
    # frame is 280 MB, its series 150 MB more).
    facts = frame_facts(run, task.options.report)
    curves, run = series_columns(run.frame), replace(run, frame=schema.empty_frame())
    series = list(iterate_series(curves))
    del curves
    try:
        judgement = judge_series(run.name, series, run_metadata(run), task.options.judging)
    except CurvelintError as error:
        return unreadable_report(
            spec.name, run.format, shown.original(str(error)), folder=task.folder
        )
    return build_run_report(
        run,
        judgement.analysis,
        judgement.diagnosis,
        folder=task.folder,
        options=task.options.report,
        facts=facts,
        checks=judgement.checks,
    )


@dataclass(frozen=True)
class RenderedRun:
    """A run's outcome and the bytes of its files, not written yet (from a cluster worker)."""

    outcome: RunOutcome
    contents: dict[str, bytes]


def render_run(task: RunTask) -> RenderedRun:
    """Read, analyse, diagnose and render one run in memory; nothing is written."""
    report = _report(task)
    if isinstance(report, SkippedItem):
        return RenderedRun(RunOutcome(row=None, document=None, skipped=report), {})
    return render_report(task, report)


def render_report(task: RunTask, report: RunReport) -> RenderedRun:
    folder = _MemoryFolder(task.out)
    document = write_run(folder, report, html=task.options.report.html)
    outcome = RunOutcome(index_row(report), document, tuple(sorted(folder.contents)))
    return RenderedRun(outcome, folder.contents)


def render_fetched_run(task: RunTask) -> RenderedRun:
    """:func:`render_run` on a cluster worker, which first downloads a remote run's own files
    (:mod:`curvelint.remote_runs`) and uses no cache of its own."""
    try:
        with remote_runs.fetched_run(task.spec, dict(task.urls)) as (spec, shown):
            local = replace(task, spec=spec, urls=tuple(shown.urls.items()), cache=None)
            return render_run(local)
    except CurvelintError as error:
        spec = task.spec
        report = unreadable_report(spec.name, spec.format, str(error), folder=task.folder)
        return render_report(task, report)


@dataclass
class _MemoryFolder(output.OutputFolder):
    """An output folder that keeps the bytes it is given instead of writing them."""

    contents: dict[str, bytes] = field(default_factory=dict)

    def write_bytes(self, relative: str, data: bytes) -> None:  # checked when written
        self.contents[relative] = data
        self.written.add(relative)


def judge_fetched_groups(
    specs: tuple[RunSpec, ...],
    verdicts: dict[str, str],
    options: PipelineOptions,
    urls: tuple[tuple[str, str], ...],
) -> SeedGroups:
    """:func:`judge_seed_groups` on a cluster worker, which downloads the members' files."""
    grouping = group_runs(verdicts, compile_pattern(options.group_by))
    members = {name for group in grouping.groups for name in group.members}
    with contextlib.ExitStack() as stack:
        local = []
        for spec in specs:
            if spec.name in members:
                try:
                    fetched, _ = stack.enter_context(remote_runs.fetched_run(spec, dict(urls)))
                except CurvelintError:
                    continue  # its group is left out, as for a member unreadable now
                local.append(fetched)
        return judge_seed_groups(local, verdicts, options.group_by, options.judging)


def failed_outcome(task: RunTask, error: BaseException) -> RunOutcome:
    """The row (and, if it can be written, the report) of a run that failed on ``error``."""
    if isinstance(error, output.OutputError):  # --out itself fails: not this run's fault
        raise error
    shown = remote.LocalPaths(urls=dict(task.urls)).original(str(task.spec.root))
    found = isolation.failure(task.spec.name, shown, error)
    report = unreadable_report(task.spec.name, task.spec.format, found.reason, folder=task.folder)
    folder = output.OutputFolder(task.out)
    document = write_run(folder, report)
    return RunOutcome(index_row(report), document, tuple(sorted(folder.written)), failure=found)


def specs_under(paths: Sequence[Path], out: Path) -> tuple[list[RunSpec], list[SkippedItem]]:
    """The runs under ``paths``, leaving out anything inside the output folder itself."""
    discovery = discover(paths)
    skipped = [SkippedItem(s.path, s.where, s.why, s.count) for s in discovery.skipped]
    real_out = out.resolve()
    specs = [s for s in discovery.runs if not s.root.resolve().is_relative_to(real_out)]
    if discovery.runs and not specs:  # not "no training logs found": they are all in --out
        raise NoLogsError(
            f"the only training logs found are inside --out {shown_path(out)} (curvelint never "
            "reads its own output folder): move them out or choose another --out"
        )
    return sorted(specs, key=lambda spec: spec.name), skipped
