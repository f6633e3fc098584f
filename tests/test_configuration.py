"""A run's configuration from every source that logs one, written by the real libraries, and
the Configuration section of report.md/report.json and of compare (escaped, length-limited)."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from curvelint.configuration import (
    MAX_KEYS,
    MAX_TEXT,
    Configuration,
    configuration,
    differences,
    shared,
)
from curvelint.runs import Run, read_runs
from tests.readers.test_lightning_csv import LIGHTNING_SCRIPT
from tests.readers.writers import require, run_writer

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "<img src=x onerror=alert(1)> | [link](javascript:x) `code` @team"

TORCH_SCRIPT = """
import os
import sys
from pathlib import Path
from torch.utils.tensorboard import SummaryWriter
from tensorboard.plugins.hparams import summary_v2 as hp

root, lr = Path(sys.argv[1]), float(os.environ.get("WRITER_LR", "0.01"))
writer = SummaryWriter(str(root / "add_hparams"))
for step in range(30):
    writer.add_scalar("train/loss", 1.0 / (step + 1), step)
hostile = "<img src=x onerror=alert(1)> | [link](javascript:x) `code` @team"
many = {f"z_extra_{index:03d}": index for index in range(60)}
writer.add_hparams(
    {"lr": lr, "batch_size": 32, "optimizer": "adam", "note": hostile, "long": "x" * 5000, **many},
    {"hparam/final_loss": 0.05},
)
writer.close()
api = SummaryWriter(str(root / "hparams_api"))
api.file_writer.add_summary(hp.hparams_pb({"lr": 0.02, "layers": 4, "dropout_on": True}))
for step in range(30):
    api.add_scalar("loss", 1.0 / (step + 1), step)
api.close()
"""

MLFLOW_SCRIPT = """
import sys
from pathlib import Path
import mlflow

mlflow.set_tracking_uri((Path(sys.argv[1]) / "mlruns").as_uri())
with mlflow.start_run(run_name="configured"):
    mlflow.log_params({"lr": 0.01, "optimizer": "adam", "epochs": 3})
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
"""

WANDB_SCRIPT = """
import sys
import wandb

config = {"optimizer": {"name": "adam", "lr": 0.1}, "depth": 3, "layers": [64, 32]}
run = wandb.init(dir=sys.argv[1], project="demo", name="configured", config=config)
for step in range(10):
    wandb.log({"loss": 1.0 / (step + 1)})
run.finish()
"""


def _only_run(root: Path) -> Run:
    report = read_runs([root])
    assert len(report.runs) == 1, (report.runs, report.failed, report.skipped)
    return report.runs[0]


@pytest.fixture(scope="module")
def torch_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("torch")
    root = tmp_path_factory.mktemp("torch")
    run_writer(TORCH_SCRIPT, root)
    return root


def test_torch_add_hparams(torch_logs: Path) -> None:
    found = _only_run(torch_logs / "add_hparams").configuration
    values = found.as_dict()
    assert values["lr"] == "0.01" and values["batch_size"] == "32"
    assert values["optimizer"] == "adam" and values["note"] == HOSTILE
    assert values["long"] == "x" * (MAX_TEXT - 1) + "…"
    assert found.sources == ("TensorBoard hparams",)
    assert len(found.values) == 65


def test_tensorboard_hparams_api(torch_logs: Path) -> None:
    found = _only_run(torch_logs / "hparams_api").configuration
    assert found.as_dict() == {"lr": "0.02", "layers": "4", "dropout_on": "true"}


def test_lightning_hparams_yaml(tmp_path: Path) -> None:
    require("lightning")
    run_writer(LIGHTNING_SCRIPT, tmp_path)
    run = next(r for r in read_runs([tmp_path]).runs if r.format == "lightning_csv")
    assert run.configuration.as_dict() == {"lr": "0.1", "width": "2"}
    assert run.configuration.sources == ("hparams.yaml",)


def test_mlflow_file_store_params(tmp_path: Path) -> None:
    require("mlflow")
    run_writer(MLFLOW_SCRIPT, tmp_path, MLFLOW_ALLOW_FILE_STORE="true")
    found = _only_run(tmp_path).configuration
    assert found.as_dict() == {"lr": "0.01", "optimizer": "adam", "epochs": "3"}
    assert found.sources == ("MLflow params",)


def test_wandb_config_nested_names_are_dotted(tmp_path: Path) -> None:
    require("wandb")
    run_writer(WANDB_SCRIPT, tmp_path, WANDB_MODE="offline", WANDB_SILENT="true")
    found = _only_run(tmp_path).configuration.as_dict()
    assert found["optimizer.name"] == "adam" and found["optimizer.lr"] == "0.1"
    assert found["depth"] == "3" and found["layers"] == "[64, 32]"
    assert not any(name.startswith("_wandb") for name in found)


class _Detonator:
    """Unpickling this writes a file: proof that training_args.bin was loaded."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (shutil.copyfile, (str(REPO / "README.md"), str(self.target)))


