"""Tables of metrics by step → frames: the column-to-frame logic every step-indexed table reader
shares (CSV step tables, Lightning, JSON Lines, W&B).

A table has one column per quantity; a cell that is empty (or ``NA``/``null``) means "not
logged on this row" — Lightning and W&B write train and eval metrics on different rows — while
``nan``/``inf`` cells are data and kept. The step column is chosen from :data:`STEP_COLUMNS`
(``--step-col`` overrides it); ``epoch`` gives the epoch when it is not the step itself.
Columns whose name starts with ``_`` are W&B bookkeeping (``_runtime``, ``_wandb``), not curves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from curvelint.errors import UnreadableError
from curvelint.readers.base import ReadResult, Skipped
from curvelint.schema import build_frame, concat, empty_frame

# In order of preference when a table has several.
STEP_COLUMNS = ("step", "_step", "global_step", "iteration", "epoch")
EPOCH_COLUMN = "epoch"
WALL_TIME_COLUMNS = ("_timestamp", "wall_time")
MISSING_SPELLINGS = frozenset({"", "na", "n/a", "none", "null", "<na>"})
# Steps are stored as int64: a step outside that range is damage, not a step.
STEP_LIMIT = 2**63
# Integers beyond this are not all exact as float64: such steps are read from the cell itself.
_EXACT_FLOAT_LIMIT = 2**53


@dataclass
class Table:
    """Raw cells by column, every column as long as the table; ``None`` where not logged."""

    columns: dict[str, list[object]] = field(default_factory=dict)
    rows: int = 0
    # Where each row came from (a line number, a record number), for Skipped locations.
    lines: list[int] = field(default_factory=list)
    unit: str = "line"

    def add_row(self, cells: Mapping[str, object], line: int) -> None:
        """Append a row; columns first seen now are back-filled with ``None``."""
        for name, cell in cells.items():
            column = self.columns.get(name)
            if column is None:
                column = self.columns[name] = [None] * self.rows
            column.append(cell)
        self.rows += 1
        self.lines.append(line)
        for column in self.columns.values():
            if len(column) < self.rows:
                column.append(None)


@dataclass(frozen=True)
class Roles:
    """Which columns are the step, the epoch and the wall time, and which are curves."""

    step: str
    epoch: str | None
    wall_time: str | None
    metrics: tuple[str, ...]


def number(cell: object) -> tuple[float, str]:
    """A cell as ``(value, kind)``: kind ``value``, ``missing`` (not logged) or ``bad``."""
    if cell is None:
        return math.nan, "missing"
    if isinstance(cell, bool):
        return math.nan, "bad"
    if isinstance(cell, float):
        return cell, "value"
    if isinstance(cell, int):
        try:
            return float(cell), "value"
        except OverflowError:  # an integer beyond float range: as json reads 1e999
            return (math.inf if cell > 0 else -math.inf), "value"
    if isinstance(cell, str):
        text = cell.strip()
        if text.lower() in MISSING_SPELLINGS:
            return math.nan, "missing"
        try:
            return float(text), "value"
        except ValueError:
            return math.nan, "bad"
    return math.nan, "bad"


def numbers(cells: Sequence[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, a mask of logged numbers, and a mask of cells that are not numbers.

    Columns of text (CSV) convert in one vectorised pass; any cell that pass cannot read
    goes through :func:`number`, so the result is the same as converting cell by cell.
    """
    if cells and all(type(cell) is str for cell in cells):
        return _text_numbers(cells)  # type: ignore[arg-type]
    return _cell_numbers(cells, range(len(cells)), np.full(len(cells), np.nan))


