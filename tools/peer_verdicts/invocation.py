"""Run a peer's command line once, with a timeout, and keep what it printed."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Invocation:
    """What one peer command printed (exit code -1: it timed out or could not start)."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def invoke(argv: list[str], cwd: Path, timeout_s: float = TIMEOUT_S) -> Invocation:
    """Run ``argv`` (a peer executable from .venv-peers and its arguments) in ``cwd``."""
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - argv[0] is a peer from our own virtualenv
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired:
        return Invocation(tuple(argv), -1, "", f"timed out after {timeout_s:g} s", timeout_s)
    except OSError as error:
        return Invocation(tuple(argv), -1, "", f"could not start: {error}", 0.0)
    seconds = time.perf_counter() - started
    return Invocation(tuple(argv), done.returncode, done.stdout, done.stderr, seconds)
