"""Many runs end to end: parallel equals serial, bad runs become rows, re-runs replace cleanly,
hostile file names stay inside --out."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import pytest

from curvelint.errors import CurvelintError, NoLogsError
from curvelint.pipeline import analyze_paths
from curvelint.report.json_schema import RUN_SCHEMA, summary_schema
from curvelint.report.output import MANIFEST, OutputError
from tests.conftest import tree_hashes


def write_keras_csv(path: Path, losses: list[float], val_losses: list[float] | None = None) -> Path:
    """A Keras CSVLogger file: one row per epoch."""
    header = "epoch,loss" + (",val_loss" if val_losses else "") + ",lr\n"
    rows = []
    for epoch, loss in enumerate(losses):
        cells = [str(epoch), repr(loss)]
        if val_losses:
            cells.append(repr(val_losses[epoch]))
        rows.append(",".join([*cells, "0.001"]))
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def falling(points: int = 30, scale: float = 2.0) -> list[float]:
    return [scale * (epoch + 1) ** -0.5 + 0.1 for epoch in range(points)]


def diverging(points: int = 30) -> list[float]:
    return [2.0 * (epoch + 1) ** -0.5 if epoch < 20 else math.nan for epoch in range(points)]


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    write_keras_csv(folder / "good.csv", falling(), falling(scale=2.1))
    write_keras_csv(folder / "nan.csv", diverging())
    (folder / "broken.csv").write_text("epoch,loss\n", encoding="utf-8")
    return folder


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_parallel_output_is_byte_for_byte_the_serial_output(logs: Path, tmp_path: Path) -> None:
    serial = analyze_paths([logs], tmp_path / "serial", jobs=1)
    parallel = analyze_paths([logs], tmp_path / "parallel", jobs=2)
    assert files_of(tmp_path / "serial") == files_of(tmp_path / "parallel")
    assert serial.rows == parallel.rows
    assert [row.name for row in serial.rows] == ["broken.csv", "good.csv", "nan.csv"]


def test_every_run_gets_its_files_and_bad_runs_are_rows(logs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = analyze_paths([logs], out)
    verdicts = {row.name: row.verdict for row in result.rows}
    assert verdicts["broken.csv"] == "unreadable"
    assert verdicts["nan.csv"] == "diverged"
    written = set(files_of(out))
    assert {"index.md", "summary.json", MANIFEST} <= written
    for folder in ("good.csv", "nan.csv"):
        assert {f"{folder}/report.md", f"{folder}/report.json", f"{folder}/loss.png"} <= written
    assert {"broken.csv/report.md", "broken.csv/report.json"} <= written
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(summary_schema()).validate(summary)
    for run in summary["runs"]:
        report = json.loads((out / run["folder"] / "report.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(RUN_SCHEMA).validate(report)
        assert report == run


def test_inputs_are_not_modified(logs: Path, tmp_path: Path) -> None:
    before = tree_hashes(logs)
    analyze_paths([logs], tmp_path / "out")
    assert tree_hashes(logs) == before


def test_a_rerun_replaces_its_report_and_keeps_other_files(logs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze_paths([logs], out)
    (out / "README.txt").write_text("mine", encoding="utf-8")
    (logs / "nan.csv").unlink()
    result = analyze_paths([logs], out)
    assert [row.name for row in result.rows] == ["broken.csv", "good.csv"]
    assert not (out / "nan.csv").exists()
    assert (out / "README.txt").read_text(encoding="utf-8") == "mine"
    assert "nan.csv" not in (out / "index.md").read_text(encoding="utf-8")


def test_an_output_folder_inside_the_logs_is_not_read_as_logs(logs: Path) -> None:
    first = analyze_paths([logs], logs / "reports")
    second = analyze_paths([logs], logs / "reports")
    assert [row.name for row in second.rows] == [row.name for row in first.rows]


def test_nothing_to_analyze_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoLogsError):
        analyze_paths([tmp_path / "empty"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_unsafe_output_folder_is_refused_before_any_work(logs: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(OutputError):
        analyze_paths([logs], tmp_path / "taken")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["thesis.tex"]


def test_a_run_failing_analysis_with_a_curvelint_error_becomes_unreadable(
    logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import curvelint.run_task as run_task  # where each run is judged

    def failing(*arguments: object) -> None:
        raise CurvelintError("analysis refused this run")

    monkeypatch.setattr(run_task, "judge_series", failing)
    result = analyze_paths([logs], tmp_path / "out", jobs=1)
    assert {row.verdict for row in result.rows} == {"unreadable"}
    assert any(row.reason == "analysis refused this run" for row in result.rows)


HOSTILE_FILE_NAMES = [
    "<img src=x onerror=alert(1)>.csv",
    "[x](javascript:alert(1)).csv",
    "pipe|and`tick`.csv",
    "new\nline.csv",
    "Run.csv",
    "run.csv",
    "café.csv",
    "cafe\u0301.csv",
    ("very-long-" * 20) + ".csv",
]


def test_hostile_file_names_write_only_inside_out_and_one_folder_each(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for name in HOSTILE_FILE_NAMES:
        write_keras_csv(logs / name, falling(12))
    out = tmp_path / "out"
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(out)}
    result = analyze_paths([logs], out, jobs=1)
    assert {p for p in tmp_path.rglob("*") if not p.is_relative_to(out)} == before
    assert len(result.rows) == len(HOSTILE_FILE_NAMES)
    folders = [row.folder for row in result.rows]
    assert len({folder.casefold() for folder in folders}) == len(folders)
    for folder in folders:
        assert (out / folder / "report.md").is_file()
        assert all(c.isascii() and (c.isalnum() or c in "._-") for c in folder)
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "<img" not in index and "](javascript" not in index
    rows = [line for line in index.splitlines() if line.startswith("| ") and "][" in line]
    assert len(rows) == len(folders)
