"""The MLflow SQLite-store reader against databases the real MLflow client wrote: every run and
point, NaN/inf, metadata, an empty store, damaged stores, and a store written while read."""

from __future__ import annotations

import math
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import mlflow_sqlite
from curvelint.runs import Run, read_runs
from tests.conftest import tree_hashes
from tests.readers.writers import require, run_writer

SCHEMA_SCRIPT = """
import sys
from pathlib import Path
import mlflow

mlflow.set_tracking_uri("sqlite:///" + str(Path(sys.argv[1]) / "mlflow.db"))
mlflow.MlflowClient().search_experiments()
"""

STORE_SCRIPT = """
import sys
from pathlib import Path
import mlflow

mlflow.set_tracking_uri("sqlite:///" + str(Path(sys.argv[1]) / "mlflow.db"))
mlflow.set_experiment("exp one")
with mlflow.start_run(run_name="alpha"):
    mlflow.log_params({"lr": 0.01, "optimizer": "adam"})
    mlflow.set_tag("team", "vision")
    for step in range(200):
        mlflow.log_metric("train loss", 1.0 / (step + 1), step=step)
    for step, value in enumerate([2.0, float("nan"), float("inf"), float("-inf"), 1.0]):
        mlflow.log_metric("val/loss", value, step=step * 10)
with mlflow.start_run(run_name="beta"):
    mlflow.log_metric("loss", 3.0, step=0)
    mlflow.log_metric("loss", 2.0, step=1)
with mlflow.start_run(run_name="gone") as gone:
    mlflow.log_metric("loss", 9.0, step=0)
mlflow.MlflowClient().delete_run(gone.info.run_id)
with mlflow.start_run(run_name="params only"):
    mlflow.log_param("seed", 1)
mlflow.set_experiment("exp two")
with mlflow.start_run(run_name="alpha"):
    mlflow.log_param("lr", 0.1)
    mlflow.log_metric("accuracy", 0.5, step=3)
"""

WRITER_SCRIPT = """
import sys
from pathlib import Path
import mlflow

folder = Path(sys.argv[1])
mlflow.set_tracking_uri("sqlite:///" + str(folder / "mlflow.db"))
mlflow.set_experiment("live")
steps = 0
with mlflow.start_run(run_name="writing"):
    while steps < 3000 and not (folder / "stop").exists():
        mlflow.log_metric("loss", 1.0 / (steps + 1), step=steps)
        steps += 1
print(steps)
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with MLflow's schema and no run (creating the schema is slow: done once)."""
    require("mlflow")
    folder = tmp_path_factory.mktemp("template")
    run_writer(SCHEMA_SCRIPT, folder)
    return folder / "mlflow.db"


def _copy(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / "mlflow.db")
    return folder / "mlflow.db"


