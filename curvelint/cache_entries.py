"""A cache entry's content: a run or a run's outputs as arrays and JSON, and back, validated.

Entries are untrusted (see :mod:`curvelint.cache`): every decode checks dtypes, lengths, codes
and paths, and raises :class:`InvalidEntry` on anything it cannot trust.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import PurePosixPath
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from curvelint import schema
from curvelint.cache_keys import Json, is_json
from curvelint.readers.base import Skipped
from curvelint.run_model import Run

_DTYPE_NAMES = ("object", "str")
_RUN_FIELDS = ("name", "format", "frame", "skipped", "metadata", "notes", "files")
_Value = TypeVar("_Value")


class InvalidEntry(Exception):
    """A cache entry that cannot be trusted (damaged, foreign or of another layout)."""


@dataclass(frozen=True)
class StoredOutputs:
    """What ``curvelint analyze`` produced for one run: plain JSON parts and the file bytes."""

    row: dict[str, Json] | None
    document: dict[str, Json] | None
    skipped: dict[str, Json] | None
    files: dict[str, bytes]


# ---------------------------------------------------------------------- run entries


def _column_arrays(frame: pd.DataFrame) -> tuple[dict[str, Json], dict[str, np.ndarray]]:
    """Each column as an array (a constant column as one element) and how to rebuild it."""
    columns: dict[str, Json] = {}
    arrays: dict[str, np.ndarray] = {}
    for name in schema.COLUMNS:
        series = frame[name]
        entry: dict[str, Json] = {}
        if name in schema.CATEGORY_COLUMNS:
            values = series.array
            data = np.asarray(values.codes)
            categories = values.categories
            entry["categories"] = [str(item) for item in categories]
            entry["categories_dtype"] = str(categories.dtype)
            entry["ordered"] = bool(values.ordered)
        else:
            data = series.to_numpy()
        raw = data.view(f"u{data.dtype.itemsize}") if len(data) else data
        entry["constant"] = bool(len(data)) and bool((raw == raw[0]).all())
        arrays[name] = data[:1] if entry["constant"] else data
        columns[name] = entry
    return columns, arrays


def encode_run(run: Run) -> tuple[dict[str, Json], dict[str, np.ndarray]] | None:
    """The run as (JSON metadata, arrays); ``None`` when some part would not come back equal."""
    if tuple(item.name for item in fields(Run)) != _RUN_FIELDS:
        return None  # Run has grown a field this layout does not keep
    frame = run.frame
    index = frame.index
    default_index = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if tuple(frame.columns) != schema.COLUMNS or not default_index or frame.attrs:
        return None
    for name in schema.CATEGORY_COLUMNS:
        categories = frame[name].array.categories
        if str(categories.dtype) not in _DTYPE_NAMES or not all(
            type(item) is str for item in categories
        ):
            return None
    meta = {
        "name": run.name,
        "format": run.format,
        "rows": len(frame),
        "skipped": [[s.path, s.where, s.why, s.count] for s in run.skipped],
        "metadata": run.metadata,
        "notes": list(run.notes),
        "files": list(run.files),
    }
    if not is_json(meta):
        return None
    columns, arrays = _column_arrays(frame)
    meta["columns"] = columns
    return meta, arrays


def _check(condition: bool, why: str) -> None:
    if not condition:
        raise InvalidEntry(why)


def _strings(value: Json) -> list[str]:
    _check(type(value) is list and all(type(item) is str for item in value), "not strings")
    return list(value)


def _array(archive: Any, name: str, rows: int, constant: bool) -> np.ndarray:
    data = archive[name]
    _check(isinstance(data, np.ndarray) and data.ndim == 1, f"{name}: not a column")
    _check(len(data) == (min(rows, 1) if constant else rows), f"{name}: wrong length")
    return np.repeat(data, rows) if constant else np.asarray(data)


def _column(archive: Any, name: str, entry: Json, rows: int) -> Any:
    _check(type(entry) is dict and type(entry.get("constant")) is bool, f"{name}: no layout")
    data = _array(archive, name, rows, entry["constant"])
    if name not in schema.CATEGORY_COLUMNS:
        _check(str(data.dtype) == schema.DTYPES[name], f"{name}: dtype {data.dtype}")
        return data
    _check(data.dtype.kind == "i", f"{name}: codes of dtype {data.dtype}")
    categories = _strings(entry.get("categories"))
    dtype = entry.get("categories_dtype")
    _check(dtype in _DTYPE_NAMES and type(entry.get("ordered")) is bool, f"{name}: categories")
    _check(len(set(categories)) == len(categories), f"{name}: repeated categories")
    _check(not len(data) or (data.min() >= 0 and data.max() < len(categories)), f"{name}: codes")
    return pd.Categorical.from_codes(
        data, categories=pd.Index(categories, dtype=dtype), ordered=entry["ordered"]
    )


def _skipped_items(value: Json) -> list[Skipped]:
    _check(type(value) is list, "skipped is not a list")
    items = []
    for item in value:
        _check(type(item) is list and len(item) == 4, "a skipped record is malformed")
        path, where, why, count = item
        _check(type(count) is int and all(type(x) is str for x in (path, where, why)), "skipped")
        items.append(Skipped(path, where, why, count))
    return items


def _typed(meta: dict[str, Json], key: str, kind: type[_Value]) -> _Value:
    """``meta[key]``, which must be exactly of type ``kind`` (``True`` is no ``int`` here)."""
    value = meta.get(key)
    if type(value) is not kind:
        raise InvalidEntry(f"{key} is not a {kind.__name__}")
    return value


def decode_run(meta: dict[str, Json], archive: Any) -> Run:
    rows = _typed(meta, "rows", int)
    columns = _typed(meta, "columns", dict)
    _check(rows >= 0 and tuple(columns) == schema.COLUMNS, "columns")
    frame = pd.DataFrame(
        {name: _column(archive, name, columns[name], rows) for name in schema.COLUMNS}
    )
    schema.validate(frame)
    metadata = _typed(meta, "metadata", dict)
    _check(is_json(metadata), "metadata")
    return Run(
        _typed(meta, "name", str),
        _typed(meta, "format", str),
        frame,
        _skipped_items(meta.get("skipped")),
        metadata,
        _strings(meta.get("notes")),
        tuple(_strings(meta.get("files"))),
    )


# ---------------------------------------------------------------------- output entries


def _plain_relative(name: str, folder: str) -> bool:
    """A file name inside ``folder/``: relative, no ``..``, nothing hidden."""
    path, inside = PurePosixPath(name), PurePosixPath(folder).parts
    return (
        "\\" not in name
        and not path.is_absolute()
        and len(path.parts) > len(inside)
        and path.parts[: len(inside)] == inside
        and all(part not in ("", ".", "..") and not part.startswith(".") for part in path.parts)
    )


def _optional_object(value: Json, what: str) -> dict[str, Json] | None:
    _check(value is None or (type(value) is dict and is_json(value)), what)
    return value if value is None else dict(value)


def decode_outputs(meta: dict[str, Json], archive: Any, *, folder: str) -> StoredOutputs:
    names = _strings(meta.get("files"))
    _check(all(_plain_relative(name, folder) for name in names), "a file outside the run folder")
    files = {}
    for index, name in enumerate(names):
        data = archive[f"file{index}"]
        _check(isinstance(data, np.ndarray) and data.dtype == np.uint8, f"{name}: not bytes")
        files[name] = data.tobytes()
    return StoredOutputs(
        row=_optional_object(meta.get("row"), "row"),
        document=_optional_object(meta.get("document"), "document"),
        skipped=_optional_object(meta.get("skipped"), "skipped"),
        files=files,
    )
