"""Read runs: discovery → readers → one schema frame per run, and ``curvelint.read``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from curvelint import frame_parcel, isolation, parallel, remote, remote_runs, schema
from curvelint.discover import RunSpec, discover
from curvelint.errors import CurvelintError, NoLogsError
from curvelint.frame_columns import FrameColumns, constant
from curvelint.freed_memory import release_freed_memory
from curvelint.readers import BY_NAME, tensorboard
from curvelint.readers.base import ColumnsRead, Reader, ReadResult, Skipped
from curvelint.report.escape import shown_text
from curvelint.run_model import FailedRun, ReadReport, Run, RunColumns

if TYPE_CHECKING:
    from curvelint.cache import Cache
    from curvelint.dask_executor import DaskExecutor

# Run, FailedRun and ReadReport live in curvelint.run_model; they are read from here too.
__all__ = ["FailedRun", "ReadReport", "Run", "read", "read_run", "read_runs"]

# A run of this many points has freed hundreds of MB while it was read: they are given back
# (curvelint.freed_memory) before its analysis (a 10M-point run's peak: 560 MB, not up to 620).
# A small run is not worth the call: a sweep reads hundreds of them.
LARGE_RUN_POINTS = 1_000_000


def _max_loss_step(frame: pd.DataFrame) -> int:
    loss = frame[(frame["metric"] == "loss") & (frame["split"] == "train")]
    return int(loss["step"].max()) if len(loss) else -1


def _with_companions(spec: RunSpec, primary: ReadResult) -> tuple[ReadResult, str]:
    """A Trainer run's own TensorBoard logs hold the same curves; use them only when they
    reach further (the state of a killed job lags behind its event files)."""
    try:
        companion = tensorboard.read(list(spec.companions))
    except CurvelintError as error:
        primary.notes.append(f"the Trainer's TensorBoard logs could not be read: {error}")
        return primary, spec.format
    primary_step, companion_step = _max_loss_step(primary.frame), _max_loss_step(companion.frame)
    if companion_step > primary_step:
        companion.notes.append(
            f"the TensorBoard logs reach step {companion_step:,}, the Trainer state only "
            f"{primary_step:,}: read the TensorBoard logs ({len(companion.frame):,} points)"
        )
        companion.metadata = {**primary.metadata, **companion.metadata}
        companion.skipped = primary.skipped + companion.skipped
        return companion, tensorboard.NAME
    primary.notes.append(
        f"the Trainer's TensorBoard logs ({len(spec.companions)} file(s), "
        f"{len(companion.frame)} points) hold the same curves: not counted twice"
    )
    return primary, spec.format


def read_run(spec: RunSpec, cache: Cache | None = None) -> Run:
    """Read one discovered run; raise :class:`CurvelintError` when nothing in it is usable.

    With a :class:`~curvelint.cache.Cache`, a run whose files are unchanged since it was
    cached is loaded from there instead, and a run read is stored.
    """
    if cache is not None:
        return cache.read_run(spec, _read_run)
    return _read_run(spec)


def _read_files(reader: Reader, spec: RunSpec) -> ReadResult:
    """``reader.read``, or its ``read_part`` for one run of a file that holds many."""
    read_part: Callable[[list[Path], str], ReadResult] | None = getattr(reader, "read_part", None)
    if spec.part and read_part is not None:
        return read_part(list(spec.files), spec.part)
    return reader.read(list(spec.files))


def _read_run(spec: RunSpec) -> Run:
    reader = BY_NAME[spec.format]
    try:
        result = _read_files(reader, spec)
        used_format = spec.format
    except CurvelintError:
        if not spec.companions:
            raise
        result, used_format = tensorboard.read(list(spec.companions)), tensorboard.NAME
        result.notes.append("no readable Trainer state: read its TensorBoard logs instead")
    if spec.companions and used_format == spec.format:
        result, used_format = _with_companions(spec, result)
    name = shown_text(spec.name)  # a name that is not UTF-8 could not be written anywhere
    frame = schema.with_run(result.frame, name)
    frame["source"] = frame["source"].cat.rename_categories(shown_text)
    files = _files(spec)
    if len(frame) >= LARGE_RUN_POINTS:  # what reading it freed goes back to the system
        release_freed_memory()
    return Run(name, used_format, frame, result.skipped, result.metadata, result.notes, files)


def _files(spec: RunSpec) -> tuple[str, ...]:
    return tuple(shown_text(str(f)) for f in (*spec.files, *spec.companions))


def _sweep_run(spec: RunSpec) -> Run | RunColumns:
    """One run read for :func:`read`: by its reader's ``read_columns`` when it has one (no
    frame built: the sweep's runs become one frame at the end), else as :func:`read_run`.
    Either is named and its sources shown as :func:`_read_run` does."""
    read_columns: Callable[[list[Path]], ColumnsRead] | None = getattr(
        BY_NAME[spec.format], "read_columns", None
    )
    if read_columns is None or spec.part or spec.companions:
        return _read_run(spec)
    result = read_columns(list(spec.files))
    name = shown_text(spec.name)
    columns = result.columns.replaced(
        run=constant(name, len(result.columns)),
        source=result.columns.coded("source").renamed(shown_text),
    )
    notes, files = result.notes, _files(spec)
    return RunColumns(name, spec.format, columns, result.skipped, result.metadata, notes, files)


def read_runs(
    paths: Sequence[str | Path],
    *,
    cache: Cache | None = None,
    jobs: int | None = None,
    executor: DaskExecutor | None = None,
) -> ReadReport:
    """Discover and read every run under ``paths``; one bad run never stops the others.

    A path given as a URL string (``s3://bucket/logs``, any fsspec protocol) is copied to a
    temporary folder first (:mod:`curvelint.remote`); names and paths stay relative to it.
    ``cache`` (see :func:`read_run`) is not used for URLs: their copies are new every time.
    Runs are read in ``jobs`` processes (default: the cores available) when that is quicker
    (:mod:`curvelint.parallel`), or on a Dask cluster with ``executor``
    (:mod:`curvelint.dask_executor`), whose workers fetch URLs themselves. The report is the
    same either way, in the order of discovery.
    """
    if any(remote.is_url(path) for path in paths):
        cache = None
    if executor is not None:
        with remote_runs.head_mirror(paths) as located:
            report = ReadReport()
            specs = _discovered(located, report)
            on_workers = [remote_runs.on_workers(spec) for spec in specs]
            outcomes = executor.map(
                _read_fetched,
                [(spec, (*located.urls.items(), *shown.items())) for spec, shown in on_workers],
            )
            return remote.relabel(_gathered(report, outcomes), located)
    with remote.local_paths(paths) as located:
        report = ReadReport()
        specs = _discovered(located, report)
        sizes = [parallel.input_bytes(spec) for spec in specs]
        parcels = parallel.map_in_order(
            functools.partial(_read_parcelled, cache=cache),
            specs,
            sizes,
            parallel.default_jobs() if jobs is None else jobs,
            here=functools.partial(_read_outcome, cache=cache),
        )
        outcomes = [_unparcelled(parcel) for parcel in parcels]
        return remote.relabel(_gathered(report, outcomes), located)


def _discovered(located: remote.LocalPaths, report: ReadReport) -> list[RunSpec]:
    discovery = discover(list(located.paths))
    report.skipped[:] = [*located.skipped, *discovery.skipped]
    return discovery.runs


_Outcome = Run | FailedRun | Skipped
_Read = TypeVar("_Read", bound=Run | RunColumns)


def _read_outcome(spec: RunSpec, cache: Cache | None) -> _Outcome:
    """One run read (in a worker process or in this one): the run, its failure, or a skip."""
    return _guarded(spec, functools.partial(read_run, spec, cache))


_SweepOutcome = Run | RunColumns | FailedRun | Skipped


def _sweep_outcome(spec: RunSpec) -> _SweepOutcome:
    """:func:`_read_outcome` for :func:`read`, by :func:`_sweep_run`."""
    return _guarded(spec, functools.partial(_sweep_run, spec))


def _guarded(spec: RunSpec, read_one: Callable[[], _Read]) -> _Read | FailedRun | Skipped:
    """``read_one()``; a bad run becomes its failure, a run with no point a skip."""
    try:
        run = read_one()
    except CurvelintError as error:
        return FailedRun(spec.name, spec.format, str(error))
    except Exception as error:  # a bug: its run fails, its traceback is kept (isolation)
        found = isolation.failure(spec.name, spec.root, error)
        return FailedRun(spec.name, spec.format, found.reason, found.traceback)
    if len(run.frame if isinstance(run, Run) else run.columns) == 0:
        why = "no scalar points (" + ("; ".join(run.notes) or "empty log") + ")"
        return Skipped(str(spec.root), "", why)
    return run


@dataclass(frozen=True)
class _Parcelled:
    """A run read in a worker process, its frame as plain arrays (quicker to send back)."""

    run: Run  # with an empty frame
    frame: frame_parcel.FrameParcel | pd.DataFrame


def _read_parcelled(spec: RunSpec, cache: Cache | None) -> _Outcome | _Parcelled:
    outcome = _read_outcome(spec, cache)
    if not isinstance(outcome, Run):
        return outcome
    return _Parcelled(replace(outcome, frame=pd.DataFrame()), frame_parcel.pack(outcome.frame))


def _sweep_parcelled(spec: RunSpec) -> _SweepOutcome | _Parcelled:
    """:func:`_sweep_outcome` in a worker process: a run's frame as plain arrays."""
    outcome = _sweep_outcome(spec)
    if not isinstance(outcome, Run):
        return outcome
    return _Parcelled(replace(outcome, frame=pd.DataFrame()), frame_parcel.pack(outcome.frame))


_Sent = TypeVar("_Sent", bound=_Outcome | _SweepOutcome)


def _unparcelled(outcome: _Sent | _Parcelled) -> _Sent | Run:
    if isinstance(outcome, _Parcelled):
        return replace(outcome.run, frame=frame_parcel.unpack(outcome.frame))
    return outcome


def _read_fetched(work: tuple[RunSpec, tuple[tuple[str, str], ...]]) -> _Outcome:
    """:func:`_read_outcome` on a Dask worker, which first fetches a remote run's own files."""
    spec, urls = work
    try:
        with remote_runs.fetched_run(spec, dict(urls)) as (local, shown):
            outcome = _read_outcome(local, None)
            if isinstance(outcome, Run):
                return remote.relabel_run(outcome, shown)
            if isinstance(outcome, FailedRun):
                outcome.error = shown.original(outcome.error)
                return outcome
            return replace(outcome, path=shown.original(outcome.path))
    except CurvelintError as error:  # a remote file that cannot be downloaded
        return FailedRun(spec.name, spec.format, str(error))


def _gathered(report: ReadReport, outcomes: Sequence[_Outcome]) -> ReadReport:
    for outcome in outcomes:
        if isinstance(outcome, Run):
            report.runs.append(outcome)
        elif isinstance(outcome, FailedRun):
            report.failed.append(outcome)
        else:
            report.skipped.append(outcome)
    return report


def read(*paths: str | Path) -> pd.DataFrame:
    """Every point of every run under ``paths`` as one frame (see :mod:`curvelint.schema`):
    the frames :func:`read_runs` gives, concatenated, but built once for all runs.

    Raises :class:`NoLogsError` when nothing readable was found.
    """
    with remote.local_paths(paths) as located:
        report = ReadReport()
        specs = _discovered(located, report)
        sizes = [parallel.input_bytes(spec) for spec in specs]
        jobs, least = parallel.default_jobs(), parallel.MIN_POOL_BYTES_ONE_FRAME
        parcels = parallel.map_in_order(
            _sweep_parcelled, specs, sizes, jobs, here=_sweep_outcome, min_bytes=least
        )
    outcomes = [_unparcelled(parcel) for parcel in parcels]
    runs = [outcome for outcome in outcomes if isinstance(outcome, Run | RunColumns)]
    if not runs:
        failures = [outcome for outcome in outcomes if not isinstance(outcome, Run | RunColumns)]
        raise _no_logs(paths, remote.relabel(_gathered(report, failures), located))
    if len(runs) == 1 and isinstance(runs[0], Run):  # as schema.concat gives one frame
        return remote.relabel_run(runs[0], located).frame.reset_index(drop=True)
    parts = [_relabelled(run, located) for run in runs]
    return schema.frame_of(schema.concat_columns(parts))


def _no_logs(paths: Sequence[str | Path], report: ReadReport) -> NoLogsError:
    reasons = [str(s) for s in report.skipped] + [f.error for f in report.failed]
    detail = f": {reasons[0]}" if reasons else ""
    return NoLogsError(f"no training logs found under {', '.join(map(str, paths))}{detail}")


def _relabelled(run: Run | RunColumns, located: remote.LocalPaths) -> FrameColumns:
    """The run's columns, the sources of a URL's local copy shown as the URL (as
    :func:`remote.relabel_run` shows them)."""
    if isinstance(run, Run):
        return FrameColumns.of_frame(remote.relabel_run(run, located).frame)
    if not located.urls:
        return run.columns
    sources = run.columns.coded("source")
    shown = sources.renamed(lambda source: located.original(str(source)))
    return run.columns.replaced(source=shown)
