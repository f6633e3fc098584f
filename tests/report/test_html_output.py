"""`curvelint analyze --html` through the real CLI: which files it writes into the output folder,
that they go through the manifest (a run without --html removes them), that the cache keeps
html and non-html outputs apart, and that the inputs are untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from curvelint.report.html_index import asset_bytes
from curvelint.report.output import MANIFEST
from tests.conftest import tree_hashes
from tests.test_cli_analyze import curvelint
from tests.test_pipeline import diverging, falling, write_keras_csv

ASSET_FILES = {
    "assets/uPlot.iife.min.js",
    "assets/uPlot.min.css",
    "assets/uPlot.LICENSE",
    "assets/curvelint-report.js",
    "assets/curvelint-report.css",
}


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    write_keras_csv(folder / "good.csv", falling(), falling(scale=2.1))
    write_keras_csv(folder / "nan.csv", diverging())
    for path in folder.iterdir():  # settled: files younger than a couple of seconds are not cached
        os.utime(path, (1.0e9, 1.0e9))
    return folder


def manifest(out: Path) -> set[str]:
    files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    return set(files)


def html_files(out: Path) -> set[str]:
    return {
        path.relative_to(out).as_posix()
        for path in out.rglob("*")
        if path.is_file() and (path.suffix == ".html" or "assets" in path.parts)
    }


def test_html_writes_a_page_per_run_an_index_and_the_assets_once(
    logs: Path, tmp_path: Path
) -> None:
    before = tree_hashes(logs)
    out = tmp_path / "out"
    env = {"CURVELINT_CACHE_DIR": str(tmp_path / "cache")}
    result = curvelint(
        "analyze", str(logs), "--out", str(out), "--html", "-j", "1", cwd=tmp_path, env=env
    )
    assert result.returncode == 1, result.stderr  # nan.csv diverged
    expected = {"index.html", "good.csv/report.html", "nan.csv/report.html", *ASSET_FILES}
    assert html_files(out) == expected
    assert expected <= manifest(out)
    for name in ASSET_FILES:
        assert (out / name).read_bytes() == asset_bytes(name.removeprefix("assets/"))
    page = (out / "nan.csv" / "report.html").read_text(encoding="utf-8")
    assert "diverged" in page and '"NaN"' in page
    assert "http://" not in page and "https://" not in page
    assert tree_hashes(logs) == before


def test_without_html_the_pages_are_not_written_and_old_ones_are_removed(
    logs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    env = {"CURVELINT_CACHE_DIR": str(tmp_path / "cache")}
    curvelint("analyze", str(logs), "--out", str(out), "--html", "-j", "1", cwd=tmp_path, env=env)
    assert (out / "good.csv" / "report.html").is_file()
    result = curvelint("analyze", str(logs), "--out", str(out), "-j", "1", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    assert html_files(out) == set()
    assert not (out / "assets").exists()
    assert (out / "good.csv" / "report.md").is_file()


def test_the_cache_does_not_serve_outputs_without_html_to_a_run_with_html(
    logs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    env = {"CURVELINT_CACHE_DIR": str(tmp_path / "cache")}
    curvelint("analyze", str(logs), "--out", str(out), "-j", "1", cwd=tmp_path, env=env)
    assert any((tmp_path / "cache").rglob("*"))
    curvelint("analyze", str(logs), "--out", str(out), "--html", "-j", "1", cwd=tmp_path, env=env)
    assert {"good.csv/report.html", "nan.csv/report.html"} <= html_files(out)
