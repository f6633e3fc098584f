"""tools.verdict_stability: the logging variants cut each series on its own, and a labelled
split is judged as logged and under every variant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from tools.verdict_stability import VARIANTS, drop_first, drop_last, judge_split, summary, thin

DEV = Path(__file__).resolve().parent / "benchmark" / "dev"
RUN = "diverged-tb-sgd-momentum-blowup-cnn-digits-s520"


def _frame() -> pd.DataFrame:
    """A train series of 5 points and an eval series of 3, interleaved as readers leave them."""
    rows = [("loss", "train", "a", step, float(step)) for step in range(5)]
    rows += [("loss", "eval", "a", step, 10.0 + step) for step in (0, 2, 4)]
    frame = pd.DataFrame(rows, columns=["tag", "split", "source", "step", "value"])
    return frame.sort_values("step", kind="stable")


def _steps(frame: pd.DataFrame, split: str) -> list[int]:
    return sorted(frame.loc[frame["split"] == split, "step"].tolist())


def test_each_series_is_cut_on_its_own() -> None:
    frame = _frame()
    assert (_steps(thin(frame), "train"), _steps(thin(frame), "eval")) == ([0, 2, 4], [0, 4])
    assert (_steps(drop_first(frame), "train"), _steps(drop_first(frame), "eval")) == (
        [1, 2, 3, 4],
        [2, 4],
    )
    assert (_steps(drop_last(frame), "train"), _steps(drop_last(frame), "eval")) == (
        [0, 1, 2, 3],
        [0, 2],
    )


def test_a_labelled_split_is_judged_as_logged_and_under_every_variant(tmp_path: Path) -> None:
    split = tmp_path / "split"
    shutil.copytree(DEV / "runs" / RUN, split / "runs" / RUN)
    header = (DEV / "labels.csv").read_text().splitlines()[0]
    row = next(
        line for line in (DEV / "labels.csv").read_text().splitlines() if line.startswith(RUN)
    )
    (split / "labels.csv").write_text(f"{header}\n{row}\n")
    (judged,) = list(judge_split(split))
    assert (judged.label, judged.logged) == ("diverged", "diverged")
    assert judged.run == f"split/{RUN}"  # the labelled run, not a sub-folder such as version_0
    assert set(judged.variants) == set(VARIANTS)
    assert all(verdict is not None for verdict in judged.variants.values())
    lines = summary([judged])
    assert len([line for line in lines if " of 1 verdicts changed" in line]) == len(VARIANTS)
