"""Which processes read the runs: a reader function patched to append its process id to a
file (forked workers inherit the patch), for the tests of parallel reading."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from curvelint.readers import tensorboard


def record_reader_pids(monkeypatch: pytest.MonkeyPatch, log: Path, function: str) -> Path:
    """Patch ``tensorboard.<function>`` to append the reading process's id to ``log``."""
    original = getattr(tensorboard, function)

    def recording(*arguments: Any, **keywords: Any) -> Any:
        with log.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return original(*arguments, **keywords)

    monkeypatch.setattr(tensorboard, function, recording)
    return log
