"""Which change-points a report names: a curve that keeps falling through a point where no
learning-rate drop happened is one smooth move, whatever its fitted trend's residual shows."""

from __future__ import annotations

from pathlib import Path

from curvelint.judging import judge_run
from curvelint.report.changes import Change, significant_changes
from curvelint.runs import read_runs

SAMPLE = Path(__file__).resolve().parents[2] / "sample_logs"


def _change(before: str, after: str, drop: int | None = None) -> Change:
    return Change("loss/train", 100, 0.1, 5.0, before, after, drop)


def test_falling_or_rising_on_both_sides_without_a_rate_drop_is_one_smooth_move() -> None:
    assert _change("falling", "falling").one_smooth_move
    assert _change("rising", "rising").one_smooth_move
    assert not _change("falling", "falling", drop=100).one_smooth_move  # a schedule step
    assert not _change("falling", "plateau").one_smooth_move
    assert not _change("plateau", "plateau").one_smooth_move  # a jump between two levels
    assert not _change("rising", "blow_up").one_smooth_move


def test_a_smooth_real_decay_names_no_change_point_and_a_turn_keeps_its_own() -> None:
    """The Trainer's loss of sample_logs/hf_bert_overfitting falls fast, then slowly: one smooth
    decay on the plot (its fit bent at steps 60, 130 and 180); its eval loss turns up."""
    run = read_runs([SAMPLE / "hf_bert_overfitting"]).runs[0]
    series = {f"{s.metric}/{s.split}": s for s in judge_run(run).analysis.series_analyses}
    assert significant_changes(series["loss/train"]) == ()
    turns = significant_changes(series["loss/eval"])
    assert turns and all(not change.one_smooth_move for change in turns)
