"""Many runs end to end: discover → (per run: read → analyze → diagnose → render) → index.

Each run is one task, run in this process (``jobs=1``) or in a pool of processes; a task
returns a small :class:`RunOutcome` and the index and summary are assembled here in run-name
order, so the output of ``--jobs 4`` is byte-for-byte the output of ``--jobs 1``. A run that
cannot be read or analysed (a :class:`CurvelintError`) becomes an ``unreadable`` row; any other
exception is a bug: the run's row says ``failed: …`` and its traceback goes to errors.log
(:mod:`curvelint.isolation`), while every other run completes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from curvelint import cache as run_cache
from curvelint import isolation, remote
from curvelint.config import Config
from curvelint.discover import RunSpec, discover
from curvelint.errors import ConfigError, CurvelintError, NoLogsError
from curvelint.isolation import Failure
from curvelint.judging import JudgingOptions, judge_run
from curvelint.report import output
from curvelint.report.build import build_run_report, unreadable_report
from curvelint.report.html_index import write_html_index
from curvelint.report.json_output import JsonObject, dumps
from curvelint.report.model import (
    X_AXES,
    IndexRow,
    ReportOptions,
    RunReport,
    SkippedItem,
    index_row,
)
from curvelint.report.paths import folder_names
from curvelint.report.seed_groups import write_group_plots
from curvelint.report.write import FOOTER, write_index, write_run
from curvelint.runs import read_run
from curvelint.seed_groups.gather import judge_seed_groups
from curvelint.task_pool import default_jobs, run_tasks
from curvelint.verdicts import UNREADABLE

__all__ = ["PipelineOptions", "PipelineResult", "analyze_paths", "default_jobs", "process_run"]

Progress = Callable[[IndexRow | None], None]


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
    # (local copy, URL) of each URL given: what reports show instead of the temporary copy
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


@dataclass(frozen=True)
class PipelineResult:
    """Every run's row and document (in run-name order), the skips, and the written texts."""

    rows: tuple[IndexRow, ...]
    documents: tuple[JsonObject, ...]
    skipped: tuple[SkippedItem, ...]
    index_markdown: str
    summary_json: str
    failures: tuple[Failure, ...] = ()


def pipeline_options(
    config: Config,
    *,
    smoothing: str | None = None,
    x_axis: str = "step",
    main_metric: str | None = None,
    num_classes: int | None = None,
) -> PipelineOptions:
    """The configuration with the command line's options on top (they win)."""
    if x_axis not in X_AXES:
        raise ConfigError(f"x axis {x_axis!r} is unknown; use one of {list(X_AXES)}")
    judging = JudgingOptions.from_config(
        config, smoothing=smoothing, main_metric=main_metric, num_classes=num_classes
    )
    report = ReportOptions(x_axis=x_axis, main_metric=judging.main_metric)
    return PipelineOptions(judging=judging, report=report)


def _report(task: RunTask) -> RunReport | SkippedItem:
    spec, shown = task.spec, remote.LocalPaths(urls=dict(task.urls))
    try:
        run = read_run(spec, task.cache)
    except CurvelintError as error:
        return unreadable_report(
            spec.name, spec.format, shown.original(str(error)), folder=task.folder
        )
    run = remote.relabel_run(run, shown)
    if run.frame.empty:  # as read_runs does: a log without a single point is not a run
        return SkippedItem(
            shown.original(str(spec.root)),
            "",
            "no scalar points (" + ("; ".join(run.notes) or "empty log") + ")",
            1,
        )
    try:
        judgement = judge_run(run, task.options.judging)
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
    )


def process_run(task: RunTask) -> RunOutcome:
    """Read, analyse, diagnose and render one run (in a worker process or in this one).

    With a cache, the outputs of a run whose files and options are unchanged are written again
    from it, and fresh outputs are stored (see :mod:`curvelint.cache`). Any exception becomes
    the run's ``failed`` row (:mod:`curvelint.isolation`); the other runs go on.
    """
    try:
        return _process_run(task)
    except Exception as error:  # the traceback is kept in the outcome
        return failed_outcome(task, error)


def failed_outcome(task: RunTask, error: BaseException) -> RunOutcome:
    """The row (and, if it can be written, the report) of a run that failed on ``error``."""
    found = isolation.failure(task.spec.name, task.spec.root, error)
    report = unreadable_report(task.spec.name, task.spec.format, found.reason, folder=task.folder)
    if isinstance(error, output.OutputError):  # --out itself fails: not this run's fault
        raise error
    folder = output.OutputFolder(task.out)
    document = write_run(folder, report)
    return RunOutcome(index_row(report), document, tuple(sorted(folder.written)), failure=found)


