"""Keras' TensorBoard callback logs per iteration (``batch_*``, ``evaluation_*_vs_iterations``)
and per epoch (``epoch_*``) in one run: every panel, legend and sentence names the unit of the
curve it shows.

The logs are written by a real Keras 3 fit (torch backend) with the real
``keras.callbacks.TensorBoard``. TensorFlow is not installed here, so the callback's
``tf.summary`` calls go to a stand-in holding tf.summary's default-writer stack and
``record_if`` over torch's ``SummaryWriter``: the tags, steps and folders are the callback's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from curvelint.readers import tensorboard
from curvelint.readers.base import steps_are_epochs
from curvelint.report.json_output import run_document
from curvelint.report.markdown import render_markdown
from curvelint.report.model import PlotSpec, RunReport
from curvelint.report.plots import draw
from tests.readers.writers import run_keras
from tests.report.real_runs import read_one, report_of

KERAS_TENSORBOARD_SCRIPT = """
import contextlib
import sys

import keras
import numpy as np
from torch.utils.tensorboard import SummaryWriter


class Summary:
    def __init__(self):
        self.writers, self.conditions = [], []

    def create_file_writer(self, logdir):
        summary = self

        class Writer:
            def __init__(self):
                self.writer = SummaryWriter(logdir)

            @contextlib.contextmanager
            def as_default(self, step=None):
                summary.writers.append(self.writer)
                try:
                    yield self
                finally:
                    summary.writers.pop()

            def flush(self):
                self.writer.flush()

            def close(self):
                self.writer.close()

        return Writer()

    @contextlib.contextmanager
    def record_if(self, condition):
        self.conditions.append(condition)
        try:
            yield
        finally:
            self.conditions.pop()

    def scalar(self, name, data, step):
        if not self.writers or not all(condition() for condition in self.conditions):
            return False
        self.writers[-1].add_scalar(name, float(data), int(step))
        return True


update_freq = sys.argv[2] if sys.argv[2] == "epoch" else int(sys.argv[2])
x = np.random.default_rng(0).normal(size=(256, 3)).astype("float32")
y = x.sum(axis=1, keepdims=True)
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
callback = keras.callbacks.TensorBoard(sys.argv[1], update_freq=update_freq, write_graph=False)
callback._summary_module = Summary()
model.fit(x, y, epochs=12, batch_size=16, validation_split=0.25, verbose=0, callbacks=[callback])
"""


def _keras_log(root: Path, update_freq: str) -> Path:
    script = KERAS_TENSORBOARD_SCRIPT.replace("sys.argv[2]", repr(update_freq))
    run_keras(script, root)
    return root


@pytest.fixture(scope="module")
def mixed_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``update_freq=2``: batch_* every second batch beside epoch_* and evaluation_*."""
    return _keras_log(tmp_path_factory.mktemp("keras_mixed") / "run", "2")


