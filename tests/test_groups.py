"""Seed groups: names → groups, the mean curve of a group's seeds, and groups in ``analyze``
on real runs written by torch's SummaryWriter at test time."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from curvelint.errors import ConfigError
from curvelint.pipeline import PipelineOptions, analyze_paths
from curvelint.report.json_schema import summary_schema
from curvelint.report.seed_groups import groups_folder
from curvelint.runs import read_runs
from curvelint.seed_groups.naming import DEFAULT_PATTERN, compile_pattern, group_runs, split_name
from curvelint.seed_groups.seeds import MemberSeries, mean_curve, on_steps
from tests.readers.writers import require, run_writer

# --------------------------------------------------------------------------- real seed runs

# Three configurations of a tiny MLP regressing tanh(x·w) on synthetic data: Adam 1e-2 and SGD
# 1e-2 (three seeds each; SGD learns visibly slower) and SGD 2.0 with momentum, which blows up.
SEED_RUNS_SCRIPT = """
import sys
from pathlib import Path
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

root = Path(sys.argv[1])
torch.set_num_threads(1)
data = torch.Generator().manual_seed(1234)
x = torch.randn(512, 8, generator=data)
w = torch.randn(8, 1, generator=data)
y = torch.tanh(x @ w) + 0.1 * torch.randn(512, 1, generator=data)
x_train, y_train, x_eval, y_eval = x[:384], y[:384], x[384:], y[384:]
CONFIGS = {
    "adam-lr1e-2": ("adam", 1e-2, (1, 2, 3)),
    "sgd-lr1e-2": ("sgd", 1e-2, (1, 2, 3)),
    "sgd-lr2": ("sgd", 2.0, (1,)),
}
for config, (kind, rate, seeds) in CONFIGS.items():
    for seed in seeds:
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))
        if kind == "adam":
            optimizer = torch.optim.Adam(model.parameters(), lr=rate)
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=rate, momentum=0.9)
        writer = SummaryWriter(str(root / config / f"seed_{seed}"))
        for step in range(200):
            rows = torch.randint(0, 384, (32,))
            loss = nn.functional.mse_loss(model(x_train[rows]), y_train[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            writer.add_scalar("Loss/train", loss.item(), step)
            if step % 10 == 9:
                with torch.no_grad():
                    value = nn.functional.mse_loss(model(x_eval), y_eval).item()
                writer.add_scalar("Loss/eval", value, step)
        writer.close()
"""
_WRITTEN: dict[str, Path] = {}


@pytest.fixture(scope="session")
def seed_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``adam-lr1e-2/seed_{1,2,3}``, ``sgd-lr1e-2/seed_{1,2,3}``, ``sgd-lr2/seed_1`` (diverges),
    written once per session (other test modules import this fixture)."""
    if "runs" not in _WRITTEN:
        require("torch")
        folder = tmp_path_factory.mktemp("seed-runs")
        run_writer(SEED_RUNS_SCRIPT, folder)
        _WRITTEN["runs"] = folder
    return _WRITTEN["runs"]


def copy_run(source: Path, target: Path) -> Path:
    """A real run's event files under a new name."""
    shutil.copytree(source, target)
    return target


# --------------------------------------------------------------------------- names → groups

DEFAULT = re.compile(DEFAULT_PATTERN, re.IGNORECASE)


@pytest.mark.parametrize(
    ("name", "key", "seed"),
    [
        ("cfg-seed3", "cfg", "3"),
        ("cfg_s3", "cfg", "3"),
        ("lr=0.1,seed=3", "lr=0.1", "3"),
        ("sweep/lr0.1/seed_3", "sweep/lr0.1", "3"),
        ("cfg/seed-12", "cfg", "12"),
        ("cfg-Seed7", "cfg", "7"),
        ("seed_3", "seed_*", "3"),
        ("../runs/seed_3", "../runs", "3"),  # the name's own leading dots stay
        (".hidden-s1", ".hidden", "1"),
    ],
)
def test_the_default_strips_a_trailing_seed_marker(name: str, key: str, seed: str) -> None:
    assert split_name(name, DEFAULT) == (key, seed)


@pytest.mark.parametrize("name", ["runs3", "cfg-seed3/version_0", "resnet50", "cfg-seedling"])
def test_names_without_a_trailing_seed_are_not_split(name: str) -> None:
    assert split_name(name, DEFAULT) is None


def test_groups_need_two_members_and_sort_seeds_numerically() -> None:
    names = ["b_s10", "b_s2", "b_s1", "a-seed1", "alone", "c/seed_1"]
    grouping = group_runs(names, compile_pattern(None))
    assert [(g.key, g.members, g.seeds) for g in grouping.groups] == [
        ("b", ("b_s1", "b_s2", "b_s10"), ("1", "2", "10"))
    ]
    assert grouping.ungrouped == ("a-seed1", "alone", "c/seed_1")
    assert grouping.group_of("b_s2") is grouping.groups[0]
    assert grouping.group_of("alone") is None


def test_group_by_uses_the_first_capture_group_other_than_seed() -> None:
    assert split_name("7-resnet", re.compile(r"^(?P<seed>\d+)-(.*)$")) == ("resnet", "7")
    assert split_name("resnet-run2", re.compile(r"^(.*)-run(\d+)$")) == ("resnet", "2")


def test_group_by_without_a_key_group_removes_the_match() -> None:
    assert split_name("resnet-r4-long", re.compile(r"-r(?P<seed>\d+)")) == ("resnet-long", "4")
    grouping = group_runs(["x-r1", "x-r2", "y"], compile_pattern(r"-r\d+"))
    assert [(g.key, g.seeds) for g in grouping.groups] == [("x", ("1", "2"))]


def test_group_by_none_turns_groups_off_and_a_bad_regex_is_a_config_error() -> None:
    assert compile_pattern("none") is None
    assert group_runs(["a-seed1", "a-seed2"], None).groups == ()
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        compile_pattern("(unclosed")


# --------------------------------------------------------------------------- the mean curve


def member(name: str, steps: list[int], values: list[float]) -> MemberSeries:
    return MemberSeries(name, np.array(steps, dtype=np.int64), np.array(values, dtype=np.float64))


def test_the_mean_uses_the_union_of_steps_and_each_seed_only_in_its_range() -> None:
    a = member("a", [0, 10, 20], [1.0, 2.0, 3.0])
    b = member("b", [5, 15], [10.0, 20.0])
    curve = mean_curve([a, b], "loss", "train", "Loss/train")
    assert curve.steps.tolist() == [0, 5, 10, 15, 20]
    assert curve.count.tolist() == [1, 2, 2, 2, 1]
    # a at 5 and 15 is interpolated (1.5, 2.5); b only counts between 5 and 15.
    assert curve.mean.tolist() == [1.0, (1.5 + 10) / 2, (2 + 15) / 2, (2.5 + 20) / 2, 3.0]
    assert curve.low.tolist() == [1.0, 1.5, 2.0, 2.5, 3.0]
    assert curve.high.tolist() == [1.0, 10.0, 15.0, 20.0, 3.0]


def test_a_diverged_seed_is_never_averaged_away() -> None:
    healthy = member("healthy", [0, 10, 20, 30], [4.0, 3.0, 2.0, 1.0])
    diverged = member("diverged", [0, 10, 20], [4.0, math.inf, math.nan])  # ends at step 20
    curve = mean_curve([healthy, diverged], "loss", "train", "loss")
    assert curve.diverged == ("diverged",)
    assert curve.mean[0] == 4.0
    assert not np.isfinite(curve.mean[1:]).any()  # including step 30, after the seed stopped
    assert curve.count.tolist() == [2, 2, 2, 2]
    assert curve.low.tolist() == curve.high.tolist() == [4.0, 3.0, 2.0, 1.0]  # finite seeds


def test_interpolation_next_to_a_non_finite_point_is_not_finite() -> None:
    values, counted = on_steps(member("a", [0, 10], [1.0, math.nan]), np.array([0, 5, 10, 15]))
    assert values[0] == 1.0 and np.isnan(values[1:]).all()
    assert counted.tolist() == [True, True, True, True]  # ended NaN: it counts to the end
    values, counted = on_steps(member("b", [0, 10], [1.0, 3.0]), np.array([0, 5, 15]))
    assert values[:2].tolist() == [1.0, 2.0] and counted.tolist() == [True, True, False]


def test_the_interval_is_the_t_interval_of_the_mean() -> None:
    seeds = [member(str(i), [0], [value]) for i, value in enumerate([1.0, 2.0, 4.0])]
    curve = mean_curve(seeds, "loss", "train", "loss")
    low, high = stats.t.interval(0.95, 2, loc=np.mean([1, 2, 4]), scale=stats.sem([1, 2, 4]))
    assert curve.interval_low[0] == pytest.approx(low)
    assert curve.interval_high[0] == pytest.approx(high)


POINTS = st.lists(
    st.tuples(st.integers(0, 50), st.floats(-1e6, 1e6)),
    min_size=1,
    max_size=12,
    unique_by=lambda point: point[0],
)


@settings(max_examples=60, deadline=None)
@given(st.lists(POINTS, min_size=1, max_size=5))
def test_the_finite_mean_lies_inside_the_min_max_band(seeds: list[list[tuple[int, float]]]) -> None:
    members = [
        member(str(index), [step for step, _ in sorted(points)], [v for _, v in sorted(points)])
        for index, points in enumerate(seeds)
    ]
    curve = mean_curve(members, "loss", "train", "loss")
    assert np.all(curve.count >= 1)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(curve.high))
    assert np.all(curve.low <= curve.mean + tolerance)
    assert np.all(curve.mean <= curve.high + tolerance)


# --------------------------------------------------------------------------- analyze with groups


@pytest.fixture(scope="module")
def analyzed(seed_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``analyze`` of the real seed runs plus a group with one diverged seed."""
    logs = tmp_path_factory.mktemp("grouped-logs")
    shutil.copytree(seed_runs / "adam-lr1e-2", logs / "adam-lr1e-2")
    shutil.copytree(seed_runs / "sgd-lr2", logs / "sgd-lr2")
    mixed = logs / "mixed"
    copy_run(seed_runs / "adam-lr1e-2" / "seed_1", mixed / "seed_1")
    copy_run(seed_runs / "adam-lr1e-2" / "seed_2", mixed / "seed_2")
    copy_run(seed_runs / "sgd-lr2" / "seed_1", mixed / "seed_3")
    out = tmp_path_factory.mktemp("grouped-report")
    analyze_paths([logs], out, PipelineOptions(), jobs=1)
    return out


def test_analyze_judges_each_group_as_one_run_and_one_by_one(analyzed: Path) -> None:
    summary = json.loads((analyzed / "summary.json").read_text(encoding="utf-8"))
    verdicts = {run["run"]: run["verdict"] for run in summary["runs"]}
    groups = {group["group"]: group for group in summary["seed_groups"]}
    assert sorted(groups) == ["adam-lr1e-2", "mixed"]
    for group in groups.values():
        assert [m["verdict"] for m in group["members"]] == [
            verdicts[m["run"]] for m in group["members"]
        ]
        assert group["name"] == f"{group['group']} (mean of {len(group['members'])} seeds)"
        assert (analyzed / group["plot"]).is_file()
    assert "sgd-lr2/seed_1" not in {m["run"] for g in groups.values() for m in g["members"]}


def test_summary_with_seed_groups_still_follows_the_documented_schema(analyzed: Path) -> None:
    summary = json.loads((analyzed / "summary.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(summary_schema()).validate(summary)


def test_a_group_with_a_diverged_seed_is_diverged_and_says_which(analyzed: Path) -> None:
    summary = json.loads((analyzed / "summary.json").read_text(encoding="utf-8"))
    mixed = next(group for group in summary["seed_groups"] if group["group"] == "mixed")
    assert mixed["diverged"] == ["mixed/seed_3"]
    assert mixed["members"][2]["verdict"] == "diverged"
    assert mixed["verdict"] == "diverged"
    assert mixed["final"]["mean"] in ("nan", "inf")
    index = (analyzed / "index.md").read_text(encoding="utf-8")
    assert "## Seed groups (2)" in index
    row = next(line for line in index.splitlines() if line.startswith("| mixed |"))
    # the tally puts the most common verdict first: "1/3 diverged, …" or "2/3 …, 1 diverged"
    assert re.search(r"\b1(/3)? diverged\b", row) and "(NaN/inf: mixed/seed\\_3)" in row
    assert "| NaN |" in row  # no spread beside a mean that is not finite


def test_group_means_follow_the_seeds_logged(seed_runs: Path) -> None:
    """The group's mean at each eval step is the mean of the seeds' logged eval losses."""
    report = read_runs([seed_runs / "adam-lr1e-2"])
    evals = []
    for run in report.runs:
        frame = run.frame[(run.frame["metric"] == "loss") & (run.frame["split"] == "eval")]
        evals.append(frame.sort_values("step")["value"].to_numpy())
        steps = frame.sort_values("step")["step"].to_numpy()
    curve = mean_curve(
        [member(str(i), steps.tolist(), list(values)) for i, values in enumerate(evals)],
        "loss",
        "eval",
        "Loss/eval",
    )
    assert curve.steps.tolist() == steps.tolist()
    assert np.allclose(curve.mean, np.mean(evals, axis=0))
    assert np.allclose(curve.low, np.min(evals, axis=0))


def test_group_plots_never_share_a_folder_with_a_run() -> None:
    assert groups_folder(["adam", "sgd"]) == "seed-groups"
    clash = groups_folder(["Seed-Groups", "sgd"])
    assert clash.startswith("seed-groups-") and clash.casefold() != "seed-groups"


def test_no_groups_leaves_index_and_summary_as_they_were(seed_runs: Path, tmp_path: Path) -> None:
    logs = seed_runs / "adam-lr1e-2"
    plain = analyze_paths([logs], tmp_path / "plain", PipelineOptions(group_by="none"), jobs=1)
    assert "Seed groups" not in plain.index_markdown
    assert "seed_groups" not in json.loads(plain.summary_json)
    assert not (tmp_path / "plain" / "seed-groups").exists()
