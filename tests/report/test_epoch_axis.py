"""The epoch axis above a step axis: each tick sits at the step where the log says that epoch.

Checked on the drawn figure: the tick's pixel (through matplotlib's transforms, after a real
draw) against the pixel of the step interpolated from the logged (step, epoch) pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes

from curvelint.report.epoch_ticks import epoch_ticks, step_of_epoch, stretches
from curvelint.report.model import PlotSpec
from curvelint.report.plots import draw
from curvelint.report.x_axis import logged_table
from tests.report.real_runs import read_one, report_of

RUNS = ("neiro-overfit", "whisper-small-braj", "whisper-tiny-nbailab")


def _epoch_axes(axes: Axes) -> Axes:
    (secondary,) = axes.child_axes
    return secondary


def _tick_pixels(figure_axes: Axes) -> list[tuple[str, float]]:
    """(label, x pixel of the drawn tick mark) of each visible epoch tick, after a draw."""
    secondary = _epoch_axes(figure_axes)
    found = []
    low, high = sorted(figure_axes.get_xlim())
    for tick in secondary.xaxis.get_major_ticks():
        if not tick.label2.get_text() or not low <= tick.get_loc() <= high:
            continue
        x_pixel = secondary.transData.transform((tick.get_loc(), 0.0))[0]
        found.append((tick.label2.get_text(), float(x_pixel)))
    return found


def _check_ticks(spec: PlotSpec, steps: np.ndarray, epochs: np.ndarray) -> int:
    figure = draw(spec)
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    axes = figure.axes[0]
    ticks = _tick_pixels(axes)
    assert len(ticks) >= 2
    low, high = axes.get_xlim()
    for label, x_pixel in ticks:
        epoch = float(label)
        candidates = [
            step_of_epoch(epoch, part_steps, part_epochs)
            for part_steps, part_epochs in stretches(steps, epochs)
        ]
        pixels = [
            float(axes.transData.transform((step, 0.0))[0])
            for step in candidates
            if step is not None and low <= step <= high
        ]
        assert pixels, f"epoch {label} is not in the log"
        assert min(abs(p - x_pixel) for p in pixels) <= 1.0, (label, x_pixel, pixels)
    return len(ticks)


@pytest.mark.parametrize("name", RUNS)
def test_epoch_ticks_sit_over_the_logged_steps(corpus: Path, name: str) -> None:
    path = corpus / "trainer_state" / name
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    steps, epochs = logged_table(read_one(path).frame, "epoch", "max")
    report = report_of(path)
    for spec in report.plots:
        assert spec.epoch_scale is not None
        _check_ticks(spec, steps, epochs)


def test_the_last_epoch_of_neiro_sits_over_its_last_step(corpus: Path) -> None:
    path = corpus / "trainer_state" / "neiro-overfit"
    if not path.exists():
        pytest.skip("neiro-overfit is not in the corpus")
    figure = draw(report_of(path).plots[0])
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    axes = figure.axes[0]
    ticks = dict(_tick_pixels(axes))
    assert abs(ticks["10"] - axes.transData.transform((8920.0, 0.0))[0]) <= 1.0


def test_a_restarted_epoch_counter_gets_ticks_per_stretch(corpus: Path) -> None:
    path = corpus / "trainer_state" / "whisper-tiny-nbailab"
    if not path.exists():
        pytest.skip("whisper-tiny-nbailab is not in the corpus")
    steps, epochs = logged_table(read_one(path).frame, "epoch", "max")
    ticks = epoch_ticks(steps, epochs)
    assert ticks.restarts == (5050, 52050, 66050)
    assert np.all(np.diff(ticks.steps) > 0)
    figure = draw(report_of(path).plots[0])
    assert "restarts at step 5,050" in _epoch_axes(figure.axes[0]).get_xlabel()


def test_sample_log_epoch_ticks(sample_logs: Path) -> None:
    checked = 0
    for path in sorted(p for p in sample_logs.iterdir() if p.is_dir()):
        run = read_one(path)
        steps, epochs = logged_table(run.frame, "epoch", "max")
        for spec in report_of(path).plots:
            if spec.epoch_scale is not None:
                checked += _check_ticks(spec, steps, epochs)
    assert checked > 0


def test_ticks_between_logged_pairs_are_interpolated() -> None:
    steps = np.array([0.0, 100.0, 300.0])
    epochs = np.array([0.0, 1.0, 2.0])
    ticks = epoch_ticks(steps, epochs)
    assert ticks.labels[:3] == ("0", "0.25", "0.5") or "1" in ticks.labels
    assert step_of_epoch(1.5, steps, epochs) == 200.0
    assert step_of_epoch(2.5, steps, epochs) is None


def test_an_epoch_x_axis_counts_on_across_restarts(corpus: Path) -> None:
    from curvelint.report.x_axis import x_mapping

    path = corpus / "trainer_state" / "whisper-tiny-nbailab"
    if not path.exists():
        pytest.skip("whisper-tiny-nbailab is not in the corpus")
    frame = read_one(path).frame
    mapping, note = x_mapping(frame, "epoch")
    assert note is None and mapping.unit == "epoch"
    assert mapping.label == "epoch (counted on across restarts)"
    assert np.all(np.diff(mapping.positions) >= 0)
    # 0.05 + 5.06 + 1.06 epochs before the three restarts, then 4.01 logged at the end
    assert mapping.positions[-1] == pytest.approx(0.05 + 5.06 + 1.06 + 4.01, abs=0.02)
