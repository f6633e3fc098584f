"""Paths appear as the user typed them, never as this machine's absolute paths (on CI those
are the runner's checkout): the real CLI on real logs, some damaged, from a temporary folder,
with every output file, stdout and stderr searched for the folder's absolute path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePath

import pytest

from curvelint.shown_paths import shown_path
from tests.test_cli_analyze import curvelint


def typed(path: Path, work: Path, absolute: bool) -> str:
    """``path`` as a user in ``work`` would type it: ``logs/…``, or its absolute path."""
    return str(path) if absolute else os.path.relpath(path, work)


@pytest.fixture
def work(sample_logs: Path, tmp_path: Path) -> Path:
    """``work/logs``: real runs (torch, Keras, HF Trainer) and damaged copies of them."""
    logs = tmp_path / "work" / "logs"
    for name in ("torch_regression_nan", "keras_csv_iris_healthy", "hf_bert_stuck"):
        shutil.copytree(sample_logs / name, logs / name)
    (event,) = (sample_logs / "torch_regression_nan").glob("events.out.tfevents.*")
    data = event.read_bytes()
    (logs / "truncated-events").mkdir()
    (logs / "truncated-events" / event.name).write_bytes(data[: len(data) * 6 // 10])
    state = (sample_logs / "hf_bert_stuck" / "trainer_state.json").read_bytes()
    (logs / "half-written-state").mkdir()
    (logs / "half-written-state" / "trainer_state.json").write_bytes(state[: len(state) // 2])
    keras = (sample_logs / "keras_csv_iris_healthy" / "training.log").read_text(encoding="utf-8")
    (logs / "junk-row").mkdir()
    (logs / "junk-row" / "training.log").write_text(keras + "garbage,,,\n", encoding="utf-8")
    (logs / "notes.txt").write_text("not a log\n", encoding="utf-8")
    return logs.parent


def leaks(text: str, folder: Path) -> list[str]:
    """Every line of ``text`` that names an absolute path of this machine."""
    needles = {str(folder), str(folder.resolve()), os.getcwd(), "/tmp/"}
    return [line for line in text.splitlines() if any(needle in line for needle in needles)]


def leaks_in_files(root: Path, folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        lines = leaks(path.read_bytes().decode("utf-8", errors="replace"), folder)
        if lines:
            found[str(path.relative_to(root))] = lines[:3]
    return found


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_analyze_frame_and_compare_show_no_absolute_path(work: Path, absolute: bool) -> None:
    logs = work / "logs"

    def spell(path: Path) -> str:
        return typed(path, work, absolute)

    summary = work / "step-summary.md"
    outputs = [
        curvelint(
            "analyze",
            spell(logs),
            "-o",
            "out",
            "--github",
            "-j",
            "1",
            "--no-cache",
            cwd=work,
            env={"GITHUB_STEP_SUMMARY": str(summary)},
        ),
        curvelint("frame", spell(logs), "--to", "frame.csv", "--no-cache", cwd=work),
        curvelint(
            "compare",
            spell(logs / "junk-row"),
            spell(logs / "keras_csv_iris_healthy"),
            "-o",
            "cmp-runs",
            cwd=work,
        ),
        curvelint("compare", spell(logs), spell(logs), "-o", "cmp-folders", cwd=work),
    ]
    assert [result.returncode for result in outputs] == [1, 1, 0, 1]
    report = (work / "out" / "index.md").read_text(encoding="utf-8")
    assert "half-written-state" in report and "unreadable" in report
    skipped = (work / "out" / "truncated-events" / "report.md").read_text(encoding="utf-8")
    assert "truncated record" in skipped and "logs/truncated-events/events.out" in skipped
    assert "::error title=curvelint%3A half-written-state::" in outputs[0].stdout
    header = (work / "cmp-runs" / "compare.md").read_text(encoding="utf-8").splitlines()[2]
    assert header.startswith("**Base:** " + ("junk-row" if absolute else "logs/junk-row"))
    for result in outputs:
        assert leaks(result.stdout + result.stderr, work) == []
    assert leaks_in_files(work / "out", work) == {}
    assert leaks_in_files(work / "cmp-runs", work) == {}
    assert leaks_in_files(work / "cmp-folders", work) == {}
    assert leaks(summary.read_text(encoding="utf-8"), work) == []
    assert leaks((work / "frame.csv").read_text(encoding="utf-8"), work) == []


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
@pytest.mark.parametrize(
    "arguments",
    [
        ["analyze", "{missing}"],
        ["frame", "{missing}"],
        ["compare", "{missing}", "{logs}"],
        ["compare", "{logs}", "{work}/elsewhere"],
        ["analyze", "{logs}/notes.txt"],
        ["analyze", "{logs}", "--config", "{work}/bad.toml"],
    ],
)
def test_one_line_errors_show_no_absolute_path(
    work: Path, absolute: bool, arguments: list[str]
) -> None:
    (work / "bad.toml").write_text("rules = [\n", encoding="utf-8")
    shutil.copytree(work / "logs" / "junk-row", work / "elsewhere" / "no-such-run-in-logs")
    names = {
        "missing": typed(work / "logs" / "missing", work, absolute),
        "logs": typed(work / "logs", work, absolute),
        "work": typed(work, work, absolute),
    }
    result = curvelint(*(argument.format(**names) for argument in arguments), cwd=work)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("curvelint: error: ")
    assert leaks(line, work) == []


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("logs/run-1", "logs/run-1"),
        ("../logs", "../logs"),
        (".", "."),
        ("s3://bucket/logs/", "s3://bucket/logs/"),
        ("/home/runner/work/project/logs", "logs"),
        (PurePath("/home/runner/work/project/logs/run/trainer_state.json"), "trainer_state.json"),
        ("/", "/"),
    ],
)
def test_shown_path_keeps_what_was_typed_but_never_an_absolute_path(
    typed: str | PurePath, shown: str
) -> None:
    assert shown_path(typed) == shown
