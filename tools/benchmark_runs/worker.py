"""Train one run in a worker process (a module of its own, so spawned workers import it)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tools.benchmark_runs.spec import KERAS_CSV, KERAS_TB, LIGHTNING, TENSORBOARD, BenchRun


def train_one(run: BenchRun, root: Path) -> float:
    """Train ``run`` into ``root/<split>/runs/<name>`` (in a worker process); its seconds."""
    started = time.perf_counter()
    run_dir = root / run.split / "runs" / run.name
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    if run.fmt == TENSORBOARD:
        from tools.benchmark_runs import torch_loop as writer
    elif run.fmt in (KERAS_CSV, KERAS_TB):
        from tools.benchmark_runs import keras_run as writer  # type: ignore[no-redef]
    elif run.fmt == LIGHTNING:
        from tools.benchmark_runs import lightning_run as writer  # type: ignore[no-redef]
    else:
        from tools.benchmark_runs import trainer_run as writer  # type: ignore[no-redef]
    writer.train(run, run_dir)
    return time.perf_counter() - started
