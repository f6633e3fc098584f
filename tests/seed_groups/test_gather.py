"""Seed groups in ``analyze`` read their members through the cache, like every run."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from curvelint import runs
from curvelint.cache import Cache
from curvelint.discover import RunSpec
from curvelint.pipeline import PipelineOptions, analyze_paths
from tests.test_groups import seed_runs

__all__ = ["seed_runs"]  # the session fixture of tests.test_groups


def _age(root: Path, seconds: float = 3600.0) -> None:
    """Files written a moment ago are not cached (their time stamps could still repeat)."""
    then = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (then, then))


def test_group_members_come_from_the_cache(
    seed_runs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "logs"
    shutil.copytree(seed_runs / "adam-lr1e-2", logs / "adam-lr1e-2")
    _age(logs)
    cache = Cache(tmp_path / "cache", 64 * 1024 * 1024)
    first = analyze_paths([logs], tmp_path / "first", PipelineOptions(), jobs=1, cache=cache)
    assert "## Seed groups (1)" in first.index_markdown

    def from_disk(spec: RunSpec) -> runs.Run:
        raise AssertionError(f"{spec.name} was read from disk, not from the cache")

    monkeypatch.setattr(runs, "_read_run", from_disk)
    second = analyze_paths([logs], tmp_path / "second", PipelineOptions(), jobs=1, cache=cache)
    assert second.index_markdown == first.index_markdown
    assert second.summary_json == first.summary_json
    group_plot = Path("seed-groups") / "adam-lr1e-2.png"
    assert (tmp_path / "second" / group_plot).read_bytes() == (
        tmp_path / "first" / group_plot
    ).read_bytes()
