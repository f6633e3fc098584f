"""`curvelint compare` (and `analyze`'s seed groups) as real subprocesses on real torch runs:
files written, stdout, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli_analyze import curvelint
from tests.test_groups import copy_run, seed_runs

__all__ = ["seed_runs"]  # the session fixture, shared with tests.test_groups


@pytest.fixture(scope="module")
def folders(seed_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``base/cfg`` = three Adam seeds, ``head/cfg`` = three SGD seeds (slower), and the
    single runs ``good`` (an Adam seed) and ``bad`` (SGD lr 2, diverges)."""
    root = tmp_path_factory.mktemp("cli-compare")
    for seed in (1, 2, 3):
        copy_run(seed_runs / "adam-lr1e-2" / f"seed_{seed}", root / "base" / "cfg" / f"seed_{seed}")
        copy_run(seed_runs / "sgd-lr1e-2" / f"seed_{seed}", root / "head" / "cfg" / f"seed_{seed}")
    copy_run(seed_runs / "adam-lr1e-2" / "seed_1", root / "good")
    copy_run(seed_runs / "sgd-lr2" / "seed_1", root / "bad")
    return root


def read_json(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_identical_sides_exit_0_even_with_fail_if_worse(folders: Path) -> None:
    result = curvelint("compare", "base", "base", "--fail-if-worse", cwd=folders)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("🟢 **No regression**")
    assert "| cfg | 3 → 3 |" in result.stdout
    out = folders / "curvelint-compare"
    assert {p.name for p in out.iterdir()} == {
        ".curvelint-manifest.json",
        "compare.md",
        "compare.json",
        "curves.png",
    }
    markdown = (out / "compare.md").read_text(encoding="utf-8")
    assert "![loss of base (blue) and head (orange): cfg](curves.png)" in markdown.replace("\\", "")


def test_fail_if_worse_trips_on_a_slower_optimiser(folders: Path) -> None:
    plain = curvelint("compare", "base", "head", "--out", "plain", cwd=folders)
    document = read_json(folders / "plain" / "compare.json")
    pair = document["pairs"][0]  # type: ignore[index]
    verdict_worse = pair["verdict"]["move"] == "worse"
    assert plain.returncode == (1 if verdict_worse else 0), plain.stderr
    gated = curvelint(
        "compare", "--fail-if-worse=5%", "base", "head", "--out", "gated", cwd=folders
    )
    assert gated.returncode == 1, gated.stderr
    assert "regression" in gated.stdout and "loss/eval final worse by +" in gated.stdout
    assert read_json(folders / "gated" / "compare.json")["threshold"] == 0.05


def test_healthy_to_diverged_exits_1_and_json_goes_to_stdout(folders: Path) -> None:
    result = curvelint(
        "compare", "good", "bad", "--out", "diverged", "--format", "json", cwd=folders
    )
    assert result.returncode == 1, result.stderr
    printed = json.loads(result.stdout)
    assert printed == read_json(folders / "diverged" / "compare.json")
    assert printed["pairs"][0]["verdict"]["head"] == "diverged"
    assert any(r["what"].startswith("verdict ") for r in printed["regressions"])


def test_github_appends_compare_md_to_the_step_summary(folders: Path) -> None:
    summary = folders / "step-summary.md"
    summary.write_text("earlier\n", encoding="utf-8")
    result = curvelint(
        "compare",
        "base",
        "base",
        "--out",
        "gh",
        "--github",
        "--quiet",
        cwd=folders,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert (result.returncode, result.stdout) == (0, "")
    markdown = (folders / "gh" / "compare.md").read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8") == "earlier\n" + markdown


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("base", "good", "--group-by", "none"), "matches"),
        (("base", "missing"), "no training logs"),
        (("base", "head", "--fail-if-worse=lots"), "fail-if-worse"),
        (("base", "head", "--group-by", "(open"), "regular expression"),
        (("base", "head", "--band", "quartiles"), "--band"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    folders: Path, arguments: tuple[str, ...], message: str
) -> None:
    result = curvelint("compare", *arguments, "--out", "errors", cwd=folders)
    assert result.returncode == 2
    assert result.stderr.startswith("curvelint: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_analyze_shows_seed_groups_with_a_safe_plot_path(folders: Path, seed_runs: Path) -> None:
    logs = folders / "grouped"
    for seed in (1, 2):
        copy_run(seed_runs / "adam-lr1e-2" / f"seed_{seed}", logs / f"x|<b>-seed{seed}")
    result = curvelint("analyze", "grouped", "--out", "report", "-j", "1", cwd=folders)
    assert result.returncode == 0, result.stderr
    summary = read_json(folders / "report" / "summary.json")
    (group,) = summary["seed_groups"]  # type: ignore[misc]
    assert group["group"] == "x|<b>" and [m["seed"] for m in group["members"]] == ["1", "2"]
    plot = folders / "report" / group["plot"]
    assert plot.is_file() and plot.resolve().is_relative_to((folders / "report").resolve())
    assert "/" not in group["plot"].removeprefix("seed-groups/")
    index = (folders / "report" / "index.md").read_text(encoding="utf-8")
    assert "## Seed groups (1)" in index and "x\\|&lt;b&gt;" in index
    off = curvelint("analyze", "grouped", "--out", "report", "--group-by", "none", cwd=folders)
    assert off.returncode == 0, off.stderr
    assert "Seed groups" not in (folders / "report" / "index.md").read_text(encoding="utf-8")
    assert not plot.exists()  # the earlier run's group plot is removed with the manifest
