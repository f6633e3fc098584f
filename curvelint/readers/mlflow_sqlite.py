"""MLflow's SQLite tracking store (``mlflow.db``, ``sqlite:///mlflow.db``): every run in it.

One database holds many runs, so discovery asks :func:`runs_inside` for them and reads each
with :func:`read_part`. Every point is read from the ``metrics`` table (``latest_metrics`` keeps
only the last one); ``params`` and ``tags`` are metadata, the run's name is its
``mlflow.runName`` tag or ``runs.name``. Deleted runs and runs of deleted experiments are not
read, as MLflow's UI hides them.

MLflow stores NaN as 0 with ``is_nan`` set and ±inf as ±``float max`` (SQL has no infinity):
both are turned back into what was logged. The database is opened read-only through a
``mode=ro`` URI (never ``immutable``: a live writer's changes must be seen and its locks
respected), with untrusted schema features off, and each run read in one transaction so its
metrics, params and tags are one consistent snapshot. The read holds SQLite's shared lock only
while it runs (a fraction of a second per 100,000 points); a writer committing then waits for
it, well inside MLflow's own 20 s busy timeout. While a writer commits, the reader waits up to
:data:`BUSY_TIMEOUT_S` (waiting holds no lock, so it never delays the writer): a commit's
fsync on a busy disk can take seconds, and failing the read for that would be wrong.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from curvelint.errors import UnreadableError
from curvelint.readers.base import ReadResult, Skipped
from curvelint.schema import build_frame, empty_frame

NAME = "mlflow_sqlite"
HEADER = b"SQLite format 3\x00"
REQUIRED_TABLES = frozenset({"runs", "metrics", "experiments", "params", "tags"})
RUN_NAME_TAG = "mlflow.runName"
BUSY_TIMEOUT_S = 10.0
_FLOAT_MAX = sys.float_info.max
_RUN_COLUMNS = ("run_uuid", "name", "status", "start_time", "end_time", "lifecycle_stage")
_RUN = (
    "SELECT run_uuid, name, status, start_time, end_time, lifecycle_stage, experiment_id "
    "FROM runs WHERE run_uuid = ?"
)
# One row per point: tag, value, wall time (s), step, NaN flag, and whether the row's types
# are usable (checked by SQLite: a damaged row may hold text or a blob anywhere).
_METRICS = """
    SELECT CAST(key AS TEXT), value, timestamp / 1000.0, step, COALESCE(is_nan = 1, 0),
        key IS NOT NULL AND typeof(value) IN ('real', 'integer') AND typeof(step) = 'integer'
        AND typeof(timestamp) IN ('integer', 'real', 'null')
    FROM metrics WHERE run_uuid = ? ORDER BY key, step, timestamp
"""
_PARAMS = "SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key"
_TAGS = "SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key"
_EXPERIMENT = "SELECT name FROM experiments WHERE experiment_id = ?"
_ACTIVE_RUNS = """
    SELECT runs.run_uuid, COALESCE(tags.value, runs.name, runs.run_uuid), experiments.name
    FROM runs
    JOIN experiments ON experiments.experiment_id = runs.experiment_id
    LEFT JOIN tags ON tags.run_uuid = runs.run_uuid AND tags.key = 'mlflow.runName'
    WHERE COALESCE(runs.lifecycle_stage, 'active') != 'deleted'
      AND COALESCE(experiments.lifecycle_stage, 'active') != 'deleted'
    ORDER BY runs.experiment_id, runs.start_time, runs.run_uuid
"""


@dataclass(frozen=True)
class RunInside:
    """One run of a database: its id (what :func:`read_part` takes) and a readable label."""

    run_id: str
    experiment: str
    name: str

    @property
    def label(self) -> str:
        """``experiment/run name``: how the run is named below the database's own name."""
        return f"{self.experiment}/{self.name}"


def _has_header(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(HEADER)) == HEADER
    except OSError:
        return False


@contextlib.contextmanager
def _snapshot(path: Path) -> Iterator[sqlite3.Cursor]:
    """A read-only cursor inside one read transaction; SQLite errors become one line."""
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=True
        )
    except sqlite3.Error as error:
        raise UnreadableError(f"{path}: cannot open as SQLite ({_first_line(error)})") from None
    connection.text_factory = _text  # names from a damaged file may not be UTF-8
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA trusted_schema = OFF")
        cursor.execute("PRAGMA query_only = ON")
        cursor.execute("BEGIN")
        yield cursor
        cursor.execute("COMMIT")
    except sqlite3.Error as error:
        raise UnreadableError(f"{path}: {_explain(error)}") from None
    finally:
        connection.close()


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _fetch_all(cursor: sqlite3.Cursor, query: str, run_id: str) -> list[tuple[Any, ...]]:
    """The rows of ``query``, decoded by SQLite's fast path; text that is not UTF-8 (a damaged
    file) is read again with replacement characters (only then: decoding in Python is slow)."""
    connection = cursor.connection
    connection.text_factory = str
    try:
        return cursor.execute(query, (run_id,)).fetchall()
    except sqlite3.OperationalError as error:
        if "decode" not in str(error):
            raise
    finally:
        connection.text_factory = _text
    return cursor.execute(query, (run_id,)).fetchall()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _explain(error: sqlite3.Error) -> str:
    text = _first_line(error)
    if "locked" in text or "busy" in text:
        return (
            f"the database stayed locked by a writer for {BUSY_TIMEOUT_S:g} s ({text}): try again"
        )
    return f"not a readable MLflow SQLite database ({text}); is it damaged or truncated?"


