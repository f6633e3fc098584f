"""Every run of the sample logs and the public corpus analyses without error or NaN.

Skipped when the folders are absent (the corpus lives outside the repository) or when the
readers (``curvelint.read``) are not available yet.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import curvelint
from curvelint.analysis import analyze_frame
from curvelint.errors import CurvelintError
from tests.analysis.checks import run_problems

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {
    "sample_logs": ROOT / "sample_logs",
    "corpus": ROOT.parent / "shared" / "corpus" / "public",
}


def _run_folders(folder: Path) -> list[Path]:
    """The folders holding one run each: ``<format>/<id>`` in the corpus, top level otherwise."""
    if not folder.is_dir():
        return []
    children = sorted(path for path in folder.iterdir() if path.is_dir())
    nested = [run for child in children for run in sorted(child.iterdir()) if run.is_dir()]
    return nested or children or [folder]


def _frames(folder: Path) -> list[pd.DataFrame]:
    """Frames of every run folder the readers can read (reading is not under test here)."""
    read = getattr(curvelint, "read", None)
    if read is None:
        pytest.skip("curvelint.read is not available yet")
    frames = []
    for run_folder in _run_folders(folder):
        try:
            frames.append(read(run_folder))
        except (CurvelintError, ValueError, TypeError, KeyError):
            continue  # unreadable or not a log: the readers' tests cover that
    if not frames:
        pytest.skip(f"{folder} is absent or holds nothing readable")
    return frames


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_every_run_analyses_to_finite_plain_data(name: str) -> None:
    analysed = 0
    for frame in _frames(FOLDERS[name]):
        results = analyze_frame(frame)
        assert set(results) == {str(run) for run in frame["run"].unique()}
        problems = [problem for run in results.values() for problem in run_problems(run)]
        assert problems == []
        for run in results.values():
            for series in run.series_analyses:
                if series.n_finite:
                    assert series.curve is not None and series.curve.count == series.n_finite
                analysed += 1
    assert analysed > 0
