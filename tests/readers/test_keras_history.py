"""The Keras History.history reader: a real Keras fit, validation_freq, NaN, damage, sniffing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import keras_history
from tests.conftest import tree_hashes
from tests.readers.writers import run_keras

KERAS_SCRIPT = """
import json
import sys
from pathlib import Path
import numpy as np
import keras

x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
history = model.fit(x, y, epochs=6, batch_size=16, validation_split=0.25, validation_freq=2,
                    verbose=0)
out = Path(sys.argv[1])
(out / "history.json").write_text(json.dumps(history.history))
"""


@pytest.fixture(scope="module")
def keras_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``History.history`` of a real Keras 3 fit (torch backend) dumped with json."""
    root = tmp_path_factory.mktemp("keras")
    run_keras(KERAS_SCRIPT, root)
    return root / "history.json"


def _series(frame: pd.DataFrame, tag: str) -> list[tuple[int, float]]:
    rows = frame[frame["tag"] == tag]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def test_real_keras_history_with_validation_every_second_epoch(keras_dump: Path) -> None:
    before = tree_hashes(keras_dump)
    assert keras_history.sniff(keras_dump)
    history = json.loads(keras_dump.read_text())
    result = keras_history.read([keras_dump])
    frame = result.frame
    assert _series(frame, "loss") == list(enumerate(history["loss"]))
    assert _series(frame, "val_loss") == list(zip([1, 3, 5], history["val_loss"], strict=True))
    assert len(frame) == sum(len(values) for values in history.values())
    assert set(frame[frame["tag"] == "val_mae"]["split"]) == {"eval"}
    assert frame["epoch"].tolist() == frame["step"].astype(float).tolist()
    assert any("validation_freq=2" in note for note in result.notes)
    assert [r.format for r in discover([keras_dump.parent]).runs] == ["keras_history"]
    assert tree_hashes(keras_dump) == before


def test_nan_infinity_null_and_odd_lengths(tmp_path: Path) -> None:
    path = tmp_path / "hist.json"
    path.write_text(
        '{"loss": [1.0, NaN, Infinity, -Infinity, null], "accuracy": [0.1, 0.2, "x", 0.4, 0.5],'
        ' "val_loss": [3.0, 2.0], "name": "run1"}'
    )
    result = keras_history.read([path])
    loss = _series(result.frame, "loss")
    assert (
        loss[0] == (0, 1.0)
        and math.isnan(loss[1][1])
        and loss[2:]
        == [
            (2, math.inf),
            (3, -math.inf),
        ]
    )
    assert [s for s, _ in _series(result.frame, "accuracy")] == [0, 1, 3, 4]
    assert _series(result.frame, "val_loss") == [(0, 3.0), (1, 2.0)]
    assert any("alignment is unknown" in note for note in result.notes)
    reasons = {(s.where, s.why) for s in result.skipped}
    assert ("accuracy[2]", "non-numeric values") in reasons
    assert any("without a list" in why for _, why in reasons)


def test_an_epoch_list_gives_the_epochs(tmp_path: Path) -> None:
    path = tmp_path / "hist.json"
    path.write_text('{"loss": [1.0, 0.5], "epoch": [10, 11]}')
    assert _series(keras_history.read([path]).frame, "loss") == [(10, 1.0), (11, 0.5)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ('{"loss": [1.0, 0.9', "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"loss": 1.0}', "no metric lists"),
    ],
)
def test_unusable_dumps_raise_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "hist.json"
    path.write_text(text)
    with pytest.raises(UnreadableError) as raised:
        keras_history.read([path])
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_sniff_needs_a_metric_list_first(tmp_path: Path) -> None:
    cases = {
        "a.json": ('{"loss": [0.5, 0.4]}', True),
        "b.json": ('{"val_accuracy": [0.5]}', True),
        "c.json": ('{"data": [1, 2, 3]}', False),
        "d.json": ('{"loss": 0.5}', False),
        "e.json": ('{"loss": ["a"]}', False),
        "f.jsonl": ('{"loss": [0.5]}', False),
        "g.json": ("\x00\x01", False),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert keras_history.sniff(path) is expected, name
