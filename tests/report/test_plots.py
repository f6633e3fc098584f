"""Plots are drawn from the model's data (checked on the artists) and encode as small PNGs."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from PIL import Image

from curvelint.report.build import build_run_report
from curvelint.report.model import PlotSpec
from curvelint.report.plots import draw, png_bytes, render_png
from tests.report.builders import diverged_run, overfitting_run

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 200_000


def _plots(maker=overfitting_run) -> tuple[PlotSpec, ...]:  # type: ignore[no-untyped-def]
    run, analysis, diagnosis = maker()
    return build_run_report(run, analysis, diagnosis, folder="f").plots


def _lines(axes) -> dict[str, Line2D]:  # type: ignore[no-untyped-def]
    return {line.get_label(): line for line in axes.get_lines()}


def test_loss_lines_hold_the_models_data() -> None:
    spec = _plots()[0]
    figure = draw(spec)
    axes = figure.axes[0]
    lines = _lines(axes)
    train, evaluation = spec.panels[0].curves
    np.testing.assert_array_equal(
        lines["_raw train"].get_xydata(), np.column_stack([train.x, train.y])
    )
    np.testing.assert_array_equal(
        lines["train (smoothed)"].get_xydata(),
        np.column_stack([train.smoothed_x, train.smoothed_y]),
    )
    assert lines["train (smoothed)"].get_linewidth() > lines["_raw train"].get_linewidth()
    assert lines["_raw train"].get_alpha() < 0.5
    np.testing.assert_array_equal(
        lines["eval"].get_xydata(), np.column_stack([evaluation.x, evaluation.y])
    )
    assert lines["eval"].get_marker() == "o"
    best = next(line for label, line in lines.items() if label.startswith("best eval"))
    np.testing.assert_array_equal(best.get_xydata(), [[1000.0, 0.5]])
    assert "1,000" in best.get_label()


def test_changepoints_are_vertical_lines_and_the_onset_is_shaded() -> None:
    axes = draw(_plots()[0]).axes[0]
    verticals = [line for line in axes.get_lines() if "change-point" in line.get_label()]
    assert sorted(line.get_xdata()[0] for line in verticals) == [500.0, 1200.0]
    (shade,) = [patch for patch in axes.patches if "overfitting" in str(patch.get_label())]
    assert isinstance(shade, Rectangle)
    assert (shade.get_x(), shade.get_x() + shade.get_width()) == (1000.0, 2000.0)


def test_non_finite_points_are_marked_at_the_top_edge() -> None:
    axes = draw(_plots(diverged_run)[0]).axes[0]
    marks = next(line for line in axes.get_lines() if line.get_label().startswith("NaN/inf"))
    np.testing.assert_array_equal(marks.get_xdata(), [45, 46, 47, 48, 49])
    assert np.all(np.asarray(marks.get_ydata()) > 0.9)  # axes fraction: the top edge
    assert marks.get_transform() == axes.get_xaxis_transform()


def test_epoch_axis_and_titles_name_the_run() -> None:
    spec = _plots()[0]
    figure = draw(spec)
    assert "overfit" in figure.get_suptitle()
    assert any(child.__class__.__name__ == "SecondaryAxis" for child in figure.axes[0].child_axes)


def test_learning_rate_is_one_exact_line_and_a_wide_range_gets_a_log_axis() -> None:
    optimizer = _plots()[2]
    lines = _lines(draw(optimizer).axes[0])
    assert "logged" in lines and "_raw logged" not in lines
    from tests.report.builders import analysis, healthy_diagnosis, run_of, series

    steps = np.arange(100)
    result = analysis("wide", series("loss", "train", steps, 10.0 ** (-steps / 25.0), run="wide"))
    spec = build_run_report(
        run_of("wide", result), result, healthy_diagnosis("wide"), folder="f"
    ).plots[0]
    assert spec.panels[0].log_y
    assert draw(spec).axes[0].get_yscale() == "log"


def test_every_png_is_valid_small_and_legible_at_github_width() -> None:
    for maker in (overfitting_run, diverged_run):
        for spec in _plots(maker):
            data = render_png(spec)
            assert data.startswith(PNG_MAGIC)
            assert len(data) < MAX_PNG_BYTES
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                assert 800 <= image.width <= 1200


def test_png_bytes_are_reproducible_and_carry_no_version() -> None:
    spec = _plots()[0]
    first, second = render_png(spec), render_png(spec)
    assert first == second
    assert b"Matplotlib" not in first and b"matplotlib" not in first


def test_a_dollar_in_a_name_is_not_parsed_as_mathematics() -> None:
    from dataclasses import replace

    spec = replace(_plots()[0], title="run $x^ cost: $100")
    assert png_bytes(draw(spec)).startswith(PNG_MAGIC)
