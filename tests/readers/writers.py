"""Run the real logging libraries in a child process to write the files the reader tests read.

A child process keeps each library's import-time settings (Keras' backend, W&B's service,
MLflow's store flag) and warnings out of the test process; a test whose library is not
installed is skipped.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest


def require(module: str) -> None:
    """Skip the calling test when ``module`` is not installed."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")


def run_writer(script: str, folder: Path, **environment: str) -> None:
    """Run ``script`` (Python source) with ``folder`` as ``sys.argv[1]``; fail with its output."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONWARNINGS": "ignore", **environment}
    completed = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"writer failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}")


def run_keras(script: str, folder: Path) -> None:
    """Run a Keras 3 ``script`` on the torch backend (the one this machine has), skipping the
    test when Keras or torch is not installed."""
    require("keras")
    require("torch")
    run_writer(script, folder, KERAS_BACKEND="torch")
