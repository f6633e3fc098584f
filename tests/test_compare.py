"""`curvelint.compare`: the noise rule (checked against scipy), verdict tiers, and comparisons
of real runs and seed groups written by torch's SummaryWriter (see tests.test_groups)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from scipy import stats

from curvelint.compare.build import CompareOptions, compare_paths, parse_threshold
from curvelint.compare.json_output import compare_document
from curvelint.compare.markdown import render_compare
from curvelint.compare.model import Comparison, PairComparison, SeriesComparison
from curvelint.compare.stats import compare_statistic
from curvelint.compare.verdicts import verdict_change
from curvelint.compare.write import write_comparison
from curvelint.errors import ConfigError, NoLogsError
from curvelint.report.json_output import dumps
from curvelint.report.output import OutputError
from curvelint.report.overlays import draw
from curvelint.report.seed_groups import tally
from curvelint.runs import read_runs
from curvelint.seed_groups.statistics import (
    SeriesNumbers,
    Statistic,
    series_numbers,
    side_statistic,
)
from tests.test_groups import copy_run, seed_runs

__all__ = ["seed_runs"]  # the session fixture, shared with tests.test_groups

# --------------------------------------------------------------------------- the noise rule


def group(*values: float) -> Statistic:
    finite = [v for v in values if math.isfinite(v)]
    spread = float(np.std(finite, ddof=1)) if len(finite) >= 2 else None
    return Statistic(float(np.mean(values)), values, spread, len(values))


def single(value: float, spread: float | None) -> Statistic:
    return Statistic(value, (value,), spread, 1)


SEED_VALUES = st.lists(st.floats(0.0, 10.0), min_size=2, max_size=6).filter(
    lambda values: np.std(values) > 1e-3
)


@settings(max_examples=200, deadline=None)
@given(SEED_VALUES, SEED_VALUES)
def test_seeds_on_both_sides_decide_like_welchs_t_test(
    base: list[float], head: list[float]
) -> None:
    difference = compare_statistic("final", group(*base), group(*head), -1)
    p_value = stats.ttest_ind(head, base, equal_var=False).pvalue
    if abs(p_value - 0.05) > 1e-6:
        assert difference.beyond_noise == (p_value < 0.05)
    assert difference.basis == "seeds"


def test_one_run_against_a_group_uses_the_prediction_interval() -> None:
    seeds = group(1.0, 2.0, 3.0)
    margin = stats.t.ppf(0.975, 2) * 1.0 * math.sqrt(1 + 1 / 3)
    inside = compare_statistic("final", seeds, single(2.0 + 0.99 * margin, 0.01), -1)
    outside = compare_statistic("final", seeds, single(2.0 + 1.01 * margin, 0.01), -1)
    assert inside.margin == pytest.approx(margin) and outside.margin == pytest.approx(margin)
    assert (inside.beyond_noise, inside.change) == (False, "same")
    assert (outside.beyond_noise, outside.change) == (True, "worse")  # a loss went up
    assert (
        compare_statistic("final", single(2.0 + 1.01 * margin, 0.0), seeds, -1).change == "better"
    )


def test_single_runs_use_twice_the_combined_within_run_noise() -> None:
    base, head = single(1.0, 0.03), single(1.2, 0.04)
    difference = compare_statistic("best", base, head, 1)  # higher is better: head is better
    assert difference.margin == pytest.approx(2 * 0.05)
    assert (difference.basis, difference.beyond_noise, difference.change) == (
        "noise",
        True,
        "better",
    )
    assert difference.delta == pytest.approx(0.2) and difference.relative == pytest.approx(0.2)
    assert not compare_statistic("best", base, single(1.09, 0.04), 1).beyond_noise


def test_the_final_level_is_the_median_of_the_last_tenth_and_its_error_shrinks() -> None:
    values = np.concatenate([np.linspace(5.0, 1.0, 90), np.full(10, 1.0)])
    values[::2] += 0.1  # point-to-point noise
    numbers = series_numbers(values, -1)
    assert numbers.final == pytest.approx(float(np.median(values[-10:])))
    assert numbers.final_points == 10
    assert numbers.best == pytest.approx(float(values.min()))
    final, best = side_statistic([numbers], "final"), side_statistic([numbers], "best")
    assert final.spread == pytest.approx(1.2533 * (numbers.noise or 0) / math.sqrt(10))
    assert best.spread == numbers.noise


def test_nan_and_inf_are_data() -> None:
    ended_nan = series_numbers(np.array([3.0, 2.0, 1.0, np.nan]), -1)
    assert math.isnan(ended_nan.final or 0.0) and ended_nan.best == 1.0
    finite = single(1.0, 0.1)
    worse = compare_statistic("final", finite, single(math.nan, None), -1)
    assert (worse.change, worse.beyond_noise, worse.basis) == ("worse", True, "non-finite")
    assert compare_statistic("final", single(math.inf, None), finite, -1).change == "better"
    assert (
        compare_statistic("final", single(math.nan, None), single(math.inf, None), -1).change
        == "same"
    )
    # One diverged seed makes the group's mean non-finite: never averaged away.
    assert math.isnan(
        side_statistic(
            [SeriesNumbers(1.0, 1.0, 3, 0.1), SeriesNumbers(1.0, math.nan, 1, 0.1)], "final"
        ).value
        or 0.0
    )


def test_an_unknown_margin_lets_any_difference_count() -> None:
    difference = compare_statistic("final", single(1.0, None), single(1.001, None), -1)
    assert (difference.basis, difference.beyond_noise, difference.change) == (
        "unknown",
        True,
        "worse",
    )
    same = compare_statistic("final", single(1.0, None), single(1.0, None), -1)
    assert (same.beyond_noise, same.change) == (False, "same")


@pytest.mark.parametrize(
    ("text", "share"), [("5%", 0.05), ("0.05", 0.05), ("0", 0.0), (" 12.5 % ", 0.125)]
)
def test_thresholds_are_shares_of_the_base_value(text: str, share: float) -> None:
    assert parse_threshold(text) == pytest.approx(share)


@pytest.mark.parametrize("text", ["-1%", "abc", "nan", "inf", ""])
def test_a_bad_threshold_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="fail-if-worse"):
        parse_threshold(text)


def test_verdicts_move_by_tier() -> None:
    assert verdict_change("healthy", "diverged").move == "worse"
    assert verdict_change("overfitting", "healthy").move == "better"
    assert verdict_change("not_converged", "underfitting").move == "changed"
    assert verdict_change("insufficient_data", "diverged").move == "not judged"
    assert verdict_change("stuck", "stuck").move == "same"
    assert tally(["healthy", "diverged", "healthy", "healthy"]) == "3/4 healthy, 1 diverged"


# --------------------------------------------------------------------------- real runs


@pytest.fixture(scope="module")
def sides(seed_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """base: ``cfg`` = three Adam seeds and ``only-base``; head: ``cfg`` = three SGD seeds
    (slower) and ``only-head``."""
    base, head = tmp_path_factory.mktemp("base"), tmp_path_factory.mktemp("head")
    for seed in (1, 2, 3):
        copy_run(seed_runs / "adam-lr1e-2" / f"seed_{seed}", base / "cfg" / f"seed_{seed}")
        copy_run(seed_runs / "sgd-lr1e-2" / f"seed_{seed}", head / "cfg" / f"seed_{seed}")
    copy_run(seed_runs / "sgd-lr2" / "seed_1", base / "only-base")
    copy_run(seed_runs / "sgd-lr2" / "seed_1", head / "only-head")
    return base, head


@pytest.fixture(scope="module")
def slower(sides: tuple[Path, Path]) -> Comparison:
    return compare_paths(*sides, CompareOptions(threshold=0.05))


def row(pair: PairComparison, key: str) -> SeriesComparison:
    return next(series for series in pair.series if series.key == key)


def final_level(values: np.ndarray) -> float:
    """Independent spelling of the rule: the median of the last 10 % (at least 3) points."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite[-max(3, math.ceil(len(finite) / 10)) :]))


