"""A plot drawn on a figure kept from earlier plots is byte for byte the plot drawn on a new one.

The plots come from the sample logs (real files of real libraries) and from hand-made specs for
the states a figure must shed: a log y axis, fixed y limits with an off-scale note, a right
title, an empty panel whose y ticks are removed, a legend moved outside, NaN marks. The
overlays (seed groups' plots and compare's curves.png) share the pool: they come from seed runs
written by torch's SummaryWriter, from compare of the sample logs, and from hand-made ones with
bands, a log axis, y limits, NaN marks, a hidden axes and a legend moved outside.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from curvelint.compare.build import compare_paths
from curvelint.discover import discover
from curvelint.judging import JudgingOptions
from curvelint.report import overlays, plots
from curvelint.report.build import build_run_report
from curvelint.report.figure_pool import FigurePool
from curvelint.report.model import Curve, EpochScale, Panel, PlotSpec
from curvelint.report.overlay_data import group_plot
from curvelint.report.overlay_model import Band, OverlayPanel, OverlayPlot, PlotLine
from curvelint.seed_groups.gather import judge_seed_groups
from tests.report.builders import diverged_run, overfitting_run
from tests.report.real_runs import report_of
from tests.test_groups import seed_runs

__all__ = ["seed_runs"]  # the session fixture, shared with tests.test_groups


def _curve(label: str, x: np.ndarray, y: np.ndarray, style: str = "dense") -> Curve:
    return Curve(
        label=label,
        metric="loss",
        split=label,
        style=style,  # type: ignore[arg-type]
        x=x,
        y=y,
        smoothed_x=x[np.isfinite(y)],
        smoothed_y=y[np.isfinite(y)],
        best=None,
        non_finite_x=x[~np.isfinite(y)],
        non_finite_count=int((~np.isfinite(y)).sum()),
    )


def _spec(name: str, *panels: Panel, columns: int = 1) -> PlotSpec:
    return PlotSpec(
        file_name=f"{name}.png",
        title=f"run: {name}",
        alt_text=name,
        x_label="step",
        panels=panels,
        columns=columns,
    )


def _made_specs() -> list[PlotSpec]:
    x = np.arange(500, dtype=np.float64)
    falling = 10.0 ** (-x / 100)  # five decades: a log y axis
    nan = np.full(500, np.nan)
    small = 3.0 + 1e-4 * np.sin(x)  # an offset text moved into the y label
    many = [_curve(f"seed {k}", x, 1 + 0.1 * k + 0.01 * np.sin(x + k)) for k in range(9)]
    return [
        _spec("log", Panel("loss", "loss", (_curve("train", x, falling),), log_y=True)),
        _spec(
            "limits",
            Panel(
                "loss",
                "loss",
                (_curve("train", x, np.where(x > 400, np.nan, small)),),
                log_y=False,
                y_limits=(2.99, 3.01),
                off_scale="early points off scale (up to 9)",
                scale_note="y axis zoomed",
                changepoints=(100.0, 300.0),
            ),
        ),
        _spec(
            "empty",
            Panel("accuracy", "accuracy", (_curve("eval", x, nan, "sparse"),), False, note="none"),
            Panel("f1", "f1", (_curve("eval", x, x / 500, "sparse"),), False),
            Panel("recall", "recall", (_curve("eval", x, falling, "exact"),), False),
            columns=2,
        ),
        _spec("crowded", Panel("loss", "loss", tuple(many), log_y=False)),
        replace(_five_panels(), epoch_scale=EpochScale(x[::50] + 200, x[::50] / 100)),
    ]


def _five_panels() -> PlotSpec:
    """Five small panels sharing x, the sixth axes hidden: its ticks depend on which axes the
    shared locator measures (as the metrics of a Trainer run with epochs)."""
    x = np.arange(200.0, 2201.0, 200.0)
    panels = [
        Panel(name, name, (_curve("eval", x, 0.9 + 0.004 * np.sqrt(x) / k, "sparse"),), False)
        for k, name in enumerate(("accuracy", "f1", "precision", "recall", "mcc"), start=1)
    ]
    return _spec("metrics", *panels, columns=2)


def _all_specs(sample_logs: Path) -> list[PlotSpec]:
    specs = _made_specs()
    for maker in (overfitting_run, diverged_run):
        run, analysis, diagnosis = maker()
        specs += build_run_report(run, analysis, diagnosis, folder="f").plots
    for path in sorted(p for p in sample_logs.iterdir() if p.is_dir()):
        specs += report_of(path).plots
    return specs


def test_plots_on_kept_figures_are_the_plots_on_new_ones(
    sample_logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = FigurePool()
    monkeypatch.setattr(plots, "POOL", pool)
    specs = _all_specs(sample_logs)
    fresh = [plots.png_bytes(plots.draw(spec)) for spec in specs]
    reused = 0
    for seed in range(3):
        for position in np.random.default_rng(seed).permutation(len(specs)):
            kept = pool.take(plots._shape(specs[position]))
            reused += kept is not None
            if kept is not None:
                pool.give_back(plots._shape(specs[position]), kept)
            assert plots.render_png(specs[position]) == fresh[position], specs[position].title
    assert reused >= 2 * len(specs)  # only each shape's first plot needs a new figure


def test_a_shape_is_drawn_on_the_same_figure_again() -> None:
    pool = FigurePool()
    made: list[Figure] = []

    def make() -> tuple[Figure, np.ndarray]:
        figure = Figure()
        made.append(figure)
        return figure, np.array([[figure.add_subplot()]])

    for _ in range(3):
        with pool.borrowed("one", make) as (_, grid):
            grid[0, 0].plot([1, 2], [3, 4])
            grid[0, 0].set_yscale("log")
            grid[0, 0].legend(["x"])
    assert len(made) == 1
    kept = pool.take("one")
    assert kept is not None
    axes = kept.grid[0, 0]
    assert not axes.lines and axes.get_legend() is None and axes.get_yscale() == "linear"
    assert tuple(axes.get_ylim()) == (0.0, 1.0) and axes.get_autoscaley_on()


def test_a_figure_that_failed_or_cannot_be_restored_is_dropped() -> None:
    pool = FigurePool()

    def make() -> tuple[Figure, np.ndarray]:
        figure = Figure()
        return figure, np.array([[figure.add_subplot()]])

    with pytest.raises(RuntimeError), pool.borrowed("failed", make):
        raise RuntimeError("drawing failed")
    assert pool.take("failed") is None
    with pool.borrowed("table", make) as (_, grid):
        grid[0, 0].table(cellText=[["a"]])  # an artist the pool does not remove
    assert pool.take("table") is None


def test_plots_with_an_epoch_axis_stay_right_after_kept_figures() -> None:
    x = np.arange(1, 1001, dtype=np.float64)
    epochs = EpochScale(steps=x[::100], epochs=np.arange(10, dtype=np.float64))
    plain = _spec("plain", Panel("loss", "loss", (_curve("train", x, 1 / x),), log_y=True))
    with_epochs = replace(plain, epoch_scale=epochs)
    expected = plots.png_bytes(plots.draw(with_epochs))
    for _ in range(2):
        plots.render_png(plain)
        assert plots.render_png(with_epochs) == expected


def _line(curve: Curve, colour: str, dashes: str = "-", band: bool = False) -> PlotLine:
    shade = Band(curve.x, curve.y - 0.05, curve.y + 0.05, f"band of {curve.label}")
    return PlotLine(curve, colour, dashes, shade if band else None)


def _overlay(name: str, *panels: OverlayPanel, columns: int = 1) -> OverlayPlot:
    return OverlayPlot(f"{name}.png", f"overlay: {name}", name, "step", panels, columns)


def _made_overlays() -> list[OverlayPlot]:
    x = np.arange(400, dtype=np.float64)
    falling = 10.0 ** (-x / 80)
    holed = np.where((x > 150) & (x < 160), np.nan, 1.0 + np.cos(x / 40))
    many = [_line(_curve(f"run {k}", x, 2 + k * 0.1 + np.sin(x / 30)), f"C{k}") for k in range(10)]
    return [
        _overlay(
            "log", OverlayPanel("loss", "loss", (_line(_curve("a", x, falling), "C0"),), True)
        ),
        _overlay(
            "banded",
            OverlayPanel(
                "loss",
                "loss",
                (
                    _line(_curve("base", x, holed), "C0", band=True),
                    _line(_curve("head", x, holed + 0.3, "sparse"), "C1", "--", band=True),
                ),
                False,
                y_limits=(-0.5, 2.5),
                off_scale="early points off scale (up to 9)",
            ),
        ),
        _overlay(
            "three",
            *(
                OverlayPanel(name, name, (_line(_curve("a", x, falling * k), "C2"),), False)
                for k, name in enumerate(("loss", "accuracy", "f1"), start=1)
            ),
            columns=2,
        ),
        _overlay("crowded", OverlayPanel("loss", "loss", tuple(many), False)),
    ]


def _real_overlays(sample_logs: Path, seed_runs: Path) -> list[OverlayPlot]:
    """Seed groups' plots (both bands) and compare's curves.png, from real logs."""
    specs = sorted(discover([seed_runs]).runs, key=lambda spec: spec.name)
    verdicts = {spec.name: "healthy" for spec in specs}
    groups = judge_seed_groups(specs, verdicts, None, JudgingOptions())
    found = [
        group_plot(result, f"group-{band}.png", None, band, 2000)
        for result in groups.judged
        for band in ("minmax", "interval")
    ]
    found.append(compare_paths(sample_logs, sample_logs).plot)
    found.append(compare_paths(seed_runs / "adam-lr1e-2", seed_runs / "sgd-lr2").plot)
    return [plot for plot in found if plot is not None]


def test_overlays_on_kept_figures_are_the_overlays_on_new_ones(
    sample_logs: Path, seed_runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Overlays and per-run plots drawn in shuffled orders on one pool: each PNG is the PNG
    of a new figure, and every overlay after its shape's first is drawn on a kept figure."""
    pool = FigurePool()
    monkeypatch.setattr(plots, "POOL", pool)
    monkeypatch.setattr(overlays, "POOL", pool)
    drawn = _made_overlays() + _real_overlays(sample_logs, seed_runs)
    assert len(drawn) >= 10 and any(len(plot.panels) > 1 for plot in drawn)
    specs: list[PlotSpec | OverlayPlot] = [*drawn, *_made_specs()]
    fresh = [
        plots.png_bytes(overlays.draw(spec) if isinstance(spec, OverlayPlot) else plots.draw(spec))
        for spec in specs
    ]
    reused = 0
    for seed in range(3):
        for position in np.random.default_rng(seed).permutation(len(specs)):
            spec = specs[position]
            if isinstance(spec, OverlayPlot):
                kept = pool.take(overlays._shape(spec))
                reused += kept is not None
                if kept is not None:
                    pool.give_back(overlays._shape(spec), kept)
                assert overlays.render_png(spec) == fresh[position], spec.title
            else:
                assert plots.render_png(spec) == fresh[position], spec.title
    assert reused >= 2 * len(drawn)  # only each shape's first overlay needs a new figure
