"""`curvelint analyze --plot METRIC` and `plot = [...]` in curvelint.toml choose the panels of
metrics.png, as a real subprocess on real runs; the figure drawn holds exactly those panels."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curvelint.report.model import ReportOptions
from curvelint.report.plots import draw
from tests.report.real_runs import report_of
from tests.test_cli_analyze import curvelint

BRATS = "keras_csv/brats2020-unet"
GRPO = "trainer_state/grpo-taubench"


def _run(corpus: Path, name: str) -> Path:
    path = corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    return path


def _metrics_alt(out: Path) -> str:
    (report,) = out.glob("*/report.md")
    text = report.read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if "](metrics.png)" in line)


def test_plot_option_chooses_the_panels(corpus: Path, tmp_path: Path) -> None:
    logs = tmp_path / "brats"
    shutil.copytree(_run(corpus, BRATS), logs)
    done = curvelint(
        "analyze", "brats", "--plot", "mean_io_u_5", "--plot", "accuracy/eval",
        "--plot", "no_such_metric", "-o", "out", "--no-cache", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    alt = _metrics_alt(tmp_path / "out")
    assert "mean\\_io\\_u\\_5, accuracy" in alt
    report = next((tmp_path / "out").glob("*/report.md")).read_text(encoding="utf-8")
    assert "Asked to plot but not logged in this run: no\\_such\\_metric." in report
    assert "dice\\_coef" in next(line for line in report.splitlines() if "Not plotted" in line)


def test_plot_in_curvelint_toml(corpus: Path, tmp_path: Path) -> None:
    shutil.copytree(_run(corpus, BRATS), tmp_path / "brats")
    (tmp_path / "curvelint.toml").write_text('plot = ["precision"]\n', encoding="utf-8")
    done = curvelint("analyze", "brats", "-o", "out", "--no-cache", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    alt = _metrics_alt(tmp_path / "out")  # the alt text names each panel, then its curves
    assert alt.startswith("![metrics of training.log: precision: ")
    assert "accuracy" not in alt and "recall" not in alt


def test_chosen_panels_are_the_panels_drawn(corpus: Path) -> None:
    options = ReportOptions(plot_metrics=("mean_io_u_5", "dice_coef/train"))
    report = report_of(_run(corpus, BRATS), options)
    spec = next(s for s in report.plots if s.file_name == "metrics.png")
    titles = [axes.get_title(loc="left") for axes in draw(spec).axes if axes.get_visible()]
    assert titles == ["mean io u 5", "dice coef"]
    assert [c.split for c in spec.panels[1].curves] == ["train"]


def test_by_default_an_iou_fills_a_free_panel_and_a_reward_is_plotted(corpus: Path) -> None:
    brats = report_of(_run(corpus, BRATS))
    assert not any(name.startswith("mean_io_u") for name in brats.unplotted)
    grpo = report_of(_run(corpus, GRPO))
    assert "reward/train" not in grpo.unplotted
    metrics = next(s for s in grpo.plots if s.file_name == "metrics.png")
    assert metrics.panels[0].title == "reward"
