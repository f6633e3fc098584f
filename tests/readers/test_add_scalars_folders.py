"""torch's ``add_scalars`` writes each key into its own sub-folder: those are one run's curves.

The logs are written by the real torch ``SummaryWriter`` (and Lightning's TensorBoardLogger,
which calls it for a dict), read by discovery and the reader, and by the CLI as a subprocess.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from curvelint.discover import discover
from curvelint.readers import add_scalars_folders, tensorboard
from tests.conftest import tree_hashes
from tests.readers.writers import require, run_writer

STEPS = [0, 10, 20, 30, 40]
TRAIN = [2.5, 1.75, 1.25, 1.0, 0.875]  # exact in float32, as simple_value stores them
VAL = [2.75, 2.0, math.nan, 1.5, 1.625]  # NaN is data: kept, not dropped
ACCURACY = [0.25, 0.5, 0.625, 0.75, 0.8125]


def _writer(directory: Path) -> Any:
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(directory), max_queue=1_000, flush_secs=3600)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``exp/``: one writer's add_scalars curves; beside it ``exp/lr_sweep/``, a run of its own
    written by a second writer into a sub-folder whose name has an underscore too."""
    root = tmp_path_factory.mktemp("add_scalars")
    writer = _writer(root / "exp")
    for index, step in enumerate(STEPS):
        writer.add_scalar("learning_rate", 0.1 / (index + 1), step)
        writer.add_scalars("loss", {"train": TRAIN[index], "val": VAL[index]}, step)
        writer.add_scalars("metrics/acc", {"train": ACCURACY[index]}, step)
        writer.add_scalars("performance", {"Accuracy": ACCURACY[index]}, step)
    writer.close()
    other = _writer(root / "exp" / "lr_sweep")
    for index, step in enumerate(STEPS):
        other.add_scalar("lr", 0.5, step)
        other.add_scalar("loss", TRAIN[index] * 2, step)
    other.close()
    return root


def _points(frame: pd.DataFrame, metric: str, split: str) -> list[tuple[int, float]]:
    rows = frame[(frame["metric"] == metric) & (frame["split"] == split)]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def _same(points: list[tuple[int, float]], values: list[float]) -> bool:
    expected = list(zip(STEPS, values, strict=True))
    return len(points) == len(expected) and all(
        step == want_step and (value == want or (math.isnan(value) and math.isnan(want)))
        for (step, value), (want_step, want) in zip(points, expected, strict=True)
    )


def test_torch_writes_the_layout_this_reads(logs: Path) -> None:
    """Pins torch's naming: ``<main tag, '/' as '_'>_<key>/`` holding values tagged main."""
    folders = sorted(p.name for p in (logs / "exp").iterdir() if p.is_dir())
    assert folders == [
        "loss_train",
        "loss_val",
        "lr_sweep",
        "metrics_acc_train",
        "performance_Accuracy",
    ]
    files = sorted((logs / "exp" / "metrics_acc_train").iterdir())
    assert add_scalars_folders.main_tag(files) == "metrics/acc"
    assert add_scalars_folders.main_tag(sorted((logs / "exp" / "lr_sweep").iterdir())) == ""


def test_the_sub_folders_are_one_run_and_the_other_writer_its_own(logs: Path) -> None:
    runs = {run.name: run for run in discover([logs]).runs}
    assert sorted(runs) == ["exp", "exp/lr_sweep"]
    parents = sorted({path.parent.name for path in runs["exp"].files})
    assert parents == ["exp", "loss_train", "loss_val", "metrics_acc_train", "performance_Accuracy"]
    assert [path.parent.name for path in runs["exp/lr_sweep"].files] == ["lr_sweep"]


def test_each_key_is_a_series_with_its_points(logs: Path) -> None:
    run = next(run for run in discover([logs]).runs if run.name == "exp")
    before = tree_hashes(logs)
    frame = tensorboard.read(list(run.files)).frame
    assert tree_hashes(logs) == before
    assert _same(_points(frame, "loss", "train"), TRAIN)
    assert _same(_points(frame, "loss", "eval"), VAL)
    assert _same(_points(frame, "metrics_acc", "train"), ACCURACY)
    assert _same(_points(frame, "performance_accuracy", "train"), ACCURACY)
    tags = set(frame["tag"])
    assert {"loss/train", "loss/val", "metrics/acc/train", "performance/Accuracy"} <= tags
    assert "loss" not in tags  # no series left under the bare main tag
    assert len(_points(frame, "learning_rate", "")) == len(STEPS)


