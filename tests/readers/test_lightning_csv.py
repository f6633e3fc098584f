"""The Lightning CSVLogger reader: real Lightning output, sparse rows, suffixes, corpus, damage."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import keras_csv, lightning_csv, step_table
from curvelint.runs import read_runs
from tests.conftest import corpus_files, tree_hashes
from tests.readers.writers import require, run_writer

AXES = {"epoch", "step"}
MISSING = {"", "na", "n/a", "none", "null", "<na>"}

LIGHTNING_SCRIPT = """
import os
import sys
from pathlib import Path
import torch
from torch import nn
import lightning as L
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

class Tiny(L.LightningModule):
    def __init__(self, lr: float = 0.1, width: int = 2):
        super().__init__()
        self.save_hyperparameters()
        self.layer = nn.Linear(width, 1)

    def training_step(self, batch, index):
        x, y = batch
        loss = nn.functional.mse_loss(self.layer(x), y)
        self.log("train_loss", loss, on_step=True, on_epoch=True)
        self.log("lr", self.hparams.lr)
        return loss

    def validation_step(self, batch, index):
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self.layer(x), y))
        weird = [float("nan"), float("inf"), float("-inf")][self.current_epoch % 3]
        self.log("val_weird", weird)

    def test_step(self, batch, index):
        x, y = batch
        self.log("test_loss", nn.functional.mse_loss(self.layer(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

torch.manual_seed(0)
x = torch.randn(32, 2)
data = torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))
loader = lambda: torch.utils.data.DataLoader(data, batch_size=4)
out = Path(sys.argv[1])
loggers = [CSVLogger(out, version=0), TensorBoardLogger(out, name="lightning_logs", version=0)]
trainer = L.Trainer(
    max_epochs=3, logger=loggers, log_every_n_steps=int(os.environ.get("EVERY", "2")),
    enable_checkpointing=False,
    enable_progress_bar=False, enable_model_summary=False, accelerator="cpu", devices=1,
    num_sanity_val_steps=0,
)
model = Tiny()
trainer.fit(model, loader(), loader())
trainer.test(model, loader(), verbose=False)
"""


@pytest.fixture(scope="module")
def lightning_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``lightning_logs/version_0`` written by CSVLogger and TensorBoardLogger."""
    require("lightning")
    root = tmp_path_factory.mktemp("lightning")
    run_writer(LIGHTNING_SCRIPT, root)
    return root


def independent_count(path: Path) -> int:
    """Logged numeric cells outside the step/epoch columns, counted with the csv module."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    count = 0
    for row in rows:
        for name, cell in row.items():
            if name in AXES or cell is None or cell.strip().lower() in MISSING:
                continue
            try:
                float(cell)
            except ValueError:
                continue
            count += 1
    return count


def _series(frame: object, tag: str) -> list[tuple[int, float]]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    rows = frame[frame["tag"] == tag]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def test_real_lightning_run_reads_every_logged_cell(lightning_logs: Path) -> None:
    path = lightning_logs / "lightning_logs" / "version_0" / "metrics.csv"
    assert lightning_csv.sniff(path)
    before = tree_hashes(lightning_logs)
    result = lightning_csv.read([path])
    frame = result.frame
    assert len(frame) == independent_count(path)
    rows = list(csv.DictReader(path.read_text().splitlines()))
    expected = [(int(r["step"]), float(r["train_loss_step"])) for r in rows if r["train_loss_step"]]
    assert _series(frame, "train_loss_step") == expected and len(expected) >= 6
    pairs = set(
        zip(
            frame["tag"].astype(str),
            frame["metric"].astype(str),
            frame["split"].astype(str),
            strict=True,
        )
    )
    assert ("train_loss_step", "loss", "train") in pairs
    assert ("train_loss_epoch", "loss_epoch", "train") in pairs
    assert ("val_loss", "loss", "eval") in pairs and ("test_loss", "loss", "test") in pairs
    assert ("lr", "learning_rate", "") in pairs
    assert result.metadata["hparams"] == {"lr": 0.1, "width": 2}
    assert frame["epoch"].notna().all() and frame["wall_time"].isna().all()
    assert tree_hashes(lightning_logs) == before


def test_nan_and_inf_logged_by_lightning_are_kept(lightning_logs: Path) -> None:
    path = lightning_logs / "lightning_logs" / "version_0" / "metrics.csv"
    values = [value for _, value in _series(lightning_csv.read([path]).frame, "val_weird")]
    assert len(values) == 3
    assert math.isnan(values[0]) and values[1] == math.inf and values[2] == -math.inf


def test_version_folder_is_one_run_with_its_event_file_as_companion(lightning_logs: Path) -> None:
    found = discover([lightning_logs])
    assert [(r.name, r.format) for r in found.runs] == [
        ("lightning_logs/version_0", "lightning_csv")
    ]
    assert [p.name for p in found.runs[0].files] == ["metrics.csv"]
    companions = found.runs[0].companions  # fit and test each open an event file
    assert companions and all("tfevents" in p.name for p in companions)


def test_several_versions_are_several_runs(tmp_path: Path) -> None:
    for version in (0, 1):
        folder = tmp_path / "lightning_logs" / f"version_{version}"
        folder.mkdir(parents=True)
        (folder / "metrics.csv").write_text("epoch,step,train_loss\n0,9,1.5\n")
    report = read_runs([tmp_path])
    assert [r.name for r in report.runs] == ["lightning_logs/version_0", "lightning_logs/version_1"]
    assert {r.format for r in report.runs} == {"lightning_csv"}


def test_sparse_rows_empty_cells_are_not_points_and_nan_cells_are(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text(
        "epoch,step,train_loss,val_loss\n0,9,1.0,\n0,9,,nan\n1,19,inf,\n1,19,,-inf\n2,29,,0.5\n"
    )
    frame = lightning_csv.read([path]).frame
    assert _series(frame, "train_loss") == [(9, 1.0), (19, math.inf)]
    val = _series(frame, "val_loss")
    assert [s for s, _ in val] == [9, 19, 29] and math.isnan(val[0][1])
    assert val[1][1] == -math.inf and frame["epoch"].tolist()[-1] == 2.0


def test_step_suffix_only_renamed_when_the_epoch_twin_exists(tmp_path: Path) -> None:
    columns = {"a_step": [1, 2, None], "a_epoch": [None, None, 3], "b_step": [1], "step": [1]}
    assert lightning_csv.metric_naming(columns) == {"a_step": "a"}


def test_one_batch_sampled_per_epoch_leaves_the_epoch_mean_as_the_curve(tmp_path: Path) -> None:
    """A real run whose log_every_n_steps is an epoch long (8 batches): Lightning logs one
    batch's loss per epoch beside the epoch mean, and the mean is the curve judged (a real
    run's lone batches spiked to 4x the mean and were called unstable)."""
    require("lightning")
    run_writer(LIGHTNING_SCRIPT, tmp_path, EVERY="8")
    path = tmp_path / "lightning_logs" / "version_0" / "metrics.csv"
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert sum(1 for r in rows if r["train_loss_step"]) == 3
    assert sum(1 for r in rows if r["train_loss_epoch"]) == 3
    frame = lightning_csv.read([path]).frame
    named = set(zip(frame["tag"].astype(str), frame["metric"].astype(str), strict=True))
    assert ("train_loss_epoch", "loss") in named and ("train_loss_step", "loss_step") in named


def test_hparams_that_need_object_construction_are_not_executed(tmp_path: Path) -> None:
    folder = tmp_path / "version_0"
    folder.mkdir()
    (folder / "metrics.csv").write_text("epoch,step,loss\n0,1,2.0\n")
    (folder / "hparams.yaml").write_text("model: !!python/object/apply:os.system ['echo hi']\n")
    result = lightning_csv.read([folder / "metrics.csv"])
    assert "hparams" not in result.metadata
    assert any("hparams.yaml: metadata not read" in note for note in result.notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("\x00\x01garbage\xff", "no 'step' column"),
        ("epoch,step,loss\nx,y,z\n", "integer 'step'"),
    ],
)
def test_unusable_files_raise_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "metrics.csv"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(UnreadableError) as raised:
        lightning_csv.read([path])
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_truncated_file_keeps_every_whole_row(tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,step,train_loss,val_loss\n0,1,0.9,\n0,2,0.8,\n0,3")
    result = lightning_csv.read([path])
    assert _series(result.frame, "train_loss") == [(1, 0.9), (2, 0.8)]
    assert result.skipped[0].where == "line 4" and "no line end" in result.skipped[0].why


def test_sniff_claims_only_lightning_tables(tmp_path: Path) -> None:
    keras_log = tmp_path / "a" / "metrics.csv"
    keras_log.parent.mkdir()
    keras_log.write_text("epoch,loss\n0,1\n")
    custom = tmp_path / "log.csv"
    custom.write_text("epoch,step,loss\n0,1,2\n")
    assert not lightning_csv.sniff(keras_log) and keras_csv.sniff(keras_log)
    assert not lightning_csv.sniff(custom) and step_table.sniff(custom)


def test_every_corpus_metrics_csv_is_read_exactly(corpus: Path) -> None:
    files = corpus_files(corpus, "lightning_csv")
    before = {f: tree_hashes(f) for f in files}
    assert len(files) == 7
    for path in files:
        assert lightning_csv.sniff(path), path
        assert not keras_csv.sniff(path), path
        result = lightning_csv.read([path])
        assert len(result.frame) == independent_count(path), path
        assert not result.skipped, (path, result.skipped)
    big = lightning_csv.read([corpus / "lightning_csv" / "lstm-bade03-v14" / "metrics.csv"]).frame
    train = big[(big["metric"] == "loss") & (big["split"] == "train")]
    assert len(train) == 75000 and train["step"].is_monotonic_increasing
    assert {f: tree_hashes(f) for f in files} == before


def test_corpus_files_are_discovered_as_lightning_runs(corpus: Path) -> None:
    found = discover([corpus / "lightning_csv"])
    assert len(found.runs) == 7 and {r.format for r in found.runs} == {"lightning_csv"}
    assert not found.skipped
