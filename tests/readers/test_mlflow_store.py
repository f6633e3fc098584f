"""The MLflow file-store reader: real MLflow output, corpus files, metadata, damage, grouping."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import mlflow_store
from curvelint.runs import read_runs
from tests.conftest import corpus_files, tree_hashes
from tests.readers.writers import require, run_writer

MLFLOW_SCRIPT = """
import sys
from pathlib import Path
import mlflow

root = Path(sys.argv[1])
mlflow.set_tracking_uri((root / "mlruns").as_uri())
mlflow.set_experiment("demo")
with mlflow.start_run(run_name="first try"):
    mlflow.log_params({"lr": 0.01, "optimizer": "adam"})
    mlflow.set_tag("team", "vision")
    for step in range(5):
        mlflow.log_metric("train loss", 1.0 / (step + 1), step=step)
        weird = [2.0, float("nan"), float("inf"), float("-inf"), 1.0][step]
        mlflow.log_metric("val/loss", weird, step=step)
    mlflow.log_metric("test_accuracy", 0.75, step=4)
with mlflow.start_run(run_name="second"):
    mlflow.log_metric("loss", 3.0, step=0)
"""


@pytest.fixture(scope="module")
def mlruns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real runs in a real MLflow file store."""
    require("mlflow")
    root = tmp_path_factory.mktemp("mlflow")
    run_writer(MLFLOW_SCRIPT, root, MLFLOW_ALLOW_FILE_STORE="true")
    return root


def independent_points(path: Path) -> list[tuple[float, float, int]]:
    """Distinct ``timestamp value step`` lines, parsed with str.split."""
    seen: dict[str, tuple[float, float, int]] = {}
    for line in path.read_text().splitlines():
        fields = line.split()
        if len(fields) == 3 and line.strip() not in seen:
            seen[line.strip()] = (int(fields[0]) / 1000, float(fields[1]), int(fields[2]))
    return list(seen.values())


def _runs_by_name(root: Path) -> dict[str, list[Path]]:
    return {r.name: list(r.files) for r in discover([root]).runs}


def _run_folder_of(mlruns: Path, run_name: str) -> Path:
    for tag in (mlruns / "mlruns").rglob("mlflow.runName"):
        if tag.read_text().strip() == run_name:
            return tag.parent.parent
    raise AssertionError(run_name)


def test_real_mlflow_run_points_names_and_metadata(mlruns: Path) -> None:
    before = tree_hashes(mlruns)
    run = _run_folder_of(mlruns, "first try")
    files = sorted(p for p in (run / "metrics").rglob("*") if p.is_file())
    assert all(mlflow_store.sniff(f) for f in files)
    result = mlflow_store.read(files)
    frame = result.frame
    by_tag = {str(tag): rows for tag, rows in frame.groupby("tag", observed=True)}
    assert set(by_tag) == {"train loss", "val/loss", "test_accuracy"}
    for path in files:
        tag = path.relative_to(run / "metrics").as_posix()
        rows = by_tag[tag]
        expected = independent_points(path)
        assert rows["wall_time"].tolist() == pytest.approx([t for t, _, _ in expected])
        assert rows["step"].tolist() == [s for _, _, s in expected]
    loss = by_tag["val/loss"]
    assert (loss["metric"].astype(str) == "loss").all() and (loss["split"] == "eval").all()
    values = loss["value"].tolist()
    assert values[0] == 2.0 and math.isnan(values[1]) and values[2:4] == [math.inf, -math.inf]
    train = by_tag["train loss"]
    assert set(train["metric"].astype(str)) == {"loss"} and set(train["split"]) == {"train"}
    assert set(by_tag["test_accuracy"]["split"]) == {"test"}
    assert result.metadata["run_name"] == "first try"
    assert result.metadata["params"] == {"lr": "0.01", "optimizer": "adam"}
    assert result.metadata["tags"]["team"] == "vision"
    assert result.metadata["run_id"] == run.name
    assert tree_hashes(mlruns) == before


