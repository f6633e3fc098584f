"""The plots of real runs, checked on the drawn figures: legends off the data, stars where
they mean something, schedules as steps, shaded ranges with their curve, flat lines flat,
significant change-points only, x axes per panel where cadences differ.

Runs: sample_logs and, where ../shared/corpus/public is present, a few public runs whose
plots were wrong before (named in issue 14).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from curvelint.report.legend_place import covers_data, is_outside
from curvelint.report.model import PlotSpec, RunReport
from curvelint.report.plots import draw
from curvelint.report.sparkline import sparkline
from tests.report.real_runs import report_of

CORPUS_RUNS = (
    "trainer_state/neiro-overfit",
    "trainer_state/aigoncharov-viz",
    "lightning_csv/lstm-bade03-v14",
    "keras_csv/braincnn-predict-age",
    "keras_csv/brats2020-unet",
    "tfevents/action-emotion-nan",
)
# Dense or crowded plots whose legend had to move (headroom or outside), and the one whose
# legend touched a line with the edge of its markers (cat-classifier's accuracy panel).
CROWDED_RUNS = (
    "lightning_csv/lstm-bade03-v14",
    "lightning_csv/mnist-cnn-hcdescamps",
    "keras_csv/cat-classifier",
    "tfevents/tbtutorial-exp12-adam",
    "trainer_state/dllm-remasking-policy",
    "trainer_state/star-eagle-draft",
)


def _corpus_report(corpus: Path, name: str) -> RunReport:
    path = corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    return report_of(path)


def _drawn(spec: PlotSpec) -> Figure:
    figure = draw(spec)
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    return figure


def _panels(figure: Figure) -> list[Axes]:
    return [axes for axes in figure.axes if axes.get_visible() and axes.get_ylabel()]


def _check_legends(figure: Figure) -> int:
    """Every legend covers no line, marker or text of its axes, or sits outside them; and it
    stays inside the figure."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    checked = 0
    for axes in _panels(figure):
        legend = axes.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        if is_outside(legend):
            assert not box.overlaps(axes.get_window_extent(renderer))
        else:
            assert not covers_data(axes, legend), axes.get_title()
        assert box.x0 >= 0 and box.x1 <= figure.bbox.width + 0.5
        assert box.y0 >= 0 and box.y1 <= figure.bbox.height + 0.5
        checked += 1
    return checked


