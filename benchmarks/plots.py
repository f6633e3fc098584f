"""Time per plot: drawing and encoding each PNG of a few real runs and of one dense run.

``python -m benchmarks.plots`` prints one row per plot: the points drawn (every line's
vertices) and the best of ``--rounds`` CPU times to draw and encode it, on a new figure
(``draw`` + ``png_bytes``) and on a figure kept from the plot before, as ``analyze`` draws
(``render_png``, :mod:`curvelint.report.figure_pool`). Inputs: the sample logs, the first run
of each kind of the benchmark sweep when it was generated, a few public-corpus runs when
../shared/corpus/public is present, and a synthetic run of 200,000 train-loss points with NaNs
and spikes (the case a pixel-column reduction is for). Then the overlays, new and kept
(:mod:`curvelint.report.overlays`): compare's curves.png of the sample logs against themselves,
and the seed-group plots of the sample logs grouped by their library prefix (each band kind).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from benchmarks.datasets import FULL, root_for
from curvelint.compare.build import compare_paths
from curvelint.discover import discover
from curvelint.judging import JudgingOptions, judge_frame, judge_run
from curvelint.report import overlays
from curvelint.report.build import build_run_report
from curvelint.report.model import RunReport
from curvelint.report.overlay_data import group_plot
from curvelint.report.overlay_model import OverlayPlot
from curvelint.report.plots import draw, png_bytes, render_png
from curvelint.run_model import Run
from curvelint.runs import read_runs
from curvelint.schema import build_frame
from curvelint.seed_groups.gather import judge_seed_groups

REPO = Path(__file__).resolve().parent.parent
CORPUS_RUNS = (
    "trainer_state/neiro-overfit",
    "trainer_state/whisper-tiny-nbailab",
    "tfevents/action-emotion-nan",
    "tfevents/cifar10-estimator",
)
DENSE_POINTS = 200_000
SWEEP = root_for(FULL) / "sweep"
SWEEP_RUNS = ("run-000", "run-005", "run-007", "run-008", "run-009")  # one of each kind
SAMPLE_GROUPS = r"^(hf_bert|keras_csv|torch)_"  # pairs of sample runs as seed groups


def dense_report() -> RunReport:
    """A 200,000-point train loss with a few spikes and a NaN stretch, judged as analyze does."""
    generator = np.random.default_rng(0)
    steps = np.arange(DENSE_POINTS, dtype=np.int64)
    values = 2.0 * (1 + steps / 500.0) ** -0.4 + generator.normal(0, 0.03, DENSE_POINTS)
    values[[5_000, 77_777, 150_001]] += 5.0
    values[120_000:120_010] = np.nan
    frame = build_frame(
        tag=np.full(DENSE_POINTS, "train/loss", dtype=object),
        step=steps,
        value=values,
        source="synthetic",
        run="dense",
    )
    judged = judge_frame("dense", frame, {}, JudgingOptions())
    run = Run(name="dense", format="synthetic", frame=frame)
    return build_run_report(run, judged.analysis, judged.diagnosis, folder="dense")


def reports() -> Iterator[RunReport]:
    paths = sorted(p for p in (REPO / "sample_logs").iterdir() if p.is_dir())
    corpus = REPO.parent / "shared" / "corpus" / "public"
    paths += [SWEEP / name for name in SWEEP_RUNS if (SWEEP / name).exists()]
    paths += [corpus / name for name in CORPUS_RUNS if (corpus / name).exists()]
    for path in paths:
        for run in read_runs([path]).runs:
            judged = judge_run(run)
            yield build_run_report(run, judged.analysis, judged.diagnosis, folder=run.name)
    yield dense_report()


def overlay_plots() -> Iterator[OverlayPlot]:
    """compare's curves.png of the sample logs, and their seed-group plots (both bands)."""
    samples = REPO / "sample_logs"
    specs = sorted(discover([samples]).runs, key=lambda spec: spec.name)
    verdicts = {spec.name: "healthy" for spec in specs}
    groups = judge_seed_groups(specs, verdicts, SAMPLE_GROUPS, JudgingOptions())
    for result in groups.judged:
        for band in ("minmax", "interval"):
            plot = group_plot(result, f"{result.group.key}-{band}.png", None, band, 2000)
            if plot is not None:
                yield plot
    compared = compare_paths(samples, samples).plot
    if compared is not None:
        yield compared


def points_drawn(figure: Figure) -> int:
    return sum(len(line.get_xdata()) for axes in figure.axes for line in axes.get_lines())


def seconds(new: Callable[[], Figure], kept: Callable[[], bytes], rounds: int) -> list[float]:
    """The best CPU times of ``rounds`` to draw and encode a plot on a new figure (``new``
    then ``png_bytes``) and on one kept from drawing it before (``kept``)."""
    found = []
    for draw_once in (lambda: png_bytes(new()), kept):
        draw_once()  # for ``kept``: the figure of its shape is now kept
        best = float("inf")
        for _ in range(rounds):
            start = time.process_time()
            draw_once()
            best = min(best, time.process_time() - start)
        found.append(best)
    return found


def _row(name: str, file_name: str, figure: Figure, spent: list[float]) -> None:
    print(
        f"{name[:44]:44} {file_name[:14]:14} {points_drawn(figure):9,} "
        f"{spent[0] * 1e3:8.1f} {spent[1] * 1e3:8.1f}"
    )


def _mean(name: str, times: list[list[float]]) -> None:
    if not times:
        return
    new, kept = (sum(column) / max(len(times), 1) * 1e3 for column in zip(*times, strict=True))
    print(
        f"{len(times)} {name}, mean CPU per plot: {new:.1f} ms on a new figure, {kept:.1f} ms kept"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print(f"{'run':44} {'plot':14} {'points':>9} {'new ms':>8} {'kept ms':>8}")
    times: list[list[float]] = []
    for report in reports():
        for spec in report.plots:
            times.append(seconds(partial(draw, spec), partial(render_png, spec), rounds))
            _row(report.name, spec.file_name, draw(spec), times[-1])
    _mean("plots", times)
    times = []
    for plot in overlay_plots():
        new, kept = partial(overlays.draw, plot), partial(overlays.render_png, plot)
        times.append(seconds(new, kept, rounds))
        _row(plot.title, plot.file_name, overlays.draw(plot), times[-1])
    _mean("overlays", times)


if __name__ == "__main__":
    main()
