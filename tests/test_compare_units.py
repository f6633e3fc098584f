"""``curvelint compare``'s curves.png names what its x axis counts: epochs for logs that count
epochs (Keras' CSVLogger), steps otherwise, as a run's own plots do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from curvelint.compare.build import compare_paths
from curvelint.report.overlays import draw
from tests.test_groups import seed_runs

__all__ = ["seed_runs"]  # the session fixture, shared with tests.test_groups

PER_EPOCH_PAIR = ("keras_csv/irfanet10-191017-5", "keras_csv/irfanet10-211017")


def test_per_epoch_runs_are_compared_on_an_epoch_axis(corpus: Path, tmp_path: Path) -> None:
    base, head = (corpus / name for name in PER_EPOCH_PAIR)
    comparison = compare_paths(base, head)
    assert comparison.plot is not None
    assert comparison.plot.x_label == "epoch (as logged)"
    figure = draw(comparison.plot)
    assert [axes.get_xlabel() for axes in figure.axes if axes.get_visible()] == [
        "epoch (as logged)"
    ]
    best = [line.curve.best_label for panel in comparison.plot.panels for line in panel.lines]
    assert best and all(" at epoch " in label for label in best), best
    out = tmp_path / "cmp"
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", "compare", str(base), str(head), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    assert (out / "curves.png").stat().st_size > 0


def test_per_step_runs_keep_a_step_axis(seed_runs: Path) -> None:
    comparison = compare_paths(seed_runs / "adam-lr1e-2", seed_runs / "sgd-lr1e-2")
    assert comparison.plot is not None
    assert comparison.plot.x_label == "step"
    assert {axes.get_xlabel() for axes in draw(comparison.plot).axes if axes.get_visible()} == {
        "step"
    }