def test_the_other_writers_run_reads_as_before(logs: Path) -> None:
    run = next(run for run in discover([logs]).runs if run.name == "exp/lr_sweep")
    frame = tensorboard.read(list(run.files)).frame
    assert set(frame["tag"]) == {"lr", "loss"}
    assert _same(_points(frame, "loss", "train"), [value * 2 for value in TRAIN])


def test_a_key_folder_without_the_writers_own_file_is_not_joined(tmp_path: Path) -> None:
    """Only torch's writer folder (which holds the writer's own file) owns key folders: a
    folder of runs that happen to be named ``loss_<something>`` stays a folder of runs."""
    for name in ("loss_a", "loss_b"):
        writer = _writer(tmp_path / "sweep" / name)
        writer.add_scalar("loss", 1.0, 0)
        writer.close()
    assert sorted(run.name for run in discover([tmp_path]).runs) == [
        "sweep/loss_a",
        "sweep/loss_b",
    ]


def test_a_key_folder_with_more_tags_than_its_main_tag_is_not_joined(tmp_path: Path) -> None:
    run = tmp_path / "run"
    writer = _writer(run)
    writer.add_scalars("loss", {"train": 1.0}, 0)
    writer.close()
    extra = _writer(run / "loss_train")  # a second writer adds another tag to the key folder
    extra.add_scalar("accuracy", 0.5, 0)
    extra.close()
    assert sorted(spec.name for spec in discover([tmp_path]).runs) == ["run", "run/loss_train"]


def test_keras_split_folders_still_join_their_run(tmp_path: Path) -> None:
    for split in ("train", "validation"):
        writer = _writer(tmp_path / "keras" / split)
        writer.add_scalar("epoch_loss", 1.0, 0)
        writer.close()
    (run,) = discover([tmp_path]).runs
    frame = tensorboard.read(list(run.files)).frame
    assert sorted(zip(frame["metric"], frame["split"], strict=True)) == [
        ("loss", "eval"),
        ("loss", "train"),
    ]


LIGHTNING_DICT_SCRIPT = """
import sys
from lightning.pytorch.loggers import TensorBoardLogger

logger = TensorBoardLogger(sys.argv[1], name="lightning_logs", version=0)
for step in range(4):
    logger.log_metrics({"loss": {"train": 2.0 - step / 4, "val": 2.5 - step / 8}}, step=step)
    logger.log_metrics({"lr": 0.01}, step=step)
logger.finalize("success")
"""


def test_lightning_logging_a_dict_is_one_run(tmp_path: Path) -> None:
    require("lightning")
    run_writer(LIGHTNING_DICT_SCRIPT, tmp_path)
    (run,) = discover([tmp_path]).runs
    assert run.name == "lightning_logs/version_0"
    frame = tensorboard.read(list(run.files)).frame
    assert _points(frame, "loss", "train") == [(step, 2.0 - step / 4) for step in range(4)]
    assert _points(frame, "loss", "eval") == [(step, 2.5 - step / 8) for step in range(4)]


def test_cli_lists_one_run_with_both_splits(tmp_path: Path) -> None:
    writer = _writer(tmp_path / "logs" / "run")
    for index, step in enumerate(STEPS):
        writer.add_scalars("loss", {"train": TRAIN[index], "val": VAL[index]}, step)
    writer.close()
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", "analyze", "logs", "--out", "out", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    summary = json.loads(completed.stdout)
    assert [run["run"] for run in summary["runs"]] == ["run"]
    series = {(item["metric"], item["split"]): item for item in summary["runs"][0]["series"]}
    assert sorted(series) == [("loss", "eval"), ("loss", "train")]
    assert series[("loss", "train")]["tag"] == "loss/train"
    assert series[("loss", "eval")]["tag"] == "loss/val"
    assert series[("loss", "train")]["points"] == len(STEPS)
    assert series[("loss", "train")]["final_value"] == TRAIN[-1]
