"""The library's judging entry points on a run the caller emptied: a one-line error, not a
KeyError from deep inside the analysis."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import curvelint
from curvelint.errors import CurvelintError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_logs"


def test_judging_a_run_whose_frame_has_no_points_is_a_one_line_error() -> None:
    run = curvelint.read_runs([SAMPLE]).runs[0]
    assert curvelint.judge_run(run).diagnosis.verdict  # the run itself is judged
    emptied = replace(run, frame=run.frame.iloc[0:0])
    with pytest.raises(CurvelintError, match="has no logged points") as raised:
        curvelint.judge_run(emptied)
    assert "\n" not in str(raised.value)
