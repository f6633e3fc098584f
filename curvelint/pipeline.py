"""Many runs end to end: discover → (per run: read → analyze → diagnose → render) → index.

Each run is one task (:mod:`curvelint.run_task`), run in this process (``jobs=1``), in a pool
of processes, or on a Dask cluster (``executor``, :mod:`curvelint.dask_executor`: workers
render, this process writes); a task returns a small :class:`RunOutcome` and the index and
summary are assembled here in run-name order, so the output of ``--jobs 4`` or of a cluster is
byte-for-byte the output of ``--jobs 1``. A run that
cannot be read or analysed (a :class:`CurvelintError`) becomes an ``unreadable`` row; any other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from curvelint import cache as run_cache
from curvelint import isolation, parallel, remote, remote_runs, run_pool
from curvelint.config import Config
from curvelint.discover import RunSpec
from curvelint.errors import ConfigError, NoLogsError
from curvelint.isolation import Failure
from curvelint.judging import JudgingOptions
from curvelint.report import output
from curvelint.report.html_index import write_html_index
from curvelint.report.json_output import JsonObject, document_checks, dumps
from curvelint.report.model import (
    X_AXES,
    IndexRow,
    ReportOptions,
    SkippedItem,
)
from curvelint.report.paths import folder_names
from curvelint.report.seed_groups import write_group_plots
from curvelint.report.write import FOOTER, write_index
from curvelint.run_task import PipelineOptions as PipelineOptions  # its home for callers
from curvelint.run_task import (
    RenderedRun,
    RunOutcome,
    failed_outcome,
    judge_fetched_groups,
    render_fetched_run,
    specs_under,
)
from curvelint.run_task import RunTask as RunTask
from curvelint.run_task import render_run as render_run
from curvelint.seed_groups.gather import judge_seed_groups
from curvelint.seed_groups.judge import SeedGroups
from curvelint.shown_paths import shown_paths
from curvelint.verdicts import UNREADABLE

if TYPE_CHECKING:
    from curvelint.dask_executor import DaskExecutor

default_jobs = parallel.default_jobs  # where the command line has always found it

Progress = Callable[[IndexRow | None], None]


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
    plot: tuple[str, ...] = (),
) -> PipelineOptions:
    """The configuration with the command line's options on top (they win)."""
    if x_axis not in X_AXES:
        raise ConfigError(f"x axis {x_axis!r} is unknown; use one of {list(X_AXES)}")
    judging = JudgingOptions.from_config(
        config, smoothing=smoothing, main_metric=main_metric, num_classes=num_classes
    )
    report = ReportOptions(
        x_axis=x_axis, main_metric=judging.main_metric, plot_metrics=plot or config.plot
    )
    return PipelineOptions(judging=judging, report=report)


def process_run(task: RunTask) -> RunOutcome:
    """Read, analyse, diagnose and render one run (in a worker process or in this one) and
    write its files.

    With a cache, the outputs of a run whose files and options are unchanged are written again
    from it, and fresh outputs are stored (see :mod:`curvelint.cache`). Any exception becomes
    the run's ``failed`` row (:mod:`curvelint.isolation`); the other runs go on.
    """
    try:
        return _process_run(task)
    except Exception as error:  # the traceback is kept in the outcome
        return failed_outcome(task, error)


def _process_run(task: RunTask) -> RunOutcome:
    key = _outputs_key(task)
    if key is not None:
        reused = _reuse(task, key[0])
        if reused is not None:
            return reused
    return _write(task, key, render_run(task))


def _write(
    task: RunTask, key: tuple[str, run_cache.Fingerprint] | None, rendered: RenderedRun
) -> RunOutcome:
    """Write a rendered run's files into ``task.out`` and keep them in the cache."""
    folder = output.OutputFolder(task.out)
    for name, data in rendered.contents.items():
        folder.write_bytes(name, data)
    if key is not None:
        _keep(task, key, rendered.outcome, rendered.contents)
    return rendered.outcome


def _outputs_key(task: RunTask) -> tuple[str, run_cache.Fingerprint] | None:
    """The cache key of the task's outputs and the files it stands for; None: no caching."""
    if task.cache is None:
        return None
    found = run_cache.fingerprint(task.spec)
    if found is None:
        return None
    run_key = run_cache.run_key(task.spec, found, {})
    # Not the output folder: files are stored relative to it and written into any --out, so a
    # second analyze into a new folder copies them too. The run's folder name is in the files'
    # names (and the report's links), so it stays in the key.
    return run_cache.outputs_key(run_key, task.options, {"folder": task.folder}), found


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


def _run_tasks(
    tasks: Sequence[RunTask], jobs: int, progress: Progress, executor: DaskExecutor | None = None
) -> list[RunOutcome]:
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
    todo = [tasks[position] for position in missing]
    if executor is not None:
        computed = _compute_on_cluster(todo, executor, progress)
    else:
        computed = _compute_tasks(todo, jobs, progress)
    outcomes.update(zip(missing, computed, strict=True))
    return [outcomes[position] for position in range(len(tasks))]


def _compute_tasks(tasks: Sequence[RunTask], jobs: int, progress: Progress) -> list[RunOutcome]:
    """Outcomes in the order of ``tasks``, computed here and in ``jobs - 1`` worker processes
    (:mod:`curvelint.run_pool`); the output does not depend on who computed what."""
    sizes = [parallel.input_bytes(task.spec) for task in tasks]
    return run_pool.compute_in_order(
        process_run, tasks, sizes, jobs, lambda outcome: progress(outcome.row)
    )


