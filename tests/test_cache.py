"""The cache of parsed runs and rendered outputs: reused only for unchanged files and options,
never trusted blindly, never unpickled, bounded in size."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from curvelint import cache_keys as cache_module
from curvelint.cache import Cache, cache_directory, max_bytes
from curvelint.pipeline import PipelineOptions, analyze_paths
from curvelint.readers import keras_csv, tensorboard
from curvelint.report import plots as report_plots
from curvelint.report.model import ReportOptions
from curvelint.runs import Run, read_runs

HOUR = 3600.0


def write_events(folder: Path, steps: int = 200, *, scale: float = 2.0) -> Path:
    """A TensorBoard run: loss and accuracy at every step (TensorBoard's own writer)."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = EventFileWriter(str(folder), max_queue_size=10_000)
    for step in range(steps):
        values = [
            summary_pb2.Summary.Value(tag="loss", simple_value=scale / (step + 1) ** 0.5),
            summary_pb2.Summary.Value(tag="accuracy", simple_value=1 - 1 / (step + 2)),
        ]
        event = event_pb2.Event(
            wall_time=1.7e9 + step, step=step, summary=summary_pb2.Summary(value=values)
        )
        writer.add_event(event)
    writer.close()
    (path,) = folder.glob("*tfevents*")
    return path


def write_csv(path: Path, epochs: int = 30, scale: float = 2.0) -> Path:
    rows = [f"{epoch},{scale * (epoch + 1) ** -0.5 + 0.1!r},0.001" for epoch in range(epochs)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("epoch,loss,lr\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def age(root: Path, seconds: float = HOUR) -> None:
    """Make every file under ``root`` look written ``seconds`` ago (fresh files are not cached:
    their modification time could still repeat with other content)."""
    then = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (then, then))


def entries(root: Path, kind: str) -> list[Path]:
    return sorted((root / kind).glob("*.npz")) if (root / kind).is_dir() else []


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    write_events(folder / "tb-run")
    write_csv(folder / "keras" / "training.log")
    age(folder)
    return folder


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache", 64 * 1024 * 1024)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of the TensorBoard and Keras CSV readers, by reader name."""
    calls: list[str] = []
    for module in (tensorboard, keras_csv):
        original = module.read

        def counting(
            paths: Any, *args: Any, _read: Any = original, _name: str = module.NAME, **kwargs: Any
        ) -> Any:
            calls.append(_name)
            return _read(paths, *args, **kwargs)

        monkeypatch.setattr(module, "read", counting)
    return calls


def assert_same_runs(left: list[Run], right: list[Run]) -> None:
    assert [run.name for run in left] == [run.name for run in right]
    for one, two in zip(left, right, strict=True):
        pd.testing.assert_frame_equal(one.frame, two.frame, check_exact=True)
        for column in ("run", "metric", "split", "tag", "source"):
            assert one.frame[column].cat.categories.dtype == two.frame[column].cat.categories.dtype
        assert (one.format, one.skipped, one.metadata, one.notes, one.files) == (
            two.format,
            two.skipped,
            two.metadata,
            two.notes,
            two.files,
        )


# --------------------------------------------------------------------------- parsed runs


def test_a_second_read_loads_the_same_runs_without_calling_the_readers(
    logs: Path, cache: Cache, reads: list[str]
) -> None:
    plain = read_runs([logs])
    assert sorted(reads) == ["keras_csv", "tensorboard"]
    first = read_runs([logs], cache=cache)
    assert len(reads) == 4 and len(entries(cache.root, "runs")) == 2
    second = read_runs([logs], cache=cache)
    assert len(reads) == 4, "the second read must come from the cache"
    assert_same_runs(plain.runs, first.runs)
    assert_same_runs(plain.runs, second.runs)


def test_sample_logs_come_back_exactly(sample_logs: Path, tmp_path: Path, cache: Cache) -> None:
    """Trainer states with their TensorBoard companions, Keras CSVs, NaN values, notes."""
    logs = tmp_path / "samples"
    shutil.copytree(sample_logs, logs)
    age(logs)
    plain = read_runs([logs])
    read_runs([logs], cache=cache)
    assert len(entries(cache.root, "runs")) >= len(plain.runs) > 0
    assert_same_runs(plain.runs, read_runs([logs], cache=cache).runs)


def test_a_changed_file_is_read_again(logs: Path, cache: Cache, reads: list[str]) -> None:
    read_runs([logs], cache=cache)
    event_file = next((logs / "tb-run").glob("*tfevents*"))
    before = event_file.stat()
    data = bytearray(event_file.read_bytes())
    other = write_events(logs.parent / "other", scale=5.0).read_bytes()
    assert len(other) == len(data)
    event_file.write_bytes(other)  # same size; then even the modification time is put back
    os.utime(event_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    report = read_runs([logs], cache=cache)
    assert reads == ["tensorboard"]
    (run,) = [run for run in report.runs if run.name == "tb-run"]
    loss = run.frame[run.frame["metric"] == "loss"]["value"].to_numpy()
    assert loss[0] == pytest.approx(5.0)


def test_files_written_moments_ago_are_not_cached(tmp_path: Path, cache: Cache) -> None:
    logs = tmp_path / "fresh"
    write_csv(logs / "training.log")
    read_runs([logs], cache=cache)
    assert entries(cache.root, "runs") == []
    age(logs)
    read_runs([logs], cache=cache)
    assert len(entries(cache.root, "runs")) == 1


def test_nothing_is_cached_when_a_url_is_read(logs: Path, cache: Cache) -> None:
    """A URL's files are copied to a new temporary folder each time: caching them would only
    fill the cache."""
    report = read_runs(["nosuchprotocol://bucket/logs", logs], cache=cache)
    assert len(report.runs) == 2
    assert entries(cache.root, "runs") == []


# --------------------------------------------------------------------------- untrusted entries


def corrupt_entries(root: Path, damage: Callable[[Path], None]) -> list[Path]:
    found = entries(root, "runs")
    for path in found:
        damage(path)
    return found


def garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 not really a zip" * 10)


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def rewrite(path: Path, change: Callable[[dict[str, Any], dict[str, np.ndarray]], None]) -> None:
    """Rewrite an entry with ``change`` applied to its metadata and arrays."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays.pop("meta").tobytes())
    change(meta, arrays)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=True)


def codes_out_of_range(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    arrays["metric"] = np.full(meta["rows"], 99, dtype=np.int8)
    meta["columns"]["metric"]["constant"] = False


def wrong_dtype(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    arrays["step"] = arrays["step"].astype(np.float64)


def short_column(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    arrays["value"] = arrays["value"][:-1]


def unknown_split(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    meta["columns"]["split"]["categories"] = ["validation" + str(i) for i in range(9)]


def foreign_key(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    meta["key"] = "0" * 64


def object_array(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    arrays["value"] = np.array([{"a": 1}] * meta["rows"], dtype=object)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": garbage,
    "truncated": truncate,
    "codes out of range": lambda path: rewrite(path, codes_out_of_range),
    "wrong dtype": lambda path: rewrite(path, wrong_dtype),
    "short column": lambda path: rewrite(path, short_column),
    "unknown split": lambda path: rewrite(path, unknown_split),
    "another run's key": lambda path: rewrite(path, foreign_key),
    "pickled objects": lambda path: rewrite(path, object_array),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_bad_entry_is_ignored_and_replaced(
    damage: str, logs: Path, cache: Cache, reads: list[str]
) -> None:
    expected = read_runs([logs]).runs
    read_runs([logs], cache=cache)
    damaged = corrupt_entries(cache.root, DAMAGE[damage])
    reads.clear()
    report = read_runs([logs], cache=cache)
    assert sorted(reads) == ["keras_csv", "tensorboard"], "nothing may come from a bad entry"
    assert_same_runs(expected, report.runs)
    for path in damaged:  # written again, and good: the next read comes from it
        with np.load(path, allow_pickle=False) as archive:
            assert "meta" in archive.files
    reads.clear()
    assert_same_runs(expected, read_runs([logs], cache=cache).runs)
    assert reads == []


def test_entries_are_never_opened_through_links_or_as_fifos(
    logs: Path, cache: Cache, reads: list[str], tmp_path: Path
) -> None:
    read_runs([logs], cache=cache)
    linked, fifo = entries(cache.root, "runs")
    elsewhere = tmp_path / "elsewhere.npz"
    shutil.copyfile(linked, elsewhere)
    linked.unlink()
    linked.symlink_to(elsewhere)  # a valid entry, but behind a link
    fifo.unlink()
    os.mkfifo(fifo)  # opening it for reading would block until someone writes
    reads.clear()
    done: list[list[Run]] = []
    worker = threading.Thread(
        target=lambda: done.append(read_runs([logs], cache=cache).runs), daemon=True
    )
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "a FIFO in the cache must not block a read"
    assert sorted(reads) == ["keras_csv", "tensorboard"]
    assert len(done[0]) == 2
    assert all(path.is_file() and not path.is_symlink() for path in (linked, fifo))


BOMB_BYTES = 256 * 2**20  # inflated; deflated it is a quarter of a megabyte


def _replace_value_member(path: Path, write_member: Callable[[zipfile.ZipFile], None]) -> None:
    """Rewrite an entry with every member as it was but ``value.npy``, which
    ``write_member`` writes."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            if name == "value.npy":
                write_member(archive)
            else:
                archive.writestr(name, data)


def deflated_bomb(archive: zipfile.ZipFile) -> None:
    """A float64 column of BOMB_BYTES zeros, deflated: a valid .npy of 32 Mi rows."""
    info = zipfile.ZipInfo("value.npy")
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        header = np.lib.format.header_data_from_array_1_0(np.zeros(0))
        header["shape"] = (BOMB_BYTES // 8,)
        np.lib.format.write_array_header_1_0(member, header)
        chunk = bytes(2**20)
        for _ in range(BOMB_BYTES // len(chunk)):
            member.write(chunk)


def announced_bomb(archive: zipfile.ZipFile) -> None:
    """A stored .npy whose header announces BOMB_BYTES but that holds eight bytes."""
    with archive.open("value.npy", "w") as member:
        header = np.lib.format.header_data_from_array_1_0(np.zeros(0))
        header["shape"] = (BOMB_BYTES // 8,)
        np.lib.format.write_array_header_1_0(member, header)
        member.write(bytes(8))


@pytest.mark.parametrize("bomb", [deflated_bomb, announced_bomb], ids=lambda f: f.__name__)
def test_an_entry_that_would_inflate_is_never_loaded_whole(
    bomb: Callable[[zipfile.ZipFile], None], logs: Path, cache: Cache, reads: list[str]
) -> None:
    """A small planted entry announcing hundreds of MB is a miss before numpy allocates."""
    expected = read_runs([logs]).runs
    read_runs([logs], cache=cache)
    planted = entries(cache.root, "runs")
    for path in planted:
        _replace_value_member(path, bomb)
        assert path.stat().st_size < BOMB_BYTES // 100
    reads.clear()
    tracemalloc.start()
    try:
        report = read_runs([logs], cache=cache)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < BOMB_BYTES // 8, f"{peak / 2**20:.0f} MiB traced while reading the entries"
    assert sorted(reads) == ["keras_csv", "tensorboard"], "nothing may come from a bomb"
    assert_same_runs(expected, report.runs)


class Exploit:
    """Unpickling this would leave a file behind."""

    marker: Path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_is_never_unpickled(
    logs: Path, cache: Cache, reads: list[str], tmp_path: Path
) -> None:
    read_runs([logs], cache=cache)
    Exploit.marker = tmp_path / "pwned"
    for path in entries(cache.root, "runs"):
        rewrite(path, lambda meta, arrays: arrays.update(step=np.array([Exploit()], object)))
    reads.clear()
    read_runs([logs], cache=cache)
    assert not Exploit.marker.exists()
    assert sorted(reads) == ["keras_csv", "tensorboard"]


def test_an_entry_of_the_right_name_but_another_run_is_not_used(
    tmp_path: Path, cache: Cache
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    write_csv(one / "training.log", scale=1.0)
    write_csv(two / "training.log", scale=9.0)
    age(tmp_path)
    read_runs([one], cache=cache)
    (first,) = entries(cache.root, "runs")
    read_runs([two], cache=cache)
    (second,) = set(entries(cache.root, "runs")) - {first}
    shutil.copyfile(first, second)  # a planted copy of the other run's entry
    (run,) = read_runs([two], cache=cache).runs
    assert run.frame["value"].iloc[0] == pytest.approx(9.0 + 0.1)


# --------------------------------------------------------------------------- size and place


def test_pruning_removes_the_least_recently_used_entries(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache = Cache(root, 1000)
    (root / "runs").mkdir(parents=True)
    now = time.time()
    for index in range(6):
        path = root / "runs" / f"{index:064x}.npz"
        path.write_bytes(b"x" * 300)
        os.utime(path, (now - 100 + index, now - 100 + index))
    leftover = root / "runs" / ".abc.npz.tmp"
    leftover.write_bytes(b"half")
    os.utime(leftover, (now - 2 * HOUR, now - 2 * HOUR))
    cache.prune()
    kept = sorted(path.name for path in (root / "runs").iterdir())
    assert kept == [f"{index:064x}.npz" for index in (4, 5)]  # 600 bytes ≤ 80% of 1000


def test_a_hit_counts_as_a_use(logs: Path, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", 64 * 1024 * 1024)
    read_runs([logs], cache=cache)
    for path in entries(cache.root, "runs"):
        os.utime(path, (1.0, 1.0))
    read_runs([logs], cache=cache)
    assert all(path.stat().st_mtime > 1.0 for path in entries(cache.root, "runs"))


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory({}) == tmp_path / "home" / ".cache" / "curvelint"
    assert cache_directory({"XDG_CACHE_HOME": "relative"}) == (
        tmp_path / "home" / ".cache" / "curvelint"
    )
    assert cache_directory({"XDG_CACHE_HOME": "/xdg"}) == Path("/xdg/curvelint")
    explicit = {"XDG_CACHE_HOME": "/xdg", "CURVELINT_CACHE_DIR": "/mine"}
    assert cache_directory(explicit) == Path("/mine")
    assert max_bytes({}) == 1024 * 1024 * 1024
    assert max_bytes({"CURVELINT_CACHE_MAX_MB": "2"}) == 2 * 1024 * 1024
    assert max_bytes({"CURVELINT_CACHE_MAX_MB": "lots"}) == 1024 * 1024 * 1024
    assert Cache.from_environment({"CURVELINT_CACHE_MAX_MB": "0"}) is None


def test_an_unwritable_cache_changes_nothing(logs: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = Cache(blocker / "cache", 64 * 1024 * 1024)
    assert_same_runs(read_runs([logs]).runs, read_runs([logs], cache=cache).runs)


# --------------------------------------------------------------------------- rendered outputs


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = report_plots.render_png

    def counting(spec: Any) -> bytes:
        calls.append(spec.file_name)
        return original(spec)

    monkeypatch.setattr(report_plots, "render_png", counting)  # looked up at each write
    return calls


def output_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_second_analyze_copies_the_outputs_without_reading_or_drawing(
    logs: Path, cache: Cache, tmp_path: Path, reads: list[str], renders: list[str]
) -> None:
    out = tmp_path / "out"
    first = analyze_paths([logs], out, cache=cache)
    files = output_files(out)
    assert reads and renders and len(entries(cache.root, "outputs")) == 2
    reads.clear()
    renders.clear()
    second = analyze_paths([logs], out, cache=cache)
    assert reads == [] and renders == []
    assert output_files(out) == files
    assert second.rows == first.rows
    assert second.documents == first.documents
    assert (second.index_markdown, second.summary_json) == (
        first.index_markdown,
        first.summary_json,
    )


def test_a_new_output_folder_reuses_the_outputs_byte_for_byte(
    logs: Path, cache: Cache, tmp_path: Path, reads: list[str], renders: list[str]
) -> None:
    """The outputs entry is keyed by content and options, not by --out: a second analyze
    into another folder draws nothing and writes what an uncached analysis writes."""
    analyze_paths([logs], tmp_path / "out1", cache=cache)
    assert renders
    reads.clear()
    renders.clear()
    second = analyze_paths([logs], tmp_path / "out2", cache=cache)
    assert reads == [] and renders == []
    plain = analyze_paths([logs], tmp_path / "out3")
    assert output_files(tmp_path / "out2") == output_files(tmp_path / "out3")
    assert output_files(tmp_path / "out1") == output_files(tmp_path / "out3")
    assert (second.rows, second.documents) == (plain.rows, plain.documents)
    assert (second.index_markdown, second.summary_json) == (
        plain.index_markdown,
        plain.summary_json,
    )


def test_the_cached_outputs_equal_an_uncached_analysis(
    logs: Path, cache: Cache, tmp_path: Path
) -> None:
    analyze_paths([logs], tmp_path / "plain")
    analyze_paths([logs], tmp_path / "cached", cache=cache)
    analyze_paths([logs], tmp_path / "cached", cache=cache)
    assert output_files(tmp_path / "plain") == output_files(tmp_path / "cached")


def test_other_options_draw_again_from_the_cached_runs(
    logs: Path, cache: Cache, tmp_path: Path, reads: list[str], renders: list[str]
) -> None:
    analyze_paths([logs], tmp_path / "out", cache=cache)
    reads.clear()
    renders.clear()
    options = PipelineOptions(report=ReportOptions(x_axis="time"))
    analyze_paths([logs], tmp_path / "out", options, cache=cache)
    assert reads == [], "the parsed runs are still valid"
    assert renders, "other options: other plots"
    assert output_files(tmp_path / "out") == output_files(
        _plain_analysis(logs, tmp_path / "reference", options)
    )


def _plain_analysis(logs: Path, out: Path, options: PipelineOptions) -> Path:
    analyze_paths([logs], out, options)
    return out


def test_a_changed_run_is_analysed_again(
    logs: Path, cache: Cache, tmp_path: Path, reads: list[str]
) -> None:
    analyze_paths([logs], tmp_path / "out", cache=cache)
    write_csv(logs / "keras" / "training.log", epochs=40)
    age(logs / "keras")
    reads.clear()
    analyze_paths([logs], tmp_path / "out", cache=cache)
    assert reads == ["keras_csv"]
    report = json.loads((tmp_path / "out" / "keras" / "report.json").read_text(encoding="utf-8"))
    assert report["overview"]["last_step"] == 39


def test_output_entries_cannot_write_outside_the_run_folder(
    logs: Path, cache: Cache, tmp_path: Path, renders: list[str]
) -> None:
    out = tmp_path / "out"
    analyze_paths([logs], out, cache=cache)
    for path in entries(cache.root, "outputs"):

        def escape(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
            meta["files"][0] = "../../escaped.txt"

        rewrite(path, escape)
    renders.clear()
    analyze_paths([logs], out, cache=cache)
    assert not (tmp_path / "escaped.txt").exists()
    assert renders, "the bad entries were not used"


def test_no_cache_option_keeps_the_cache_folder_empty(logs: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from curvelint.cli import app

    runner = CliRunner()
    folder = tmp_path / "user-cache"
    env = {"CURVELINT_CACHE_DIR": str(folder)}
    result = runner.invoke(app, ["frame", str(logs), "--no-cache"], env=env)
    assert result.exit_code == 0, result.output
    out = str(tmp_path / "report")
    result = runner.invoke(app, ["analyze", str(logs), "-o", out, "-q", "--no-cache"], env=env)
    assert result.exit_code == 0, result.output
    assert list(folder.rglob("*.npz")) == []
    result = runner.invoke(app, ["frame", str(logs)], env=env)
    assert result.exit_code == 0, result.output
    assert len(list((folder / "runs").glob("*.npz"))) == 2
    result = runner.invoke(app, ["analyze", str(logs), "-o", out, "-q", "-j", "1"], env=env)
    assert result.exit_code == 0, result.output
    assert len(list((folder / "outputs").glob("*.npz"))) == 2


def test_other_curvelint_code_never_reuses_entries(
    logs: Path, cache: Cache, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_runs([logs], cache=cache)
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "an edited checkout")
    reads.clear()
    read_runs([logs], cache=cache)
    assert sorted(reads) == ["keras_csv", "tensorboard"]


def test_a_run_too_big_to_pay_off_is_read_but_not_kept(
    logs: Path, cache: Cache, reads: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed runs over ``MAX_CACHED_POINTS`` are read every time (loading a 10M-point entry
    costs what parsing does); smaller ones are kept, and so are the big run's outputs."""
    from curvelint import cache as cache_code

    monkeypatch.setattr(cache_code, "MAX_CACHED_POINTS", 100)  # tb-run: 400 points, keras: 60
    plain = read_runs([logs])
    reads.clear()
    first = read_runs([logs], cache=cache)
    second = read_runs([logs], cache=cache)
    assert sorted(reads) == ["keras_csv", "tensorboard", "tensorboard"]
    assert len(entries(cache.root, "runs")) == 1
    assert_same_runs(plain.runs, first.runs)
    assert_same_runs(plain.runs, second.runs)
    analyze_paths([logs], tmp_path / "out", cache=cache)
    assert len(entries(cache.root, "outputs")) == 2
