"""``curvelint analyze`` killed with SIGKILL at many moments while it replaces an earlier
report: every file left in ``--out`` is whole, and is either its earlier or its new version.
A finished re-run then leaves exactly the new report, and nothing else.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from curvelint.report.output import JOURNAL
from tests.hostile.helpers import MANIFEST, analyze, manifest_files, written_files
from tests.robustness.helpers import TALLY

KILL_POINTS = (0.25, 0.6, 0.95)


def _keras_log(path: Path, epochs: int, seed: float) -> None:
    rows = ["epoch,loss,val_loss"]
    for epoch in range(epochs):
        rows.append(f"{epoch},{math.exp(-epoch / 5) + seed},{math.exp(-epoch / 6) + seed + 0.1}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _is_temporary(relative: str) -> bool:
    name = Path(relative).name
    return name.startswith(".") and name.endswith(".tmp")


def _whole(relative: str, data: bytes) -> None:
    """A file that parses completely in its own format."""
    if relative.endswith(".json"):
        json.loads(data)
    elif relative.endswith(".png"):
        from io import BytesIO

        with Image.open(BytesIO(data)) as image:
            image.verify()
    elif relative.endswith(".md"):
        assert data.endswith(b"\n") and data.decode("utf-8"), relative


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An earlier report (3 runs) and the report of the changed logs (one run grown, one
    gone, one new), each written once from scratch."""
    base = tmp_path_factory.mktemp("killed")
    old_logs, new_logs = base / "old_logs", base / "new_logs"
    for name, epochs in (("alpha", 20), ("beta", 30), ("gamma", 25)):
        _keras_log(old_logs / name / "training.log", epochs, 0.0)
    for name, epochs in (("alpha", 40), ("beta", 30), ("delta", 35)):
        _keras_log(new_logs / name / "training.log", epochs, 0.05)
    old_out, new_out = base / "old_out", base / "new_out"
    arguments = ("--fail-on", "never", "--jobs", "1", "-q")
    assert analyze(str(old_logs), "--out", str(old_out), *arguments).returncode == 0
    start = time.perf_counter()
    completed = analyze(str(new_logs), "--out", str(new_out), *arguments)
    duration = time.perf_counter() - start
    assert completed.returncode == 0, completed.stderr
    return {
        "base": base,
        "new_logs": new_logs,
        "old_out": old_out,
        "old": _files(old_out),
        "new": _files(new_out),
        "duration": duration,
        "arguments": arguments,
    }


def _killed_run(versions: dict[str, Any], fraction: float, target: Path) -> None:
    shutil.copytree(versions["old_out"], target)
    process = subprocess.Popen(
        [sys.executable, "-m", "curvelint", "analyze", str(versions["new_logs"]), "--out",
         str(target), *versions["arguments"]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CI": "true"},
    )  # fmt: skip
    time.sleep(versions["duration"] * fraction)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    TALLY.inputs["cli: analyze killed with SIGKILL"] += 1


@pytest.mark.slow
def test_a_killed_analyze_leaves_old_or_new_files_never_half(
    versions: dict[str, Any], tmp_path: Path
) -> None:
    leftovers: list[str] = []
    mixed = 0
    for number, fraction in enumerate(KILL_POINTS):
        target = tmp_path / f"out{number}"
        _killed_run(versions, fraction, target)
        found = _files(target)
        kinds = set()
        for relative, data in found.items():
            if _is_temporary(relative):
                leftovers.append(relative)
                continue
            if relative == JOURNAL:  # the killed run's list of files it began to write
                continue
            _whole(relative, data)
            old, new = versions["old"].get(relative), versions["new"].get(relative)
            assert data in (old, new), (fraction, relative)
            kinds.add("old" if data == old else "new")
        mixed += kinds == {"old", "new"}
        # Whatever the moment, the next run finishes the job: exactly the new report.
        completed = analyze(str(versions["new_logs"]), "--out", str(target), *versions["arguments"])
        assert completed.returncode == 0, (fraction, completed.stderr[-2000:])
        final = _files(target)
        assert {k: v for k, v in final.items() if not _is_temporary(k)} == versions["new"]
        assert written_files(target) == manifest_files(target) | {MANIFEST}
    TALLY.inputs["cli: kills that caught a half-replaced report"] += mixed


def test_a_temporary_file_left_by_a_kill_is_removed_by_the_next_run(
    versions: dict[str, Any], tmp_path: Path
) -> None:
    """What a kill inside write_atomically leaves (the window is short: planted here)."""
    target = tmp_path / "out"
    shutil.copytree(versions["old_out"], target)
    stray = target / "alpha" / ".report.md.k1ll3d0x.tmp"
    stray.write_bytes(versions["old"]["alpha/report.md"][:100])
    completed = analyze(str(versions["new_logs"]), "--out", str(target), *versions["arguments"])
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert not stray.exists()
