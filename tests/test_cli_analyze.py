"""`curvelint analyze` as a real subprocess from a temporary directory: outputs and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_pipeline import diverging, falling, write_keras_csv


def curvelint(
    *arguments: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "GITHUB_STEP_SUMMARY"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "curvelint", *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    folder = tmp_path / "good"
    folder.mkdir()
    write_keras_csv(folder / "good.csv", falling(), falling(scale=2.1))
    return folder


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_keras_csv(folder / "good.csv", falling(), falling(scale=2.1))
    write_keras_csv(folder / "nan.csv", diverging())
    return folder


def test_exit_0_writes_the_reports_into_the_default_folder(good: Path, tmp_path: Path) -> None:
    result = curvelint("analyze", str(good), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "good.csv" in result.stdout and "Verdict" in result.stdout
    assert "analyzing" not in result.stdout  # no progress bar when piped
    assert (tmp_path / "curvelint-report" / "good.csv" / "report.md").is_file()
    assert (tmp_path / "curvelint-report" / "index.md").is_file()


def test_exit_1_for_a_diverged_run_with_github_output(mixed: Path, tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = curvelint(
        "analyze",
        str(mixed),
        "--out",
        "out",
        "--github",
        cwd=tmp_path,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1 and "nan.csv" in errors[0] and "diverged" in errors[0]
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n# curvelint: 2 runs")
    assert text.endswith((tmp_path / "out" / "index.md").read_text(encoding="utf-8"))


def test_fail_on_chooses_the_verdicts_and_the_config_file_can_too(
    mixed: Path, tmp_path: Path
) -> None:
    assert (
        curvelint(
            "analyze", str(mixed), "--out", "a", "--fail-on", "never", cwd=tmp_path
        ).returncode
        == 0
    )
    assert (
        curvelint(
            "analyze", str(mixed), "--out", "b", "--set", "fail_on=never", cwd=tmp_path
        ).returncode
        == 0
    )
    (mixed / "curvelint.toml").write_text('fail_on = "never"\n', encoding="utf-8")
    assert curvelint("analyze", str(mixed), "--out", "c", cwd=tmp_path).returncode == 0
    assert (
        curvelint(
            "analyze", str(mixed), "--out", "d", "--fail-on", "diverged", cwd=tmp_path
        ).returncode
        == 1
    )


def test_exit_1_for_an_unreadable_run(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "broken.csv").write_text("epoch,loss\n", encoding="utf-8")
    result = curvelint("analyze", "logs", "--fail-on", "never", cwd=tmp_path)
    assert result.returncode == 1
    assert "unreadable" in result.stdout


def test_format_json_prints_the_summary_and_quiet_prints_nothing(
    mixed: Path, tmp_path: Path
) -> None:
    result = curvelint("analyze", str(mixed), "--out", "out", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    printed = json.loads(result.stdout)
    assert printed == json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [run["verdict"] for run in printed["runs"]][1] == "diverged"
    quiet = curvelint("analyze", str(mixed), "--out", "out", "--quiet", cwd=tmp_path)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")


def test_tuning_options_reach_the_report(mixed: Path, tmp_path: Path) -> None:
    result = curvelint(
        "analyze",
        str(mixed),
        "--out",
        "out",
        "--format",
        "json",
        "--main-metric",
        "loss/eval",
        "--x-axis",
        "epoch",
        "--smoothing",
        "none",
        "--jobs",
        "1",
        "--fail-on",
        "never",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    good = json.loads(result.stdout)["runs"][0]
    assert (good["run"], good["main_series"]) == ("good.csv", "loss/eval")
    index = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert "| loss / eval → last |" in index


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["analyze", "empty"], "no training logs found under empty"),
        (["analyze", "good", "--format", "xml"], "'xml' is not one of 'table', 'json'"),
        (["analyze", "good", "--out", "a-file"], "is a file, not a folder"),
        (["analyze", "good", "--set", "fail_on"], "--set 'fail_on': use KEY=VALUE"),
        (["analyze", "good", "--fail-on", "exploded"], "fail_on = 'exploded' is unknown"),
        (["analyze", "good", "--jobs", "0"], "--jobs 0: use 1 or more"),
        (["analyze", "good", "--x-axis", "wall"], "'wall' is not one of 'step', 'epoch', 'time'"),
        (["analyze", "good", "--smoothing", "gauss"], "'gauss' is not one of 'centered_time_ema'"),
        (["analyze", "good", "--bogus"], "No such option: --bogus"),
        (["analyze"], "Missing argument 'PATH'"),
    ],
)
def test_exit_2_with_a_one_line_error(
    good: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = curvelint(*arguments, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("curvelint: error: ") and message in line


def test_help_documents_the_exit_codes(tmp_path: Path) -> None:
    result = curvelint("analyze", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 fine; 1 a run flagged (--fail-on) or unreadable; 2 usage error" in text
    for option in (
        "--out",
        "--format",
        "--quiet",
        "--fail-on",
        "--github",
        "--jobs",
        "--smoothing",
        "--x-axis",
        "--main-metric",
        "--num-classes",
        "--config",
        "--set",
    ):
        assert option in text


def test_a_trainer_state_holding_only_its_final_summary_is_a_run_with_too_little_data(
    tmp_path: Path,
) -> None:
    """logging_steps above max_steps: the Trainer logs no step, only the run's summary. The
    run is listed (not dropped as an empty file), as insufficient data; exit 0."""
    run = tmp_path / "logs" / "summary-only"
    run.mkdir(parents=True)
    summary = {"epoch": 100.0, "step": 300, "train_loss": 0.779, "train_runtime": 109.7}
    state = {"global_step": 300, "max_steps": 300, "log_history": [summary]}
    (run / "trainer_state.json").write_text(json.dumps(state), encoding="utf-8")
    result = curvelint("analyze", "logs", "--out", "out", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (listed,) = json.loads(result.stdout)["runs"]
    assert (listed["run"], listed["verdict"]) == ("summary-only", "insufficient_data")
    assert listed["reason"].startswith("the log holds no point of any curve (")
    assert (tmp_path / "out" / "summary-only" / "report.md").is_file()
