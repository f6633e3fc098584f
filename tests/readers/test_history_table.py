"""A Keras History saved with pandas (``pd.DataFrame(history.history).to_csv``): a real Keras
fit saved with and without the index, NaN as data, and what the sniffer leaves alone."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from curvelint.discover import discover
from curvelint.readers import history_table
from tests.conftest import tree_hashes
from tests.readers.writers import run_keras

KERAS_SCRIPT = """
import sys
from pathlib import Path
import numpy as np
import pandas as pd
import keras

x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=6, batch_size=16, validation_split=0.25, verbose=0)
out = Path(sys.argv[1])
pd.DataFrame(history.history).to_csv(out / "indexed" / "history.csv")
pd.DataFrame(history.history).to_csv(out / "plain" / "history.csv", index=False)
# As pandas writes it on Windows into a handle opened in text mode: its line terminator
# (os.linesep, "\\r\\n") gets a second carriage return, so every line ends "\\r\\r\\n".
for kind, index in (("windows_indexed", True), ("windows_plain", False)):
    with open(out / kind / "history.csv", "w", newline="\\r\\n") as handle:
        pd.DataFrame(history.history).to_csv(handle, index=index, lineterminator="\\r\\n")
"""


KINDS = ("indexed", "plain", "windows_indexed", "windows_plain")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The History of a real Keras 3 fit (torch backend), saved by pandas both ways, as on
    Linux and as on Windows."""
    root = tmp_path_factory.mktemp("keras")
    for kind in KINDS:
        (root / kind).mkdir()
    run_keras(KERAS_SCRIPT, root)
    assert b"\r\r\n" in (root / "windows_plain" / "history.csv").read_bytes()
    return root


def _series(frame: pd.DataFrame, tag: str) -> list[tuple[int, float]]:
    rows = frame[frame["tag"] == tag]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


@pytest.mark.parametrize("kind", KINDS)
def test_a_real_keras_history_saved_by_pandas_reads_one_point_per_epoch(
    saved: Path, kind: str
) -> None:
    path = saved / kind / "history.csv"
    before = tree_hashes(path)
    expected = pd.read_csv(saved / "plain" / "history.csv")
    assert history_table.sniff(path)
    result = history_table.read([path])
    frame = result.frame
    assert set(frame["tag"]) == set(expected.columns)
    for column in expected.columns:
        steps, values = zip(*_series(frame, column), strict=True)
        assert list(steps) == list(range(len(expected)))
        assert list(values) == pytest.approx(expected[column].tolist())
    assert set(frame[frame["tag"] == "val_loss"]["split"]) == {"eval"}
    assert frame["epoch"].tolist() == frame["step"].astype(float).tolist()
    assert any("row i is epoch i" in note for note in result.notes) == kind.endswith("plain")
    assert result.skipped == []
    assert [r.format for r in discover([path.parent]).runs] == ["keras_history_csv"]
    assert tree_hashes(path) == before


def test_nan_cells_are_data_and_the_index_gives_the_epochs(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(",loss,val_loss\n0,1.5,1.6\n1,0.9,nan\n2,nan,inf\n")
    frame = history_table.read([path]).frame
    loss = _series(frame, "loss")
    assert loss[0] == (0, 1.5) and loss[1] == (1, 0.9)
    assert loss[2][0] == 2 and math.isnan(loss[2][1])
    assert _series(frame, "val_loss")[2] == (2, math.inf)


@pytest.mark.parametrize(
    "text",
    [
        "x,y,label\n0.1,0.2,1\n",  # a data set: no loss named
        "model,loss\nresnet,0.5\n",  # a text column
        ",loss,val_loss\n3,1.0,1.1\n",  # an index that does not start at 0
        "step,loss\n0,1.0\n",  # a step table
        "epoch,loss\n0,1.0\n",  # a CSVLogger log
        "loss\n",  # no row
    ],
)
def test_the_sniffer_leaves_other_tables_alone(tmp_path: Path, text: str) -> None:
    path = tmp_path / "table.csv"
    path.write_text(text)
    assert not history_table.sniff(path)


def test_a_damaged_row_is_skipped_without_shifting_the_epochs_after_it(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text("loss,val_loss\n1.5,1.6\n0.9,0.95,junk\n0.7,0.8\n")
    result = history_table.read([path])
    assert _series(result.frame, "loss") == [(0, 1.5), (2, 0.7)]
    assert [skipped.count for skipped in result.skipped] == [1]
