"""A schema frame's columns as plain arrays, before any DataFrame exists.

Reading a sweep gives one :class:`FrameColumns` per run and ONE DataFrame for the whole sweep
at the end (:func:`concatenated`, then :meth:`FrameColumns.frame`): a DataFrame per run cost
more than decoding the run's small event file, and combining 200 of them as much again. A
categorical column is its codes and its categories (:class:`Coded`); categories combine in
order of first appearance, as ``union_categoricals`` orders them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Coded:
    """A categorical column: ``codes`` index ``categories`` (-1: missing).

    ``categories`` given as a pandas Index are used as they are; given as values, their Index
    is ``object`` (a path need not be UTF-8), or with ``inferred`` the dtype pandas infers
    from them (``str`` for text), as ``rename_categories`` gives.
    """

    codes: np.ndarray
    categories: Sequence[Any] | pd.Index
    inferred: bool = False

    def categorical(self) -> pd.Categorical[Any]:
        categories = self.categories
        if not isinstance(categories, pd.Index):
            categories = pd.Index(list(categories), dtype=None if self.inferred else object)
        # A frame's codes are a read-only view (copy-on-write): the new column gets its own.
        codes = self.codes if self.codes.flags.writeable else self.codes.copy()
        # codes index the categories by construction; pandas casts them to its smallest dtype
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)

    def renamed(self, rename: Callable[[Any], Any]) -> Coded:
        """Each category replaced by ``rename(category)``, the Index's dtype inferred."""
        return Coded(self.codes, tuple(rename(item) for item in self.categories), inferred=True)


def constant(value: object, length: int) -> Coded:
    """``length`` rows of one value."""
    return Coded(np.zeros(length, dtype=np.int8), (value,))


def recode(codes: np.ndarray, names: Sequence[str]) -> Coded:
    """The column whose code ``i`` becomes ``names[i]``, categories sorted."""
    categories = sorted(set(names))
    position = {name: index for index, name in enumerate(categories)}
    mapping = np.array([position[name] for name in names], dtype=code_dtype(len(categories)))
    return Coded(mapping[codes] if len(mapping) else codes, tuple(categories))


@dataclass(frozen=True)
class FrameColumns:
    """Every column of a frame by name, in order: a numpy array or a :class:`Coded` one."""

    columns: dict[str, np.ndarray | Coded]

    def __len__(self) -> int:
        first = next(iter(self.columns.values()))
        return len(first.codes if isinstance(first, Coded) else first)

    def coded(self, name: str) -> Coded:
        column = self.columns[name]
        if not isinstance(column, Coded):
            raise TypeError(f"column {name!r} is not categorical")
        return column

    def replaced(self, **columns: np.ndarray | Coded) -> FrameColumns:
        return FrameColumns({**self.columns, **columns})

    def frame(self) -> pd.DataFrame:
        """The DataFrame (not validated: see :func:`curvelint.schema.frame_of`)."""
        data = {
            name: column.categorical() if isinstance(column, Coded) else column
            for name, column in self.columns.items()
        }
        return pd.DataFrame(data, copy=False)  # the arrays are the frame's: no copy

    @classmethod
    def of_frame(cls, frame: pd.DataFrame) -> FrameColumns:
        """A frame's columns (a categorical one keeps its categories' Index), its arrays not
        copied: a frame built from them writes into them, so use the frame no more."""
        columns: dict[str, np.ndarray | Coded] = {}
        for name in frame.columns:
            values = frame[name].array
            if isinstance(values, pd.Categorical):
                columns[str(name)] = Coded(np.asarray(values.codes), values.categories)
            else:  # the array itself, not to_numpy's read-only view
                columns[str(name)] = np.asarray(values)
        return cls(columns)


def code_dtype(count: int) -> type[np.signedinteger[Any]]:
    """The codes' dtype pandas gives a categorical of ``count`` categories (no cast later)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _union(parts: Sequence[Coded]) -> Coded:
    """The categorical columns one after the other, categories in order of first appearance."""
    position: dict[Any, int] = {}
    tables = [
        [position.setdefault(item, len(position)) for item in part.categories] for part in parts
    ]
    dtype = code_dtype(len(position))
    codes = np.empty(sum(len(part.codes) for part in parts), dtype=dtype)
    start = 0
    for part, table in zip(parts, tables, strict=True):
        part_codes = np.asarray(part.codes)
        end = start + len(part_codes)
        if not table:  # every code is -1
            codes[start:end] = part_codes
        else:
            codes[start:end] = np.array(table, dtype=dtype)[part_codes]
            if (missing := part_codes < 0).any():
                codes[start:end][missing] = -1
        start = end
    return Coded(codes, tuple(position))


def concatenated(parts: Sequence[FrameColumns]) -> FrameColumns | None:
    """The parts with rows, one after the other; the only one as it is; None when none has."""
    parts = [part for part in parts if len(part)]
    if len(parts) <= 1:
        return parts[0] if parts else None
    columns: dict[str, np.ndarray | Coded] = {}
    for name, first in parts[0].columns.items():
        if isinstance(first, Coded):
            columns[name] = _union([part.coded(name) for part in parts])
        else:
            columns[name] = np.concatenate([_array(part.columns[name]) for part in parts])
    return FrameColumns(columns)


def _array(column: np.ndarray | Coded) -> np.ndarray:
    if isinstance(column, Coded):
        raise TypeError("a categorical column where another frame has an array")
    return column