@pytest.fixture(scope="module")
def epoch_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default ``update_freq="epoch"``: epoch_* and evaluation_*_vs_iterations only."""
    return _keras_log(tmp_path_factory.mktemp("keras_epoch") / "run", "epoch")


def _x_labels(spec: PlotSpec) -> dict[str, str]:
    figure: Figure = draw(spec)
    return {axes.get_ylabel(): axes.get_xlabel() for axes in figure.axes if axes.get_ylabel()}


def _best_labels(report: RunReport) -> list[tuple[str, str]]:
    """(legend label of a best-point star, x label of its axes) on every drawn panel."""
    return [
        (str(line.get_label()), axes.get_xlabel())
        for spec in report.plots
        for axes in draw(spec).axes
        for line in axes.get_lines()
        if str(line.get_label()).startswith("best")
    ]


def _say_their_axis_unit(labels: list[tuple[str, str]]) -> bool:
    return all(f" at {axis.split(' ')[0]} " in label for label, axis in labels)


def _plot(report: RunReport, file_name: str) -> PlotSpec:
    return next(spec for spec in report.plots if spec.file_name == file_name)


def test_the_reader_says_which_tags_count_epochs(mixed_log: Path) -> None:
    run = read_one(mixed_log)
    tags = set(run.frame["tag"].astype(str))
    assert {"batch_loss", "epoch_loss", "evaluation_loss_vs_iterations"} <= tags
    assert "epoch_learning_rate" in tags
    assert steps_are_epochs(run.metadata, "epoch_loss")
    assert steps_are_epochs(run.metadata, "epoch_learning_rate")
    assert not steps_are_epochs(run.metadata, "batch_loss")
    assert not steps_are_epochs(run.metadata, "evaluation_loss_vs_iterations")
    assert not steps_are_epochs(run.metadata)  # the run as a whole counts iterations
    assert run.format == tensorboard.NAME


def test_mixed_log_judges_iteration_curves_together(mixed_log: Path) -> None:
    report = report_of(mixed_log)
    tags = {summary.key: summary.tag for summary in report.series}
    assert tags["loss/train"] == "batch_loss"
    assert tags["loss/eval"] == "evaluation_loss_vs_iterations"  # not epoch_loss at step = epoch
    assert "loss_vs_iterations/eval" not in tags  # the eval loss is named once
    assert report.step_unit == "step"
    assert not any(f.code == "eval_better_than_train" for f in report.findings)


def test_each_panel_names_its_own_unit(mixed_log: Path) -> None:
    report = report_of(mixed_log)
    loss = _plot(report, "loss.png")
    assert loss.x_label == "step"
    assert set(_x_labels(loss).values()) == {"step"}
    assert _x_labels(_plot(report, "metrics.png")) == {"mae": "step"}
    optimizer = _plot(report, "optimizer.png")
    assert optimizer.panels[0].x_label == "epoch (as logged)"
    assert _x_labels(optimizer) == {"learning rate": "epoch (as logged)"}
    best = _best_labels(report)
    assert best and all(axis == "step" for _, axis in best) and _say_their_axis_unit(best), best
    text = render_markdown(report)
    assert "learning\\_rate of run: logged stays at 0.01 \\(epoch 0–11\\)" in text
    units = {series["tag"]: series["step_unit"] for series in run_document(report)["series"]}
    assert units["batch_loss"] == "step" and units["epoch_learning_rate"] == "epoch"
    assert "| learning\\_rate | 12 | 0.01 @ epoch 11 |" in text  # the key numbers say so too
    assert "@ epoch" not in text.split("| learning\\_rate |")[0]
    loss_alt = text.split("](loss.png)")[0].rsplit("![", 1)[-1]
    assert loss_alt.startswith("loss of run: train falls") and "(epoch" not in loss_alt


def test_a_per_epoch_log_says_epoch_and_its_iteration_extras_say_step(epoch_log: Path) -> None:
    report = report_of(epoch_log)
    tags = {summary.key: summary.tag for summary in report.series}
    assert tags["loss/train"] == "epoch_loss" and tags["loss/eval"] == "epoch_loss"
    assert report.step_unit == "epoch"
    loss = _plot(report, "loss.png")
    assert set(_x_labels(loss).values()) == {"epoch (as logged)"}
    best = _best_labels(report)
    assert {axis for _, axis in best} == {"epoch (as logged)", "step"}, best
    assert _say_their_axis_unit(best), best
    extras = [
        panel
        for spec in report.plots
        for panel in spec.panels
        if panel.title.endswith("_vs_iterations")
    ]
    assert extras and all(panel.x_label == "step" for panel in extras)
    for word in ("step ", "epoch "):
        if word in report.reason:
            assert word == "epoch ", report.reason  # the reason counts in the judged unit


def test_a_per_epoch_report_counts_its_epochs(corpus: Path, epoch_log: Path) -> None:
    """Keras' CSVLogger logs epochs 0–34: the report says 35 epochs, not "Steps 0 – 34" and
    "Epochs 34"."""
    path = corpus / "keras_csv" / "action-emotion"
    if not path.is_dir():
        pytest.skip("keras_csv/action-emotion is not in the corpus")
    text = render_markdown(report_of(path))
    assert "| Epochs | 35 (logged as 0 – 34) |" in text
    assert "| Steps |" not in text and "| Epochs | 34 |" not in text
    assert "| Epochs | 12 (logged as 0 – 11) |" in render_markdown(report_of(epoch_log))
