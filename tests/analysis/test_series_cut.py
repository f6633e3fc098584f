"""Cutting a frame into series: a run of a few series is cut by scanning each series' key, a
frame of many by sorting every row, and both give the same series; the columns kept for the cut
are the frame's own arrays, not copies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from curvelint.analysis import series as series_module
from curvelint.analysis.series import SeriesData, iterate_series, series_columns
from curvelint.schema import build_frame, concat, with_run


def _run(name: str, seed: int) -> pd.DataFrame:
    """Interleaved tags as a training loop logs them, two tags of one curve (``loss`` and
    ``train/loss``), steps logged again after a resume, and NaN and inf among the values."""
    generator = np.random.default_rng(seed)
    tags = ["loss", "train/loss", "eval/loss", "lr", "eval/accuracy"]
    steps = np.concatenate([np.arange(300), np.arange(200, 260), np.array([7, 3])])
    rows = [(tag, int(step)) for step in steps for tag in tags if tag != "loss" or step < 40]
    values = generator.normal(size=len(rows))
    values[[5, 17, 400]] = [np.nan, np.inf, -np.inf]
    frame = build_frame(
        tag=[tag for tag, _ in rows],
        step=np.array([step for _, step in rows], dtype=np.int64),
        value=values,
        wall_time=1e9 + np.arange(len(rows), dtype=np.float64),
        source=f"{name}.tfevents",
    )
    return with_run(frame, name)


@pytest.fixture
def frame() -> pd.DataFrame:
    return concat([_run("b", 1), _run("a", 2)])


def _assert_same(cut: list[SeriesData], expected: list[SeriesData]) -> None:
    assert [(s.run, s.metric, s.split, s.tag, s.ignored_tags) for s in cut] == [
        (s.run, s.metric, s.split, s.tag, s.ignored_tags) for s in expected
    ]
    for got, want in zip(cut, expected, strict=True):
        np.testing.assert_array_equal(got.steps, want.steps)
        np.testing.assert_array_equal(got.values, want.values)  # NaN equals NaN here
        assert got.n_duplicate_steps == want.n_duplicate_steps


def test_scanning_each_series_cuts_what_sorting_every_row_cuts(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_sort(key: object) -> None:
        raise AssertionError("a frame of a few series is cut without sorting every row")

    with monkeypatch.context() as patched:
        patched.setattr(series_module, "_stable_order", no_sort)
        scanned = list(iterate_series(frame))
    monkeypatch.setattr(series_module, "FEW_SERIES", 0)
    sorted_rows = list(iterate_series(frame))
    assert len(scanned) == 8  # two runs of loss/train, loss/eval, accuracy/eval, learning_rate
    _assert_same(scanned, sorted_rows)
    loss = next(s for s in scanned if (s.run, s.metric, s.split) == ("a", "loss", "train"))
    assert loss.tag == "train/loss" and loss.ignored_tags == ("loss",)
    assert loss.n_duplicate_steps == 62  # the resumed stretch and the two late steps


def test_the_columns_kept_for_the_cut_are_the_frames_own(frame: pd.DataFrame) -> None:
    kept = series_columns(frame)
    assert "wall_time" not in kept and "epoch" not in kept and "source" not in kept
    for name in ("step", "value"):
        assert np.shares_memory(kept[name].to_numpy(), frame[name].to_numpy())
    _assert_same(list(iterate_series(kept)), list(iterate_series(frame)))


def test_curves_logged_at_the_same_steps_share_them(frame: pd.DataFrame) -> None:
    """A loop that logs every metric at every step: its curves' steps are held once, read-only;
    a curve logged at other steps keeps its own."""
    cut = {(s.run, s.metric, s.split): s for s in iterate_series(frame)}
    lr, eval_loss = cut["a", "learning_rate", ""], cut["a", "loss", "eval"]
    assert lr.steps is eval_loss.steps and not lr.steps.flags.writeable
    assert lr.steps.tolist() == list(range(300))
    sparse = build_frame(tag=["loss"] * 10 + ["lr"] * 5, step=[*range(10), *range(5)],
                         value=[1.0] * 15, source="s")  # fmt: skip
    rate, loss = iterate_series(sparse)  # learning_rate sorts first
    assert loss.steps.tolist() == list(range(10)) and rate.steps.tolist() == list(range(5))
