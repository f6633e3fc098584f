"""Run one measured process: wall time from spawn to exit, and its peak memory from ``wait4``.

Output goes to files, not pipes, so the parent can block in ``os.wait4`` (which returns the
child's resource usage) without a full pipe ever stalling the child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where curvelint keeps what it parsed (see curvelint.cache); it wins over XDG_CACHE_HOME.
CACHE_DIR_ENV = "CURVELINT_CACHE_DIR"


def cold_cache_env(folder: Path) -> dict[str, str]:
    """This environment with curvelint's cache moved to an empty ``folder``."""
    return {**os.environ, CACHE_DIR_ENV: str(folder / "curvelint-cache")}


@dataclass
class Sample:
    """One measured execution of one entry.

    ``run_s`` is the in-process time of the work (imports excluded), ``setup_s`` the imports
    and preparation before it; both are None for command-line entries, whose only clock is
    ``process_s``, the whole process from spawn to exit.
    """

    status: str  # "ok", "n/a" or "error"
    reason: str = ""
    process_s: float = float("nan")
    setup_s: float | None = None
    run_s: float | None = None
    run_cpu_s: float | None = None  # CPU time of the work (user + system)
    process_cpu_s: float | None = None  # CPU time of the whole process
    peak_mb: float = float("nan")
    points: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Finished:
    """A process that ran: exit code, wall time, peak memory (MB) and its output files."""

    returncode: int
    wall_s: float
    cpu_s: float
    peak_mb: float
    stdout: str
    stderr: str
    timed_out: bool


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path = REPO_ROOT,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 900.0,
) -> Finished:
    """Run ``argv`` to completion (killed after ``timeout_s``) and measure it.

    Without an explicit ``env`` the process gets an empty curvelint cache of its own, so that
    every round parses its input as the first ever would: the cache is measured on purpose,
    by the analyze group only (which passes its workspace's environment).
    """
    with (
        tempfile.TemporaryDirectory() as scratch,
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
    ):
        environment = dict(env) if env is not None else cold_cache_env(Path(scratch))
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            text=True,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            process.kill()

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            returncode=process.returncode,
            wall_s=wall,
            cpu_s=usage.ru_utime + usage.ru_stime,
            peak_mb=usage.ru_maxrss / 1024,
            stdout=out.read(),
            stderr=err.read(),
            timed_out=killed.is_set(),
        )


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def run_worker(case: str, path: Path, expected: int, timeout_s: float) -> Sample:
    """Run one in-process case in a fresh interpreter (see :mod:`benchmarks.worker`)."""
    with tempfile.TemporaryDirectory() as scratch:
        result_file = Path(scratch) / "result.json"
        argv = [sys.executable, "-m", "benchmarks.worker", case, str(path), str(expected)]
        finished = run_process([*argv, str(result_file)], timeout_s=timeout_s)
        if not result_file.is_file():
            why = "timed out" if finished.timed_out else f"exit {finished.returncode}"
            return Sample("error", f"worker died ({why}): {_tail(finished.stderr)}")
        outcome = json.loads(result_file.read_text(encoding="utf-8"))
    # A case that starts its own server has two processes alive at once: count both.
    peak = outcome["self_peak_mb"] + outcome["children_peak_mb"]
    return Sample(
        status=outcome["status"],
        reason=outcome["reason"],
        process_s=finished.wall_s,
        process_cpu_s=finished.cpu_s,
        setup_s=outcome.get("setup_s"),
        run_s=outcome.get("run_s"),
        run_cpu_s=outcome.get("run_cpu_s"),
        peak_mb=peak,
        points=outcome.get("points"),
    )
