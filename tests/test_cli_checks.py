"""`curvelint analyze` as a real subprocess on a real log: report.md and report.json list the
checks that ran and the ones skipped, and a second run served from the cache lists them too."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.test_cli_analyze import curvelint

RUN = Path(__file__).resolve().parent / "labelled" / "runs" / "healthy-keras-wine-adam"


def _analyze(out: Path, cache: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return curvelint(
        "analyze", str(RUN), "--out", str(out), cwd=cwd, env={"CURVELINT_CACHE_DIR": str(cache)}
    )


def _section(out: Path) -> tuple[str, dict[str, dict[str, str]]]:
    (folder,) = [path.parent for path in out.rglob("report.md")]
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    document = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    section = markdown[markdown.index("## Checks") : markdown.index("## Plots")]
    return section, {check["id"]: check for check in document["checks"]}


def test_analyze_writes_the_checks_into_report_md_and_report_json(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _analyze(tmp_path / "first", cache, tmp_path)
    assert first.returncode == 0, first.stderr
    section, checks = _section(tmp_path / "first")
    skipped = sum(check["status"] == "skipped" for check in checks.values())
    found = sum(check["status"] == "found" for check in checks.values())
    ran = len(checks) - skipped
    assert f"Checks: {ran} ran ({found} found something), {skipped} skipped." in section
    assert "| Check | Id | Status | Why skipped |" in section
    assert "| cut\\_short | skipped | not a Trainer run \\(no max\\_steps\\) |" in section
    assert checks["overfitting"]["status"] == "passed"  # it has an eval loss: judged
    assert checks["cut_short"]["reason"] == "not a Trainer run (no max_steps)"
    assert checks["healthy"]["status"] == "found"

    # The same run again: its outputs come from the cache and still hold the section.
    second = _analyze(tmp_path / "second", cache, tmp_path)
    assert second.returncode == 0, second.stderr
    assert any(cache.rglob("outputs/*.npz")), "the first run left no cache entry"
    assert _section(tmp_path / "second") == (section, checks)
