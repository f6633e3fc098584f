"""Read runs: discovery → readers → one schema frame per run, and ``curvelint.read``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from curvelint import isolation, remote, schema
from curvelint.discover import RunSpec, discover
from curvelint.errors import CurvelintError, NoLogsError
from curvelint.readers import BY_NAME, tensorboard
from curvelint.readers.base import Reader, ReadResult, Skipped
from curvelint.report.escape import shown_text
from curvelint.run_model import FailedRun, ReadReport, Run

if TYPE_CHECKING:
    from curvelint.cache import Cache

# Run, FailedRun and ReadReport live in curvelint.run_model; they are read from here too.
__all__ = ["FailedRun", "ReadReport", "Run", "read", "read_run", "read_runs"]


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
            f"the TensorBoard logs reach step {companion_step}, the Trainer state only "
            f"{primary_step}: read the TensorBoard logs ({len(companion.frame)} points)"
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
    files = tuple(shown_text(str(f)) for f in (*spec.files, *spec.companions))
    return Run(name, used_format, frame, result.skipped, result.metadata, result.notes, files)


def read_runs(paths: Sequence[str | Path], *, cache: Cache | None = None) -> ReadReport:
    """Discover and read every run under ``paths``; one bad run never stops the others (even
    one that fails on a bug: :mod:`curvelint.isolation`).

    A path given as a URL string (``s3://bucket/logs``, any fsspec protocol) is copied to a
    temporary folder first (:mod:`curvelint.remote`); names and paths stay relative to it.
    ``cache`` (see :func:`read_run`) is not used for URLs: their copies are new every time.
    """
    if any(remote.is_url(path) for path in paths):
        cache = None
    with remote.local_paths(paths) as located:
        report = _read_local(located.paths, cache)
        report.skipped[:0] = located.skipped
        return remote.relabel(report, located)


def _read_local(paths: Sequence[Path], cache: Cache | None) -> ReadReport:
    discovery = discover(list(paths))
    report = ReadReport(skipped=list(discovery.skipped))
    for spec in discovery.runs:
        try:
            run = read_run(spec, cache)
        except CurvelintError as error:
            report.failed.append(FailedRun(spec.name, spec.format, str(error)))
            continue
        except Exception as error:  # a bug: the traceback is kept (isolation)
            found = isolation.failure(spec.name, spec.root, error)
            report.failed.append(FailedRun(spec.name, spec.format, found.reason, found.traceback))
            continue
        if len(run.frame) == 0:
            why = "no scalar points (" + ("; ".join(run.notes) or "empty log") + ")"
            report.skipped.append(Skipped(str(spec.root), "", why))
            continue
        report.runs.append(run)
    return report


def read(*paths: str | Path) -> pd.DataFrame:
    """Every point of every run under ``paths`` as one frame (see :mod:`curvelint.schema`).

    Raises :class:`NoLogsError` when nothing readable was found.
    """
    report = read_runs(paths)
    if not report.runs:
        reasons = [str(s) for s in report.skipped] + [f.error for f in report.failed]
        detail = f": {reasons[0]}" if reasons else ""
        raise NoLogsError(f"no training logs found under {', '.join(map(str, paths))}{detail}")
    return schema.concat([run.frame for run in report.runs])