def _compute_on_cluster(
    tasks: Sequence[RunTask], executor: DaskExecutor, progress: Progress
) -> list[RunOutcome]:
    """Outcomes in the order of ``tasks``, rendered on a cluster and written here as each
    arrives (once each, whichever worker finally rendered it), then kept in this process's
    cache; the rendered bytes are not kept once written."""

    def written(position: int, rendered: RenderedRun) -> RunOutcome:
        task = tasks[position]
        outcome = _write(task, _outputs_key(task), rendered)
        progress(outcome.row)
        return outcome

    on_workers = [_on_workers(task) for task in tasks]
    return executor.map_each(render_fetched_run, on_workers, written)


def _on_workers(task: RunTask) -> RunTask:
    spec, shown = remote_runs.on_workers(task.spec)
    return replace(task, spec=spec, urls=(*task.urls, *shown.items()))


def _seed_groups(
    specs: Sequence[RunSpec],
    verdicts: dict[str, str],
    options: PipelineOptions,
    cache: run_cache.Cache | None,
    executor: DaskExecutor | None,
    urls: tuple[tuple[str, str], ...],
) -> SeedGroups:
    """The seed groups, judged here, or on a worker when their files are only there."""
    if executor is None or not urls:
        return judge_seed_groups(specs, verdicts, options.group_by, options.judging, cache)
    task = functools.partial(judge_fetched_groups, verdicts=verdicts, options=options, urls=urls)
    (groups,) = executor.map(task, [tuple(specs)])
    return groups


def analyze_paths(
    paths: Sequence[str | Path],
    out: Path,
    options: PipelineOptions | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    cache: run_cache.Cache | None = None,
    executor: DaskExecutor | None = None,
) -> PipelineResult:
    """Analyse every run under ``paths`` and write the reports below ``out``.

    A path given as a URL string (``s3://bucket/runs``) is copied to a temporary folder first
    (:mod:`curvelint.remote`); the reports name the URL. Raises :class:`NoLogsError` when
    there is nothing to analyse and :class:`OutputError` when ``out`` cannot be used; both
    before anything is written. ``cache`` keeps parsed runs and rendered outputs between calls
    (:mod:`curvelint.cache`); it is not used for URLs, whose copies are new every time.
    With ``executor`` (:class:`curvelint.dask_executor.DaskExecutor`) each run is read,
    analysed and rendered on a Dask worker, URLs fetched there (only the start of each file is
    read here, to find the runs), and the files are written here: the same output as locally.
    """
    options = options or PipelineOptions()
    paths_text = shown_paths(paths)
    mirror = remote_runs.head_mirror if executor is not None else remote.local_paths
    with mirror(paths) as located:
        if located.copied:
            cache = None
        urls = tuple(located.urls.items())
        specs, found_skipped = specs_under(located.paths, out)
        skipped = [SkippedItem(s.path, s.where, s.why, s.count) for s in located.skipped]
        skipped += [replace(s, path=located.original(s.path)) for s in found_skipped]
        if not specs:
            detail = f" ({skipped[0].path}: {skipped[0].why})" if skipped else ""
            raise NoLogsError(f"no training logs found under {paths_text}{detail}")
        previous = output.prepare(out)
        try:
            return _analyze_specs(
                specs,
                skipped,
                out,
                previous,
                options,
                jobs=jobs,
                paths_text=paths_text,
                progress=progress,
                on_start=on_start,
                cache=cache,
                executor=executor,
                urls=urls,
            )
        finally:
            output.release(out)  # finish released it, unless something failed first


def _analyze_specs(
    specs: list[RunSpec],
    skipped: list[SkippedItem],
    out: Path,
    previous: set[str],
    options: PipelineOptions,
    *,
    jobs: int,
    paths_text: str,
    progress: Progress | None,
    on_start: Callable[[int], None] | None,
    cache: run_cache.Cache | None,
    executor: DaskExecutor | None,
    urls: tuple[tuple[str, str], ...],
) -> PipelineResult:
    """Every run of a claimed output folder, then the index, summary, errors.log, manifest."""
    folders = folder_names(spec.name for spec in specs)
    tasks = [RunTask(spec, folders[spec.name], out, options, cache, urls) for spec in specs]
    if on_start is not None:
        on_start(len(tasks))
    outcomes = _run_tasks(tasks, jobs, progress or (lambda row: None), executor)
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
    groups = _seed_groups(specs, verdicts, options, cache, executor, urls)
    checks = {str(document["run"]): document_checks(document) for document in documents}
    run_folders = {row.name: row.folder for row in rows}
    shown = write_group_plots(folder, groups, run_folders, options.report, checks)
    index, summary = write_index(folder, rows, documents, skipped, shown)
    if options.report.html:
        write_html_index(folder, rows, skipped, FOOTER, shown)
    failures = [o.failure for o in outcomes if o.failure is not None]
    if failures:
        folder.write_text(isolation.ERRORS_LOG, isolation.errors_log(failures))
    written = folder.written.union(*(o.written for o in outcomes))
    output.finish(out, previous, written)
    if cache is not None:
        cache.prune()
    return PipelineResult(rows, documents, tuple(skipped), index, summary, tuple(failures))