def _process_run(task: RunTask) -> RunOutcome:
    key = _outputs_key(task)
    if key is not None:
        reused = _reuse(task, key[0])
        if reused is not None:
            return reused
    report = _report(task)
    if isinstance(report, SkippedItem):
        outcome = RunOutcome(row=None, document=None, skipped=report)
        contents: dict[str, bytes] = {}
    else:
        folder = _RecordingFolder(task.out)
        document = write_run(folder, report, html=task.options.report.html)
        outcome = RunOutcome(index_row(report), document, tuple(sorted(folder.written)))
        contents = folder.contents
    if key is not None:
        _keep(task, key, outcome, contents)
    return outcome


@dataclass
class _RecordingFolder(output.OutputFolder):
    """An output folder that also keeps the bytes it wrote (for the cache)."""

    contents: dict[str, bytes] = field(default_factory=dict)

    def write_bytes(self, relative: str, data: bytes) -> None:
        super().write_bytes(relative, data)
        self.contents[relative] = data


def _outputs_key(task: RunTask) -> tuple[str, run_cache.Fingerprint] | None:
    """The cache key of the task's outputs and the files it stands for; None: no caching."""
    if task.cache is None:
        return None
    found = run_cache.fingerprint(task.spec)
    if found is None:
        return None
    run_key = run_cache.run_key(task.spec, found, {})
    where = {"out": str(task.out), "folder": task.folder}
    return run_cache.outputs_key(run_key, task.options, where), found


def _reuse(task: RunTask, key: str) -> RunOutcome | None:
    """Write the outputs stored under ``key`` into ``task.out``; None when there are none."""
    stored = task.cache.load_outputs(key, task.folder) if task.cache else None
    if stored is None:
        return None
    try:
        row = _index_row(stored.row)
        skipped = SkippedItem(**stored.skipped) if stored.skipped is not None else None
    except (TypeError, ValueError):
        return None
    if (row is None) != (stored.document is None) or (row is None) == (skipped is None):
        return None
    folder = output.OutputFolder(task.out)
    for name, data in stored.files.items():
        folder.write_bytes(name, data)
    return RunOutcome(row, stored.document, tuple(sorted(folder.written)), skipped)


def _index_row(stored: dict[str, object] | None) -> IndexRow | None:
    if stored is None:
        return None
    if set(stored) != {item.name for item in fields(IndexRow)}:
        raise ValueError("not an index row")
    return IndexRow(**stored)  # type: ignore[arg-type]


def _as_json(value: object) -> object:
    """``value`` as it comes back from JSON (numpy numbers become Python numbers)."""
    return json.loads(json.dumps(value, allow_nan=True))


def _keep(
    task: RunTask,
    key: tuple[str, run_cache.Fingerprint],
    outcome: RunOutcome,
    contents: dict[str, bytes],
) -> None:
    """Store the outcome, unless a file changed meanwhile or something would not come back
    exactly (the documents and rows, once through JSON, must render the same)."""
    digest, before = key
    if task.cache is None or not before.settled or run_cache.fingerprint(task.spec) != before:
        return
    row = _as_json(asdict(outcome.row)) if outcome.row is not None else None
    document = _as_json(outcome.document) if outcome.document is not None else None
    if outcome.document is not None and (
        not isinstance(document, dict) or dumps(document) != dumps(outcome.document)
    ):
        return
    if row is not None and (not isinstance(row, dict) or _index_row(row) != outcome.row):
        return
    skipped = asdict(outcome.skipped) if outcome.skipped is not None else None
    stored = run_cache.StoredOutputs(row, document, skipped, contents)  # type: ignore[arg-type]
    task.cache.store_outputs(digest, stored)


def _run_tasks(tasks: Sequence[RunTask], jobs: int, progress: Progress) -> list[RunOutcome]:
    """Outcomes in the order of ``tasks``, whatever order the workers finish in.

    Runs whose outputs are in the cache are written here first; no worker starts for them.
    """
    outcomes: dict[int, RunOutcome] = {}
    for position, task in enumerate(tasks):
        key = _outputs_key(task)
        reused = _reuse(task, key[0]) if key is not None else None
        if reused is not None:
            outcomes[position] = reused
            progress(reused.row)
    missing = [position for position in range(len(tasks)) if position not in outcomes]
    computed = _compute_tasks([tasks[position] for position in missing], jobs, progress)
    outcomes.update(zip(missing, computed, strict=True))
    return [outcomes[position] for position in range(len(tasks))]