def test_trainer_settings_and_training_args_bin_is_never_unpickled(tmp_path: Path) -> None:
    """The Trainer state transformers wrote (sample_logs/), beside a booby-trapped pickle."""
    source = REPO / "sample_logs" / "hf_bert_overfitting" / "trainer_state.json"
    if not source.is_file():
        pytest.skip("sample_logs/ is not present")
    run_folder = tmp_path / "out"
    run_folder.mkdir()
    shutil.copyfile(source, run_folder / "trainer_state.json")
    exploded = tmp_path / "exploded"
    (run_folder / "training_args.bin").write_bytes(pickle.dumps(_Detonator(exploded)))
    found = _only_run(tmp_path).configuration
    assert found.as_dict() == {
        "eval_steps": "20",
        "logging_steps": "10",
        "max_steps": "400",
        "num_train_epochs": "100",
        "save_steps": "20",
        "train_batch_size": "16",
    }
    assert found.sources == ("Trainer state",)
    assert not exploded.exists()


def test_limits_and_flattening() -> None:
    metadata = {"config": {f"key_{i:04d}": i for i in range(MAX_KEYS + 7)}}
    found = configuration(metadata)
    assert len(found.values) == MAX_KEYS and found.omitted == 7
    deep: dict[str, object] = {"leaf": float("nan")}
    for _ in range(20):
        deep = {"level": deep}
    flat = configuration({"hparams": {"deep": deep, "inf": float("inf")}}).as_dict()
    assert flat["inf"] == "inf"
    assert all(len(name) <= MAX_TEXT for name in flat)
    assert any('{"leaf": NaN}' in value for value in flat.values())  # deeper: JSON text


def test_shared_and_differences() -> None:
    one = configuration({"params": {"lr": "0.1", "seed": "1", "opt": "adam"}})
    two = configuration({"params": {"lr": "0.1", "seed": "2", "opt": "adam"}})
    assert shared([one, two]).as_dict() == {"lr": "0.1", "opt": "adam"}
    head = configuration({"params": {"lr": "0.2", "opt": "adam", "wd": "0.01"}})
    assert differences(one, head) == [
        ("lr", "0.1", "0.2"),
        ("seed", "1", None),
        ("wd", None, "0.01"),
    ]
    assert differences(Configuration(), Configuration()) == []


def _curvelint(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "curvelint", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )


def test_report_shows_the_configuration_escaped_and_capped(
    torch_logs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    completed = _curvelint(
        "analyze", str(torch_logs / "add_hparams"), "--out", str(out), "--no-cache"
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    markdown = next(out.rglob("report.md")).read_text()
    section = markdown.split("## Configuration", 1)[1]
    assert "As logged (TensorBoard hparams)." in section
    assert "| batch\\_size | 32 |" in section
    assert "<img" not in section and "&lt;img src=x onerror=alert\\(1\\)&gt;" in section
    assert "\\[link\\]\\(javascript:x\\)" in section and "\\`code\\`" in section
    assert "x" * 200 not in section
    assert "…and 25 more (report.json lists up to 500)." in section
    document = json.loads(next(out.rglob("report.json")).read_text())
    values = document["configuration"]["values"]
    assert len(values) == 65 and values["note"] == HOSTILE and len(values["long"]) == MAX_TEXT
    assert document["configuration"]["sources"] == ["TensorBoard hparams"]


def test_compare_lists_what_differs_beside_the_curves(torch_logs: Path, tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(torch_logs / "add_hparams", base / "run")
    run_writer(TORCH_SCRIPT, tmp_path / "written", WRITER_LR="0.3")  # the same run, lr 0.3
    shutil.copytree(tmp_path / "written" / "add_hparams", head / "run")
    out = tmp_path / "compared"
    completed = _curvelint("compare", str(base), str(head), "--out", str(out))
    assert "Traceback" not in completed.stderr, completed.stderr
    markdown = (out / "compare.md").read_text()
    assert "Configuration: 1 setting(s) differ." in markdown
    assert "| lr | 0\\.01 | 0\\.3 |" in markdown
    assert markdown.index("| Series |") < markdown.index("Configuration: 1 setting")
    document = json.loads((out / "compare.json").read_text())
    changes = document["pairs"][0]["configuration_changes"]
    assert changes == [{"setting": "lr", "base": "0.01", "head": "0.3"}]
    assert document["pairs"][0]["base"]["configuration"]["values"]["lr"] == "0.01"
