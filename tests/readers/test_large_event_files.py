"""Large event files are read a window at a time, keeping only the records the restart rules
need; what comes out is what reading the whole file at once gives, and what TensorBoard shows.

The window and the segment are shrunk here (a few kB, a few hundred records) so that files
written in a second by TensorBoard's own ``EventFileWriter`` cross many window edges.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from curvelint.readers import event_file, file_window
from curvelint.readers.event_file import EventFile, read_event_file

STEPS = 3_000
TAGS = ("train/loss", "eval/loss", "lr")


def _scalar(step: int, value: float) -> event_pb2.Event:
    values = [summary_pb2.Summary.Value(tag=tag, simple_value=value * n) for n, tag in
              enumerate(TAGS, start=1)]  # fmt: skip
    return event_pb2.Event(
        wall_time=1e9 + step, step=step, summary=summary_pb2.Summary(value=values)
    )


def _write(folder: Path, events: list[event_pb2.Event]) -> Path:
    writer = EventFileWriter(str(folder), max_queue_size=100_000, flush_secs=3600)
    for event in events:
        writer.add_event(event)
    writer.close()
    (path,) = folder.glob("events.out.tfevents.*")
    return path


def _with_restart(folder: Path) -> Path:
    """A run restarted at step 1,000 (a SessionLog.START), then logging on to ``STEPS``."""
    events = [_scalar(step, 1.0 / (step + 1)) for step in range(2_000)]
    events.append(
        event_pb2.Event(wall_time=2e9, step=1_000, session_log=event_pb2.SessionLog(status=1))
    )
    events += [_scalar(step, 2.0 / (step + 1)) for step in range(1_000, STEPS)]
    return _write(folder, events)


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_window, "WINDOW_BYTES", 4096)
    monkeypatch.setattr(event_file, "WINDOW_BYTES", 4096)
    monkeypatch.setattr(event_file, "CHUNK_RECORDS", 100)


def _same(windowed: EventFile, whole: EventFile) -> None:
    assert windowed.tags == whole.tags
    for name in ("codes", "steps", "wall_times", "values"):
        assert np.array_equal(getattr(windowed, name), getattr(whole, name), equal_nan=True), name
    for name in ("step", "kind", "tag", "position"):
        assert np.array_equal(getattr(windowed.log, name), getattr(whole.log, name)), name
    assert windowed.log.versions == whole.log.versions
    assert windowed.skipped == whole.skipped
    assert windowed.records == whole.records


def _tensorboard_steps(folder: Path, tag: str) -> list[int]:
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0})
    accumulator.Reload()
    return [event.step for event in accumulator.Scalars(tag)]


def test_a_windowed_read_equals_a_whole_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _with_restart(tmp_path)
    whole = read_event_file(path)
    monkeypatch.setattr(file_window, "WINDOW_BYTES", 4096)
    monkeypatch.setattr(event_file, "WINDOW_BYTES", 4096)
    monkeypatch.setattr(event_file, "CHUNK_RECORDS", 100)
    loads: list[int] = []
    original = file_window.FileWindow.load

    def counted(self: file_window.FileWindow, upto: int) -> memoryview:
        loads.append(upto)
        return original(self, upto)

    monkeypatch.setattr(file_window.FileWindow, "load", counted)
    windowed = read_event_file(path)
    assert len(loads) > 10, "the file was not read a window at a time"
    _same(windowed, whole)
    # the record log kept the version and START records only, at their places among the points
    assert len(windowed.log.kind) == 2
    assert windowed.log.position[1] == 2_000 * len(TAGS)


@pytest.mark.parametrize("damage", ["corrupt length", "truncated tail"])
def test_damage_reads_the_same_through_a_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    path = _with_restart(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "corrupt length":
        middle = len(data) // 2
        data[middle : middle + 64] = b"\xff" * 64
    else:
        data = data[: len(data) - 7]
    path.write_bytes(bytes(data))
    whole = read_event_file(path)
    assert whole.skipped
    monkeypatch.setattr(file_window, "WINDOW_BYTES", 4096)
    monkeypatch.setattr(event_file, "WINDOW_BYTES", 4096)
    monkeypatch.setattr(event_file, "CHUNK_RECORDS", 100)
    _same(read_event_file(path), whole)


def test_a_late_old_version_record_rereads_the_file_uncut(
    tmp_path: Path, small_windows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file_version of 1 after many records: TensorBoard then purges rewinding steps, for
    which the records already dropped are needed, so the file is read again keeping them."""
    events = [_scalar(step, 1.0 / (step + 1)) for step in range(2_000)]
    events.append(event_pb2.Event(wall_time=2e9, file_version="brain.Event:1"))
    events += [_scalar(step, 3.0 / (step + 1)) for step in range(1_500, 1_800)]  # rewinds
    path = _write(tmp_path, events)
    walks: list[bool] = []
    original = event_file._walked

    def counted(*args: object) -> object:
        walks.append(True)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(event_file, "_walked", counted)
    result = read_event_file(path)
    assert len(walks) == 2
    assert not result.log.position.size or len(result.log.kind) > 2_000  # the full log
    from curvelint.readers import tensorboard

    frame = tensorboard.read([path]).frame
    loss = frame[frame["tag"].astype(str) == "train/loss"]["step"].tolist()
    assert loss == _tensorboard_steps(tmp_path, "train/loss")
