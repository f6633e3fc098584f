"""The report model: what goes where, decided once from the run, its analysis and diagnosis."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.diagnosis.findings import Severity
from curvelint.report.build import build_run_report, unreadable_report
from curvelint.report.model import ReportOptions, index_row
from curvelint.report.plot_data import NO_FINITE_NOTE
from tests.report.builders import diverged_run, overfitting_run


def test_findings_keep_the_diagnosis_order_and_the_verdict_is_the_diagnosis() -> None:
    run, analysis, diagnosis = overfitting_run()
    report = build_run_report(run, analysis, diagnosis, folder="overfit")
    assert report.verdict == "overfitting"
    assert report.reason == diagnosis.reason
    assert report.findings == diagnosis.findings  # ordered once, by the diagnosis
    assert [f.severity for f in report.findings] == [Severity.WARNING, Severity.INFO]


def test_overview_has_steps_epochs_and_the_wall_clock_duration() -> None:
    run, analysis, diagnosis = overfitting_run()
    view = build_run_report(run, analysis, diagnosis, folder="f").overview
    assert (view.first_step, view.last_step) == (0, 2000)
    assert view.epochs == pytest.approx(10.0)
    assert view.duration_seconds == pytest.approx(1000.0)
    assert view.points == len(run.frame)


def test_the_main_series_is_the_train_loss_unless_asked_otherwise() -> None:
    run, analysis, diagnosis = overfitting_run()
    report = build_run_report(run, analysis, diagnosis, folder="f")
    assert report.main is not None and report.main.key == "loss/train"
    assert report.main.final_step == 1990
    asked = build_run_report(
        run, analysis, diagnosis, folder="f", options=ReportOptions(main_metric="accuracy")
    )
    assert asked.main is not None and asked.main.key == "accuracy/eval"
    assert asked.main.best_value == pytest.approx(0.8) and asked.main.best_step == 2000


def test_loss_plot_holds_train_and_eval_with_changepoints_best_and_onset_shade() -> None:
    run, analysis, diagnosis = overfitting_run()
    report = build_run_report(run, analysis, diagnosis, folder="f")
    loss = report.plots[0]
    assert loss.file_name == "loss.png" and "overfit" in loss.title
    (panel,) = loss.panels
    train, evaluation = panel.curves
    assert (train.split, train.style) == ("train", "dense")
    assert (evaluation.split, evaluation.style) == ("eval", "sparse")
    np.testing.assert_array_equal(evaluation.x, np.arange(200, 2001, 200))
    assert evaluation.best == (1000.0, 0.5, 1000)
    assert panel.changepoints == (500.0, 1200.0)
    (shade,) = panel.shades
    assert (shade.start, shade.end) == (1000.0, 2000.0)
    assert "overfitting" in shade.label
    assert loss.epoch_scale is not None


def test_metrics_and_optimizer_plots_and_what_is_not_plotted() -> None:
    run, analysis, diagnosis = overfitting_run()
    report = build_run_report(run, analysis, diagnosis, folder="f")
    assert [plot.file_name for plot in report.plots] == ["loss.png", "metrics.png", "optimizer.png"]
    assert [panel.title for panel in report.plots[1].panels] == ["accuracy"]
    assert report.plots[2].panels[0].curves[0].style == "exact"
    assert report.unplotted == ("runtime/eval",)
    assert [s.key for s in report.series][:4] == [
        "loss/train",
        "loss/eval",
        "accuracy/eval",
        "learning_rate",
    ]


def test_x_axis_epoch_maps_steps_and_falls_back_to_steps_with_a_note() -> None:
    run, analysis, diagnosis = overfitting_run()
    by_epoch = build_run_report(
        run, analysis, diagnosis, folder="f", options=ReportOptions(x_axis="epoch")
    )
    evaluation = by_epoch.plots[0].panels[0].curves[1]
    np.testing.assert_allclose(evaluation.x, np.arange(1.0, 10.01, 1.0))
    assert by_epoch.plots[0].epoch_scale is None and by_epoch.x_axis_note is None
    run, analysis, diagnosis = diverged_run()
    fallback = build_run_report(
        run, analysis, diagnosis, folder="f", options=ReportOptions(x_axis="time")
    )
    assert fallback.x_axis_note is not None and "step" in fallback.x_axis_note
    assert fallback.plots[0].x_label == "step"


def test_a_run_ending_in_nan_keeps_its_last_finite_value_and_marks_every_nan() -> None:
    run, analysis, diagnosis = diverged_run()
    report = build_run_report(run, analysis, diagnosis, folder="f")
    assert report.main is not None
    assert report.main.ends_with == "nan" and report.main.first_non_finite_step == 45
    assert report.main.final_step == 44
    curve = report.plots[0].panels[0].curves[0]
    np.testing.assert_array_equal(curve.non_finite_x, [45, 46, 47, 48, 49])
    assert report.sparkline.endswith("×")
    assert index_row(report).severity_counts == {"error": 1}


def test_a_panel_without_any_finite_value_says_so() -> None:
    from tests.report.builders import analysis as make_analysis
    from tests.report.builders import healthy_diagnosis, run_of, series

    result = make_analysis("nan", series("loss", "train", [1, 2, 3], [np.nan] * 3, run="nan"))
    report = build_run_report(run_of("nan", result), result, healthy_diagnosis("nan"), folder="f")
    assert report.plots[0].panels[0].note == NO_FINITE_NOTE
    assert report.main is not None and report.main.best_value is None


def test_an_unreadable_run_has_its_error_as_the_reason_and_nothing_else() -> None:
    report = unreadable_report("bad", "keras_csv", "bad.csv: not a CSV", folder="bad")
    row = index_row(report)
    assert (row.verdict, row.reason, row.main_label, row.sparkline) == (
        "unreadable",
        "bad.csv: not a CSV",
        None,
        "",
    )
    assert report.plots == ()


def test_an_early_transient_is_left_off_a_linear_y_axis_and_said_so() -> None:
    from tests.report.builders import analysis as make_analysis
    from tests.report.builders import healthy_diagnosis, run_of, series

    steps = np.arange(0, 1000, 10)
    loss = 2.0 + 2.0 * np.exp(-steps / 300.0)
    loss[0] = 25.0
    result = make_analysis("t", series("loss", "train", steps, loss, run="t"))
    panel = (
        build_run_report(run_of("t", result), result, healthy_diagnosis("t"), folder="f")
        .plots[0]
        .panels[0]
    )
    assert not panel.log_y and panel.y_limits is not None
    low, high = panel.y_limits
    after_start = loss[steps >= 50]  # everything after the first 5 % of the steps is shown
    assert low < after_start.min() and after_start.max() < high < 25.0
    assert panel.off_scale is not None and "25" in panel.off_scale


def test_a_tag_left_out_for_a_longer_one_of_the_same_name_is_noted() -> None:
    from curvelint.analysis import analyze_frame
    from curvelint.diagnosis import diagnose_run
    from curvelint.runs import Run
    from tests.synthetic import power_law_decay, series_frame

    frame = series_frame(
        {"loss": power_law_decay(100), "train/loss": power_law_decay(300)}, run="twice"
    )
    analysis = analyze_frame(frame)["twice"]
    run = Run("twice", "step_table", frame)
    report = build_run_report(run, analysis, diagnose_run(analysis), folder="twice")
    assert any("'loss' not analysed: 'train/loss'" in note for note in report.notes)
