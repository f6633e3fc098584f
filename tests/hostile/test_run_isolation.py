"""One bad log never stops the rest (issue 15): each failure that stopped every run is planted
among good runs; the good runs' reports are byte-identical to a clean run's, and a run that
fails on a bug becomes its own ``failed`` row while the index, summary and manifest are written.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.helpers import MANIFEST, analyze, manifest_files, written_files

GOOD = ("good-a", "good-b")


@pytest.fixture(autouse=True)
def _remove_deep_folders(tmp_path: Path) -> Iterator[None]:
    """pytest's own clean-up (shutil.rmtree) recurses once per level: remove them here."""
    yield
    subprocess.run(["rm", "-rf", str(tmp_path)], check=False)


def _keras_log(path: Path, epochs: int, scale: float = 1.0) -> None:
    rows = ["epoch,loss,val_loss"]
    for epoch in range(epochs):
        loss = scale * math.exp(-epoch / 5)
        rows.append(f"{epoch},{loss!r},{loss * 1.1 + 0.1 * scale!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


def _deep(root: Path, levels: int) -> Path:
    root.mkdir(parents=True)
    folder = root
    for _ in range(levels):  # os.makedirs itself recurses once per level
        folder = folder / "d"
        folder.mkdir()
    return folder


def _plant(logs: Path, case: str) -> None:
    if case == "non-utf8-name":
        _keras_log(Path(os.fsdecode(bytes(logs) + b"/run-\xff")) / "training.log", 20)
    elif case == "loss-1e160":
        _keras_log(logs / "huge" / "training.log", 30, scale=1e160)
    elif case == "loss-1e300":
        _keras_log(logs / "huger" / "training.log", 30, scale=1e300)
    elif case == "sanitised-name-clash":
        _keras_log(logs / "a:b" / "training.log", 20)
        _keras_log(logs / "a-b-6783a31e" / "training.log", 20)
    elif case == "seed-group-1e300":  # the group's mean and spread square them too
        for seed in (1, 2, 3):
            _keras_log(logs / f"big-seed{seed}" / "training.log", 30, scale=seed * 1e300)
    elif case == "1000-deep":
        _keras_log(_deep(logs / "deep", 1000) / "training.log", 20)


def _good_reports(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for name in GOOD
        for path in sorted((out / name).rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    logs = tmp_path_factory.mktemp("isolation") / "logs"
    _keras_log(logs / GOOD[0] / "training.log", 30)
    _keras_log(logs / GOOD[1] / "training.log", 25, scale=2.0)
    out = logs.parent / "clean-out"
    completed = analyze(str(logs), "--out", str(out), "--no-cache", "--fail-on", "never", "-q")
    assert completed.returncode == 0, completed.stderr
    return logs, _good_reports(out)


CASES = (
    "non-utf8-name",
    "loss-1e160",
    "loss-1e300",
    "seed-group-1e300",
    "sanitised-name-clash",
    "1000-deep",
)
PLANTED_RUNS = {"sanitised-name-clash": 2, "seed-group-1e300": 3}


@pytest.mark.parametrize("case", CASES)
def test_a_planted_failure_leaves_the_good_runs_byte_identical(
    clean: tuple[Path, dict[str, bytes]], case: str, tmp_path: Path
) -> None:
    source, expected = clean
    logs = tmp_path / "logs"
    for name in GOOD:
        _keras_log(logs / name / "training.log", 30 if name == GOOD[0] else 25)
    (logs / GOOD[1] / "training.log").write_bytes((source / GOOD[1] / "training.log").read_bytes())
    (logs / GOOD[0] / "training.log").write_bytes((source / GOOD[0] / "training.log").read_bytes())
    _plant(logs, case)
    out = tmp_path / "out"
    completed = analyze(str(logs), "--out", str(out), "--no-cache", "--fail-on", "never", "-q")
    assert "Traceback" not in completed.stderr
    assert completed.returncode in (0, 1), completed.stderr
    assert completed.returncode == (1 if "failed" in completed.stderr else 0)
    reports = {
        key.replace(str(logs), str(source)): value for key, value in _good_reports(out).items()
    }
    assert _same_bytes(reports, expected, logs, source)
    assert (out / "index.md").is_file() and (out / "summary.json").is_file()
    assert manifest_files(out) | {MANIFEST} == written_files(out)
    assert len(list(out.glob("*/report.md"))) == len(GOOD) + PLANTED_RUNS.get(case, 1)


def _same_bytes(
    got: dict[str, bytes], expected: dict[str, bytes], logs: Path, source: Path
) -> bool:
    """Reports name their log's path: the planted copy's is the clean one's, moved."""
    moved = {k: v.replace(bytes(logs), bytes(source)) for k, v in got.items()}
    assert moved.keys() == expected.keys()
    for key, value in expected.items():
        assert moved[key] == value, key
    return True


FAULT = """
import sys
import curvelint.judging, curvelint.run_task, curvelint.runs
real_judge, real_read = curvelint.run_task.judge_series, curvelint.runs.read_run
def judge(name, series, metadata, options):
    if name == "buggy":
        raise ZeroDivisionError("planted bug")
    return real_judge(name, series, metadata, options)
def read(spec, cache=None):
    if spec.name == "buggy":
        raise RecursionError("planted bug")
    return real_read(spec, cache)
curvelint.run_task.judge_series = judge
curvelint.runs.read_run = read
from curvelint.cli import main
sys.argv = ["curvelint", *sys.argv[1:]]
main()
"""


def _with_fault(*arguments: str, debug: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true", "COLUMNS": "200"}
    env.pop("CURVELINT_DEBUG", None)
    if debug:
        env["CURVELINT_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "-c", FAULT, *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )


def test_a_bug_in_one_run_is_that_runs_failed_row_and_the_batch_completes(
    clean: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    source, expected = clean
    logs = tmp_path / "logs"
    for name in GOOD:
        (logs / name).mkdir(parents=True)
        (logs / name / "training.log").write_bytes((source / name / "training.log").read_bytes())
    _keras_log(logs / "buggy" / "training.log", 20)
    out = tmp_path / "out"
    completed = _with_fault("analyze", str(logs), "--out", str(out), "--no-cache", "-j", "1")
    assert completed.returncode == 1  # README: 1 = a run could not be read
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert "errors.log" in completed.stderr
    assert _same_bytes(_good_reports(out), expected, logs, source)
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "failed: ZeroDivisionError: planted bug" in index
    report = (out / "buggy" / "report.md").read_text(encoding="utf-8").replace("\\", "")
    assert "logs/buggy" in report  # the run's place, as given (no absolute path)
    assert str(tmp_path) not in report
    log = (out / "errors.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "ZeroDivisionError: planted bug" in log
    assert manifest_files(out) | {MANIFEST} == written_files(out)
    assert "summary.json" in manifest_files(out)

    debug = _with_fault(
        "analyze", str(logs), "--out", str(out), "--no-cache", "-j", "1", debug=True
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr  # asked for, kept whole


def test_frame_reads_every_other_run_when_one_fails_on_a_bug(
    clean: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    source, _ = clean
    logs = tmp_path / "logs"
    for name in GOOD:
        (logs / name).mkdir(parents=True)
        (logs / name / "training.log").write_bytes((source / name / "training.log").read_bytes())
    _keras_log(logs / "buggy" / "training.log", 20)
    completed = _with_fault("frame", str(logs), "--to", str(tmp_path / "frame.csv"), "--no-cache")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "buggy" in completed.stderr and "failed: RecursionError: planted bug" in completed.stderr
    assert all(name in completed.stdout for name in GOOD)
    assert (tmp_path / "frame.csv").is_file()
    debug = _with_fault("frame", str(logs), "--no-cache", debug=True)
    assert "Traceback" in debug.stderr


@pytest.mark.parametrize("case", CASES)
def test_frame_survives_each_planted_failure(tmp_path: Path, case: str) -> None:
    logs = tmp_path / "logs"
    _keras_log(logs / GOOD[0] / "training.log", 30)
    _plant(logs, case)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "curvelint",
            "frame",
            str(logs),
            "--no-cache",
            "--to",
            str(tmp_path / "frame.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    (tmp_path / "frame.csv").read_text(encoding="utf-8")
