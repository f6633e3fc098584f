"""Restarted TensorBoard runs read point by point as TensorBoard's own EventAccumulator
(``purge_orphaned_data=True``) shows them: torch's ``SummaryWriter(purge_step=…)`` resume, a
crashed writer restarted, several files that start over, a ``SessionLog.START`` inside one
file, headless files whose steps rewind, and split folders that purge on their own."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter
from tensorboard.summary.writer.record_writer import RecordWriter

from curvelint.readers import tensorboard

Series = dict[str, list[tuple[int, float]]]


def _torch_writer(folder: Path, **options: Any) -> Any:
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(folder), max_queue=100_000, flush_secs=3600, **options)


def _log(
    folder: Path, steps: range, *, scale: float, tags: tuple[str, ...], **options: Any
) -> None:
    """One torch SummaryWriter session logging ``tags`` at ``steps``; each session its own
    file (names are made unique the way torch makes them: a timestamp and a counter)."""
    writer = _torch_writer(folder, **options)
    for step in steps:
        for number, tag in enumerate(tags):
            writer.add_scalar(tag, scale * (number + 1) / (step + 1), step)
    writer.close()
    time.sleep(1.05)  # the next file's name (its timestamp) sorts after this one's


def _tensorboard_view(folder: Path) -> Series:
    """What TensorBoard shows for ``folder``: every scalar its accumulator keeps."""
    accumulator = EventAccumulator(
        str(folder), size_guidance={"scalars": 0, "tensors": 0}, purge_orphaned_data=True
    )
    accumulator.Reload()
    series = {
        tag: [(event.step, event.value) for event in accumulator.Scalars(tag)]
        for tag in accumulator.Tags()["scalars"]
    }
    return {tag: points for tag, points in series.items() if points}  # purged to nothing


def _curvelint_view(files: list[Path], folder: Path) -> Series:
    frame = tensorboard.read(files).frame
    frame = frame[[Path(source).parent == folder for source in frame["source"].astype(str)]]
    series: Series = {}
    columns = (frame["tag"].astype(str), frame["step"], frame["value"])
    for tag, step, value in zip(*columns, strict=True):
        series.setdefault(tag, []).append((int(step), float(value)))
    return series


def _event_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if "tfevents" in p.name)


def _assert_as_tensorboard(root: Path, folders: list[Path] | None = None) -> Series:
    files = _event_files(root)
    view: Series = {}
    for folder in folders or [root]:
        expected = _tensorboard_view(folder)
        assert _curvelint_view(files, folder) == expected, folder
        view |= expected
    return view


def _write_raw(path: Path, events: list[event_pb2.Event]) -> None:
    """Records as TensorBoard frames them, without the file_version header a writer adds."""
    with path.open("wb") as handle:
        writer = RecordWriter(handle)
        for event in events:
            writer.write(event.SerializeToString())


def _scalar(step: int, **values: float) -> event_pb2.Event:
    summary = summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, simple_value=v) for tag, v in values.items()]
    )
    return event_pb2.Event(wall_time=1e9 + step, step=step, summary=summary)


def _start(step: int) -> event_pb2.Event:
    return event_pb2.Event(
        wall_time=1e9 + step, step=step, session_log=event_pb2.SessionLog(status=1)
    )


# --------------------------------------------------------------------------- real writers


def test_torch_purge_step_resume_drops_what_tensorboard_drops(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    _log(tmp_path, range(100), scale=1.0, tags=("loss", "lr"))
    _log(tmp_path, range(50, 150), scale=2.0, tags=("loss",), purge_step=50)
    view = _assert_as_tensorboard(tmp_path)
    assert [step for step, _ in view["loss"]] == list(range(150))
    assert [step for step, _ in view["lr"]] == list(range(50))  # START purges every tag
    result = tensorboard.read(_event_files(tmp_path))
    (note,) = [n for n in result.notes if "purged" in n]
    assert "100 points of 'loss', 'lr'" in note and "SessionLog.START at step 50" in note


def test_a_crashed_writer_restarted_with_purge_step(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    _log(tmp_path, range(80), scale=1.0, tags=("loss", "accuracy", "lr"))
    (crashed,) = _event_files(tmp_path)
    crashed.write_bytes(crashed.read_bytes()[:-7])  # killed inside its last record
    _log(tmp_path, range(60, 120), scale=3.0, tags=("loss", "accuracy"), purge_step=60)
    view = _assert_as_tensorboard(tmp_path)
    assert [step for step, _ in view["loss"]] == list(range(120))
    assert [step for step, _ in view["lr"]] == list(range(60))  # not logged again: purged


def test_restarts_without_purge_step_keep_both_as_tensorboard_does(tmp_path: Path) -> None:
    """A later file that starts over (a plain SummaryWriter again) purges nothing: file
    version 2 purges only at SessionLog.START."""
    pytest.importorskip("torch")
    _log(tmp_path, range(40), scale=1.0, tags=("loss",))
    _log(tmp_path, range(10, 50), scale=2.0, tags=("loss",))
    view = _assert_as_tensorboard(tmp_path)
    assert len(view["loss"]) == 80


def test_several_files_that_restart(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    _log(tmp_path, range(100), scale=1.0, tags=("loss", "lr"))
    _log(tmp_path, range(30, 90), scale=2.0, tags=("loss",))  # starts over, no purge
    _log(tmp_path, range(70, 130), scale=3.0, tags=("loss", "grad_norm"), purge_step=70)
    _log(tmp_path, range(20, 40), scale=4.0, tags=("lr",), purge_step=20)
    _log(tmp_path, range(40, 60), scale=5.0, tags=("loss",))
    view = _assert_as_tensorboard(tmp_path)
    assert max(step for step, _ in view["loss"]) == 59


def test_a_session_start_inside_one_file(tmp_path: Path) -> None:
    writer = EventFileWriter(str(tmp_path))
    for step in range(10):
        writer.add_event(_scalar(step, loss=1.0 / (step + 1), lr=0.1))
    writer.add_event(_start(4))
    for step in range(4, 8):
        writer.add_event(_scalar(step, loss=2.0 / (step + 1)))
    writer.close()
    view = _assert_as_tensorboard(tmp_path)
    assert [step for step, _ in view["lr"]] == [0, 1, 2, 3]


def test_split_folders_purge_on_their_own(tmp_path: Path) -> None:
    """Keras' train/ and validation/ are one run for curvelint, two for TensorBoard: a
    restart in one folder purges nothing in the other."""
    pytest.importorskip("torch")
    train, validation = tmp_path / "train", tmp_path / "validation"
    _log(train, range(20), scale=1.0, tags=("epoch_loss",))
    _log(validation, range(20), scale=2.0, tags=("epoch_loss",))
    _log(train, range(10, 30), scale=3.0, tags=("epoch_loss",), purge_step=10)
    _assert_as_tensorboard(tmp_path, [train, validation])


# --------------------------------------------------------------------------- headless files


def test_headless_files_purge_the_tags_whose_steps_rewind(tmp_path: Path) -> None:
    """Without a file_version record TensorBoard purges by tag where the step goes back."""
    events = [_scalar(step, loss=1.0 * step, lr=0.5) for step in range(10)]
    events += [_scalar(step, loss=2.0 * step) for step in range(5, 12)]
    events += [event_pb2.Event(wall_time=1e9, step=3, log_message=event_pb2.LogMessage())]
    events += [_scalar(step, lr=0.25, loss=3.0) for step in range(4, 6)]
    _write_raw(tmp_path / "events.out.tfevents.1.host", events[:12])
    _write_raw(tmp_path / "events.out.tfevents.2.host", events[12:])
    view = _assert_as_tensorboard(tmp_path)
    # each rewound loss purges the older loss points from its step on; the log message at
    # step 3 is not a summary: it moves the step back, so the last two records purge nothing
    assert [step for step, _ in view["loss"]] == [*range(12), 4, 5]
    assert view["lr"] == [(step, 0.5) for step in range(10)] + [(4, 0.25), (5, 0.25)]


def test_a_file_version_below_two_ignores_session_start(tmp_path: Path) -> None:
    version = event_pb2.Event(wall_time=1e9, file_version="brain.Event:1")
    events = [version, *(_scalar(step, loss=float(step)) for step in range(8))]
    events += [_start(2), *(_scalar(step, loss=-float(step)) for step in range(3, 6))]
    _write_raw(tmp_path / "events.out.tfevents.1.host", events)
    view = _assert_as_tensorboard(tmp_path)
    # before version 2, SessionLog.START is not read; its step moves the step back to 2
    assert [step for step, _ in view["loss"]] == [*range(8), 3, 4, 5]


# --------------------------------------------------------------------------- names


def test_a_tag_that_is_not_utf8_is_read_escaped(tmp_path: Path) -> None:
    """Protobuf refuses the whole record; the narrow decoder keeps it, the bad byte shown
    escaped, rather than reporting a run that logged nothing."""
    placeholder = "loss#"
    header = event_pb2.Event(wall_time=1e9, file_version="brain.Event:2")
    records = [header.SerializeToString()]
    for step in range(5):
        record = _scalar(step, **{placeholder: 0.5 * step}).SerializeToString()
        records.append(record.replace(placeholder.encode(), b"loss\xff"))
    path = tmp_path / "events.out.tfevents.1.host"
    with path.open("wb") as handle:
        writer = RecordWriter(handle)
        for record in records:
            writer.write(record)
    result = tensorboard.read([path])
    assert result.frame["tag"].astype(str).unique().tolist() == ["loss\\xff"]
    np.testing.assert_array_equal(result.frame["value"], [0.5 * s for s in range(5)])
    assert result.skipped == []
    assert not any("logged nothing" in note for note in result.notes)


# --------------------------------------------------------------------------- corpus


def _accumulator_points(folder: Path) -> Series:
    """Every scalar TensorBoard keeps for ``folder`` with its purge on: simple values and
    tensors of tags whose metadata names the scalars plugin."""
    from tensorboard.util import tensor_util

    accumulator = EventAccumulator(
        str(folder), size_guidance={"scalars": 0, "tensors": 0}, purge_orphaned_data=True
    )
    accumulator.Reload()
    series = _tensorboard_view(folder)
    try:
        scalar_tags = set(accumulator.PluginTagToContent("scalars"))
    except KeyError:
        scalar_tags = set()
    for tag in accumulator.Tags()["tensors"]:
        if tag in scalar_tags:
            points = [
                (event.step, float(tensor_util.make_ndarray(event.tensor_proto).item()))
                for event in accumulator.Tensors(tag)
            ]
            if points:
                series[tag] = points
    return series


def _not_a_curve(tag: str, points: list[tuple[int, float]]) -> bool:
    """The series curvelint reads as an axis or drops as a placeholder (see tensorboard.py)."""
    return tag.rsplit("/", 1)[-1] == "epoch" or (
        tag == "hp_metric" and all(value == -1.0 for _, value in points)
    )


def _nan_equal(points: list[tuple[int, float]]) -> list[tuple[int, object]]:
    return [(step, "nan" if value != value else value) for step, value in points]


def test_every_corpus_folder_reads_as_tensorboard_shows_it(corpus: Path) -> None:
    folders = sorted({p.parent for p in (corpus / "tfevents").rglob("*") if "tfevents" in p.name})
    assert len(folders) >= 20
    for folder in folders:
        files = [p for p in folder.iterdir() if tensorboard.sniff(p)]
        if not any(p.stat().st_size > 100 for p in files):
            continue  # header-only files: nothing to compare
        try:
            ours = _curvelint_view(files, folder)
        except Exception as error:  # an hparams-only or empty run: TensorBoard shows nothing
            assert not any(
                not _not_a_curve(t, p) for t, p in _accumulator_points(folder).items()
            ), (folder, error)
            continue
        expected = _accumulator_points(folder)
        for tag, points in expected.items():
            if tag == "hp_metric":
                points = [point for point in points if point[1] != -1.0]
            if tag not in ours:
                assert _not_a_curve(tag, points) or not points, (folder, tag)
                continue
            assert _nan_equal(ours[tag]) == _nan_equal(points), (folder, tag)
        assert set(ours) <= set(expected), folder
