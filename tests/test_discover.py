"""Discovery groups files into runs the way the writing tools do, and walks safely."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from curvelint.discover import discover


def _touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


STATE = json.dumps({"global_step": 1, "log_history": [{"loss": 1.0, "step": 1}]})


def _names(root: Path) -> dict[str, tuple[str, int, int]]:
    found = discover([root])
    return {r.name: (r.format, len(r.files), len(r.companions)) for r in found.runs}


def test_keras_train_and_validation_folders_are_one_run(tmp_path: Path) -> None:
    _touch(tmp_path / "exp1" / "train" / "events.out.tfevents.1.host.1.v2")
    _touch(tmp_path / "exp1" / "validation" / "events.out.tfevents.2.host.1.v2")
    assert _names(tmp_path) == {"exp1": ("tensorboard", 2, 0)}


def test_resumed_tensorboard_run_is_one_run(tmp_path: Path) -> None:
    _touch(tmp_path / "run" / "events.out.tfevents.1.host")
    _touch(tmp_path / "run" / "events.out.tfevents.2.host")
    _touch(tmp_path / "run" / "events.out.tfevents.3.host.profile-empty")
    assert _names(tmp_path) == {"run": ("tensorboard", 2, 0)}


def test_trainer_output_dir_with_checkpoints_and_tensorboard_is_one_run(tmp_path: Path) -> None:
    out = tmp_path / "bert"
    _touch(out / "trainer_state.json", STATE)
    _touch(out / "checkpoint-500" / "trainer_state.json", STATE)
    _touch(out / "checkpoint-1000" / "trainer_state.json", STATE)
    _touch(out / "runs" / "Jun29_06-31-19_host" / "events.out.tfevents.1.host.1.0")
    specs = discover([tmp_path]).runs
    assert [(s.name, s.format) for s in specs] == [("bert", "trainer_state")]
    assert [p.parent.name for p in specs[0].files] == ["bert", "checkpoint-1000", "checkpoint-500"]
    assert len(specs[0].companions) == 1


def test_killed_trainer_job_with_only_checkpoints_is_one_run(tmp_path: Path) -> None:
    _touch(tmp_path / "out" / "checkpoint-5" / "trainer_state.json", STATE)
    _touch(tmp_path / "out" / "checkpoint-10" / "trainer_state.json", STATE)
    assert _names(tmp_path) == {"out": ("trainer_state", 2, 0)}


def test_csv_runs_are_named_after_their_folder_or_file(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "training.log", "epoch,loss\n0,1\n")
    _touch(tmp_path / "b" / "one.csv", "epoch,loss\n0,1\n")
    _touch(tmp_path / "b" / "two.csv", "epoch,loss\n0,1\n")
    _touch(tmp_path / "b" / "data.csv", "x,y\n1,2\n")
    names = _names(tmp_path)
    assert set(names) == {"a", "b/one.csv", "b/two.csv"}


def test_a_keras_history_saved_as_a_table_is_a_run(tmp_path: Path) -> None:
    """``pd.DataFrame(history.history).to_csv()``: no epoch column, each row an epoch."""
    _touch(tmp_path / "history.csv", "loss,val_loss\n1,2\n")
    found = discover([tmp_path])
    assert [(run.name, run.format) for run in found.runs] == [("history.csv", "keras_history_csv")]


def test_csv_without_epoch_that_is_no_table_of_numbers_is_reported(tmp_path: Path) -> None:
    _touch(tmp_path / "history.csv", "model,loss\nresnet,0.5\n")
    found = discover([tmp_path])
    assert not found.runs
    assert "without an 'epoch' column" in found.skipped[0].why


def test_root_that_is_a_run_is_named_after_itself(tmp_path: Path) -> None:
    run = tmp_path / "my-run"
    _touch(run / "events.out.tfevents.1.host")
    assert [r.name for r in discover([run]).runs] == ["my-run"]


def test_symlinks_leaving_the_root_and_fifos_are_not_followed(tmp_path: Path) -> None:
    outside = _touch(tmp_path / "outside" / "events.out.tfevents.1.host")
    root = tmp_path / "root"
    _touch(root / "real" / "events.out.tfevents.1.host")
    (root / "link").mkdir()
    os.symlink(outside, root / "link" / "events.out.tfevents.2.host")
    os.symlink(root, root / "loop")  # a directory loop: os.walk does not follow it
    os.mkfifo(root / "real" / "events.out.tfevents.3.fifo")
    found = discover([root])
    assert [r.name for r in found.runs] == ["real"]
    assert [len(r.files) for r in found.runs] == [1]
    assert any("leaving the root" in s.why for s in found.skipped)


def test_unreadable_directory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root chmod cannot lock a folder, so listing it raises the real error here."""
    _touch(tmp_path / "ok" / "events.out.tfevents.1.host")
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir_with_a_locked_folder(path: str):  # type: ignore[no-untyped-def]
        if os.fspath(path) == str(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir_with_a_locked_folder)
    found = discover([tmp_path])
    assert [r.name for r in found.runs] == ["ok"]
    assert any("cannot enter (Permission denied)" in s.why for s in found.skipped)


def test_folders_a_thousand_deep_are_walked_without_recursion(tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    folder.mkdir()
    for _ in range(1000):  # os.makedirs (and Python 3.11's os.walk) recurse once per level
        folder = folder / "d"
        folder.mkdir()
    _touch(folder / "events.out.tfevents.1.host")
    try:
        found = discover([tmp_path])
        assert [r.name.count("/d") for r in found.runs] == [1000]
    finally:
        subprocess.run(["rm", "-rf", str(tmp_path / "deep")], check=False)


def test_missing_path_is_reported_not_raised(tmp_path: Path) -> None:
    found = discover([tmp_path / "nope"])
    assert not found.runs and "no such file" in found.skipped[0].why


def test_several_roots_keep_names_apart(tmp_path: Path) -> None:
    for root in ("a", "b"):
        _touch(tmp_path / root / "run" / "events.out.tfevents.1.host")
    found = discover([tmp_path / "a", tmp_path / "b"])
    assert [r.name for r in found.runs] == ["a/run", "b/run"]