def _tables(cursor: sqlite3.Cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row[0]) for row in cursor.fetchall()}


def sniff(path: Path) -> bool:
    """A SQLite database (by its 16-byte header) holding MLflow's tracking tables. A damaged
    database with the header is claimed too, so its error is reported rather than ignored."""
    if not _has_header(path):
        return False
    try:
        with _snapshot(path) as cursor:
            return _tables(cursor) >= REQUIRED_TABLES
    except UnreadableError:
        return path.suffix == ".db" or "mlflow" in path.name.lower()


def _require_tables(cursor: sqlite3.Cursor, path: Path) -> None:
    missing = REQUIRED_TABLES - _tables(cursor)
    if missing:
        raise UnreadableError(
            f"{path}: a SQLite database without MLflow's tables ({', '.join(sorted(missing))})"
        )


def runs_inside(path: Path) -> list[RunInside]:
    """The runs of the database that MLflow shows (not deleted), oldest first per experiment."""
    with _snapshot(path) as cursor:
        _require_tables(cursor, path)
        cursor.execute(_ACTIVE_RUNS)
        rows = cursor.fetchall()
    return [RunInside(str(run_id), str(experiment), str(name)) for run_id, name, experiment in rows]


def read(paths: Sequence[Path]) -> ReadResult:
    """Read a database that holds one run; with several, discovery reads each by its id."""
    if not paths:
        raise UnreadableError("an MLflow SQLite store needs its database file")
    runs = runs_inside(paths[0])
    if len(runs) != 1:
        what = "no runs" if not runs else f"{len(runs)} runs"
        raise UnreadableError(
            f"{paths[0]}: an MLflow database with {what}; "
            "point curvelint analyze or frame at it to read each run"
        )
    return read_part(paths, runs[0].run_id)


def read_part(paths: Sequence[Path], run_id: str) -> ReadResult:
    """Read one run of the database (``paths[0]``; a ``-wal`` file beside it is not opened)."""
    path = paths[0]
    result = ReadResult(frame=empty_frame())
    with _snapshot(path) as cursor:
        _require_tables(cursor, path)
        cursor.execute(_RUN, (run_id,))
        run = cursor.fetchone()
        if run is None:
            raise UnreadableError(f"{path}: run {run_id} is no longer in the database")
        metrics = _fetch_all(cursor, _METRICS, run_id)
        params = _values(cursor, _PARAMS, run_id)
        tags = _values(cursor, _TAGS, run_id)
        cursor.execute(_EXPERIMENT, (run[-1],))
        experiment = cursor.fetchone()
    _frame(metrics, path, run_id, result)
    _metadata(dict(zip((*_RUN_COLUMNS, "experiment_id"), run, strict=True)), params, tags, result)
    if experiment is not None:
        result.metadata["experiment_name"] = str(experiment[0])
    return result


def _values(cursor: sqlite3.Cursor, query: str, run_id: str) -> dict[str, str]:
    rows = cursor.execute(query, (run_id,)).fetchall()
    return {str(key): "" if value is None else str(value) for key, value in rows}


def _frame(rows: list[tuple[Any, ...]], path: Path, run_id: str, result: ReadResult) -> None:
    """Rows of :data:`_METRICS` (SQLite has already checked each row's types) → the frame."""
    usable = [row for row in rows if row[5]] if not all(row[5] for row in rows) else rows
    if len(usable) < len(rows):
        why = "metric rows whose value, step or timestamp is not a number"
        result.skipped.append(Skipped(str(path), f"run {run_id}", why, len(rows) - len(usable)))
    if not usable:
        result.notes.append(f"run {run_id}: no metrics logged")
        return
    tags, values, seconds, steps, flagged, _ = zip(*usable, strict=True)
    value = np.asarray(values, dtype=np.float64)
    value[np.asarray(flagged, dtype=bool)] = math.nan
    stand_in = np.abs(value) == _FLOAT_MAX
    if stand_in.any():
        value[stand_in] = np.copysign(math.inf, value[stand_in])
        result.notes.append(
            f"{int(stand_in.sum())} value(s) stored as ±{_FLOAT_MAX:.6g} (MLflow's stand-in for "
            "an infinity SQL cannot hold) read as ±inf"
        )
    result.frame = build_frame(
        tag=pd.Categorical(tags),
        step=np.asarray(steps, dtype=np.int64),
        value=value,
        wall_time=np.asarray(seconds, dtype=np.float64),  # NULL (None) becomes NaN
        epoch=np.full(len(value), math.nan),
        source=str(path),
    )


def _metadata(
    run: dict[str, Any], params: dict[str, str], tags: dict[str, str], result: ReadResult
) -> None:
    run_name = tags.get(RUN_NAME_TAG) or run.get("name")
    if run_name:
        result.metadata["run_name"] = str(run_name)
    if params:
        result.metadata["params"] = params
    if tags:
        result.metadata["tags"] = tags
    result.metadata["run_id"] = str(run["run_uuid"])
    for key in ("experiment_id", "status", "lifecycle_stage", "start_time", "end_time"):
        if run.get(key) is not None:
            result.metadata[key] = run[key]
