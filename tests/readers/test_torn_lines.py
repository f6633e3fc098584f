"""Torn last lines: real files from Keras' and Lightning's CSVLogger, MLflow's file store, a
``csv`` step table and a JSON Lines logger, cut inside their last number. The cut line's point
is reported skipped and never read as data; every other point is kept; a file that ends with
its line end keeps its last point."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from curvelint.readers import json_lines, keras_csv, lightning_csv, mlflow_store, step_table
from curvelint.readers.base import ReadResult
from curvelint.readers.torn_lines import TORN_WHY
from tests.readers.test_lightning_csv import LIGHTNING_SCRIPT
from tests.readers.test_mlflow_store import MLFLOW_SCRIPT
from tests.readers.writers import require, run_keras, run_writer

Point = tuple[str, int, str]

KERAS_SCRIPT = """
import sys
import numpy as np
import keras

keras.utils.set_random_seed(0)
x = np.random.rand(32, 2).astype("float32")
y = x.sum(1, keepdims=True)
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 3.7e-05 if epoch < 29 else 4.1e-05)
logger = keras.callbacks.CSVLogger(sys.argv[1] + "/training.log")
model.fit(x, y, epochs=30, validation_split=0.25, verbose=0, callbacks=[schedule, logger])
"""


def _points(result: ReadResult) -> set[Point]:
    frame = result.frame
    values = [repr(v) if not math.isnan(v) else "nan" for v in frame["value"].tolist()]
    return set(zip(frame["tag"].astype(str), frame["step"].tolist(), values, strict=True))


def _cuts(text: str) -> list[int]:
    """Offsets inside the last line's last number (and one inside its first field)."""
    body = text.rstrip("\r\n")
    start = max(body.rfind("\n"), body.rfind("\r")) + 1
    last_number = max(body.rfind(","), body.rfind(" "), body.rfind(":")) + 1
    return sorted({start + 1, *range(last_number + 1, len(body))})


def _check_cuts(path: Path, read: Callable[[Path], ReadResult]) -> None:
    """Every cut of the last line: its points are gone, reported torn; the others are kept."""
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("\n")
    whole = read(path)
    assert not [s for s in whole.skipped if s.why == TORN_WHY]
    body = text.rstrip("\r\n")
    head = body[: max(body.rfind("\n"), body.rfind("\r")) + 1]
    path.write_text(head, encoding="utf-8", newline="")
    before_last = _points(read(path))
    last_points = _points(whole) - before_last
    assert last_points, "the last line holds points"
    original = path.read_bytes()
    for cut in _cuts(text):
        path.write_text(text[:cut], encoding="utf-8", newline="")
        result = read(path)
        assert _points(result) == before_last, (cut, text[cut - 20 : cut])
        (torn,) = [s for s in result.skipped if s.why == TORN_WHY]
        assert torn.where == f"line {head.count(chr(10)) + 1}" and torn.path == str(path)
        assert path.read_bytes() == text[:cut].encode()  # never modified
    path.write_bytes(original)


def test_keras_csvlogger_cut_inside_its_last_number(tmp_path: Path) -> None:
    run_keras(KERAS_SCRIPT, tmp_path)
    path = tmp_path / "training.log"
    whole = keras_csv.read([path])
    assert ("learning_rate", 29, repr(float("4.099999932805076e-05"))) in _points(whole)
    text = path.read_bytes().decode()
    at = text.rindex("29,4.0")
    path.write_text(text[: at + len("29,4.1")].replace("29,4.0", "29,4.1"), newline="")
    result = keras_csv.read([path])  # the example: '29,3.7e-05,4.1' for '4.1e-05'
    assert not any(step == 29 for _, step, _ in _points(result))
    assert {s.why for s in result.skipped} == {TORN_WHY}
    path.write_text(text, newline="")
    _check_cuts(path, lambda p: keras_csv.read([p]))


def test_lightning_csvlogger_cut_inside_its_last_number(tmp_path: Path) -> None:
    require("lightning")
    run_writer(LIGHTNING_SCRIPT, tmp_path)
    path = tmp_path / "lightning_logs" / "version_0" / "metrics.csv"
    _check_cuts(path, lambda p: lightning_csv.read([p]))


def test_mlflow_metric_file_cut_inside_its_last_number(tmp_path: Path) -> None:
    require("mlflow")
    run_writer(MLFLOW_SCRIPT, tmp_path, MLFLOW_ALLOW_FILE_STORE="true")
    (path,) = [p for p in (tmp_path / "mlruns").rglob("metrics/train loss")]
    _check_cuts(path, lambda p: mlflow_store.read([p]))


def test_csv_step_table_cut_inside_its_last_number(tmp_path: Path) -> None:
    path = tmp_path / "steps.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["step", "loss", "lr"])
        for step in range(30):
            writer.writerow([step * 10, 1 / (step + 1), 3.7e-05 if step < 29 else 4.1e-05])
    _check_cuts(path, lambda p: step_table.read([p]))


def test_json_lines_cut_inside_its_last_number(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    with path.open("w") as handle:
        for step in range(30):
            lr = 3.7e-05 if step < 29 else 4.1e-05
            handle.write(json.dumps({"step": step, "loss": 1 / (step + 1), "lr": lr}) + "\n")
    _check_cuts(path, lambda p: json_lines.read([p]))


def test_a_whole_json_object_without_its_line_end_is_kept(tmp_path: Path) -> None:
    """A complete JSON object proves itself whole: no cut of a longer object parses."""
    path = tmp_path / "log.jsonl"
    path.write_text('{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.25}')
    result = json_lines.read([path])
    assert _points(result) == {("loss", 1, "0.5"), ("loss", 2, "0.25")}
    assert result.skipped == []


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_file_ending_with_its_line_end_keeps_its_last_point(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "training.log"
    path.write_text(ending.join(["epoch,loss", "0,0.5", "1,4.1e-05"]) + ending, newline="")
    result = keras_csv.read([path])
    assert _points(result) == {("loss", 0, "0.5"), ("loss", 1, "4.1e-05")}
    assert result.skipped == []
