"""``curvelint.read`` over a sweep builds one frame for all runs (no frame per run): it must be
exactly the frame of each run that :func:`read_runs` gives, concatenated, whether the runs are
read here or in a pool, and damaged files keep their valid points with the damage reported."""

from __future__ import annotations

import math
import os
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import curvelint
from curvelint import parallel, schema
from curvelint.errors import NoLogsError
from curvelint.runs import read_runs
from tests.reader_processes import record_reader_pids
from tests.test_cache import write_csv

STEPS = 300
SPECIAL = {7: math.nan, 8: math.inf, 9: -math.inf}  # train/loss at these steps


def _write_run(directory: Path, first_step: int = 0, steps: int = STEPS, *, base: str = "") -> None:
    """train/loss (with NaN and ±inf), eval/loss every 10 steps, lr: torch's SummaryWriter."""
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(directory), max_queue=100_000, flush_secs=3600, filename_suffix=base)
    for step in range(first_step, first_step + steps):
        loss = SPECIAL.get(step, 2.0 / (step + 1) ** 0.5)
        writer.add_scalar("train/loss", loss, step, walltime=1.7e9 + step)
        writer.add_scalar("lr", 1e-3 / (step + 1), step, walltime=1.7e9 + step)
        if step % 10 == 0:
            writer.add_scalar("eval/loss", 2.5 / (step + 1) ** 0.4, step, walltime=1.7e9 + step)
    writer.close()


def _only_file(directory: Path) -> Path:
    (path,) = directory.glob("*tfevents*")
    return path


