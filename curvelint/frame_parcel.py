"""A frame as plain arrays for the trip from a worker process back: pandas pickles a frame of
categorical columns several times slower than its arrays, which made a pool of readers slower
than one reader. Only for frames this package built (no validation on the way back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FrameParcel:
    """Each column's values (a categorical's codes) and its categories' dtype and values."""

    columns: tuple[str, ...]
    arrays: tuple[np.ndarray, ...]
    categories: tuple[tuple[pd.Index, bool] | None, ...]
    index: np.ndarray | None  # None: the default RangeIndex

    def unpack(self) -> pd.DataFrame:
        data: dict[str, Any] = {}
        for name, values, category in zip(self.columns, self.arrays, self.categories, strict=True):
            if category is None:
                data[name] = values
                continue
            categories, ordered = category
            kind = pd.CategoricalDtype(categories, ordered=ordered)
            data[name] = pd.Categorical.from_codes(values, dtype=kind, validate=False)
        index = None if self.index is None else pd.Index(self.index)
        return pd.DataFrame(data, index=index, copy=False)


def pack(frame: pd.DataFrame) -> FrameParcel | pd.DataFrame:
    """The frame as a parcel; a frame with other column or index kinds travels as it is."""
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        return frame
    if frame.attrs or not all(isinstance(name, str) for name in frame.columns):
        return frame
    arrays: list[np.ndarray] = []
    categories: list[tuple[pd.Index, bool] | None] = []
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            values = column.array
            arrays.append(np.asarray(values.codes))
            categories.append((values.categories, bool(values.ordered)))
        elif isinstance(column.dtype, np.dtype):
            arrays.append(column.to_numpy())
            categories.append(None)
        else:
            return frame
    return FrameParcel(tuple(frame.columns), tuple(arrays), tuple(categories), None)


def unpack(parcel: FrameParcel | pd.DataFrame) -> pd.DataFrame:
    """The frame :func:`pack` was given."""
    return parcel.unpack() if isinstance(parcel, FrameParcel) else parcel
