"""analyze_frame end to end: runs, series selection, accessors, plain results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from curvelint.analysis import AnalysisSettings, analyze_frame
from curvelint.errors import ConfigError, SchemaError
from curvelint.schema import build_frame, concat
from tests.analysis.checks import run_problems
from tests.synthetic import (
    nan_blow_up,
    power_law_decay,
    saturating_accuracy,
    series_frame,
    staircase_loss,
    step_schedule_learning_rate,
    u_shaped_eval_loss,
)


def _two_runs() -> pd.DataFrame:
    healthy = series_frame(
        {
            "train/loss": power_law_decay(1000, seed=1),
            "eval/loss": u_shaped_eval_loss(40, every=25, minimum_step=600),
            "eval/accuracy": saturating_accuracy(1000),
        },
        run="healthy",
    )
    stepped = series_frame(
        {
            "loss": staircase_loss(2000, drop_every=800),
            "lr": step_schedule_learning_rate(2000, every_steps=800),
            "val_loss": nan_blow_up(1000),
        },
        run="stepped",
    )
    return concat([stepped, healthy])


def test_runs_are_keyed_and_sorted() -> None:
    result = analyze_frame(_two_runs())
    assert list(result) == ["healthy", "stepped"]
    healthy = result["healthy"]
    assert healthy.keys() == (("accuracy", "eval"), ("loss", "eval"), ("loss", "train"))
    assert healthy.schedule is None
    assert healthy.main_loss() is healthy.series("loss", "train")
    assert healthy.main_loss("eval") is healthy.series("loss", "eval")
    assert healthy.series("loss", "test") is None


def test_schedule_explains_change_points_across_series() -> None:
    stepped = analyze_frame(_two_runs())["stepped"]
    assert stepped.schedule is not None
    assert [drop.step for drop in stepped.schedule.drops] == [800, 1600]
    loss = stepped.series("loss", "train")
    assert loss is not None
    assert [p.scheduled for p in loss.changepoints] == [True, True]
    learning_rate = stepped.series("learning_rate", "")
    assert learning_rate is not None and learning_rate.trend is None


def test_results_are_plain_json_ready_data() -> None:
    for run in analyze_frame(_two_runs()).values():
        assert run_problems(run) == []


def test_results_are_frozen() -> None:
    run = analyze_frame(_two_runs())["healthy"]
    series = run.series_analyses[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        series.metric = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        series.values[0] = 1.0


def test_main_loss_falls_back_to_any_loss_metric() -> None:
    frame = series_frame(
        {"sft_loss": power_law_decay(200), "odds_ratio_loss": power_law_decay(50)}, run="orpo"
    )
    run = analyze_frame(frame)["orpo"]
    main = run.main_loss()
    assert main is not None and main.metric == "sft_loss"


def test_same_curve_under_two_tags_keeps_the_longer_one() -> None:
    frame = series_frame(
        {"loss": power_law_decay(100), "train/loss": power_law_decay(300)}, run="twice"
    )
    (series,) = analyze_frame(frame)["twice"].series_analyses
    assert series.tag == "train/loss"
    assert series.ignored_tags == ("loss",)
    assert series.n_points == 300


def test_repeated_steps_keep_the_last_record() -> None:
    frame = build_frame(
        tag=["loss"] * 6,
        step=[0, 1, 2, 1, 2, 3],
        value=[5.0, 4.0, 3.0, 4.5, 3.5, 2.0],
        source="resumed",
        run="r",
    )
    (series,) = analyze_frame(frame)["r"].series_analyses
    assert series.steps.tolist() == [0, 1, 2, 3]
    assert series.values.tolist() == [5.0, 4.5, 3.5, 2.0]


def test_all_non_finite_and_single_point_series() -> None:
    frame = series_frame(
        {
            "loss": (np.arange(5), np.full(5, np.nan)),
            "eval/loss": (np.array([10]), np.array([0.7])),
        },
        run="edge",
    )
    run = analyze_frame(frame)["edge"]
    broken = run.series("loss", "train")
    assert broken is not None
    assert broken.n_finite == 0 and broken.best_value is None and broken.trend is None
    assert broken.nonfinite is not None and broken.nonfinite.count == 5
    single = run.series("loss", "eval")
    assert single is not None
    assert single.best_step == 10 and single.trend is None and single.noise is None
    assert run_problems(run) == []


def test_smoothing_override_and_settings_validation() -> None:
    frame = series_frame({"loss": power_law_decay(100)}, run="r")
    plain = analyze_frame(frame, smoothing="none")["r"].series_analyses[0]
    result = analyze_frame(frame, smoothing="debiased_ema")["r"].series_analyses[0]
    assert plain.smoothed.tolist() == plain.values.tolist()  # "none" shows the raw points
    assert result.smoothed.tolist() != plain.smoothed.tolist()
    with pytest.raises(ConfigError):
        AnalysisSettings(spike_z=-1.0)
    with pytest.raises(ConfigError):
        AnalysisSettings().replace(smoothing="gaussian")
    assert AnalysisSettings().replace(spike_z=8.0).spike_z == 8.0


def test_empty_and_invalid_frames() -> None:
    assert analyze_frame(build_frame(tag=[], step=[], value=[], source="")) == {}
    with pytest.raises(SchemaError):
        analyze_frame(pd.DataFrame({"step": [1]}))


def test_a_keras_per_iteration_curve_is_judged_however_few_its_points() -> None:
    """Keras logging per batch and per epoch: ``batch_loss`` (5 points at iterations) is the
    training loss judged beside the per-iteration eval, not ``epoch_loss`` (20 points at
    epochs), whatever the counts say."""
    frame = series_frame(
        {"epoch_loss": power_law_decay(20), "batch_loss": power_law_decay(5)}, run="keras"
    )
    (series,) = analyze_frame(frame)["keras"].series_analyses
    assert series.tag == "batch_loss"
    assert series.ignored_tags == ("epoch_loss",)
