"""Every file curvelint writes has a new file's permissions under the user's umask (mkstemp,
behind the atomic writes, would leave 0600: unreadable by a web server or an artifact upload)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def run_with_umask(umask: int, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "curvelint", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=lambda: os.umask(umask),
    )


def modes(root: Path) -> dict[str, int]:
    files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    return {str(path.relative_to(root.parent)): stat.S_IMODE(path.stat().st_mode) for path in files}


@pytest.mark.parametrize("umask", [0o022, 0o027])
@pytest.mark.parametrize("name", ["frame.csv", "frame.parquet"])
def test_frame_files_are_readable_as_the_umask_allows(
    sample_logs: Path, tmp_path: Path, umask: int, name: str
) -> None:
    run = sample_logs / "keras_csv_iris_healthy"
    result = run_with_umask(umask, "frame", str(run), "--to", name, "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert modes(tmp_path / name) == {name: 0o666 & ~umask}


def test_reports_and_comparisons_are_readable(sample_logs: Path, tmp_path: Path) -> None:
    base, head = (
        sample_logs / "keras_csv_iris_healthy",
        sample_logs / "keras_csv_blobs_underfitting",
    )
    analyzed = run_with_umask(0o022, "analyze", str(base), "-o", "report", "-j", "1", cwd=tmp_path)
    assert analyzed.returncode == 0, analyzed.stderr
    compared = run_with_umask(0o022, "compare", str(base), str(head), "-o", "cmp", cwd=tmp_path)
    assert compared.returncode in (0, 1), compared.stderr
    written = modes(tmp_path / "report") | modes(tmp_path / "cmp")
    assert any(name.endswith(".png") for name in written)
    assert any(name.endswith("compare.md") for name in written)
    assert {name: mode for name, mode in written.items() if mode != 0o644} == {}
