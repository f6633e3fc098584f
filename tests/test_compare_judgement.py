"""compare judges a regression by the metrics first, names each curve once, and draws base and
head train and eval on a scale that shows their difference — on runs written by torch's
SummaryWriter at test time, and on the public corpus where it is present."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from torch.utils.tensorboard import SummaryWriter

from curvelint.compare.build import compare_paths
from curvelint.compare.markdown import render_compare
from curvelint.compare.plot_data import comparison_plot
from curvelint.report.overlays import draw

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "public"
Points = dict[str, list[tuple[int, float]]]


def write_run(folder: Path, curves: Points) -> Path:
    """One TensorBoard run holding ``curves`` (tag -> (step, value) points)."""
    writer = SummaryWriter(str(folder))
    for tag, points in curves.items():
        for step, value in points:
            writer.add_scalar(tag, value, step)
    writer.close()
    return folder


def _noisy(values: np.ndarray, seed: int, scale: float) -> list[float]:
    generator = np.random.default_rng(seed)
    return [float(v) for v in values + generator.normal(0.0, scale, len(values))]


@pytest.fixture(scope="module")
def improved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Base still falling in a straight line (not converged); head far lower everywhere but
    its eval loss turns up at the end (overfitting), and its accuracy is higher."""
    root = tmp_path_factory.mktemp("improved")
    steps = np.arange(0, 2001, 10)
    evals = np.arange(100, 2001, 100)
    base_train = 2.0 - 0.0004 * steps
    base_eval = 2.1 - 0.0004 * evals
    head_train = 0.2 + 1.8 * np.exp(-steps / 150)
    head_eval = 0.45 + 1.6 * np.exp(-evals / 150) + 0.0003 * np.maximum(evals - 700, 0)
    base = {
        "train/loss": list(zip(steps.tolist(), _noisy(base_train, 1, 0.01), strict=True)),
        "eval/loss": list(zip(evals.tolist(), _noisy(base_eval, 2, 0.005), strict=True)),
        "eval/accuracy": [(int(s), 0.6 + 0.00005 * s) for s in evals],
    }
    head = {
        "train/loss": list(zip(steps.tolist(), _noisy(head_train, 3, 0.01), strict=True)),
        "eval/loss": list(zip(evals.tolist(), _noisy(head_eval, 4, 0.005), strict=True)),
        "eval/accuracy": [(int(s), 0.85 + 0.00001 * s) for s in evals],
    }
    return write_run(root / "base", base), write_run(root / "head", head)


def test_a_worse_verdict_with_better_metrics_is_not_a_regression(
    improved: tuple[Path, Path],
) -> None:
    comparison = compare_paths(*improved)
    (pair,) = comparison.pairs
    assert (pair.verdict.base, pair.verdict.head) == ("not_converged", "overfitting")
    assert pair.verdict.overruled and pair.verdict.move == "changed"
    assert comparison.regressions == ()
    changes = {row.key: (row.best.change, row.final.change) for row in pair.series}
    assert changes["loss/eval"] == ("better", "better")
    assert changes["accuracy/eval"] == ("better", "better")
    text = render_compare(comparison)
    assert "🟢 **No regression**" in text
    assert "not a regression" in text


