"""A Dask cluster on this machine for the analyze group: ``dask scheduler`` and ``dask worker``
processes (N workers of one thread each), started before the measured `curvelint analyze
--executor dask` and stopped after it, so the figure is a user's run against a running cluster.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_S = 120.0
PROFILER_SETTING = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"


def missing() -> str:
    """Why no cluster can be started here, or ""."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "distributed is not installed (pip install 'curvelint[dask]')"
    return "" if _dask_script().is_file() else "no `dask` command next to this Python"


def _dask_script() -> Path:
    return Path(sys.executable).with_name("dask")


@contextmanager
def running(workers: int, folder: Path, env: Mapping[str, str]) -> Iterator[str]:
    """Start a scheduler and ``workers`` single-threaded workers; yield the scheduler's address."""
    import distributed

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)
    script = str(_dask_script())
    # As docs/scale.md advises: Dask's sampling profiler walks the stack of the running task
    # every 10 ms, which cost ~15 % of a worker's CPU on curvelint's deep matplotlib stacks.
    cluster_env = {**env, PROFILER_SETTING: "False"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": cluster_env}
    scheduler = subprocess.Popen(
        [script, "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address",
         ":0", "--scheduler-file", str(scheduler_file)],
        **quiet,
    )  # fmt: skip
    pool = subprocess.Popen(
        [script, "worker", "--scheduler-file", str(scheduler_file), "--nworkers", str(workers),
         "--nthreads", "1", "--host", "127.0.0.1", "--dashboard-address", ":0",
         "--local-directory", str(folder / "workers")],
        cwd=folder,
        **quiet,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        with distributed.Client(address, timeout=START_TIMEOUT_S) as client:
            client.wait_for_workers(workers, timeout=START_TIMEOUT_S)
        yield str(address)
    finally:
        for process in (pool, scheduler):
            process.terminate()
        for process in (pool, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder / "workers", ignore_errors=True)