def test_discovery_makes_one_run_per_run_folder_named_by_path(mlruns: Path) -> None:
    report = read_runs([mlruns])
    assert len(report.runs) == 2 and {r.format for r in report.runs} == {"mlflow_store"}
    for run in report.runs:
        parts = run.name.split("/")
        assert parts[0] == "mlruns" and len(parts) == 3 and len(parts[2]) == 32
    assert sorted(r.metadata["run_name"] for r in report.runs) == ["first try", "second"]
    assert not report.skipped and not report.failed


def test_deleted_runs_in_trash_are_not_read(tmp_path: Path) -> None:
    metric = tmp_path / "mlruns" / ".trash" / ("a" * 32) / "metrics" / "loss"
    metric.parent.mkdir(parents=True)
    metric.write_text("1000 1.0 0\n")
    assert not mlflow_store.sniff(metric)


def test_repeated_and_damaged_lines(tmp_path: Path) -> None:
    run = tmp_path / "0" / ("b" * 32)
    metric = run / "metrics" / "loss"
    metric.parent.mkdir(parents=True)
    metric.write_text("1000 1.0 0\n2000 0.5 1\nnot a line\n3000 0.25\n1000 1.0 0\n4000 0.1 3\n40")
    result = mlflow_store.read([metric])
    frame = result.frame
    assert frame["step"].tolist() == [0, 1, 0, 3]  # a two-field line is step 0 (old stores)
    assert frame["value"].tolist() == [1.0, 0.5, 0.25, 0.1]
    assert frame["wall_time"].tolist() == [1.0, 2.0, 3.0, 4.0]
    torn, bad = result.skipped  # the last line, "40", has no line end: possibly cut mid-write
    assert (torn.where, bad.where, bad.count) == ("line 7", "line 3", 1)
    assert any("repeat an earlier line exactly" in note for note in result.notes)


def test_empty_and_garbage_metric_files_are_skipped_not_fatal(tmp_path: Path) -> None:
    run = tmp_path / "0" / ("c" * 32)
    (run / "metrics").mkdir(parents=True)
    (run / "meta.yaml").write_text("run_id: x\nrun_name: from-meta\n")
    (run / "metrics" / "empty").write_text("")
    (run / "metrics" / "garbage").write_bytes(b"\x00\xff\x10garbage")
    (run / "metrics" / "ok").write_text("1000 1.5 0\n")
    files = sorted((run / "metrics").iterdir())
    result = mlflow_store.read(files)
    assert result.frame["value"].tolist() == [1.5]
    assert {Path(s.path).name for s in result.skipped} == {"empty", "garbage"}
    assert result.metadata["run_name"] == "from-meta"
    with pytest.raises(UnreadableError) as raised:
        mlflow_store.read(files[:2])
    assert "\n" not in str(raised.value)


def test_every_corpus_metric_file_is_read_exactly(corpus: Path) -> None:
    files = corpus_files(corpus, "mlflow")
    before = {f: tree_hashes(f) for f in files}
    assert len(files) == 6 and all(mlflow_store.sniff(f) for f in files)
    found = discover([corpus / "mlflow"])
    assert len(found.runs) == 3 and {r.format for r in found.runs} == {"mlflow_store"}
    assert sum(len(r.files) for r in found.runs) == 6 and not found.skipped
    for spec in found.runs:
        result = mlflow_store.read(list(spec.files))
        assert not result.skipped
        for path in spec.files:
            rows = result.frame[result.frame["source"] == str(path)]
            expected = independent_points(path)
            assert len(rows) == len(expected), path
            assert rows["value"].tolist() == [v for _, v, _ in expected]
            assert rows["step"].is_monotonic_increasing  # the re-logged step 0 counted once
    names = {str(t) for t in mlflow_store.read(list(found.runs[1].files)).frame["tag"].unique()}
    assert any(" " in name for name in names)
    assert {f: tree_hashes(f) for f in files} == before


def test_corpus_runs_read_through_the_public_api(corpus: Path) -> None:
    report = read_runs([corpus / "mlflow"])
    assert len(report.runs) == 3
    frame = pd.concat([r.frame for r in report.runs])
    assert len(frame) == sum(len(independent_points(f)) for f in corpus_files(corpus, "mlflow"))
