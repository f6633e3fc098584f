"""Keras ``CSVLogger`` files: one row per epoch, ``epoch`` plus one column per metric.

Keras 2 and 3 (``lr`` or ``learning_rate``), ``val_`` columns for validation, any separator.
Keras writes ``NA`` for a metric not logged that epoch (a missing point) and ``nan``/``inf``
for non-finite values (data: kept). Step and epoch are the 0-based epoch as logged.

A file appended to by a resumed or restarted run (``append=True``) may restart its epochs
or repeat its header: later rows win, as TensorBoard's purge of orphaned data does — when the
epoch rewinds to ``k``, earlier rows with epoch ≥ ``k`` are superseded, and the notes say so
(unless every row logs the same epoch: one-epoch fits called in a loop, read in row order).
A last row without its newline may be cut mid-write: it is skipped (see
:mod:`~curvelint.readers.torn_lines`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from curvelint.errors import UnreadableError
from curvelint.readers.base import EPOCH_UNIT, STEP_UNIT, ReadResult, Skipped
from curvelint.readers.text_decoding import decode_text
from curvelint.readers.torn_lines import TORN_WHY, without_torn_last_line
from curvelint.schema import build_frame

NAME = "keras_csv"
SUFFIXES = frozenset({".csv", ".log", ".txt", ".tsv"})
EPOCH_COLUMN = "epoch"
MISSING_SPELLINGS = frozenset({"", "na", "n/a", "none", "null", "<na>"})
NAN_SPELLINGS = frozenset({"nan", "-nan", "+nan"})
# The cells pandas may turn into NA while parsing: the missing spellings, in the usual cases.
_MISSING_CELLS = sorted(
    {variant for word in MISSING_SPELLINGS for variant in (word, word.upper(), word.title())}
)
_SEPARATORS = (",", "\t", ";", "|")
_SNIFF_BYTES = 8192
# Lightning's CSVLogger also has an epoch column, but logs by step: its reader claims it.
_OTHER_FORMAT_COLUMNS = frozenset({"step"})
_EPOCH_LIMIT = 2**63


def _first_line(path: Path, limit: int = _SNIFF_BYTES) -> str:
    """The header line: the first line, or the line after a title or two above the table."""
    try:
        with path.open("rb") as handle:
            head = handle.read(limit)
    except OSError:
        return ""
    lines = [line for line in head.decode("utf-8-sig", errors="replace").splitlines() if line]
    if not lines:
        return ""
    titles = _title_count(lines)
    return lines[titles] if titles < len(lines) else lines[0]


_MAX_TITLES = 2  # a name or a date written above the table, one field each


def _is_title(line: str) -> bool:
    """A line of one field (no separator) that names no column: a title, not a header."""
    return not any(separator in line for separator in _SEPARATORS) and not _HEADER_LINE.match(line)


def _title_count(lines: Sequence[str]) -> int:
    """How many title lines stand above an ``epoch`` header (0 when none, or no header)."""
    for count in range(1, _MAX_TITLES + 1):
        if len(lines) > count and _HEADER_LINE.match(lines[count]):
            return count if all(_is_title(line) for line in lines[:count]) else 0
    return 0


def detect_separator(header: str) -> str:
    """The separator of a header line: the usual ones first, then :class:`csv.Sniffer`."""
    for separator in _SEPARATORS:
        if separator in header:
            return separator
    try:
        return csv.Sniffer().sniff(header).delimiter
    except csv.Error:
        return ","


def _header_fields(header: str) -> list[str]:
    return [field.strip().strip('"') for field in header.split(detect_separator(header))]


def sniff(path: Path) -> bool:
    """A text table whose header has an ``epoch`` column and at least one other column."""
    if path.suffix.lower() not in SUFFIXES:
        return False
    fields = [f.lower() for f in _header_fields(_first_line(path))]
    return EPOCH_COLUMN in fields and len(fields) >= 2 and not (_OTHER_FORMAT_COLUMNS & set(fields))


def looks_like_metrics_without_epoch(path: Path) -> bool:
    """A CSV that logs a loss but has no epoch column: worth a skipped note, not silence."""
    if path.suffix.lower() not in SUFFIXES:
        return False
    fields = [f.lower() for f in _header_fields(_first_line(path))]
    return EPOCH_COLUMN not in fields and any("loss" in f for f in fields)


_HEADER_LINE = re.compile(rf"^\s*\"?{EPOCH_COLUMN}\"?(?![\w.+-])", re.IGNORECASE | re.MULTILINE)
_LATER_HEADER = re.compile(rf"\n\s*\"?{EPOCH_COLUMN}\"?(?![\w.+-])", re.IGNORECASE)


_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # as str.splitlines


def _line_one(text: str) -> str:
    """``text.splitlines()[0]`` without splitting a large text into all its lines."""
    end = _LINE_BREAK.search(text)
    return text[: end.start()] if end else text


def _one_header_on_top(text: str) -> bool:
    """True when the only header is the first line (the usual file). The later lines are
    searched from their line breaks: ``^`` in a multi-line pattern is tried at every position
    of a large file, eight times slower."""
    first = _HEADER_LINE.search(text)
    if first is None or text[: first.start()].strip():
        return False
    return _LATER_HEADER.search(text, first.end()) is None


def _segments(text: str, path: Path, result: ReadResult) -> list[tuple[int, str]]:
    """Split the text at header lines (a repeated or changed header starts a new table)."""
    if _one_header_on_top(text):
        return [(1, text)]  # the usual file
    lines = text.splitlines()
    header_pattern = _HEADER_LINE
    starts = [i for i, line in enumerate(lines) if header_pattern.match(line)]
    above = [line for line in lines[: starts[0]] if line.strip()] if starts else []
    if not starts or (above and _title_count([*above, lines[starts[0]]]) != len(above)):
        raise UnreadableError(f"{path}: no 'epoch' header on the first line")
    if above:
        titles = ", ".join(repr(line.strip()) for line in above)
        result.notes.append(f"{path.name}: {titles} above the header is a title, not data")
    repeated = len(starts) - 1
    if repeated:
        result.notes.append(
            f"{path.name}: the header repeats {repeated} time(s) (appended runs); "
            "each part read with its own header"
        )
    bounds = [*starts, len(lines)]
    return [
        (bounds[i] + 1, "\n".join(lines[bounds[i] : bounds[i + 1]])) for i in range(len(starts))
    ]


def _parse_table(
    text: str, separator: str, path: Path, first_line: int
) -> tuple[pd.DataFrame, list[Skipped]]:
    """Parse with pandas' C parser; rows with too many fields need the slower python engine.

    Only the missing spellings are NA: a column holding ``nan`` text stays text for
    :func:`_to_float`, so that a logged NaN is never mistaken for a missing value.
    """
    options: dict[str, Any] = {
        "sep": separator,
        "keep_default_na": False,
        "na_values": _MISSING_CELLS,
        "skipinitialspace": True,
    }
    skipped: list[Skipped] = []
    try:
        # UTF-8 bytes, not a StringIO: that holds 4 bytes a character, 400 MB for a 100 MB log
        table = pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="c", **options)
    except (pd.errors.ParserError, ValueError):
        bad_lines: list[int] = []

        def on_bad_line(fields: list[str]) -> None:
            bad_lines.append(len(fields))

        try:
            table = pd.read_csv(
                io.StringIO(text), engine="python", on_bad_lines=on_bad_line, **options
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:  # an open quote
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise UnreadableError(
                f"{path}: not a table after line {first_line} ({reason})"
            ) from None
        why = "rows with more fields than the header skipped"
        skipped.append(Skipped(str(path), f"after line {first_line}", why, len(bad_lines)))
    names = [str(c).strip() for c in table.columns]
    # one spelling of the step column, so that tables under "epoch" and "Epoch" headers join
    lowered = [name.lower() for name in names]
    if EPOCH_COLUMN in lowered and EPOCH_COLUMN not in names:
        names[lowered.index(EPOCH_COLUMN)] = EPOCH_COLUMN
    table.columns = names
    return table, skipped


def _to_float(column: pd.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """Values, a mask of logged points, and how many cells were not numbers."""
    if is_numeric_dtype(column.dtype) and not is_bool_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64, copy=True)
        return values, ~np.isnan(values), 0  # parsed as numbers: NaN here means NA (missing)
    text = column.fillna("").astype(str).str.strip()
    lowered = text.str.lower()
    missing = lowered.isin(MISSING_SPELLINGS).to_numpy()
    nan_cells = lowered.isin(NAN_SPELLINGS).to_numpy()
    numbers = pd.to_numeric(text.where(~(missing | nan_cells), "nan"), errors="coerce")
    values = numbers.to_numpy(dtype=np.float64, copy=True)
    garbage = np.isnan(values) & ~missing & ~nan_cells
    values[nan_cells] = np.nan
    logged = ~missing & ~garbage
    return values, logged, int(garbage.sum())


# Rows that all log the same epoch, at least this many: one-epoch fits called in a loop.
ONE_EPOCH_FITS_MIN_ROWS = 3


def _one_epoch_fits(epochs: np.ndarray, path: Path, result: ReadResult) -> np.ndarray:
    """Every row at one epoch: ``model.fit(epochs=1)`` called in a loop on the same model with
    an appending ``CSVLogger``, each call logging its epoch as 0. The rows are then successive
    epochs of one run (row i is epoch i), not restarts superseding each other — which would
    keep only the last row of a run that trained for all of them."""
    if len(epochs) < ONE_EPOCH_FITS_MIN_ROWS or np.any(epochs != epochs[0]):
        return epochs
    result.notes.append(
        f"{path.name}: every row logs epoch {epochs[0]:g} (one-epoch fits called in a loop): "
        "row i is read as epoch i"
    )
    return np.arange(len(epochs), dtype=np.float64) + float(epochs[0])


def _supersede_rewinds(epochs: np.ndarray, path: Path, result: ReadResult) -> np.ndarray:
    """Rows kept after restarts: a rewind to epoch k supersedes earlier rows with epoch ≥ k."""
    keep = np.ones(len(epochs), dtype=bool)
    rewinds = np.flatnonzero(epochs[1:] <= epochs[:-1]) + 1
    for index in rewinds:
        superseded = keep[:index] & (epochs[:index] >= epochs[index])
        keep[:index] &= ~superseded
        result.notes.append(
            f"{path.name}: epoch restarts at {epochs[index]:g} (row {index + 1}; a resumed or "
            f"appended run): {int(superseded.sum())} earlier row(s) superseded by later ones"
        )
    return keep


def _read_file(path: Path) -> ReadResult:
    result = ReadResult(frame=build_frame(tag=[], step=[], value=[], source=str(path)))
    try:
        text = decode_text(path.read_bytes())
    except OSError as error:
        raise UnreadableError(f"{path}: cannot read ({error.strerror or error})") from None
    text = without_torn_last_line(text, path, result.skipped, header=True)
    tables = []
    segments = _segments(text, path, result)
    del text  # only the segments are needed: each is freed once parsed (a 100 MB log is one)
    while segments:
        first_line, segment = segments.pop(0)
        table, skipped = _parse_table(
            segment, detect_separator(_line_one(segment)), path, first_line
        )
        del segment
        result.skipped.extend(skipped)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    epoch_name = next((c for c in table.columns if c.lower() == EPOCH_COLUMN), None)
    if epoch_name is None:
        raise UnreadableError(f"{path}: no 'epoch' column once split into fields")
    epochs, epoch_logged, _ = _to_float(table[epoch_name])
    with np.errstate(invalid="ignore"):  # the step is the epoch: finite, within int64
        epoch_logged &= np.abs(epochs) < _EPOCH_LIMIT
    if not epoch_logged.any():
        torn = any(skipped.why == TORN_WHY for skipped in result.skipped)
        hint = f" (the last {TORN_WHY})" if torn else ""
        raise UnreadableError(f"{path}: no row has a numeric epoch{hint}")
    if (~epoch_logged).any():
        why = "rows without a numeric epoch skipped"
        result.skipped.append(Skipped(str(path), "", why, int((~epoch_logged).sum())))
    table, epochs = table[epoch_logged].reset_index(drop=True), epochs[epoch_logged]
    epochs = _one_epoch_fits(epochs, path, result)
    keep = _supersede_rewinds(epochs, path, result)
    table, epochs = table[keep].reset_index(drop=True), epochs[keep]
    result.frame = _points(table, epoch_name, epochs, path, result)
    return result


def _points(
    table: pd.DataFrame, epoch_name: str, epochs: np.ndarray, path: Path, result: ReadResult
) -> pd.DataFrame:
    """All metric columns stacked into one frame: the tag code is the column's position."""
    names: list[str] = []
    codes, steps, values = [], [], []
    for name in table.columns:
        if name == epoch_name or not name:
            continue
        column_values, logged, garbage = _to_float(table[name])
        if garbage:
            why = f"non-numeric cells in column {name!r} ignored"
            result.skipped.append(Skipped(str(path), "", why, garbage))
        if not logged.any():
            continue
        codes.append(np.full(int(logged.sum()), len(names), dtype=np.int32))
        names.append(name)
        steps.append(epochs[logged])
        values.append(column_values[logged])
    if not names:
        return build_frame(tag=[], step=[], value=[], source=str(path))
    all_steps = np.concatenate(steps)
    return build_frame(
        tag=pd.Categorical.from_codes(
            np.concatenate(codes), categories=pd.Index(names, dtype=object)
        ),
        step=all_steps.astype(np.int64),
        epoch=all_steps,
        value=np.concatenate(values),
        source=str(path),
    )


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one CSVLogger file (a run is one file)."""
    if len(paths) != 1:
        raise UnreadableError(f"a Keras CSV run is one file, got {len(paths)}")
    result = _read_file(paths[0])
    result.metadata[STEP_UNIT] = EPOCH_UNIT  # CSVLogger writes one row per epoch
    return result
