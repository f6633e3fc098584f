"""A Keras ``CSVLogger`` table with a title written above its header (a real log committed as
``model_history_log`` on line 1, then a ``;``-separated CSVLogger table): the title is said
in the notes and every epoch is read; a first line that has fields of its own is no title, and
the file stays unreadable rather than misread."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import keras_csv
from tests.conftest import tree_hashes
from tests.readers.writers import run_keras

CSV_LOGGER = """
import sys
from pathlib import Path
import numpy as np
import keras

x = np.random.default_rng(0).normal(size=(128, 4)).astype("float32")
y = (x[:, 0] > 0).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
log = keras.callbacks.CSVLogger(str(Path(sys.argv[1]) / "logger.csv"), separator=";")
model.fit(x, y, epochs=5, batch_size=32, validation_split=0.25, verbose=0, callbacks=[log])
"""


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real Keras 3 ``CSVLogger`` table (``;`` separator)."""
    root = tmp_path_factory.mktemp("titled")
    run_keras(CSV_LOGGER, root)
    return root / "logger.csv"


def _with_first_line(logged: Path, first: str, folder: Path) -> Path:
    path = folder / "model_history_log.csv"
    path.write_text(f"{first}\n{logged.read_text()}")
    return path


def test_a_title_above_the_header_is_noted_and_every_epoch_read(
    logged: Path, tmp_path: Path
) -> None:
    titled = _with_first_line(logged, "model_history_log", tmp_path)
    before = tree_hashes(titled)
    assert keras_csv.sniff(titled)
    (run,) = discover([tmp_path]).runs
    assert run.format == keras_csv.NAME and run.files == (titled,)
    plain, result = keras_csv.read([logged]).frame, keras_csv.read([titled])
    frame = result.frame
    loss = frame[(frame["metric"] == "loss") & (frame["split"] == "train")]
    expected = plain[(plain["metric"] == "loss") & (plain["split"] == "train")]
    assert loss["step"].tolist() == [0, 1, 2, 3, 4]
    assert loss["value"].tolist() == expected["value"].tolist()
    assert any("'model_history_log' above the header is a title" in n for n in result.notes)
    assert tree_hashes(titled) == before


def test_a_first_line_with_fields_of_its_own_is_no_title(logged: Path, tmp_path: Path) -> None:
    other = _with_first_line(logged, "run;seed", tmp_path)
    assert not keras_csv.sniff(other)
    with pytest.raises(UnreadableError, match="no 'epoch' header on the first line"):
        keras_csv.read([other])