def _record_ends(data: bytes) -> list[int]:
    """Where each record ends (TFRecord framing: length, its CRC, data, its CRC)."""
    ends, position = [], 0
    while position + 12 <= len(data):
        (length,) = struct.unpack_from("<Q", data, position)
        position += 12 + length + 4
        ends.append(position)
    return ends


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch.utils.tensorboard")
    root = tmp_path_factory.mktemp("sweep")
    for name in ("healthy", "truncated", "corrupt"):
        _write_run(root / name)
    _write_run(root / "resumed", base=".a")  # two files of one run, read in name order
    _write_run(root / "resumed", first_step=150, base=".b")
    for split in ("train", "validation"):  # Keras' layout: the folder gives the split
        _write_run(root / "keras" / split, steps=40)
    from torch.utils.tensorboard import SummaryWriter

    SummaryWriter(str(root / "header-only")).close()  # no scalar: skipped
    (root / "noise").mkdir()
    noise = np.random.default_rng(3).bytes(5_000)
    (root / "noise" / "events.out.tfevents.1.host").write_bytes(noise)  # its run fails
    write_csv(root / "csv" / "training.log")  # a format read through its frame

    truncated = _only_file(root / "truncated")
    data = truncated.read_bytes()
    truncated.write_bytes(data[: _record_ends(data)[-1] - 7])  # the writer stopped mid-record
    corrupt = _only_file(root / "corrupt")
    data = corrupt.read_bytes()
    middle = _record_ends(data)[len(_record_ends(data)) // 2]
    damaged = bytearray(data)
    damaged[middle] ^= 0xFF  # the length of the record at ``middle`` fails its checksum
    corrupt.write_bytes(bytes(damaged))
    return root


def _runs_concatenated(*paths: Path | str) -> pd.DataFrame:
    """What read gives, built the old way: each run's own frame, then schema's concat. That
    concat now goes through frame_columns too, so it is checked here against pandas' own
    concat of the runs' frames (values) and categories in order of first appearance."""
    frames = [run.frame for run in read_runs(list(paths), jobs=1).runs]
    joined = schema.concat(frames)
    as_objects = dict.fromkeys(schema.CATEGORY_COLUMNS, object)
    pd.testing.assert_frame_equal(
        joined.astype(as_objects),
        pd.concat([frame.astype(as_objects) for frame in frames], ignore_index=True),
        check_exact=True,
    )
    for name in schema.CATEGORY_COLUMNS:
        seen = [item for frame in frames for item in frame[name].cat.categories]
        assert joined[name].cat.categories.tolist() == list(dict.fromkeys(seen))
    return joined


def _assert_identical(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_exact=True)
    assert list(left.dtypes) == list(right.dtypes)
    for name in schema.CATEGORY_COLUMNS:
        one, two = left[name].array, right[name].array
        assert one.categories.dtype == two.categories.dtype, name
        assert list(one.categories) == list(two.categories), name
        assert one.codes.dtype == two.codes.dtype, name


@pytest.fixture
def reader_pids(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each run read by read's route appends the reading process's id to a file."""
    return record_reader_pids(monkeypatch, tmp_path / "pids.txt", "read_columns")


@pytest.mark.parametrize("jobs", [1, 2])
def test_read_is_every_runs_frame_concatenated(
    sweep: Path, reader_pids: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    expected = _runs_concatenated(sweep)
    monkeypatch.setattr(parallel, "default_jobs", lambda: jobs)
    monkeypatch.setattr(parallel, "MIN_POOL_BYTES_ONE_FRAME", 0)  # small runs in a pool too
    frame = curvelint.read(sweep)
    readers = {int(line) for line in reader_pids.read_text().split()}
    assert len(readers) == (2 if jobs == 2 and parallel.can_fork() else 1)
    _assert_identical(frame, expected)
    assert frame["run"].cat.categories.tolist() == [
        "corrupt",
        "csv",
        "healthy",
        "keras",
        "resumed",
        "truncated",
    ]


def test_a_sweep_of_a_few_megabytes_is_read_here(
    sweep: Path, reader_pids: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "default_jobs", lambda: 2)
    curvelint.read(sweep)  # under MIN_POOL_BYTES_ONE_FRAME: a pool would cost more than it saves
    assert {int(line) for line in reader_pids.read_text().split()} == {os.getpid()}


def test_one_run_reads_as_its_own_frame(sweep: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in (sweep / "healthy", sweep / "resumed", sweep / "keras"):
        _assert_identical(curvelint.read(path), _runs_concatenated(path))
    monkeypatch.chdir(sweep)  # relative paths are shown as typed, not relabelled
    _assert_identical(curvelint.read("healthy", "csv"), _runs_concatenated("healthy", "csv"))
    _assert_identical(curvelint.read("resumed"), _runs_concatenated("resumed"))


def test_special_values_are_kept(sweep: Path) -> None:
    frame = curvelint.read(sweep / "healthy")
    loss = frame[frame["tag"] == "train/loss"].set_index("step")["value"]
    assert len(loss) == STEPS and math.isnan(loss[7])
    assert loss[8] == math.inf and loss[9] == -math.inf


def test_damaged_files_keep_their_valid_points_and_say_so(sweep: Path) -> None:
    frame = curvelint.read(sweep)
    per_run = frame.groupby("run", observed=True).size()
    healthy = per_run["healthy"]
    assert healthy == 2 * STEPS + STEPS // 10
    assert per_run["truncated"] == healthy - 1  # only the cut record's point is lost
    assert per_run["corrupt"] < healthy  # lost from the bad length to the next intact record
    assert per_run["corrupt"] > healthy // 2  # both sides of it read
    report = read_runs([sweep], jobs=1)
    skipped = {run.name: run.skipped for run in report.runs}
    (cut,) = skipped["truncated"]
    assert cut.path.endswith(_only_file(sweep / "truncated").name)
    assert cut.why.startswith("truncated") and "mid-record" in cut.why
    (bad,) = skipped["corrupt"]
    assert "record length fails its checksum" in bad.why and "resumes" in bad.why
    assert [failed.name for failed in report.failed] == ["noise"]
    assert any(s.path.endswith("header-only") for s in report.skipped)


def test_nothing_readable_is_one_error_naming_why(sweep: Path) -> None:
    with pytest.raises(NoLogsError, match=r"no training logs found under .*noise: .*") as error:
        curvelint.read(sweep / "noise")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("part", [".", "healthy", "csv", "keras"])
def test_the_frame_read_is_the_callers_to_change(sweep: Path, part: str) -> None:
    frame = curvelint.read(sweep / part)
    again = curvelint.read(sweep / part)
    frame.loc[0, "value"] = 123.0
    frame.loc[1, "tag"] = str(frame["tag"].iloc[0])  # a category code written in place
    frame["step"] += 1
    assert frame.loc[0, "value"] == 123.0
    assert not again.equals(frame)
    assert again.loc[0, "value"] != 123.0
