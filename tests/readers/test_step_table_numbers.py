"""The vectorised text-to-number pass gives exactly what converting cell by cell gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curvelint.readers.metric_table import _cell_numbers, numbers

SPELLINGS = [
    "1",
    "-2.5",
    "nan",
    "NaN",
    "+nan",
    "NA",
    "",
    "  ",
    "None",
    "inf",
    "-Infinity",
    "1e999",
    "1_000",
    "0x10",
    "abc",
    " 3 ",
    "-0",
    "null",
    "1e-320",
]
cells = st.lists(st.one_of(st.sampled_from(SPELLINGS), st.text(max_size=6)), min_size=1)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(cells)
def test_vectorised_pass_equals_cell_by_cell(values: list[str]) -> None:
    fast = numbers(values)
    slow = _cell_numbers(values, range(len(values)), np.full(len(values), np.nan))
    for got, expected in zip(fast, slow, strict=True):
        assert np.array_equal(got, expected, equal_nan=True)
