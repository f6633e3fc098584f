"""Time per plot: drawing and encoding each PNG of a few real runs and of one dense run.

``python -m benchmarks.plots`` prints one row per plot: the points drawn (every line's
vertices) and the best of ``--rounds`` CPU times to draw and encode it, on a new figure
(``draw`` + ``png_bytes``) and on a figure kept from the plot before, as ``analyze`` draws
(``render_png``, :mod:`curvelint.report.figure_pool`). Inputs: the sample logs, the first run
of each kind of the benchmark sweep when it was generated, a few public-corpus runs when
../shared/corpus/public is present, and a synthetic run of 200,000 train-loss points with NaNs
and spikes (the case a pixel-column reduction is for).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from benchmarks.datasets import FULL, root_for
from curvelint.judging import JudgingOptions, judge_frame, judge_run
from curvelint.report.build import build_run_report
from curvelint.report.model import PlotSpec, RunReport
from curvelint.report.plots import draw, png_bytes, render_png
from curvelint.run_model import Run
from curvelint.runs import read_runs
from curvelint.schema import build_frame

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


def points_drawn(spec: PlotSpec) -> int:
    return sum(len(line.get_xdata()) for axes in draw(spec).axes for line in axes.get_lines())


def seconds(spec: PlotSpec, rounds: int, kept: bool) -> float:
    """The best CPU time of ``rounds`` to draw and encode ``spec`` on a new figure, or on one
    kept from drawing it before (``kept``)."""
    if kept:
        render_png(spec)  # the figure of its shape is now kept
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        if kept:
            render_png(spec)
        else:
            png_bytes(draw(spec))
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    totals = [0.0, 0.0]
    count = 0
    print(f"{'run':44} {'plot':14} {'points':>9} {'new ms':>8} {'kept ms':>8}")
    for report in reports():
        for spec in report.plots:
            spent = [seconds(spec, rounds, kept) for kept in (False, True)]
            totals = [total + one for total, one in zip(totals, spent, strict=True)]
            count += 1
            name = report.name[:44]
            print(
                f"{name:44} {spec.file_name:14} {points_drawn(spec):9,} "
                f"{spent[0] * 1e3:8.1f} {spent[1] * 1e3:8.1f}"
            )
    new, kept = (total / max(count, 1) * 1e3 for total in totals)
    print(f"{count} plots, mean CPU per plot: {new:.1f} ms on a new figure, {kept:.1f} ms kept")


if __name__ == "__main__":
    main()