def _input_bytes(spec: RunSpec) -> int:
    """The size of a run's files: how long it will take, roughly."""
    total = 0
    for path in (*spec.files, *spec.companions):
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def _compute_tasks(tasks: Sequence[RunTask], jobs: int, progress: Progress) -> list[RunOutcome]:
    """Outcomes in the order of ``tasks``, computed here or in a pool of ``jobs`` processes."""
    return run_tasks(
        tasks,
        jobs,
        process_run,
        failed=failed_outcome,
        done=lambda outcome: progress(outcome.row),
        size=lambda task: _input_bytes(task.spec),
    )


def _specs(paths: Sequence[Path], out: Path) -> tuple[list[RunSpec], list[SkippedItem]]:
    """The runs under ``paths``, leaving out anything inside the output folder itself."""
    discovery = discover(paths)
    skipped = [SkippedItem(s.path, s.where, s.why, s.count) for s in discovery.skipped]
    real_out = out.resolve()
    specs = [s for s in discovery.runs if not s.root.resolve().is_relative_to(real_out)]
    if discovery.runs and not specs:  # not "no training logs found": they are all in --out
        raise NoLogsError(
            f"the only training logs found are inside --out {out} (curvelint never reads its "
            "own output folder): move them out or choose another --out"
        )
    return sorted(specs, key=lambda spec: spec.name), skipped


def analyze_paths(
    paths: Sequence[str | Path],
    out: Path,
    options: PipelineOptions | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    cache: run_cache.Cache | None = None,
) -> PipelineResult:
    """Analyse every run under ``paths`` and write the reports below ``out``.

    A path given as a URL string (``s3://bucket/runs``) is copied to a temporary folder first
    (:mod:`curvelint.remote`); the reports name the URL. Raises :class:`NoLogsError` when
    there is nothing to analyse and :class:`OutputError` when ``out`` cannot be used; both
    before anything is written. ``cache`` keeps parsed runs and rendered outputs between calls
    (:mod:`curvelint.cache`); it is not used for URLs, whose copies are new every time.
    """
    options = options or PipelineOptions()
    paths_text = " ".join(map(str, paths))
    with remote.local_paths(paths) as located:
        if located.urls:
            cache = None
        urls = tuple(located.urls.items())
        specs, found_skipped = _specs(located.paths, out)
        skipped = [SkippedItem(s.path, s.where, s.why, s.count) for s in located.skipped]
        skipped += [replace(s, path=located.original(s.path)) for s in found_skipped]
        if not specs:
            detail = f" ({skipped[0].path}: {skipped[0].why})" if skipped else ""
            raise NoLogsError(f"no training logs found under {paths_text}{detail}")
        previous = output.prepare(out)
        try:
            folders = folder_names(spec.name for spec in specs)
            tasks = [RunTask(spec, folders[spec.name], out, options, cache, urls) for spec in specs]
            if on_start is not None:
                on_start(len(tasks))
            outcomes = _run_tasks(tasks, jobs, progress or (lambda row: None))
            rows = tuple(o.row for o in outcomes if o.row is not None)
            documents = tuple(o.document for o in outcomes if o.document is not None)
            skipped += [o.skipped for o in outcomes if o.skipped is not None]
            if not rows:
                raise NoLogsError(
                    f"nothing to analyze under {paths_text}: "
                    + "; ".join(f"{s.path}: {s.why}" for s in skipped[:3])
                )
            folder = output.OutputFolder(out)
            verdicts = {row.name: row.verdict for row in rows if row.verdict != UNREADABLE}
            groups = judge_seed_groups(specs, verdicts, options.group_by, options.judging, cache)
            shown = write_group_plots(folder, groups, [row.folder for row in rows], options.report)
            index, summary = write_index(folder, rows, documents, skipped, shown)
            if options.report.html:
                write_html_index(folder, rows, skipped, FOOTER)
            failures = [o.failure for o in outcomes if o.failure is not None]
            if failures:
                folder.write_text(isolation.ERRORS_LOG, isolation.errors_log(failures))
            written = folder.written.union(*(o.written for o in outcomes))
            output.finish(out, previous, written)
            if cache is not None:
                cache.prune()
            return PipelineResult(rows, documents, tuple(skipped), index, summary, tuple(failures))
        finally:
            output.release(out)  # finish released it, unless something failed first
