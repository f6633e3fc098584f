"""The common frame: dtypes, categoricals, NaN/inf kept, validation catches drift."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from curvelint import schema
from curvelint.errors import SchemaError


def test_build_frame_keeps_non_finite_values_and_canonicalises() -> None:
    frame = schema.build_frame(
        tag=["val_loss", "loss", "loss"],
        step=[1, 1, 2],
        value=[math.nan, math.inf, -math.inf],
        source="x.csv",
    )
    assert list(frame.columns) == list(schema.COLUMNS)
    assert list(frame["metric"]) == ["loss", "loss", "loss"]
    assert list(frame["split"]) == ["eval", "train", "train"]
    values = frame["value"].to_numpy()
    assert math.isnan(values[0]) and values[1] == math.inf and values[2] == -math.inf
    assert frame["epoch"].isna().all()
    assert frame["step"].dtype == np.int64


def test_concat_keeps_categoricals() -> None:
    first = schema.build_frame(tag=["loss"], step=[1], value=[1.0], source="a")
    second = schema.build_frame(tag=["acc"], step=[1], value=[0.5], source="b")
    frame = schema.concat([first, second])
    assert isinstance(frame["tag"].dtype, pd.CategoricalDtype)
    assert list(frame["source"]) == ["a", "b"]


def test_validate_rejects_a_wrong_dtype() -> None:
    frame = schema.build_frame(tag=["loss"], step=[1], value=[1.0], source="a")
    frame["step"] = frame["step"].astype("float64")
    with pytest.raises(SchemaError, match="step"):
        schema.validate(frame)


def test_validate_rejects_unknown_split() -> None:
    frame = schema.build_frame(tag=["loss"], step=[1], value=[1.0], source="a")
    frame["split"] = pd.Categorical(["weird"])
    with pytest.raises(SchemaError, match="split"):
        schema.validate(frame)


def test_a_column_nobody_logged_is_nan_held_once() -> None:
    """An epoch or wall time the log does not have is NaN at every row, yet one NaN in memory
    (80 MB saved on a 10M-point run); joined or copied, it is an ordinary column again."""
    frame = schema.build_frame(
        tag=["loss"] * 1000, step=range(1000), value=[0.5] * 1000, source="x"
    )
    for name in ("epoch", "wall_time"):
        column = frame[name].to_numpy()
        assert len(column) == 1000 and np.isnan(column).all()
        assert column.strides == (0,) and not column.flags.writeable
    schema.validate(frame)
    joined = schema.concat([frame, frame])
    assert np.isnan(joined["epoch"].to_numpy()).all()
    assert joined["epoch"].to_numpy().strides == (8,)
    assert frame.copy()["epoch"].to_numpy().strides == (8,)
