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
from typing import Any

import numpy as np
import pandas as pd

from curvelint.errors import SchemaError
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


def _categorical(values: Sequence[str] | np.ndarray | pd.Categorical) -> pd.Categorical[Any]:
    if isinstance(values, pd.Categorical):
        return values
    return pd.Categorical(np.asarray(values, dtype=object))


def _constant(value: str, length: int) -> pd.Categorical[Any]:
    return pd.Categorical.from_codes(
        # object, not inferred as a string dtype: a path need not be UTF-8 (surrogate escapes)
        np.zeros(length, dtype=np.int8),
        categories=pd.Index([value], dtype=object),
        validate=False,
    )


def _recode(codes: np.ndarray, names: list[str]) -> pd.Categorical[Any]:
    """A categorical whose code ``i`` (a tag category) becomes ``names[i]``."""
    categories = sorted(set(names))
    position = {name: index for index, name in enumerate(categories)}
    mapping = np.array([position[name] for name in names], dtype=np.int32)
    return pd.Categorical.from_codes(
        mapping[codes] if len(mapping) else codes,
        categories=pd.Index(categories, dtype=object),
        validate=False,  # codes index the categories by construction
    )


def _union(parts: Sequence[Any]) -> pd.Categorical[Any]:
    """The categoricals one after the other, categories in order of first appearance (as
    ``union_categoricals`` orders them, at a tenth of its cost for a sweep of small runs)."""
    position: dict[object, int] = {}
    codes = []
    for part in parts:
        mapping = np.array(
            [position.setdefault(category, len(position)) for category in part.categories],
            dtype=np.int32,
        )
        part_codes = np.asarray(part.codes)
        recoded = mapping[part_codes] if len(mapping) else part_codes.astype(np.int32)
        codes.append(np.where(part_codes >= 0, recoded, -1) if (part_codes < 0).any() else recoded)
    return pd.Categorical.from_codes(
        np.concatenate(codes), categories=pd.Index(list(position), dtype=object), validate=False
    )


def unknown_floats(length: int) -> np.ndarray:
    """A column that nobody logged (an epoch, a wall time): NaN ``length`` times, held as one
    read-only NaN (a stride of 0), so it costs no memory, where a filled array costs 80 MB for a
    10M-point run. Frames never write into their columns; a copy of it is an ordinary array."""
    return np.broadcast_to(np.float64(np.nan), length)


def _float_column(values: object, length: int) -> np.ndarray:
    if values is None:
        return unknown_floats(length)
    return np.asarray(values, dtype=np.float64)


def build_frame(
    *,
    tag: Sequence[str] | np.ndarray | pd.Categorical,
    step: Sequence[int] | np.ndarray,
    value: Sequence[float] | np.ndarray,
    source: str,
    epoch: Sequence[float] | np.ndarray | None = None,
    wall_time: Sequence[float] | np.ndarray | None = None,
    folder_split: str = "",
    run: str = "",
) -> pd.DataFrame:
    """Assemble a schema-valid frame from column arrays, canonicalising each distinct tag once.

    ``folder_split`` is the split implied by the file's location (Keras' ``validation/``).
    Arrays of the right dtype are used as they are, not copied: do not change them afterwards.
    """
    tags = _categorical(tag)
    length = len(tags)
    pairs = [canonical(str(name), folder_split) for name in tags.categories]
    frame = pd.DataFrame(
        {
            "run": _constant(run, length),
            "metric": _recode(tags.codes, [metric for metric, _ in pairs]),
            "split": _recode(tags.codes, [split for _, split in pairs]),
            "step": np.asarray(step, dtype=np.int64),
            "epoch": _float_column(epoch, length),
            "wall_time": _float_column(wall_time, length),
            "value": np.asarray(value, dtype=np.float64),
            "tag": tags,
            "source": _constant(source, length),
        },
        copy=False,  # copying every column doubled the peak memory of a large log
    )
    validate(frame)
    return frame


@functools.cache
def _empty_template() -> pd.DataFrame:
    return build_frame(tag=[], step=[], value=[], source="")


def empty_frame() -> pd.DataFrame:
    """A frame with the schema and no rows: a copy of one built once (building it costs a few
    milliseconds of pandas overhead, once per run of a sweep)."""
    return _empty_template().copy()


def concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate schema frames, keeping categoricals (pandas would fall back to object)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    columns: dict[str, object] = {}
    for name in COLUMNS:
        if name in CATEGORY_COLUMNS:
            columns[name] = _union([f[name].array for f in frames])
        else:
            columns[name] = np.concatenate([f[name].to_numpy() for f in frames])
    # The arrays were just made: no copy, and no stacking of the float columns into one block
    # (that stacking was half the time of reading a 200-run sweep into one frame).
    frame = pd.DataFrame(columns, copy=False)
    validate(frame)
    return frame


def with_run(frame: pd.DataFrame, run: str) -> pd.DataFrame:
    """The same frame with every row's ``run`` set to ``run``."""
    out = frame.copy(deep=False)  # copy-on-write: the other columns are shared, not copied
    out["run"] = _constant(run, len(frame))
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