def test_runs_are_matched_by_name_and_the_rest_listed(slower: Comparison) -> None:
    assert [pair.name for pair in slower.pairs] == ["cfg"]
    assert (slower.unmatched_base, slower.unmatched_head) == (("only-base",), ("only-head",))
    pair = slower.pairs[0]
    assert pair.base.label == "cfg (mean of 3 seeds)" and pair.head.seeds == 3
    assert [s.key for s in pair.series] == ["loss/train", "loss/eval"]


def test_group_values_are_the_mean_of_each_seeds_final_level(
    slower: Comparison, sides: tuple[Path, Path]
) -> None:
    levels = []
    for run in read_runs([sides[1] / "cfg"]).runs:
        frame = run.frame[(run.frame["metric"] == "loss") & (run.frame["split"] == "eval")]
        levels.append(final_level(frame.sort_values("step")["value"].to_numpy()))
    head = row(slower.pairs[0], "loss/eval").final.head
    assert head.per_seed == pytest.approx(tuple(levels))
    assert head.value == pytest.approx(np.mean(levels))
    assert head.spread == pytest.approx(np.std(levels, ddof=1))


def test_a_slower_optimiser_is_worse_beyond_the_seed_spread(slower: Comparison) -> None:
    evaluation = row(slower.pairs[0], "loss/eval")
    assert evaluation.final.basis == "seeds"
    assert (evaluation.final.change, evaluation.final.beyond_noise) == ("worse", True)
    assert "final" in evaluation.tripped
    p_value = stats.ttest_ind(
        evaluation.final.head.per_seed, evaluation.final.base.per_seed, equal_var=False
    ).pvalue
    assert p_value < 0.05
    assert any("loss/eval final worse by" in r.what for r in slower.regressions)


