"""Outputs that fit where GitHub shows them (issue 15): a report.md or index.md over a PR
comment's 65,536 characters is summarised, the whole written beside it, and the step summary
stays under 1 MiB."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from curvelint.report.github import append_step_summary
from curvelint.report.model import IndexRow
from curvelint.report.output import OutputFolder
from curvelint.report.size_limits import COMMENT_CHARACTERS, STEP_SUMMARY_BYTES
from curvelint.report.write import write_index
from tests.hostile.helpers import MANIFEST, manifest_files, written_files

METRICS = 1000


def _wide_log(path: Path) -> None:
    """A Keras CSV with a thousand metrics: its report.md is longer than a PR comment."""
    columns = [f"metric_{i}" for i in range(METRICS)]
    rows = ["epoch,loss," + ",".join(columns)]
    for epoch in range(8):
        values = ",".join(f"{(i % 7) / (epoch + 1):.4f}" for i in range(METRICS))
        rows.append(f"{epoch},{1 / (epoch + 1)},{values}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


def test_a_report_longer_than_a_pr_comment_is_summarised_with_the_whole_beside_it(
    tmp_path: Path,
) -> None:
    _wide_log(tmp_path / "logs" / "wide" / "training.log")
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", "analyze", str(tmp_path / "logs"), "--out", str(out),
         "--no-cache", "--fail-on", "never", "-q"],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "CI": "true"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    shown = (out / "wide" / "report.md").read_text(encoding="utf-8")
    full = (out / "wide" / "report-full.md").read_text(encoding="utf-8")
    assert len(shown) <= COMMENT_CHARACTERS < len(full)
    assert "[report-full.md](report-full.md)" in shown.splitlines()[-1]
    assert full.startswith(shown.rsplit("\n\n**…and", 1)[0])
    assert f"| metric\\_{METRICS - 1} / train |" in full  # the last row of the table
    assert written_files(out) == manifest_files(out) | {MANIFEST}


def _row(number: int) -> IndexRow:
    return IndexRow(
        name=f"sweep/run-{number:05d}-with-a-fairly-long-descriptive-name",
        folder=f"sweep__run-{number:05d}",
        format="keras_csv",
        verdict="healthy",
        reason="loss/train fell 90 % from start level 2.3 to 0.23 and levelled off",
        last_step=1000,
        main_label="loss/train",
        best_value=0.23,
        best_step=990,
        final_value=0.231,
        final_step=1000,
        ends_with=None,
        sparkline="█▇▆▅▄▃▂▁",
    )


def test_an_index_of_thousands_of_runs_is_summarised_with_the_whole_beside_it(
    tmp_path: Path,
) -> None:
    rows = [_row(number) for number in range(3000)]
    folder = OutputFolder(tmp_path)
    shown, _ = write_index(folder, rows, [], [])
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    full = (tmp_path / "index-full.md").read_text(encoding="utf-8")
    assert index == shown and len(index) <= COMMENT_CHARACTERS
    more = int(re.findall(r"…and (\d+) more rows", index)[0])
    listed = sum(f"]: {row.folder}/report.md" in index for row in rows)  # reference links
    assert listed + more == len(rows)
    assert all(f"]: {row.folder}/report.md" in full for row in rows)
    assert {"index.md", "index-full.md", "summary.json"} <= folder.written


def test_the_step_summary_stays_under_a_mebibyte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    huge = "\n".join(f"| run-{i} | healthy | ✓ {'é' * 40} |" for i in range(40_000)) + "\n"
    assert len(huge.encode("utf-8")) > 2 * STEP_SUMMARY_BYTES
    assert append_step_summary(huge)
    written = target.read_bytes()
    assert len(written) <= STEP_SUMMARY_BYTES
    assert "more rows" in written.decode("utf-8")
