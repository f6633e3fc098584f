"""The command's heap settings (:mod:`curvelint.freed_memory`): freed memory is given back on
glibc, and the settings reach the processes the command starts unless the user made their own."""

from __future__ import annotations

import os
import platform

import pytest

from curvelint import freed_memory


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