def test_identical_sides_have_no_difference_and_no_regression(seed_runs: Path) -> None:
    folder = seed_runs / "adam-lr1e-2"
    comparison = compare_paths(folder, folder, CompareOptions(threshold=0.0))
    assert comparison.regressions == ()
    for pair in comparison.pairs:
        assert pair.verdict.move == "same"
        for series in pair.series:
            assert series.best.delta == 0.0 and series.final.delta == 0.0
            assert series.tripped == ()


def test_two_single_runs_are_compared_whatever_their_names(seed_runs: Path) -> None:
    comparison = compare_paths(
        seed_runs / "adam-lr1e-2" / "seed_1", seed_runs / "sgd-lr1e-2" / "seed_1"
    )
    (pair,) = comparison.pairs
    assert pair.name == "seed_1" and pair.base.group is None
    assert {s.final.basis for s in pair.series} == {"noise"}
    assert comparison.threshold is None  # no --fail-if-worse: no statistic can trip
    assert all(series.tripped == () for series in pair.series)


def test_one_run_against_a_seed_group_uses_the_seeds(seed_runs: Path) -> None:
    comparison = compare_paths(seed_runs / "adam-lr1e-2", seed_runs / "sgd-lr1e-2" / "seed_1")
    (pair,) = comparison.pairs
    assert (pair.base.seeds, pair.head.seeds) == (3, 1)
    assert {s.final.basis for s in pair.series} == {"seeds"}


def test_healthy_to_diverged_is_a_regression_without_any_threshold(seed_runs: Path) -> None:
    comparison = compare_paths(
        seed_runs / "adam-lr1e-2" / "seed_1", seed_runs / "sgd-lr2" / "seed_1"
    )
    (pair,) = comparison.pairs
    assert pair.verdict.head == "diverged" and pair.verdict.move == "worse"
    assert [r.what for r in comparison.regressions] == [
        f"verdict {pair.verdict.base.replace('_', ' ')} → diverged"
    ]
    train = row(pair, "loss/train")
    assert math.isnan(train.final.head.value or 0.0) or math.isinf(train.final.head.value or 0.0)
    assert (train.final.change, train.final.beyond_noise) == ("worse", True)


def test_a_threshold_above_the_worsening_does_not_trip(sides: tuple[Path, Path]) -> None:
    lenient = compare_paths(*sides, CompareOptions(threshold=1000.0))
    assert all(series.tripped == () for series in lenient.pairs[0].series)
    assert all(r.what.startswith("verdict") for r in lenient.regressions)


def test_an_unreadable_head_run_is_a_regression(seed_runs: Path, tmp_path: Path) -> None:
    for side in ("base", "head"):
        for seed in (1, 2):
            copy_run(seed_runs / "adam-lr1e-2" / f"seed_{seed}", tmp_path / side / f"seed_{seed}")
    (tmp_path / "head" / "broken.csv").write_text("epoch,loss\n", encoding="utf-8")
    comparison = compare_paths(tmp_path / "base", tmp_path / "head")
    assert [(u.side, u.name) for u in comparison.unreadable] == [("head", "broken.csv")]
    assert [(r.pair, r.what) for r in comparison.regressions] == [
        ("broken.csv", "could not be read")
    ]
    assert "### Could not be read (1)" in render_compare(comparison)


def test_the_interval_band_is_the_95_percent_interval_of_the_mean(sides: tuple[Path, Path]) -> None:
    comparison = compare_paths(*sides, CompareOptions(band="interval"))
    assert comparison.plot is not None
    line = comparison.plot.panels[0].lines[0]
    group = comparison.pairs[0].base.group
    assert line.band is not None and group is not None
    train = next(curve for curve in group.curves if curve.key == ("loss", "train"))
    assert np.array_equal(line.band.low, train.interval_low, equal_nan=True)
    assert line.band.label == "base: 95 % interval, 3 seeds"


