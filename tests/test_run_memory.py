"""``analyze`` holds a run's frame only as long as it needs it: the report's facts (overview,
x axis, epochs) are taken from it and its series cut, then it goes, before the series are
analysed (for a 10M-point run, 280 MB off the peak). The report is the one the whole frame
gives."""

from __future__ import annotations

import json
import math
import weakref
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import curvelint.run_task as run_task
from curvelint.judging import judge_run
from curvelint.pipeline import analyze_paths
from curvelint.report.build import build_run_report
from curvelint.report.json_output import run_document
from curvelint.runs import read_run


def _torch_run(folder: Path) -> Path:
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(folder / "run"), max_queue=100_000, flush_secs=3600)
    for step in range(400):
        writer.add_scalar("train/loss", 2.0 / math.sqrt(step + 1) + 0.1, step)
        writer.add_scalar("lr", 0.1 if step < 200 else 0.01, step)
        writer.add_scalar("epoch", step // 100, step)
        if step % 20 == 0:
            writer.add_scalar("eval/loss", 2.2 / math.sqrt(step + 1) + 0.15, step)
    writer.close()
    return folder


def test_the_frame_is_gone_before_the_series_are_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("torch")
    logs = _torch_run(tmp_path / "logs")
    frames: list[weakref.ref[pd.DataFrame]] = []
    alive_at_analysis: list[bool] = []

    def reading(*arguments: Any, **options: Any) -> Any:
        run = read_run(*arguments, **options)
        frames.append(weakref.ref(run.frame))
        return run

    judge = run_task.judge_series

    def judging(*arguments: Any, **options: Any) -> Any:
        alive_at_analysis.append(frames[-1]() is not None)
        return judge(*arguments, **options)

    monkeypatch.setattr(run_task, "read_run", reading)
    monkeypatch.setattr(run_task, "judge_series", judging)
    result = analyze_paths([logs], tmp_path / "out", jobs=1)
    assert alive_at_analysis == [False]
    assert [row.verdict for row in result.rows] != ["unreadable"]


def test_the_report_is_the_one_the_whole_frame_gives(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    logs = _torch_run(tmp_path / "logs")
    analyze_paths([logs], tmp_path / "out", jobs=1)
    (written,) = (tmp_path / "out").glob("*/report.json")
    (spec,), _ = run_task.specs_under([logs], tmp_path / "out")
    run = read_run(spec)
    judged = judge_run(run)
    whole = build_run_report(
        run, judged.analysis, judged.diagnosis, folder=written.parent.name, checks=judged.checks
    )
    assert whole.overview.epochs == 3.0  # the epoch series reached the report
    expected = json.loads(json.dumps(run_document(whole)))
    assert json.loads(written.read_text(encoding="utf-8")) == expected
