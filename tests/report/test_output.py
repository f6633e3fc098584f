"""The output folder: refused when unsafe, nothing written outside, only our files removed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from curvelint.report.output import MANIFEST, OutputError, OutputFolder, finish, prepare


def _write(root: Path, files: dict[str, str]) -> set[str]:
    previous = prepare(root)
    folder = OutputFolder(root)
    for name, text in files.items():
        folder.write_text(name, text)
    finish(root, previous, folder.written)
    return folder.written


def test_a_new_or_empty_folder_is_accepted(tmp_path: Path) -> None:
    assert prepare(tmp_path / "new") == set()
    (tmp_path / "empty").mkdir()
    assert prepare(tmp_path / "empty") == set()


def test_a_file_or_a_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        prepare(tmp_path / "file")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "main.py").write_text("print()")
    with pytest.raises(OutputError, match="not written by curvelint"):
        prepare(tmp_path / "project")


def test_a_rerun_removes_only_its_own_stale_files(tmp_path: Path) -> None:
    root = tmp_path / "out"
    _write(root, {"a/report.md": "a", "b/report.md": "b", "b/loss.png": "png", "index.md": "i"})
    (root / "b" / "mine.txt").write_text("the user's")
    (root / "notes.txt").write_text("the user's too")
    _write(root, {"a/report.md": "a2", "index.md": "i2"})
    assert (root / "a" / "report.md").read_text() == "a2"
    assert not (root / "b" / "report.md").exists() and not (root / "b" / "loss.png").exists()
    assert (root / "b" / "mine.txt").read_text() == "the user's"
    assert (root / "notes.txt").exists()
    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["files"] == ["a/report.md", "index.md"]


def test_an_emptied_run_folder_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "out"
    _write(root, {"gone/report.md": "x", "index.md": "i"})
    _write(root, {"index.md": "i"})
    assert not (root / "gone").exists()


def test_a_tampered_manifest_cannot_delete_outside_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "out"
    _write(root, {"index.md": "i"})
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (root / MANIFEST).write_text(
        json.dumps({"files": ["../victim.txt", "/etc/hostname", "index.md"]})
    )
    assert prepare(root) == {"index.md"}
    _write(root, {"summary.json": "{}"})
    assert victim.read_text() == "keep"
    assert not (root / "index.md").exists()


def test_a_run_folder_linking_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    _write(root, {"index.md": "i"})
    (root / "run").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="outside"):
        OutputFolder(root).write_text("run/report.md", "x")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("name", ["../x.md", "/tmp/x.md", "a/../../x.md", ".hidden", "a\\b", ""])
def test_paths_that_are_not_plain_and_inside_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError):
        OutputFolder(tmp_path).write_text(name, "x")


def test_an_unreadable_manifest_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(OutputError, match="unreadable") as error:
        prepare(tmp_path)
    assert "\n" not in str(error.value)


def test_files_are_readable_by_others_not_private_temporaries(tmp_path: Path) -> None:
    _write(tmp_path / "out", {"index.md": "i"})
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("a file as any program creates it")
    mode = stat.S_IMODE((tmp_path / "out" / "index.md").stat().st_mode)
    assert mode == stat.S_IMODE(fresh.stat().st_mode)
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")] == []
