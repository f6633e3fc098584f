"""The command's heap settings (:mod:`curvelint.freed_memory`): freed memory is given back on
glibc (after a large run is read), and the settings reach the processes the command starts
unless the user made their own."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import pytest

from curvelint import freed_memory, runs
from curvelint.discover import discover


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_memory_is_given_back_on_glibc() -> None:
    assert freed_memory.release_freed_memory() is True


def test_the_heap_settings_reach_the_processes_the_command_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in freed_memory.HEAP_SETTINGS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "4096")  # the user's own choice stays
    freed_memory.reuse_freed_memory()
    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == str(32 << 20)
    assert os.environ["MALLOC_TRIM_THRESHOLD_"] == "4096"


@pytest.mark.parametrize(("threshold", "released"), [(10, 1), (10_000, 0)])
def test_a_large_run_gives_back_what_reading_it_freed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, released: int
) -> None:
    (tmp_path / "log.csv").write_text(
        "epoch,loss\n" + "".join(f"{epoch},{1.0 / (epoch + 1)}\n" for epoch in range(40)),
        encoding="utf-8",
    )
    calls: list[bool] = []
    monkeypatch.setattr(runs, "LARGE_RUN_POINTS", threshold)
    monkeypatch.setattr(runs, "release_freed_memory", lambda: calls.append(True) or True)
    (spec,) = discover([tmp_path]).runs
    assert len(runs.read_run(spec).frame) == 40
    assert len(calls) == released
