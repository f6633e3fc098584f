"""The W&B run reader: real offline runs, the record framing, damage, old layouts, grouping."""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import wandb_records, wandb_run
from curvelint.runs import read_runs
from tests.conftest import tree_hashes
from tests.readers.writers import require, run_writer

STEPS = 400
WANDB_SCRIPT = f"""
import sys
import numpy as np
import wandb

root = sys.argv[1]
run = wandb.init(dir=root, project="demo", name="long-run", config={{"lr": 0.1, "depth": 3}})
for step in range({STEPS}):
    weird = [1.0, float("nan"), float("inf"), float("-inf")][step % 4]
    wandb.log({{"train/loss": 1.0 / (step + 1), "acc": step / {STEPS}, "weird": weird}})
    if step % 100 == 0:
        histogram = wandb.Histogram(np.arange(5))
        extra = {{"val_loss": 2.0 / (step + 1), "note": "text", "hist": histogram}}
        wandb.log(extra, commit=False)
run.finish()
second = wandb.init(dir=root, project="demo", name="short-run")
wandb.log({{"loss": 5.0}})
second.finish()
"""


@pytest.fixture(scope="module")
def wandb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real offline runs under ``<root>/wandb/``."""
    require("wandb")
    root = tmp_path_factory.mktemp("wandb")
    run_writer(WANDB_SCRIPT, root, WANDB_MODE="offline", WANDB_SILENT="true")
    return root


def _run_file(wandb_dir: Path, name: str) -> Path:
    for path in sorted((wandb_dir / "wandb").glob("offline-run-*/run-*.wandb")):
        if name.encode() in path.read_bytes():
            return path
    raise AssertionError(name)


def _series(frame: pd.DataFrame, tag: str) -> list[tuple[int, float]]:
    rows = frame[frame["tag"] == tag]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def test_real_offline_run_history(wandb_dir: Path) -> None:
    path = _run_file(wandb_dir, "long-run")
    assert path.stat().st_size > 2 * wandb_records.BLOCK_SIZE  # records cross block boundaries
    before = tree_hashes(wandb_dir)
    result = wandb_run.read([path])
    frame = result.frame
    assert _series(frame, "train/loss") == [(s, 1.0 / (s + 1)) for s in range(STEPS)]
    # commit=False after a committed step joins the next step's row
    assert _series(frame, "val_loss") == [(s + 1, 2.0 / (s + 1)) for s in range(0, STEPS, 100)]
    weird = [v for _, v in _series(frame, "weird")]
    assert weird[:4] == [1.0, pytest.approx(math.nan, nan_ok=True), math.inf, -math.inf]
    assert math.isnan(weird[1]) and len(weird) == STEPS
    assert len(frame) == 3 * STEPS + STEPS // 100
    assert frame["wall_time"].between(1.5e9, 4e9).all()
    loss = frame[frame["tag"] == "train/loss"]
    assert loss["wall_time"].is_monotonic_increasing
    assert set(loss["metric"].astype(str)) == {"loss"} and set(loss["split"]) == {"train"}
    assert set(frame[frame["tag"] == "val_loss"]["split"]) == {"eval"}
    reasons = {s.why for s in result.skipped}
    assert "non-numeric values in 'note' ignored" in reasons
    assert "non-numeric values in 'hist' ignored" in reasons
    assert result.metadata["run_name"] == "long-run"
    assert result.metadata["config"] == {"lr": 0.1, "depth": 3}
    assert result.metadata["summary"]["train/loss"] == 1.0 / STEPS
    assert tree_hashes(wandb_dir) == before


def test_run_folders_are_runs_and_side_files_are_not(wandb_dir: Path) -> None:
    found = discover([wandb_dir])
    assert len(found.runs) == 2 and {r.format for r in found.runs} == {"wandb_run"}
    assert all(r.name.startswith("wandb/offline-run-") for r in found.runs)
    assert all([p.suffix for p in r.files] == [".wandb"] for r in found.runs)
    report = read_runs([wandb_dir])
    assert sorted(r.metadata["run_name"] for r in report.runs) == ["long-run", "short-run"]


def test_truncated_run_file_keeps_the_records_before_the_cut(
    wandb_dir: Path, tmp_path: Path
) -> None:
    """wandb's bytes differ from run to run, so a fixed offset may fall on a record boundary:
    several cuts, each keeping a prefix of the steps; those inside a record are reported."""
    source = _run_file(wandb_dir, "long-run")
    data = source.read_bytes()
    reported = 0
    for extra in (11, 101, 1001, 3001):
        folder = tmp_path / f"offline-run-{extra}-x"
        folder.mkdir()
        cut = folder / source.name
        cut.write_bytes(data[: len(data) // 2 + extra])
        result = wandb_run.read([cut])
        steps = [s for s, _ in _series(result.frame, "train/loss")]
        assert 10 < len(steps) < STEPS and steps == list(range(len(steps)))
        reported += any("cut short" in s.why for s in result.skipped)
    assert reported >= 1


def test_corrupted_block_is_skipped_and_reading_resumes(wandb_dir: Path, tmp_path: Path) -> None:
    source = _run_file(wandb_dir, "long-run")
    data = bytearray(source.read_bytes())
    data[wandb_records.BLOCK_SIZE + 5000] ^= 0xFF  # damage inside the second block
    damaged = tmp_path / "run-x.wandb"
    damaged.write_bytes(bytes(data))
    result = wandb_run.read([damaged])
    steps = [s for s, _ in _series(result.frame, "train/loss")]
    assert any("checksum mismatch" in s.why for s in result.skipped)
    assert steps[0] == 0 and steps[-1] == STEPS - 1 and len(steps) < STEPS


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "too short"), (b"garbage bytes that are not a run", "not a W&B run file")],
)
def test_unusable_run_files_raise_one_line_errors(
    tmp_path: Path, content: bytes, message: str
) -> None:
    require("wandb")
    path = tmp_path / "run-abc.wandb"
    path.write_bytes(content)
    with pytest.raises(UnreadableError) as raised:
        wandb_run.read([path])
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_without_the_wandb_package_the_run_is_found_and_fails_with_a_hint(
    wandb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _run_file(wandb_dir, "long-run")
    monkeypatch.setitem(sys.modules, "wandb.proto", None)
    assert wandb_run.sniff(path)
    with pytest.raises(UnreadableError) as raised:
        wandb_run.read([path])
    assert "pip install 'curvelint[wandb]'" in str(raised.value)
    assert "\n" not in str(raised.value)


OLD_HISTORY = [
    {"_step": 0, "_runtime": 1.2, "_timestamp": 1.6e9, "loss": 1.0, "val": {"loss": 1.5}},
    {"_step": 1, "_runtime": 2.2, "_timestamp": 1.6e9 + 1, "loss": float("nan")},
    {
        "_step": 2,
        "_runtime": 3.2,
        "_timestamp": 1.6e9 + 2,
        "loss": float("inf"),
        "img": {"_type": "image-file", "path": "media/a.png"},
    },
]


def _old_layout(tmp_path: Path) -> Path:
    """A run folder as wandb ≤0.9 left it (files/wandb-history.jsonl), written by hand from
    the documented layout: those versions do not install beside current protobuf."""
    run = tmp_path / "wandb" / "run-20200101_000000-abc123"
    files = run / "files"
    files.mkdir(parents=True)
    lines = [json.dumps(record) for record in OLD_HISTORY]  # json writes bare NaN/Infinity
    (files / "wandb-history.jsonl").write_text("\n".join(lines) + '\n{"_step": 3, "lo')
    (files / "wandb-summary.json").write_text('{"loss": Infinity, "_step": 2}')
    (files / "config.yaml").write_text(
        "wandb_version: 1\n_wandb:\n  desc: null\n  value: {}\nlr:\n  desc: null\n  value: 0.3\n"
    )
    return run


def test_old_history_jsonl_layout(tmp_path: Path) -> None:
    run = _old_layout(tmp_path)
    found = discover([tmp_path])
    assert [(r.name, r.format) for r in found.runs] == [
        ("wandb/run-20200101_000000-abc123", "wandb_run")
    ]
    result = wandb_run.read(list(found.runs[0].files))
    frame = result.frame
    loss = _series(frame, "loss")
    assert loss[0] == (0, 1.0) and math.isnan(loss[1][1]) and loss[2] == (2, math.inf)
    assert _series(frame, "val/loss") == [(0, 1.5)]
    assert frame["wall_time"].tolist()[:3] == [1.6e9, 1.6e9 + 1, 1.6e9 + 2]
    assert {s.where for s in result.skipped} >= {"line 4"}
    assert result.metadata["summary"]["loss"] == math.inf
    assert result.metadata["config"] == {"lr": 0.3}
    assert (run / "files" / "wandb-history.jsonl").is_file()


def test_history_jsonl_is_the_fallback_when_the_run_file_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _old_layout(tmp_path)
    (run / "run-abc123.wandb").write_bytes(b"")
    files = sorted([run / "run-abc123.wandb", run / "files" / "wandb-history.jsonl"])
    monkeypatch.setitem(sys.modules, "wandb.proto", None)
    result = wandb_run.read(files)
    assert len(_series(result.frame, "loss")) == 3
    assert any("read wandb-history.jsonl instead" in note for note in result.notes)


def test_run_folder_copied_elsewhere_reads_the_same(wandb_dir: Path, tmp_path: Path) -> None:
    source = _run_file(wandb_dir, "short-run").parent
    copy = tmp_path / source.name
    shutil.copytree(source, copy, symlinks=True)
    result = wandb_run.read([copy / _run_file(wandb_dir, "short-run").name])
    assert _series(result.frame, "loss") == [(0, 5.0)]
