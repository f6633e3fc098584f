"""``model.fit(epochs=1)`` called in a loop with an appending ``CSVLogger``: every row logs
epoch 0, yet the rows are successive epochs of one model (a real Keras 3 log), not restarts
superseding each other — read as restarts, the run kept one point."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.judging import judge_run
from curvelint.readers import keras_csv
from curvelint.runs import read_runs
from tests.conftest import tree_hashes
from tests.readers.writers import run_keras

FIT_LOOP = """
import sys
from pathlib import Path
import numpy as np
import keras

x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
log = keras.callbacks.CSVLogger(str(Path(sys.argv[1]) / "training.log"), append=True)
for _ in range(6):
    model.fit(x, y, epochs=1, batch_size=32, validation_split=0.25, verbose=0, callbacks=[log])
"""


@pytest.fixture(scope="module")
def fit_loop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fit-loop")
    run_keras(FIT_LOOP, root)
    return root / "training.log"


def test_one_epoch_fits_in_a_loop_read_as_successive_epochs(fit_loop: Path) -> None:
    before = tree_hashes(fit_loop)
    rows = fit_loop.read_text().splitlines()[1:]
    assert len(rows) == 6 and {row.split(",")[0] for row in rows} == {"0"}
    result = keras_csv.read([fit_loop])
    frame = result.frame
    loss = frame[(frame["metric"] == "loss") & (frame["split"] == "train")]
    assert loss["step"].tolist() == [0, 1, 2, 3, 4, 5]
    assert loss["value"].tolist() == pytest.approx([float(r.split(",")[1]) for r in rows])
    assert any("one-epoch fits called in a loop" in note for note in result.notes)
    assert not any("superseded" in note for note in result.notes)
    assert tree_hashes(fit_loop) == before


def test_the_run_is_judged_on_all_its_epochs(fit_loop: Path) -> None:
    (run,) = read_runs([fit_loop.parent]).runs
    assert judge_run(run).diagnosis.verdict.value != "insufficient_data"


def test_a_rewind_after_several_epochs_still_supersedes(tmp_path: Path) -> None:
    """A resumed run restarting its epochs is still read as later rows winning."""
    path = tmp_path / "training.log"
    path.write_text("epoch,loss\n0,5\n1,4\n2,3\n0,2.5\n1,2.0\n")
    result = keras_csv.read([path])
    assert result.frame["step"].tolist() == [0, 1]
    assert not any("one-epoch fits" in note for note in result.notes)