def _data_pixels_under_legend(figure: Figure, axes: Axes) -> int:
    """Pixels drawn by the data of ``axes`` (its lines, markers and texts; not the grid, the
    change-point lines or the shading) inside its legend's box, counted on the rendered
    image with everything else hidden."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = axes.get_legend()
    assert legend is not None
    box = legend.get_window_extent(renderer)
    lines = [line for line in axes.get_lines() if "change-point" not in str(line.get_label())]
    data: list[Artist] = [*lines, *axes.texts]
    hidden = []
    for artist in [*figure.texts, *(a for other in figure.axes for a in other.get_children())]:
        if artist.get_visible() and artist not in data:
            artist.set_visible(False)
            hidden.append(artist)
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    pixels = np.asarray(figure.canvas.buffer_rgba())  # type: ignore[attr-defined]
    for artist in hidden:
        artist.set_visible(True)
    height = pixels.shape[0]
    rows = slice(max(0, int(height - box.y1)), int(np.ceil(height - box.y0)))
    columns = slice(max(0, int(box.x0)), int(np.ceil(box.x1)))
    return int(np.count_nonzero((pixels[rows, columns, :3] < 250).any(axis=2)))


@pytest.mark.parametrize("name", CROWDED_RUNS)
def test_no_data_pixel_lies_under_a_legend(corpus: Path, name: str) -> None:
    checked = 0
    for spec in _corpus_report(corpus, name).plots:
        figure = _drawn(spec)
        for axes in _panels(figure):
            if axes.get_legend() is not None and not is_outside(axes.get_legend()):
                assert _data_pixels_under_legend(figure, axes) == 0, (spec.file_name, name)
                checked += 1
    assert checked


def test_a_star_whose_centre_is_outside_the_legend_still_covers_it() -> None:
    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], linestyle="none", label="points")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    legend = axes.legend(loc="upper right")
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    box = legend.get_window_extent(figure.canvas.get_renderer())  # type: ignore[attr-defined]
    x, y = axes.transData.inverted().transform((box.x0 - 6, (box.y0 + box.y1) / 2))
    axes.plot([x], [y], linestyle="none", marker="*", markersize=15, label="_star")
    assert not box.contains(*axes.transData.transform((x, y)))
    assert covers_data(axes, legend)  # 6 px left of the box, the 21 px star reaches into it


def test_sample_log_legends_are_off_the_data(sample_logs: Path) -> None:
    checked = 0
    for path in sorted(p for p in sample_logs.iterdir() if p.is_dir()):
        for spec in report_of(path).plots:
            checked += _check_legends(_drawn(spec))
    assert checked >= 10


@pytest.mark.parametrize("name", CORPUS_RUNS)
def test_corpus_legends_are_off_the_data(corpus: Path, name: str) -> None:
    for spec in _corpus_report(corpus, name).plots:
        _check_legends(_drawn(spec))


def test_a_dense_train_curve_gets_its_star_on_the_smoothed_line(corpus: Path) -> None:
    report = _corpus_report(corpus, "lightning_csv/lstm-bade03-v14")
    axes = _drawn(report.plots[0]).axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    smoothed = lines["train (smoothed)"]
    star = next(line for label, line in lines.items() if label.startswith("best train"))
    assert "(smoothed)" in star.get_label()
    star_y = float(np.asarray(star.get_ydata())[0])
    raw = np.asarray(lines["_raw train"].get_ydata(), dtype=np.float64)
    assert star_y == pytest.approx(float(np.nanmin(smoothed.get_ydata())))
    assert star_y > 5 * float(np.nanmin(raw))  # not the noisiest batch's minimum


def test_legend_texts_use_the_axis_unit(corpus: Path) -> None:
    report = _corpus_report(corpus, "keras_csv/brats2020-unet")
    assert report.plots[0].x_label == "epoch (as logged)"
    labels = [
        line.get_label()
        for spec in report.plots
        for axes in _drawn(spec).axes
        for line in axes.get_lines()
        if line.get_label().startswith("best")
    ]
    assert labels and all(" at epoch " in label for label in labels), labels


def test_the_curve_behind_a_shaded_range_is_drawn_with_it(corpus: Path) -> None:
    report = _corpus_report(corpus, "trainer_state/aigoncharov-viz")
    axes = _drawn(report.plots[0]).axes[0]
    shades = [patch for patch in axes.patches if "overfitting" in str(patch.get_label())]
    assert shades
    labels = {line.get_label() for line in axes.get_lines()}
    assert "g0_loss/eval" in labels
    eval_line = next(line for line in axes.get_lines() if line.get_label() == "g0_loss/eval")
    start = shades[0].get_x()
    assert start in np.asarray(eval_line.get_xdata())  # the onset is one of its points


def test_schedules_are_drawn_as_steps(sample_logs: Path) -> None:
    found = 0
    for path in sorted(p for p in sample_logs.iterdir() if p.is_dir()):
        for spec in report_of(path).plots:
            if spec.file_name != "optimizer.png":
                continue
            for axes in _drawn(spec).axes:
                if axes.get_ylabel().startswith("learning rate"):
                    (line,) = [line for line in axes.get_lines() if line.get_label() == "logged"]
                    assert line.get_drawstyle() == "steps-post"
                    found += 1
    assert found


def test_a_flat_loss_looks_flat_and_says_its_span(corpus: Path) -> None:
    report = _corpus_report(corpus, "keras_csv/braincnn-predict-age")
    figure = _drawn(report.plots[0])
    axes = figure.axes[0]
    smoothed = next(line for line in axes.get_lines() if line.get_label().endswith("(smoothed)"))
    y = np.asarray(smoothed.get_ydata(), dtype=np.float64)
    pixels = axes.transData.transform(np.column_stack([smoothed.get_xdata(), y]))[:, 1]
    assert np.ptp(pixels) < 0.05 * axes.bbox.height  # the -0.05 % change is a flat line
    low, high = axes.get_ylim()
    assert (high - low) >= 0.019 * max(abs(low), abs(high))
    note = axes.get_title(loc="right")
    assert note.startswith("flat: values span") and "%" in note
    assert len(set(report.sparkline)) == 1  # and the index's sparkline is flat too


def test_a_real_fall_keeps_its_shape_in_the_sparkline() -> None:
    steps = np.arange(100)
    assert sparkline(steps, 2.0 - steps / 100.0)[0] == "█"
    assert len(set(sparkline(steps, 5.794 - steps * 2.5e-5))) == 1


def test_only_significant_change_points_are_drawn_and_named(corpus: Path) -> None:
    report = _corpus_report(corpus, "tfevents/action-emotion-nan")
    axes = _drawn(report.plots[0]).axes[0]
    lines = [line for line in axes.get_lines() if "change-point" in line.get_label()]
    drawn = sorted(float(np.asarray(line.get_xdata())[0]) for line in lines)
    assert 1 <= len(drawn) <= 4
    assert sum(x < 50 for x in drawn) <= 2  # not twelve in the first 50 steps
    assert drawn == [float(change.step) for change in report.changes]
    for change in report.changes:
        assert change.series == "loss/train" and abs(change.shift_noise_units) >= 3
        assert "x the noise" in change.description


def _x_ranges(figure: Figure) -> list[tuple[float, float]]:
    return [axes.get_xlim() for axes in _panels(figure)]


def test_panels_of_different_cadence_get_their_own_x_axis() -> None:
    from dataclasses import replace

    from tests.report.test_plots import _plots

    spec = next(s for s in _plots() if s.file_name == "loss.png")
    panel = spec.panels[0]
    per_epoch = replace(
        panel,
        title="per epoch",
        changepoints=(),
        shades=(),
        curves=tuple(
            replace(
                c,
                x=c.x / 100.0,
                smoothed_x=c.smoothed_x / 100.0,
                non_finite_x=c.non_finite_x / 100.0,
                best=None,
            )
            for c in panel.curves
        ),
    )
    mixed = replace(spec, panels=(panel, per_epoch), columns=1)
    (steps, epochs) = _x_ranges(_drawn(mixed))
    assert epochs[1] < 0.2 * steps[1]  # the per-epoch panel fills its own width
    same = replace(spec, panels=(panel, replace(panel, title="again")), columns=1)
    first, second = _x_ranges(_drawn(same))
    assert first == second


def test_a_long_title_fits_the_figure(sample_logs: Path) -> None:
    from dataclasses import replace

    path = next(p for p in sorted(sample_logs.iterdir()) if p.is_dir())
    spec = report_of(path).plots[0]
    figure = _drawn(replace(spec, title="W" * 88 + ": loss"))
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    title = figure.get_suptitle()
    assert title.startswith("WWW")
    box = figure._suptitle.get_window_extent(renderer)  # type: ignore[union-attr]
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width


def test_change_points_are_named_in_report_md_and_json(corpus: Path) -> None:
    from curvelint.report.json_output import run_document
    from curvelint.report.markdown import render_markdown

    report = _corpus_report(corpus, "tfevents/action-emotion-nan")
    text = render_markdown(report)
    assert "Dotted lines on the loss plot mark where a curve changed" in text
    for change in report.changes:
        assert f"- epoch {change.step:,}, loss/train: shifted " in text  # Keras: epoch_loss
    listed = run_document(report)["changepoints"]
    assert [item["step"] for item in listed] == [c.step for c in report.changes]  # type: ignore[index]
    assert all(
        item["after"] in {"falling", "plateau", "rising", "spike_and_recovery", "blow_up"}
        for item in listed
    )  # type: ignore[index]


def test_step_ticks_have_thousands_separators(corpus: Path) -> None:
    """The x ticks write steps as every text of the report does: 20,000, not 20000."""
    report = _corpus_report(corpus, "lightning_csv/lstm-bade03-v14")
    axes = _drawn(report.plots[0]).axes[0]
    labels = [tick.get_text() for tick in axes.get_xticklabels() if tick.get_text()]
    assert "20,000" in labels, labels
    assert not any(re.search(r"\d{4}", label) for label in labels), labels