def test_metric_restricts_what_is_compared_and_gated(sides: tuple[Path, Path]) -> None:
    comparison = compare_paths(*sides, CompareOptions(threshold=0.0, metrics=("loss/eval",)))
    assert [s.key for s in comparison.pairs[0].series] == ["loss/eval"]
    assert all("loss/train" not in r.what for r in comparison.regressions)


def test_nothing_matched_and_bad_options_are_errors(seed_runs: Path, tmp_path: Path) -> None:
    with pytest.raises(NoLogsError, match="matches"):
        # seed_1, seed_2, seed_3 against adam-lr1e-2/seed_1, …: no name in common
        compare_paths(seed_runs / "adam-lr1e-2", seed_runs, CompareOptions(group_by="none"))
    with pytest.raises(NoLogsError, match="no training logs"):
        compare_paths(seed_runs, tmp_path)
    with pytest.raises(ConfigError, match="band"):
        compare_paths(seed_runs, seed_runs, CompareOptions(band="quartiles"))


# --------------------------------------------------------------------------- rendering


def test_the_plot_overlays_base_and_head_with_seed_bands(slower: Comparison) -> None:
    assert slower.plot is not None and slower.plot.file_name == "curves.png"
    (panel,) = slower.plot.panels
    labels = [line.curve.label for line in panel.lines]
    assert labels == ["base train", "base eval", "head train", "head eval"]
    for line in panel.lines:
        assert line.band is not None
        inside = np.isfinite(line.band.low)
        assert np.all(line.band.low[inside] <= line.band.high[inside])
    figure = draw(slower.plot)
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "base train (smoothed)" in legend and "head eval" in legend
    assert "base: min–max of 3 seeds" in legend and "head: min–max of 3 seeds" in legend
    assert slower.unplotted == ()


def test_markdown_escapes_names_from_logs(seed_runs: Path, tmp_path: Path) -> None:
    evil = "x<img src=1 onerror=alert(1)>|[y](javascript:z)"
    for side in ("base", "head"):
        for seed in (1, 2):
            copy_run(
                seed_runs / "adam-lr1e-2" / f"seed_{seed}", tmp_path / side / f"{evil}-seed{seed}"
            )
        copy_run(seed_runs / "sgd-lr2" / "seed_1", tmp_path / side / f"*{evil}*")
    markdown = render_compare(compare_paths(tmp_path / "base", tmp_path / "head"))
    assert "<img" not in markdown and "](javascript" not in markdown
    assert "&lt;img" in markdown and "\\|\\[y\\]" in markdown
    tokens = MarkdownIt("commonmark").enable(["table"]).parse(markdown)
    assert {t.type for t in tokens if t.type.startswith("html")} == set()
    images = [c for t in tokens if t.children for c in t.children if c.type == "image"]
    assert [image.attrs["src"] for image in images] == ["curves.png"]
    assert not [c for t in tokens if t.children for c in t.children if c.type == "link_open"]
    widths: list[list[int]] = []
    for token in tokens:
        if token.type == "table_open":
            widths.append([])
        elif token.type == "tr_open":
            widths[-1].append(0)
        elif token.type in ("td_open", "th_open"):
            widths[-1][-1] += 1
    assert len(widths) == 3  # summary, cfg, the diverged pair
    assert all(len(set(table)) == 1 for table in widths), widths


def test_compare_json_is_strict_and_says_why_it_fails(slower: Comparison) -> None:
    document = json.loads(
        dumps(compare_document(slower)), parse_constant=lambda name: pytest.fail(name)
    )
    assert document["regression"] is True
    (pair,) = document["pairs"]
    assert pair["base"]["kind"] == "group" and len(pair["base"]["members"]) == 3
    evaluation = next(s for s in pair["series"] if s["series"] == "loss/eval")
    assert evaluation["final"]["basis"] == "seeds" and evaluation["tripped"]
    assert document["unmatched"] == {"base": ["only-base"], "head": ["only-head"]}


def test_written_files_follow_the_output_folder_rules(slower: Comparison, tmp_path: Path) -> None:
    out = tmp_path / "out"
    written = write_comparison(out, slower)
    names = sorted(p.name for p in out.iterdir())
    assert names == [".curvelint-manifest.json", "compare.json", "compare.md", "curves.png"]
    assert (out / "compare.md").read_text(encoding="utf-8") == written.markdown
    assert (out / "curves.png").read_bytes().startswith(b"\x89PNG")
    write_comparison(out, slower)  # our own folder: replaced
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError):
        write_comparison(foreign, slower)
    shutil.rmtree(out)
