"""Keras ``History.history`` saved as a table: ``pd.DataFrame(history.history).to_csv(path)``.

The commonest way a Keras run's curves reach a repository after ``CSVLogger``: one row per
epoch, one column per metric (``loss``, ``val_loss``, ``accuracy``…), and no ``epoch`` column —
only pandas' unnamed index (``,loss,val_loss``: 0, 1, 2…) when it was not left out. Row ``i``
is epoch ``i``: the index when there is one, else the row's position (the notes say so).
Claimed only when the header names a loss, has no step or epoch column (those are
:mod:`step_table` and :mod:`keras_csv` files) and the first row is all numbers, so a data set's
CSV is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from curvelint.errors import UnreadableError
from curvelint.readers.base import EPOCH_UNIT, STEP_UNIT, ReadResult
from curvelint.readers.metric_table import (
    EPOCH_COLUMN,
    STEP_COLUMNS,
    Table,
    choose_roles,
    number,
    table_frame,
)
from curvelint.readers.step_table import head_rows, read_csv_table
from curvelint.schema import empty_frame

NAME = "keras_history_csv"
SUFFIXES = frozenset({".csv", ".tsv"})
# How pandas names its index column: nothing, or "Unnamed: 0" once read back and saved again.
INDEX_NAMES = frozenset({"", "unnamed: 0"})


def _has_index(header: Sequence[str]) -> bool:
    return header[0].strip().lower() in INDEX_NAMES


def sniff(path: Path) -> bool:
    """A header of metric names with a loss among them (after an optional pandas index), no
    step or epoch column, and a first row of numbers (the index at 0)."""
    if path.suffix.lower() not in SUFFIXES:
        return False
    rows = head_rows(path)
    if len(rows) < 2 or len(rows[0]) != len(rows[1]):
        return False
    header, first = rows
    metrics = [name.lower() for name in (header[1:] if _has_index(header) else header)]
    if not metrics or not all(metrics) or set(metrics) & set(STEP_COLUMNS):
        return False
    cells = [number(cell) for cell in first]
    if not any("loss" in name for name in metrics) or any(k == "bad" for _, k in cells):
        return False
    return not _has_index(header) or cells[0] == (0.0, "value")


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one table (a run is one file): each row an epoch."""
    if len(paths) != 1:
        raise UnreadableError(f"a Keras History table is one file, got {len(paths)}")
    path = paths[0]
    result = ReadResult(frame=empty_frame())
    table = read_csv_table(path, result)
    _epochs_as_a_column(table, path, result)
    roles = choose_roles(table.columns, step_column=EPOCH_COLUMN, source=path)
    result.frame = table_frame(table, roles, path, result)
    result.metadata[STEP_UNIT] = EPOCH_UNIT
    return result


def _epochs_as_a_column(table: Table, path: Path, result: ReadResult) -> None:
    """The pandas index becomes the ``epoch`` column; without one, the row's place in the file
    does (line 2 is epoch 0: a damaged row skipped does not shift the epochs after it)."""
    names = list(table.columns)
    if EPOCH_COLUMN in table.columns:
        raise UnreadableError(f"{path}: an 'epoch' column is a Keras CSVLogger log")
    if names and _has_index(names):
        table.columns = {EPOCH_COLUMN: table.columns.pop(names[0]), **table.columns}
        return
    first_data_line = 2  # the header is line 1
    epochs: list[object] = [str(line - first_data_line) for line in table.lines]
    table.columns = {EPOCH_COLUMN: epochs, **table.columns}
    result.notes.append(
        f"{path.name}: no epoch column (a Keras History saved as a table): row i is epoch i"
    )