def _text_numbers(cells: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    text = pd.Series(cells, dtype=object).str.strip()
    missing = text.str.lower().isin(MISSING_SPELLINGS).to_numpy()
    converted = pd.to_numeric(text.where(~missing, "0"), errors="coerce")
    values = converted.to_numpy(dtype=np.float64, copy=True)
    values[missing] = np.nan
    unsure = np.flatnonzero(np.isnan(values) & ~missing)  # NaN spellings and non-numbers
    values, logged, bad = _cell_numbers(cells, unsure, values)
    logged[~missing] = True
    logged[unsure] = ~bad[unsure]
    return values, logged, bad


def _cell_numbers(
    cells: Sequence[object], indices: Iterable[int], values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    logged = np.zeros(len(cells), dtype=bool)
    bad = np.zeros(len(cells), dtype=bool)
    for index in indices:
        value, kind = number(cells[index])
        values[index] = value
        logged[index] = kind == "value"
        bad[index] = kind == "bad"
    return values, logged, bad


def choose_roles(
    names: Iterable[str],
    *,
    step_column: str | None = None,
    metrics: Sequence[str] | None = None,
    source: Path,
) -> Roles:
    """The step/epoch/wall-time columns and the curves; raises for an override that is absent."""
    names = list(names)
    if step_column is not None and step_column not in names:
        raise UnreadableError(f"{source}: no step column {step_column!r} (columns: {names})")
    step = step_column or next((c for c in STEP_COLUMNS if c in names), None)
    if step is None:
        wanted = "/".join(STEP_COLUMNS)
        raise UnreadableError(f"{source}: no step column ({wanted}); pass the step column name")
    epoch = EPOCH_COLUMN if EPOCH_COLUMN in names and step != EPOCH_COLUMN else None
    wall_time = next((c for c in WALL_TIME_COLUMNS if c in names and c != step), None)
    axes = {step, epoch, wall_time}
    if metrics is not None:
        absent = [m for m in metrics if m not in names]
        if absent:
            raise UnreadableError(f"{source}: no column(s) {absent} (columns: {names})")
        chosen = tuple(m for m in metrics if m not in axes)
    else:
        chosen = tuple(c for c in names if c and c not in axes and not c.startswith("_"))
    return Roles(step, epoch, wall_time, chosen)


def _step_values(
    table: Table, roles: Roles, source: Path, result: ReadResult
) -> tuple[np.ndarray, np.ndarray]:
    """Integer steps and a mask of rows that have one; the others are reported skipped."""
    cells = table.columns[roles.step]
    values, logged, _ = numbers(cells)
    finite = logged & np.isfinite(values)
    with np.errstate(invalid="ignore"):
        exact = finite & (np.abs(values) < _EXACT_FLOAT_LIMIT)
    integral = exact.copy()
    integral[exact] = values[exact] == np.round(values[exact])
    steps = np.zeros(table.rows, dtype=np.int64)
    steps[integral] = values[integral].astype(np.int64)
    for index in np.flatnonzero(finite & ~exact).tolist():  # beyond 2**53: read exactly
        step = _large_step(cells[index])
        if step is not None:
            steps[index], integral[index] = step, True
    if not integral.any():
        raise UnreadableError(f"{source}: no row has an integer {roles.step!r}")
    missing = np.flatnonzero(~integral)
    if len(missing):
        where = f"{table.unit} {table.lines[missing[0]]}"
        why = f"rows without an integer {roles.step!r} skipped"
        result.skipped.append(Skipped(str(source), where, why, len(missing)))
    return steps, integral


def _large_step(cell: object) -> int | None:
    """A step beyond float64's exact integers, from the cell as logged (an int from JSON, the
    digits of a CSV cell); ``None`` unless it is an integer within int64."""
    step: int | None = None
    if isinstance(cell, int) and not isinstance(cell, bool):
        step = cell
    elif isinstance(cell, str):
        try:
            step = int(cell.strip())
        except ValueError:
            value = number(cell)[0]
            step = int(value) if value.is_integer() else None
    elif isinstance(cell, float) and cell.is_integer():
        step = int(cell)
    return step if step is not None and -STEP_LIMIT <= step < STEP_LIMIT else None


def _optional_axis(table: Table, name: str | None) -> np.ndarray:
    if name is None:
        return np.full(table.rows, np.nan)
    values, logged, _ = numbers(table.columns[name])
    values[~logged] = np.nan
    return values


def _retagged(frame: pd.DataFrame, tag: str) -> pd.DataFrame:
    """The frame with ``tag`` restored to the column name as logged."""
    codes = np.zeros(len(frame), dtype=np.int8)
    frame["tag"] = pd.Categorical.from_codes(codes, categories=pd.Index([tag]))
    return frame


def table_frame(
    table: Table,
    roles: Roles,
    source: Path,
    result: ReadResult,
    naming: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One frame from a table: a point per logged cell of every metric column.

    ``naming`` maps a column to the name its metric is derived from (Lightning's
    ``train_loss_step`` is the ``train_loss`` curve); the tag stays as logged.
    """
    if table.rows == 0:
        return empty_frame()
    steps, has_step = _step_values(table, roles, source, result)
    epochs = (
        steps.astype(np.float64)
        if roles.step == EPOCH_COLUMN
        else _optional_axis(table, roles.epoch)
    )
    wall_times = _optional_axis(table, roles.wall_time)
    frames = []
    for name in roles.metrics:
        values, logged, bad = numbers(table.columns[name])
        bad &= has_step
        if bad.any():
            where = f"{table.unit} {table.lines[int(np.flatnonzero(bad)[0])]}"
            why = f"non-numeric values in {name!r} ignored"
            result.skipped.append(Skipped(str(source), where, why, int(bad.sum())))
        keep = logged & has_step
        if not keep.any():
            continue
        frame = build_frame(
            tag=[(naming or {}).get(name, name)] * int(keep.sum()),
            step=steps[keep],
            value=values[keep],
            epoch=epochs[keep],
            wall_time=wall_times[keep],
            source=str(source),
        )
        frames.append(_retagged(frame, name) if naming and name in naming else frame)
    return concat(frames)