def test_the_cli_exits_0_when_only_the_verdict_reads_worse(
    improved: tuple[Path, Path], tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "curvelint", "compare", *map(str, improved)]
    result = subprocess.run(
        [*command, "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No regression" in result.stdout


def test_a_difference_beyond_the_noise_is_said_plainly(improved: tuple[Path, Path]) -> None:
    text = render_compare(compare_paths(*improved))
    row = next(line for line in text.splitlines() if line.startswith("| loss / eval | best"))
    assert "🟢 better, beyond the noise (" in row and " vs noise " in row
    assert "within-run noise, margin" not in text


def test_a_curve_logged_under_two_tags_is_compared_once(tmp_path: Path) -> None:
    """Keras' TensorBoard callback logs the validation loss as ``epoch_loss`` in
    ``validation/`` and again as ``evaluation_loss_vs_iterations``: one curve, one row."""
    epochs = list(range(10))
    sides = []
    for side, level in (("base", 0.5), ("head", 0.3)):
        values = [level + 0.5 * np.exp(-e / 3) for e in epochs]
        write_run(
            tmp_path / side / "train",
            {"epoch_loss": [(e, v + 0.1) for e, v in zip(epochs, values, strict=True)]},
        )
        write_run(
            tmp_path / side / "validation",
            {
                "epoch_loss": list(zip(epochs, values, strict=True)),
                "evaluation_loss_vs_iterations": [
                    (1500 * (e + 1), v) for e, v in zip(epochs, values, strict=True)
                ],
            },
        )
        sides.append(tmp_path / side)
    (pair,) = compare_paths(*sides).pairs
    keys = [row.key for row in pair.series]
    assert "loss/eval" in keys
    assert not any("vs_iterations" in key for key in keys), keys


def _spiky(tmp_path: Path) -> tuple[Path, Path]:
    """A first loss of 900 on base, then base lives near 6.1 and head near 4.2; the eval loss
    is logged under Keras' ``val_loss``."""
    steps = np.arange(0, 1001, 10)
    sides = []
    for side, level, seed in (("base", 6.1, 5), ("head", 4.2, 6)):
        train = level + 0.5 * np.exp(-steps / 200)
        values = _noisy(train, seed, 0.02)
        if side == "base":
            values[0] = 900.0
        evals = steps[::10]
        curves = {
            "loss": list(zip(steps.tolist(), values, strict=True)),
            "val_loss": [(int(s), level + 0.3 + 0.5 * np.exp(-s / 200)) for s in evals],
        }
        sides.append(write_run(tmp_path / side, curves))
    return sides[0], sides[1]


def test_curves_png_shows_base_and_head_apart_past_an_early_spike(tmp_path: Path) -> None:
    comparison = compare_paths(*_spiky(tmp_path))
    plot, _ = comparison_plot(comparison.pairs, "minmax", None, 2000)
    assert plot is not None
    (panel,) = plot.panels
    labels = {line.curve.label for line in panel.lines}
    assert labels == {"base train", "base eval", "head train", "head eval"}
    assert panel.y_limits is not None and not panel.log_y
    low, high = panel.y_limits
    assert low < 4.2 and 6.6 < high < 20, panel.y_limits  # both bulks inside, the 900 outside
    figure = draw(plot)
    drawn_low, drawn_high = figure.axes[0].get_ylim()
    assert (drawn_low, drawn_high) == pytest.approx((low, high))
    assert (drawn_high - drawn_low) < 3 * (6.6 - 4.2)  # the 4.2 vs 6.1 gap fills the axes


def test_the_corpus_comparison_that_read_as_a_regression(tmp_path: Path) -> None:
    """tbtutorial: SGD (not converged) against Adam (overfitting), eval loss -55 %, accuracy
    +2.8 %: every metric better beyond the noise, so no regression."""
    base, head = (
        CORPUS / "tfevents" / "tbtutorial-exp2-sgd",
        CORPUS / "tfevents" / "tbtutorial-exp12-adam",
    )
    if not (base.is_dir() and head.is_dir()):
        pytest.skip("the public corpus is absent")
    comparison = compare_paths(base, head)
    assert comparison.regressions == ()
    (pair,) = comparison.pairs
    keys = [row.key for row in pair.series]
    assert len(keys) == len(set(keys)) and not any("vs_iterations" in k for k in keys), keys
    assert "eval" in {line.curve.label.split()[-1] for line in comparison.plot.panels[0].lines}  # type: ignore[union-attr]


def test_the_corpus_comparison_whose_plot_hid_a_4_vs_6_difference() -> None:
    """nbeats: one early spike near 900 used to set a linear axis that hid head's 6.1 against
    base's 4.2; ``ptl_loss`` and ``loss/eval`` are one curve."""
    base, head = CORPUS / "tfevents" / "nbeats-v0", CORPUS / "tfevents" / "nbeats-v14"
    if not (base.is_dir() and head.is_dir()):
        pytest.skip("the public corpus is absent")
    comparison = compare_paths(base, head)
    (pair,) = comparison.pairs
    keys = [row.key for row in pair.series]
    assert "loss/eval" in keys and not any("ptl" in key for key in keys), keys
    assert comparison.plot is not None
    (panel,) = comparison.plot.panels
    assert {line.curve.label for line in panel.lines} >= {"base eval", "head eval"}
    assert panel.y_limits is not None
    low, high = panel.y_limits
    assert low < 4.2 and 6.2 < high < 20, panel.y_limits
