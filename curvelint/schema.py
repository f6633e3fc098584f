"""The common long frame: one row per logged point, whatever format it came from.

=========  ===========  ==========================================================
column     dtype        meaning
=========  ===========  ==========================================================
run        category     run name: the run's path relative to the root given
metric     category     canonical name (``loss``, ``accuracy``, ``learning_rate``…)
split      category     ``train``, ``eval``, ``test`` or ``""`` (lr, grad_norm)
step       int64        global step (Keras CSV: the 0-based epoch)
epoch      float64      epoch, NaN when unknown
wall_time  float64      seconds since the Unix epoch, NaN when unknown
value      float64      the value exactly as logged: NaN and ±inf are kept
tag        category     the name as logged
source     category     the file the point came from
=========  ===========  ==========================================================

Readers build frames with :func:`build_frame` and every reader's result passes
:func:`validate`. Pivot to wide form with ``frame.pivot_table`` when needed; the long
form is the contract.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Required, TypedDict, Unpack

import numpy as np
import pandas as pd

from curvelint.errors import SchemaError
from curvelint.frame_columns import Coded, FrameColumns, concatenated, constant, recode
from curvelint.names import SPLITS, canonical

COLUMNS: tuple[str, ...] = (
    "run",
    "metric",
    "split",
    "step",
    "epoch",
    "wall_time",
    "value",
    "tag",
    "source",
)
CATEGORY_COLUMNS = ("run", "metric", "split", "tag", "source")
DTYPES: dict[str, str] = {
    "step": "int64",
    "epoch": "float64",
    "wall_time": "float64",
    "value": "float64",
}


def _coded(values: Sequence[str] | np.ndarray | pd.Categorical[Any] | Coded) -> Coded:
    if isinstance(values, Coded):
        return values
    if not isinstance(values, pd.Categorical):
        values = pd.Categorical(np.asarray(values, dtype=object))
    return Coded(np.asarray(values.codes), values.categories)


def unknown_floats(length: int) -> np.ndarray:
    """A column that nobody logged (an epoch, a wall time): NaN ``length`` times, held as one
    read-only NaN (a stride of 0), so it costs no memory, where a filled array costs 80 MB for a
    10M-point run. Frames never write into their columns; a copy of it is an ordinary array."""
    return np.broadcast_to(np.float64(np.nan), length)


def _float_column(values: object, length: int) -> np.ndarray:
    if values is None:
        return unknown_floats(length)
    return np.asarray(values, dtype=np.float64)


class ColumnArguments(TypedDict, total=False):
    """The keywords of :func:`build_columns` and :func:`build_frame` (epoch and wall time
    default to unknown, the folder's split and the run name to "")."""

    tag: Required[Sequence[str] | np.ndarray | pd.Categorical[Any] | Coded]
    step: Required[Sequence[int] | np.ndarray]
    value: Required[Sequence[float] | np.ndarray]
    source: Required[str]
    epoch: Sequence[float] | np.ndarray | None
    wall_time: Sequence[float] | np.ndarray | None
    folder_split: str
    run: str


def build_columns(**columns: Unpack[ColumnArguments]) -> FrameColumns:
    """:func:`build_frame`'s columns, no DataFrame yet (:mod:`curvelint.frame_columns`)."""
    tags = _coded(columns["tag"])
    folder_split, run = columns.get("folder_split", ""), columns.get("run", "")
    length = len(tags.codes)
    pairs = [canonical(str(name), folder_split) for name in tags.categories]
    return FrameColumns(
        {
            "run": constant(run, length),
            "metric": recode(tags.codes, [metric for metric, _ in pairs]),
            "split": recode(tags.codes, [split for _, split in pairs]),
            "step": np.asarray(columns["step"], dtype=np.int64),
            "epoch": _float_column(columns.get("epoch"), length),
            "wall_time": _float_column(columns.get("wall_time"), length),
            "value": np.asarray(columns["value"], dtype=np.float64),
            "tag": tags,
            "source": constant(columns["source"], length),
        }
    )


def build_frame(**columns: Unpack[ColumnArguments]) -> pd.DataFrame:
    """Assemble a schema-valid frame from column arrays (:func:`build_columns`' arguments),
    canonicalising each distinct tag once.

    ``folder_split`` is the split implied by the file's location (Keras' ``validation/``).
    Arrays of the right dtype are used as they are, not copied: do not change them afterwards.
    """
    return frame_of(build_columns(**columns))


def frame_of(columns: FrameColumns) -> pd.DataFrame:
    """The validated frame of ``columns``, its arrays not copied (copying every column doubled
    the peak memory of a large log)."""
    return validate(columns.frame())


@functools.cache
def _empty_template() -> pd.DataFrame:
    return build_frame(tag=[], step=[], value=[], source="")


def empty_frame() -> pd.DataFrame:
    """A frame with the schema and no rows: a copy of one built once (building it costs a few
    milliseconds of pandas overhead, once per run of a sweep)."""
    return _empty_template().copy()


def empty_columns() -> FrameColumns:
    """The columns of :func:`empty_frame`."""
    return FrameColumns.of_frame(_empty_template())


def concat_columns(parts: Sequence[FrameColumns]) -> FrameColumns:
    """The parts with rows one after the other (see :func:`concat`), no DataFrame yet."""
    joined = concatenated(parts)
    return empty_columns() if joined is None else joined


def concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate schema frames, keeping categoricals (pandas would fall back to object)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    # Arrays joined, categories united, then one frame: no stacking of the float columns into
    # one block (that stacking was half the time of reading a 200-run sweep into one frame).
    return frame_of(concat_columns([FrameColumns.of_frame(frame) for frame in frames]))


def with_run(frame: pd.DataFrame, run: str) -> pd.DataFrame:
    """The same frame with every row's ``run`` set to ``run``."""
    out = frame.copy(deep=False)  # copy-on-write: the other columns are shared, not copied
    out["run"] = constant(run, len(frame)).categorical()
    return out


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Raise :class:`SchemaError` unless ``frame`` has exactly the schema's columns and dtypes."""
    if tuple(frame.columns) != COLUMNS:
        raise SchemaError(f"frame columns {list(frame.columns)} != schema {list(COLUMNS)}")
    dtypes = dict(zip(COLUMNS, frame.dtypes, strict=True))  # one lookup, not a Series per column
    for name in CATEGORY_COLUMNS:
        if not isinstance(dtypes[name], pd.CategoricalDtype):
            raise SchemaError(f"column {name!r} is {dtypes[name]}, expected category")
    for name, dtype in DTYPES.items():
        if str(dtypes[name]) != dtype:
            raise SchemaError(f"column {name!r} is {dtypes[name]}, expected {dtype}")
    unknown = set(dtypes["split"].categories) - set(SPLITS)
    if unknown:
        raise SchemaError(f"unknown split values {sorted(unknown)}")
    return frame
