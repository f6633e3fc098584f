"""The hand-made layout leaves room for every text: nothing leaves the figure, nothing collides.

Checked after a real draw on the plots of every sample run, on curves whose tick labels are
long (tiny, huge, negative, log-scaled values), on a grid of metric panels and on a comparison
overlay: the texts in the margins are measured by matplotlib itself, not by our layout code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from curvelint.analysis import analyze_frame
from curvelint.compare.build import compare_paths
from curvelint.diagnosis import diagnose_run
from curvelint.report.build import build_run_report
from curvelint.report.model import PlotSpec
from curvelint.report.overlays import draw as draw_overlay
from curvelint.report.plots import draw
from curvelint.runs import Run, read_runs
from curvelint.schema import build_frame, concat

TOLERANCE = 1.0  # pixels


def _plot_specs(run: Run) -> tuple[PlotSpec, ...]:
    analysis = analyze_frame(run.frame)[run.name]
    diagnosis = diagnose_run(analysis, {"format": run.format})
    return build_run_report(run, analysis, diagnosis, folder="f").plots


def _run(name: str, curves: dict[str, np.ndarray], *, epochs: bool = True) -> Run:
    frames = []
    for tag, values in curves.items():
        steps = np.arange(len(values), dtype=np.int64) * 10
        frames.append(
            build_frame(
                tag=[tag] * len(values),
                step=steps,
                value=values,
                source="events.out.tfevents.1",
                epoch=steps / 250.0 if epochs else None,
                run=name,
            )
        )
    return Run(name, "tensorboard", concat(frames), [], {}, [], ("events.out.tfevents.1",))


def _hard_runs() -> Iterator[Run]:
    rng = np.random.default_rng(7)
    steps = np.arange(400, dtype=np.float64)
    decay = np.exp(-steps / 120.0)
    noise = rng.normal(0.0, 0.02, len(steps))
    yield _run("tiny values", {"train/loss": 3e-7 * (decay + 0.1 + noise * 0.1)})
    yield _run("huge values", {"train/loss": 4.2e7 * (decay + 1.0 + noise)})
    yield _run("negative ELBO", {"train/loss": -12345.678 * (1.0 - decay) - 9.87 + noise})
    yield _run("decades", {"train/loss": 10.0 ** (2.0 - steps / 80.0)})
    yield _run(
        "offset needed",
        {"train/loss": 1000.000123 + 1e-6 * decay, "eval/loss": 1000.000125 + 1e-6 * decay},
        epochs=False,
    )
    metrics = {
        f"eval/{name}": 0.5 + 0.4 * (1 - decay) + noise
        for name in ("accuracy", "f1", "precision", "recall", "auc")
    }
    yield _run(
        "a grid of panels " + "with a rather long run name " * 3,
        {"train/loss": decay + noise, "train/learning_rate": 1e-4 * decay, **metrics},
    )


def _figures(sample_logs: Path) -> Iterator[tuple[str, Figure]]:
    for run in read_runs([sample_logs]).runs:
        for spec in _plot_specs(run):
            yield f"{run.name}: {spec.file_name}", draw(spec)
    for run in _hard_runs():
        for spec in _plot_specs(run):
            yield f"{run.name}: {spec.file_name}", draw(spec)


def _visible(text: Text) -> bool:
    return bool(text.get_visible() and text.get_text().strip())


def _drawn_tick_labels(axis: Axis) -> Iterator[Text]:
    """The tick labels matplotlib drew: those of ticks inside the view (it keeps others)."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-10 * (high - low)  # matplotlib's own tolerance, relative to the span
    for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
        if low - slack <= tick.get_loc() <= high + slack:
            yield from (label for label in (tick.label1, tick.label2) if _visible(label))


def _margin_texts(axes: Axes) -> Iterator[tuple[str, Text]]:
    """Every text matplotlib draws around ``axes`` (and its epoch axis), with a group name:
    tick labels of one axis may touch each other, nothing else may."""
    for owner in (axes, *axes.child_axes):
        for name, axis in (("x", owner.xaxis), ("y", owner.yaxis)):
            if not owner.get_visible():
                continue
            for text in _drawn_tick_labels(axis):
                yield f"{id(owner)}{name} ticks", text
            yield f"{id(owner)}{name} label", axis.label
            yield f"{id(owner)}{name} offset", axis.get_offset_text()
    for child in axes.get_children():
        if isinstance(child, Text) and child not in axes.texts:
            yield f"{id(axes)} title {id(child)}", child


def _problems(figure: Figure) -> list[str]:
    canvas = figure.canvas
    canvas.draw()  # type: ignore[attr-defined]
    renderer = canvas.get_renderer()  # type: ignore[attr-defined]
    whole = figure.bbox.padded(TOLERANCE)
    boxes: list[tuple[str, str, Bbox]] = []
    for axes in figure.axes:
        if not axes.get_visible() or axes in {c for a in figure.axes for c in a.child_axes}:
            continue
        frame = axes.get_window_extent(renderer)
        for group, text in _margin_texts(axes):
            if _visible(text):
                box = text.get_window_extent(renderer)
                boxes.append((group, text.get_text(), box))
                inside = frame.shrunk(0.999, 0.999)
                if box.overlaps(inside) and "ticks" not in group:
                    boxes.append(("frame", "", box))
                    return [f"{text.get_text()!r} lies over its plot area"]
    title = figure.get_suptitle()
    suptitle = next((t for t in figure.texts if t.get_text() == title), None)
    if suptitle is not None and _visible(suptitle):
        boxes.append(("suptitle", title, suptitle.get_window_extent(renderer)))
    problems = [
        f"{text!r} leaves the figure ({box.bounds})"
        for _, text, box in boxes
        if not (whole.contains(box.x0, box.y0) and whole.contains(box.x1, box.y1))
    ]
    for index, (group, text, box) in enumerate(boxes):
        for other_group, other, other_box in boxes[index + 1 :]:
            if group != other_group and box.shrunk(0.98, 0.9).overlaps(other_box):
                problems.append(f"{text!r} runs into {other!r}")
    return problems


def test_no_text_leaves_the_figure_or_runs_into_another(sample_logs: Path) -> None:
    checked = 0
    failures = []
    for name, figure in _figures(sample_logs):
        failures.extend(f"{name}: {problem}" for problem in _problems(figure))
        checked += 1
    assert checked >= 20
    assert not failures, "\n".join(failures)


def test_the_plot_area_fills_most_of_the_figure(sample_logs: Path) -> None:
    run = next(iter(read_runs([sample_logs]).runs))
    figure = draw(_plot_specs(run)[0])
    figure.canvas.draw()  # type: ignore[attr-defined]
    box = figure.axes[0].get_position()
    assert box.width > 0.8 and box.height > 0.6  # margins sized to their texts, no more


def test_comparison_overlays_have_the_same_guarantee(sample_logs: Path) -> None:
    comparison = compare_paths(sample_logs, sample_logs)
    assert comparison.plot is not None
    failures = _problems(draw_overlay(comparison.plot))
    assert not failures, "\n".join(failures)
