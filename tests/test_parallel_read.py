"""Reading many runs in a pool of processes: the same report as reading them one by one, in the
same order; few or small runs are read here, where a pool would cost more than it saves."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from curvelint import parallel
from curvelint.runs import read_runs
from tests.reader_processes import record_reader_pids
from tests.test_cache import write_csv, write_events


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    root = tmp_path / "sweep"
    for index in range(8):
        write_events(root / f"run{index}", steps=100 + 10 * index, scale=1.0 + index)
    write_csv(root / "keras" / "training.log")
    (root / "broken").mkdir()
    (root / "broken" / "events.out.tfevents.1.host").write_bytes(b"\x00" * 5)
    return root


@pytest.fixture
def reader_pids(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each TensorBoard read appends the reading process's id to a file (forked workers
    inherit the patched reader)."""
    return record_reader_pids(monkeypatch, tmp_path / "pids.txt", "read")


def pids(log: Path) -> set[int]:
    return {int(line) for line in log.read_text().split()}


def test_a_pool_reads_the_same_runs_in_the_same_order(
    sweep: Path, reader_pids: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = read_runs([sweep], jobs=1)
    assert pids(reader_pids) == {os.getpid()}
    reader_pids.unlink()
    monkeypatch.setattr(parallel, "MIN_POOL_BYTES", 0)  # these small runs, in a pool anyway
    pooled = read_runs([sweep], jobs=2)
    if parallel.can_fork():
        assert len(pids(reader_pids)) == 2, "this process and one worker each read a share"
    assert [run.name for run in pooled.runs] == [run.name for run in serial.runs]
    for one, two in zip(pooled.runs, serial.runs, strict=True):
        pd.testing.assert_frame_equal(one.frame, two.frame, check_exact=True)
        assert (one.format, one.skipped, one.notes, one.files) == (
            two.format,
            two.skipped,
            two.notes,
            two.files,
        )
    assert pooled.failed == serial.failed and [f.name for f in pooled.failed] == ["broken"]
    assert pooled.skipped == serial.skipped


def test_few_or_small_runs_are_read_here(sweep: Path, reader_pids: Path) -> None:
    read_runs([sweep], jobs=4)  # 10 runs of a few kB: under MIN_POOL_BYTES
    assert pids(reader_pids) == {os.getpid()}
    assert not parallel.worth_a_pool([10**9] * 3, jobs=4), "fewer than MIN_POOL_RUNS"
    assert not parallel.worth_a_pool([10**9] * 8, jobs=1)
    assert parallel.worth_a_pool([parallel.MIN_POOL_BYTES] * 8, jobs=2) == parallel.can_fork()


def test_with_another_thread_running_nothing_is_forked(
    sweep: Path, reader_pids: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process with other threads (a server) reads serially rather than fork under them."""
    import threading

    monkeypatch.setattr(parallel, "MIN_POOL_BYTES", 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        read_runs([sweep], jobs=2)
    finally:
        stop.set()
        other.join()
    assert pids(reader_pids) == {os.getpid()}


def test_frame_takes_jobs_on_the_command_line(sweep: Path, tmp_path: Path) -> None:
    from tests.test_cli_analyze import curvelint as run_cli

    one = run_cli("frame", str(sweep), "--jobs", "1", cwd=tmp_path)
    two = run_cli("frame", str(sweep), "--jobs", "2", cwd=tmp_path)
    assert one.returncode == two.returncode == 1  # the broken run is unreadable
    assert one.stdout == two.stdout and "run7" in one.stdout
    bad = run_cli("frame", str(sweep), "--jobs", "0", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
