"""The tools in-process: a log that changes between two calls is analysed again, although
the reports of a path are kept (and reused through the cache) between calls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curvelint.cache import Cache
from curvelint.mcp_server.roots import Roots
from curvelint.mcp_server.tools import Tools
from tests.conftest import SAMPLE_LOGS


@pytest.fixture
def root(tmp_path: Path, sample_logs: Path) -> Path:
    folder = tmp_path / "root" / "keras_run"
    folder.mkdir(parents=True)
    shutil.copy(sample_logs / "keras_csv_iris_healthy" / "training.log", folder / "training.log")
    return tmp_path / "root"


def test_a_changed_log_is_analysed_again(root: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    cache = Cache(tmp_path / "cache", 100 * 1024 * 1024)
    tools = Tools(Roots.from_arguments([str(root)]), cache, workspace=workspace)
    assert tools.run_report("keras_run")["verdict"] == "healthy"
    assert tools.run_report("keras_run")["verdict"] == "healthy"  # from the kept outputs
    log = root / "keras_run" / "training.log"
    shutil.copy(SAMPLE_LOGS / "keras_csv_blobs_underfitting" / "training.log", log)
    assert tools.run_report("keras_run")["verdict"] == "underfitting"
    assert tools.analyze(".")["runs"][0]["verdict"] == "underfitting"
