"""Tables of metrics by step: a CSV with a step column from a custom logger (the frame is built
by :mod:`curvelint.readers.metric_table`, which Lightning, JSON Lines and W&B share), and
:func:`read_table`, one table file of either kind with the CLI's overrides.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from curvelint.errors import UnreadableError
from curvelint.readers import json_lines
from curvelint.readers.base import ReadResult, Skipped
from curvelint.readers.keras_csv import detect_separator
from curvelint.readers.metric_table import STEP_COLUMNS, Table, choose_roles, number, table_frame
from curvelint.readers.text_decoding import decode_text
from curvelint.readers.torn_lines import without_torn_last_line
from curvelint.schema import empty_frame

NAME = "step_table"
SUFFIXES = frozenset({".csv", ".tsv"})
_SNIFF_BYTES = 1024


def _unique(header: list[str], path: Path, result: ReadResult) -> list[str]:
    """Header names made unique (``loss``, ``loss~2``) so no column overwrites another."""
    seen: dict[str, int] = {}
    unique = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}~{seen[name]}")
    repeated = sorted(name for name, count in seen.items() if count > 1 and name)
    if repeated:
        result.notes.append(f"{path.name}: repeated column names {repeated} numbered ~2, ~3…")
    return unique


def read_csv_table(path: Path, result: ReadResult) -> Table:
    """A delimited text file as a :class:`Table`; ragged rows are skipped with their line."""
    try:
        text = decode_text(path.read_bytes())
    except OSError as error:
        raise UnreadableError(f"{path}: cannot read ({error.strerror or error})") from None
    text = without_torn_last_line(text, path, result.skipped, header=True)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UnreadableError(f"{path}: empty file (no header)")
    separator = detect_separator(lines[0])
    reader = csv.reader(lines, delimiter=separator, skipinitialspace=True)
    try:
        header = _unique([name.strip() for name in next(reader)], path, result)
    except csv.Error as error:
        raise UnreadableError(f"{path}: the header is not a CSV row ({error})") from None
    table = Table(columns={name: [] for name in header})
    ragged: list[int] = []
    for row in _rows(reader, path, result):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            ragged.append(reader.line_num)
            continue
        for name, cell in zip(header, row, strict=True):
            table.columns[name].append(cell)
        table.rows += 1
        table.lines.append(reader.line_num)
    if ragged:
        why = "rows whose field count differs from the header skipped"
        result.skipped.append(Skipped(str(path), f"line {ragged[0]}", why, len(ragged)))
    return table


def _rows(reader: Any, path: Path, result: ReadResult) -> Iterator[list[str]]:
    """The rows csv can parse; a line it cannot (a field over its size limit) is skipped."""
    unparsable: list[int] = []
    problem = ""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problem = problem or str(error)
            unparsable.append(reader.line_num)
            continue
        yield row
    if unparsable:
        why = f"lines csv cannot parse skipped ({problem})"
        result.skipped.append(Skipped(str(path), f"line {unparsable[0]}", why, len(unparsable)))


def head_rows(path: Path) -> list[list[str]]:
    """The header and first row of a delimited file (fewer when it has fewer lines)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return []
    lines = decode_text(head).splitlines()
    if len(lines) < 2:
        return []
    separator = detect_separator(lines[0])
    return [[c.strip() for c in row] for row in csv.reader(lines[:2], delimiter=separator)]


def sniff(path: Path) -> bool:
    """A ``.csv``/``.tsv`` whose header names a step column (not only ``epoch``: that is a
    Keras CSVLogger log) beside other columns, and whose first row has an integer step."""
    if path.suffix.lower() not in SUFFIXES:
        return False
    rows = head_rows(path)
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    header, first = rows
    step = next((c for c in STEP_COLUMNS[:-1] if c in header), None)
    if step is None or len(first) != len(header):
        return False
    value, kind = number(first[header.index(step)])
    return kind == "value" and math.isfinite(value) and value == round(value)


def read_table(
    path: Path, *, step_column: str | None = None, metrics: Sequence[str] | None = None
) -> ReadResult:
    """Read one table of metrics by step — delimited text, or JSON Lines by suffix.

    ``step_column`` and ``metrics`` are the CLI's ``--step-col`` and ``--metric`` overrides
    (the default step column is the first of :data:`STEP_COLUMNS` present).
    """
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        return json_lines.read_lines(path, step_column=step_column, metrics=metrics)
    result = ReadResult(frame=empty_frame())
    table = read_csv_table(path, result)
    roles = choose_roles(table.columns, step_column=step_column, metrics=metrics, source=path)
    result.frame = table_frame(table, roles, path, result)
    return result


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one table file (a run is one file)."""
    if len(paths) != 1:
        raise UnreadableError(f"a step-table run is one file, got {len(paths)}")
    return read_table(paths[0])
