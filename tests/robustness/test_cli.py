"""The commands on a tree mixing good and broken runs, as real processes: exit code 1, no
traceback anywhere, every good run reported, every broken one in one line."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from curvelint.readers.record_framing import masked_crc
from tests.robustness.helpers import SAMPLE_LOGS, TALLY, one_line, record_bounds, timed

GOOD = ["keras_csv_iris_healthy", "torch_digits_healthy", "hf_bert_stuck"]


def _curvelint(*arguments: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    with timed("cli: " + arguments[0], " ".join(arguments[1:])[:120]):
        completed = subprocess.run(
            [sys.executable, "-m", "curvelint", *arguments],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "CI": "true", "COLUMNS": "200"},
        )
    if "Traceback" in completed.stdout + completed.stderr:
        TALLY.crashes += 1
    return completed


@pytest.fixture(scope="module")
def mixed_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not all((SAMPLE_LOGS / name).is_dir() for name in GOOD):
        pytest.skip("sample_logs/ is not complete")
    root = tmp_path_factory.mktemp("mixed") / "logs"
    for name in GOOD:
        shutil.copytree(SAMPLE_LOGS / name, root / name)
    broken = root / "broken_events"
    broken.mkdir()
    (broken / "events.out.tfevents.1.host").write_bytes(os.urandom(4096))
    half = root / "half_written_state"
    half.mkdir()
    state = (SAMPLE_LOGS / "hf_bert_stuck" / "trainer_state.json").read_bytes()
    (half / "trainer_state.json").write_bytes(state[: len(state) // 2])
    header_only = root / "header_only"
    header_only.mkdir()
    (header_only / "training.log").write_text("epoch,loss,val_loss\n")
    empty = root / "empty_events"
    empty.mkdir()
    (empty / "events.out.tfevents.2.host").write_bytes(b"")
    # A good run with an exabyte length field in the middle of its event file.
    damaged = root / "damaged_but_readable"
    damaged.mkdir()
    source = next((SAMPLE_LOGS / "torch_digits_healthy").glob("*tfevents*")).read_bytes()
    header = struct.pack("<Q", 2**63)
    bogus = header + struct.pack("<I", masked_crc(header)) + b"\x00" * 40
    bounds = record_bounds(source)
    middle = bounds[len(bounds) // 2][0]
    (damaged / "events.out.tfevents.3.host").write_bytes(source[:middle] + bogus + source[middle:])
    return root


BROKEN = ["broken_events", "half_written_state", "empty_events", "header_only"]


def _no_traceback(completed: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in completed.stdout, completed.stdout[-3000:]
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]


def test_frame_reads_every_good_run_and_exits_1(mixed_tree: Path) -> None:
    completed = _curvelint("frame", str(mixed_tree))
    _no_traceback(completed)
    assert completed.returncode == 1, completed.stderr
    for name in [*GOOD, "damaged_but_readable"]:
        assert f"{name}  [" in completed.stdout, name
    errors = completed.stderr.splitlines()
    for name in BROKEN:
        (line,) = [line for line in errors if line.startswith(f"{name}  [")]
        one_line(line)
    (damage,) = [line for line in completed.stdout.splitlines() if "skipped:" in line]
    assert "damaged_but_readable" in damage and "record length too long" in damage


def test_analyze_reports_every_good_run_and_exits_1(mixed_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    completed = _curvelint(
        "analyze", str(mixed_tree), "--out", str(out), "--fail-on", "never", "--jobs", "1"
    )
    _no_traceback(completed)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    summary = json.loads((out / "summary.json").read_text())
    runs = {run["run"]: run for run in summary["runs"]}
    for name in [*GOOD, "damaged_but_readable"]:
        assert runs[name]["verdict"] != "unreadable", name
    for name in BROKEN:
        assert runs[name]["verdict"] == "unreadable", name
    index = (out / "index.md").read_text()
    for name in [*GOOD, *BROKEN, "damaged_but_readable"]:
        assert name.replace("_", "\\_") in index, name


def test_a_missing_path_and_a_fifo_are_usage_errors_not_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "metrics.csv"
    os.mkfifo(fifo)
    for arguments in (
        ["frame", str(tmp_path / "nope")],
        ["frame", str(fifo)],
        ["analyze", str(fifo), "--out", str(tmp_path / "out")],
    ):
        completed = _curvelint(*arguments, timeout=120)
        _no_traceback(completed)
        assert completed.returncode == 2, completed.stderr
        (line,) = completed.stderr.strip().splitlines()
        one_line(line)
