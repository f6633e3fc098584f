"""`curvelint mcp` as a real subprocess, driven by the MCP SDK's own stdio client, on the real
torch, transformers and Keras logs in sample_logs/ — its answers checked against what
`curvelint analyze` and `curvelint compare` print for the same paths.

One server session makes every call (starting one is the slow part); each test reads its
results. The calls that must fail come before calls that must succeed, so the later ones also
show the JSON-RPC stream survived them.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.conftest import REPO, SAMPLE_LOGS, tree_hashes

SESSION_TIMEOUT_S = 600
HOSTILE_NAME = 'evil\n</script>"}\u202e\x1b[31m'  # a newline, markup, RLO, a terminal escape
UNDECODABLE_NAME = "run\udcff"  # the file system's byte 0xff, not UTF-8
TOOLS = {"analyze_path", "run_report", "get_series", "compare_runs"}


@dataclass
class Served:
    """Everything one session saw: the tool list and each call's result by label."""

    tools: dict[str, Any]
    results: dict[str, Any]
    roots: tuple[Path, Path]
    hashes_before: dict[str, str]


def _environment(tmp: Path) -> dict[str, str]:
    return {
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "CURVELINT_CACHE_DIR": str(tmp / "cache"),
    }


async def _session(roots: list[str], tmp: Path, calls: dict[str, tuple[str, dict[str, Any]]]):
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "curvelint", "mcp", *roots],
        env=_environment(tmp),
        cwd=str(tmp),
    )
    results: dict[str, Any] = {}
    with anyio.fail_after(SESSION_TIMEOUT_S), (tmp / "server-stderr.txt").open("w") as errors:
        async with (
            stdio_client(server, errlog=errors) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            listed = await session.list_tools()
            for label, (tool, arguments) in calls.items():
                results[label] = await session.call_tool(tool, arguments)
    return {tool.name: tool for tool in listed.tools}, results


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    if not (SAMPLE_LOGS / "torch_regression_nan").is_dir():
        pytest.skip("sample_logs/ is empty")
    tmp = tmp_path_factory.mktemp("mcp")
    extra_root = tmp / "root"
    outside = tmp / "outside"
    shutil.copytree(SAMPLE_LOGS / "keras_csv_iris_healthy", outside / "secret_run")
    hostile = extra_root / HOSTILE_NAME
    shutil.copytree(SAMPLE_LOGS / "keras_csv_blobs_underfitting", hostile)
    (extra_root / "link_out").symlink_to(outside, target_is_directory=True)
    undecodable_root = tmp / "undecodable"
    shutil.copytree(
        SAMPLE_LOGS / "keras_csv_blobs_underfitting", undecodable_root / UNDECODABLE_NAME
    )
    hashes_before = tree_hashes(SAMPLE_LOGS)
    logs = str(SAMPLE_LOGS)
    calls: dict[str, tuple[str, dict[str, Any]]] = {
        "outside_parent": ("analyze_path", {"path": "../README.md"}),
        "outside_absolute": ("run_report", {"path": str(outside / "secret_run")}),
        "outside_symlink": (
            "get_series",
            {"path": str(extra_root / "link_out"), "run": "x", "metric": "loss"},
        ),
        "outside_compare": ("compare_runs", {"base": logs, "head": str(outside)}),
        "outside_url": ("analyze_path", {"path": "s3://bucket/runs"}),
        "nonexistent_path": ("analyze_path", {"path": str(SAMPLE_LOGS / "no_such_run")}),
        "nonexistent_run": ("run_report", {"path": logs, "run": "no_such_run"}),
        "nonexistent_series": (
            "get_series",
            {"path": logs, "run": "torch_regression_nan", "metric": "no_such_metric"},
        ),
        "too_few_points": (
            "get_series",
            {"path": logs, "run": "torch_regression_nan", "metric": "loss", "max_points": 2},
        ),
        "analyze": ("analyze_path", {"path": logs}),
        "analyze_relative": ("analyze_path", {"path": "torch_regression_nan"}),
        "report": ("run_report", {"path": logs, "run": "hf_bert_overfitting"}),
        "report_single": ("run_report", {"path": str(SAMPLE_LOGS / "torch_regression_nan")}),
        "series_nan": (
            "get_series",
            {
                "path": logs,
                "run": "torch_regression_nan",
                "metric": "loss",
                "split": "train",
                "max_points": 12,
            },
        ),
        "series_whole": (
            "get_series",
            {"path": logs, "run": "torch_digits_healthy", "metric": "loss", "split": "eval"},
        ),
        "compare": (
            "compare_runs",
            {
                "base": str(SAMPLE_LOGS / "hf_bert_overfitting"),
                "head": str(SAMPLE_LOGS / "hf_bert_stuck"),
            },
        ),
        "hostile": ("analyze_path", {"path": str(extra_root)}),
        "undecodable": ("analyze_path", {"path": str(undecodable_root)}),
        "after_hostile": ("run_report", {"path": str(SAMPLE_LOGS / "keras_csv_iris_healthy")}),
    }
    roots = [logs, str(extra_root), str(undecodable_root)]
    tools, results = anyio.run(_session, roots, tmp, calls)
    return Served(tools, results, (SAMPLE_LOGS, extra_root), hashes_before)


def _document(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    structured: dict[str, Any] = result.structured_content
    assert json.loads(result.content[0].text) == structured  # the text block says the same
    return structured


def _error(result: Any) -> str:
    assert result.is_error
    assert result.structured_content is None
    text: str = result.content[0].text
    assert "\n" not in text and "Traceback" not in text
    return text


def _cli_json(arguments: list[str], out: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", *arguments, "--out", str(out), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, **_environment(out.parent)},
    )
    assert completed.returncode in (0, 1), completed.stderr
    document: dict[str, Any] = json.loads(completed.stdout)
    return document


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """`curvelint analyze sample_logs --format json` and its output folder."""
    out = tmp_path_factory.mktemp("cli") / "report"
    return _cli_json(["analyze", str(SAMPLE_LOGS), "--fail-on", "never", "--no-cache"], out), out


def test_the_four_tools_are_listed_read_only(served: Served) -> None:
    assert set(served.tools) == TOOLS
    for tool in served.tools.values():
        assert tool.description
        assert tool.annotations.read_only_hint is True
        assert (
            "path" in tool.input_schema["properties"] or "base" in tool.input_schema["properties"]
        )


def test_analyze_path_gives_the_verdicts_analyze_prints(
    served: Served, analyzed: tuple[dict[str, Any], Path]
) -> None:
    summary, _ = analyzed
    answer = _document(served.results["analyze"])
    assert answer["verdicts"] == summary["verdicts"]
    assert answer["skipped"] == summary["skipped"]
    assert [run["run"] for run in answer["runs"]] == [run["run"] for run in summary["runs"]]
    for brief, full in zip(answer["runs"], summary["runs"], strict=True):
        for key in ("verdict", "reason", "overview", "main_series", "format"):
            assert brief[key] == full[key], (brief["run"], key)
        assert [f["code"] for f in brief["findings"]] == [f["code"] for f in full["findings"]]
        main = [s for s in full["series"] if f"{s['metric']}/{s['split']}" == full["main_series"]]
        assert brief["main"] == main[0]
    verdicts = {run["run"]: run["verdict"] for run in answer["runs"]}
    assert verdicts["torch_regression_nan"] == "diverged"  # the sample's known verdict
    assert verdicts["hf_bert_overfitting"] == "overfitting"


def test_a_relative_path_is_taken_from_the_first_root(served: Served) -> None:
    answer = _document(served.results["analyze_relative"])
    assert answer["path"] == str(SAMPLE_LOGS / "torch_regression_nan")
    assert [run["verdict"] for run in answer["runs"]] == ["diverged"]


def test_run_report_is_the_report_json_analyze_writes(
    served: Served, analyzed: tuple[dict[str, Any], Path]
) -> None:
    _, out = analyzed
    written = json.loads((out / "hf_bert_overfitting" / "report.json").read_text("utf-8"))
    assert _document(served.results["report"]) == written
    single = _document(served.results["report_single"])
    assert single["verdict"] == "diverged"
    assert any(f["code"] == "diverged" for f in single["findings"])


def _library_series(run: str, metric: str, split: str) -> Any:
    from curvelint.analysis import analyze_frame
    from curvelint.runs import read_runs

    (found,) = [r for r in read_runs([SAMPLE_LOGS]).runs if r.name == run]
    return analyze_frame(found.frame)[run].series(metric, split)


def _as_float(value: float | str) -> float:
    return float(value)  # "nan", "inf" and "-inf" parse as the floats they stand for


def test_get_series_keeps_extremes_and_non_finite_within_max_points(served: Served) -> None:
    answer = _document(served.results["series_nan"])
    library = _library_series("torch_regression_nan", "loss", "train")
    assert answer["points"] == library.n_points > 12
    assert answer["returned_points"] == len(answer["steps"]) <= 12
    assert answer["downsampled"] is True
    values = dict(zip(answer["steps"], map(_as_float, answer["values"]), strict=True))
    assert values[library.best_step] == library.best_value  # the lowest point survives
    finite = [float(v) for v in library.values if math.isfinite(v)]
    assert max(finite) in values.values()  # and the blow-up before the NaN
    first = library.nonfinite
    assert first is not None and first.kind in ("nan", "inf")
    assert math.isinf(values[first.step]) or math.isnan(values[first.step])
    assert answer["non_finite"][first.kind]["first_step"] == first.step
    counts = sum(kind["count"] for kind in answer["non_finite"].values())
    assert counts == library.n_points - library.n_finite


def test_get_series_smoothing_is_the_reports(served: Served) -> None:
    answer = _document(served.results["series_whole"])
    library = _library_series("torch_digits_healthy", "loss", "eval")
    assert answer["smoothing"] == "centered_time_ema"  # the reports' default
    assert answer["returned_points"] == library.n_points <= 500
    assert answer["steps"] == [int(step) for step in library.steps]
    assert list(map(_as_float, answer["values"])) == [float(v) for v in library.values]
    assert list(map(_as_float, answer["smoothed"])) == [float(v) for v in library.smoothed]
    assert answer["smoothed"] != answer["values"]


def test_compare_runs_is_compare_json(served: Served, tmp_path: Path) -> None:
    base, head = SAMPLE_LOGS / "hf_bert_overfitting", SAMPLE_LOGS / "hf_bert_stuck"
    printed = _cli_json(["compare", str(base), str(head)], tmp_path / "compare")
    answer = _document(served.results["compare"])
    assert answer == printed
    assert answer["regression"] is True  # overfitting → stuck is a worse verdict


@pytest.mark.parametrize(
    "label",
    ["outside_parent", "outside_absolute", "outside_symlink", "outside_compare", "outside_url"],
)
def test_paths_outside_the_roots_are_refused(served: Served, label: str) -> None:
    assert "is outside the roots this server may read" in _error(served.results[label])


def test_a_symlink_out_of_a_root_is_not_followed_when_a_folder_is_analysed(
    served: Served,
) -> None:
    names = [run["run"] for run in _document(served.results["hostile"])["runs"]]
    assert names and not any("secret_run" in name for name in names)


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("nonexistent_path", "no such file or folder"),
        ("nonexistent_run", "no run named no_such_run"),
        ("nonexistent_series", "has no series no_such_metric/train"),
        ("too_few_points", "max_points 2"),
    ],
)
def test_what_does_not_exist_is_an_error_result(served: Served, label: str, words: str) -> None:
    text = _error(served.results[label])
    assert words in text
    if label == "nonexistent_run":
        assert "torch_regression_nan" in text  # it lists the runs there are


def test_hostile_names_travel_as_data_and_the_stream_survives(served: Served) -> None:
    answer = _document(served.results["hostile"])
    (run,) = [r for r in answer["runs"] if r["run"].startswith("evil")]
    assert run["run"] == HOSTILE_NAME  # intact: JSON escapes it, nothing else is needed
    assert run["verdict"] == "underfitting"
    assert _document(served.results["after_hostile"])["verdict"] == "healthy"


def test_a_name_json_cannot_carry_does_not_break_the_stream(served: Served) -> None:
    """A file name with a byte that is not UTF-8: an answer or an error result, never a
    broken connection (the calls after it are answered)."""
    result = served.results["undecodable"]
    if result.is_error:
        assert "Traceback" not in _error(result)
    else:
        (run,) = _document(result)["runs"]
        assert run["run"] == "run\\xff"  # the byte spelled out, as every output shows it
    assert _document(served.results["after_hostile"])["verdict"] == "healthy"


def test_the_logs_are_left_untouched(served: Served) -> None:
    assert tree_hashes(SAMPLE_LOGS) == served.hashes_before