@pytest.fixture(scope="module")
def store(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs in two experiments, one deleted, written by the real MLflow client."""
    folder = tmp_path_factory.mktemp("store")
    _copy(template, folder)
    run_writer(STORE_SCRIPT, folder)
    return folder / "mlflow.db"


def _by_name(runs: list[Run]) -> dict[str, Run]:
    return {run.name: run for run in runs}


def _points(run: Run, tag: str) -> list[tuple[int, float]]:
    rows = run.frame[run.frame["tag"] == tag].sort_values("step")
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def test_every_active_run_of_every_experiment_is_read(store: Path) -> None:
    before = tree_hashes(store.parent)
    report = read_runs([store])
    runs = _by_name(report.runs)
    assert set(runs) == {
        "mlflow.db/exp one/alpha",
        "mlflow.db/exp one/beta",
        "mlflow.db/exp two/alpha",
    }, report
    assert not report.failed
    assert any("params only" in s.path or "no metrics" in s.why for s in report.skipped)
    assert tree_hashes(store.parent) == before


def test_all_points_with_steps_timestamps_nan_and_inf(store: Path) -> None:
    alpha = _by_name(read_runs([store]).runs)["mlflow.db/exp one/alpha"]
    train = _points(alpha, "train loss")
    assert [step for step, _ in train] == list(range(200))  # every point, not latest_metrics
    assert all(value == pytest.approx(1.0 / (step + 1)) for step, value in train)
    steps, values = zip(*_points(alpha, "val/loss"), strict=True)
    assert steps == (0, 10, 20, 30, 40)
    assert values[0] == 2.0 and math.isnan(values[1]) and values[4] == 1.0
    assert values[2] == math.inf and values[3] == -math.inf
    wall = alpha.frame["wall_time"]
    assert wall.notna().all() and wall.between(1.5e9, 4e9).all()  # seconds, not milliseconds
    assert any("infinity" in note for note in alpha.notes)


def test_params_tags_run_and_experiment_names_are_metadata(store: Path) -> None:
    runs = _by_name(read_runs([store]).runs)
    alpha = runs["mlflow.db/exp one/alpha"].metadata
    assert alpha["params"] == {"lr": "0.01", "optimizer": "adam"}
    assert alpha["tags"]["team"] == "vision"
    assert alpha["run_name"] == "alpha"
    assert alpha["experiment_name"] == "exp one"
    assert alpha["status"] == "FINISHED" and len(alpha["run_id"]) == 32
    assert runs["mlflow.db/exp two/alpha"].metadata["params"] == {"lr": "0.1"}
    configured = runs["mlflow.db/exp one/alpha"].configuration
    assert configured.as_dict() == {"lr": "0.01", "optimizer": "adam"}
    assert configured.sources == ("MLflow params",)


def test_a_folder_holding_the_database_is_read_too(store: Path) -> None:
    names = {spec.name for spec in discover([store.parent]).runs}
    assert "mlflow.db/exp one/beta" in names  # the database at the root keeps its own name
    assert {spec.format for spec in discover([store.parent]).runs} == {mlflow_sqlite.NAME}


def test_an_empty_database_is_a_clear_skip(template: Path, tmp_path: Path) -> None:
    database = _copy(template, tmp_path / "empty")
    assert mlflow_sqlite.sniff(database)
    report = read_runs([database])
    assert not report.runs and not report.failed
    assert [s.why for s in report.skipped] == ["an MLflow database with no runs"]
    with pytest.raises(UnreadableError, match="no runs"):
        mlflow_sqlite.read([database])
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", "frame", str(database), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert completed.stderr.strip().endswith("an MLflow database with no runs)")


def test_other_sqlite_databases_are_not_claimed(tmp_path: Path) -> None:
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE runs (id INTEGER)")
    connection.close()
    assert not mlflow_sqlite.sniff(other)
    assert not discover([tmp_path]).runs


def _damaged(store: Path, folder: Path, keep: int, tail: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = store.read_bytes()
    (folder / "mlflow.db").write_bytes(data[:keep] + tail)
    return folder / "mlflow.db"


@pytest.mark.parametrize(
    ("keep", "tail"),
    [
        (16, os.urandom(5000)),  # the header, then garbage
        (4096, b""),  # only the first page
        (100_000, b""),  # cut in the middle
        (100_000, b"\xff" * 50_000),  # overwritten past a point
    ],
    ids=["garbage", "first-page", "truncated", "overwritten"],
)
def test_a_damaged_database_fails_in_one_line_and_others_go_on(
    store: Path, tmp_path: Path, keep: int, tail: bytes
) -> None:
    _damaged(store, tmp_path / "bad", keep, tail)
    _copy(store, tmp_path / "good")
    report = read_runs([tmp_path])
    good = {run.name for run in report.runs if run.name.startswith("good/")}
    # A database alone in its folder is named after the folder, as any single log file is.
    assert good == {"good/exp one/alpha", "good/exp one/beta", "good/exp two/alpha"}
    assert report.failed or any(s.path.startswith(str(tmp_path / "bad")) for s in report.skipped)
    for failed in report.failed:
        assert failed.name.startswith("bad")
        assert "\n" not in failed.error and "mlflow.db" in failed.error


def test_the_cli_names_a_damaged_database_in_one_line(store: Path, tmp_path: Path) -> None:
    database = _damaged(store, tmp_path / "in", 16, b"\x00garbage" * 600)
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", "frame", str(database)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if "mlflow.db" in line]
    assert lines and "not a readable MLflow SQLite database" in lines[0], completed.stderr


def _count(database: Path) -> int:
    report = read_runs([database])
    assert not report.failed, report.failed
    return sum(len(run.frame) for run in report.runs)


def test_a_database_written_while_read(template: Path, tmp_path: Path) -> None:
    """A real writer logs in a loop while the reader reads again and again: every read
    succeeds, counts never go down, and the writer finishes every write without an error."""
    folder = tmp_path / "live"
    database = _copy(template, folder)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    counts: list[int] = []
    try:
        while writer.poll() is None and len(set(counts)) < 20:
            counts.append(_count(database))
    finally:
        (folder / "stop").touch()
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-3000:]
    assert counts == sorted(counts)
    assert len(set(counts)) >= 2, counts  # reads overlapped the writes
    assert _count(database) == int(out.split()[-1])


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(0, 1_200_000), noise=st.binary(max_size=4096), at=st.integers(0, 1_200_000))
def test_any_prefix_or_overwrite_reads_or_fails_in_one_line(
    store: Path, tmp_path_factory: pytest.TempPathFactory, cut: int, noise: bytes, at: int
) -> None:
    data = bytearray(store.read_bytes()[:cut])
    data[at : at + len(noise)] = noise
    database = tmp_path_factory.mktemp("damaged") / "mlflow.db"
    database.write_bytes(bytes(data))
    report = read_runs([database])
    for failed in report.failed:
        assert "\n" not in failed.error
    for run in report.runs:
        assert run.frame["step"].notna().all()


def test_rows_of_the_wrong_type_are_skipped_and_bad_utf8_replaced(
    store: Path, tmp_path: Path
) -> None:
    """A database edited by something else than MLflow: SQLite's loose typing lets any cell
    hold text; such rows are reported, the others read."""
    database = _copy(store, tmp_path / "edited")
    with sqlite3.connect(database) as connection:
        run_id = connection.execute("SELECT run_uuid FROM runs WHERE name = 'beta'").fetchone()[0]
        connection.execute(
            "UPDATE metrics SET value = 'oops' WHERE run_uuid = ? AND step = 1", (run_id,)
        )
        connection.execute(
            "INSERT INTO metrics VALUES (CAST(x'6cff' AS TEXT), 0.5, 1700000000000, ?, 7, 0)",
            (run_id,),
        )
        connection.execute(
            "INSERT INTO params VALUES (CAST(x'70ff' AS TEXT), CAST(x'ff' AS TEXT), ?)", (run_id,)
        )
        connection.execute(
            "UPDATE experiments SET name = CAST(x'65ff' AS TEXT) WHERE name = 'exp two'"
        )
    connection.close()
    runs = _by_name(read_runs([database]).runs)
    assert "mlflow.db/e\ufffd/alpha" in runs
    beta = runs["mlflow.db/exp one/beta"]
    assert beta.configuration.as_dict() == {"p\ufffd": "\ufffd"}
    assert _points(beta, "loss") == [(0, 3.0)]
    assert _points(beta, "l\ufffd") == [(7, 0.5)]
    assert [(s.where, s.count) for s in beta.skipped] == [(f"run {run_id}", 1)]
