"""TensorBoard reader: real writers' files read back exactly, damaged files read as far as
they can be, and every public corpus file agreeing with TensorBoard's own EventAccumulator."""

from __future__ import annotations

import math
import shutil
import struct
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tensorboard.compat.proto import (
    event_pb2,
    summary_pb2,
    tensor_pb2,
    tensor_shape_pb2,
    types_pb2,
)
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from curvelint.errors import UnreadableError
from curvelint.readers import event_batch as event_batch_module
from curvelint.readers import event_file as event_file_module
from curvelint.readers import tensorboard
from curvelint.readers.event_file import DECODERS, EventFile, read_event_file
from curvelint.readers.event_wire import decode_narrow, decode_protobuf
from curvelint.readers.record_framing import masked_crc, walk
from tests.conftest import tree_hashes

# --------------------------------------------------------------------------- writers


def _torch_writer(directory: Path) -> Any:
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(directory), max_queue=100_000, flush_secs=3600)


def _only_file(directory: Path) -> Path:
    (path,) = [p for p in directory.iterdir() if "tfevents" in p.name]
    return path


def _write_events(directory: Path, events: list[event_pb2.Event], suffix: str = "") -> Path:
    """Write events with TensorBoard's own EventFileWriter (it adds the file_version record)."""
    directory.mkdir(parents=True, exist_ok=True)
    before = set(directory.iterdir())
    writer = EventFileWriter(str(directory), max_queue_size=100_000, filename_suffix=suffix)
    for event in events:
        writer.add_event(event)
    writer.close()
    (path,) = set(directory.iterdir()) - before
    return path


def _tensor_event(
    tag: str, step: int, tensor: tensor_pb2.TensorProto, *, plugin: str | None = "scalars"
) -> event_pb2.Event:
    value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
    if plugin is not None:
        value.metadata.plugin_data.plugin_name = plugin
    return event_pb2.Event(
        wall_time=1.7e9 + step, step=step, summary=summary_pb2.Summary(value=[value])
    )


def _simple_event(step: int, **values: float) -> event_pb2.Event:
    summary = summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=t, simple_value=v) for t, v in values.items()]
    )
    return event_pb2.Event(wall_time=1.7e9 + step, step=step, summary=summary)


def _record_ends(path: Path) -> list[int]:
    """Where each record of a valid file ends, by an independent struct walk."""
    data = path.read_bytes()
    ends, position = [], 0
    while position < len(data):
        (length,) = struct.unpack_from("<Q", data, position)
        position += length + 16
        ends.append(position)
    assert position == len(data)
    return ends


def _bits(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.int64)


def _as_float32(values: list[float]) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.array(values, dtype=np.float64).astype(np.float32).astype(np.float64)


def _curve(frame: pd.DataFrame, tag: str) -> pd.DataFrame:
    return frame[frame["tag"] == tag].reset_index(drop=True)


def _file_points(event_file: EventFile) -> list[tuple[str, int, float, int]]:
    """Every point as (tag, step, wall_time, value bits), in file order."""
    tags = [event_file.tags[c] for c in event_file.codes.tolist()]
    return list(
        zip(
            tags,
            event_file.steps.tolist(),
            event_file.wall_times.tolist(),
            _bits(event_file.values).tolist(),
            strict=True,
        )
    )


def _assert_decoders_agree(path: Path, *, verify: bool = False) -> EventFile:
    """The bulk, narrow and protobuf decoders give the same points, bit for bit."""
    results = [read_event_file(path, decoder=d, verify=verify) for d in DECODERS]
    reference = _file_points(results[-1])
    for result in results[:-1]:
        assert _file_points(result) == reference
        assert result.skipped == results[-1].skipped
    return results[0]


def _assert_narrow_matches_protobuf(path: Path) -> int:
    """Every record the narrow decoder understands decodes exactly as protobuf does."""
    data = path.read_bytes()
    framing = walk(data)
    understood = 0
    for start, length in zip(framing.starts.tolist(), framing.lengths.tolist(), strict=True):
        narrow = decode_narrow(data, start + 12, start + 12 + length)
        reference = decode_protobuf(data[start + 12 : start + 12 + length])
        if narrow is None:
            continue
        understood += 1
        assert _event_key(narrow) == _event_key(reference), f"{path} record at byte {start}"
    return understood


def _event_key(event: Any) -> tuple[Any, ...]:
    values = tuple(
        (v.tag, v.kind, struct.pack("<d", v.number), v.problem, v.plugin, v.content)
        for v in event.values
    )
    return (struct.pack("<d", event.wall_time), event.step, event.what, event.file_version, values)


# --------------------------------------------------------------------------- torch files


TORCH_VALUES = [math.nan, math.inf, -math.inf, 1e308, 1e-308, 1.4e-45, 0.5, -0.0, 3.25]
TORCH_STEPS = [0, 1, 2, 3, 4, 5, 2, 100_000, 7]  # out of order and a rewind, within one file


@pytest.fixture(scope="module")
def torch_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("torch")
    writer = _torch_writer(directory)
    for step, value in zip(TORCH_STEPS, TORCH_VALUES, strict=True):
        writer.add_scalar("train/loss", value, step, walltime=1.7e9 + step)
        writer.add_scalar("Accuracy/eval", 1.0 - step / 1e6, step, walltime=1.7e9 + step)
    for step in range(40):  # a long regular stretch: read in bulk
        writer.add_scalar("lr", 1e-3 / (step + 1), 1_000 + step, walltime=1.8e9 + step)
        writer.add_scalar("tensor_f32", step / 3, 1_000 + step, new_style=True)
        writer.add_scalar(
            "tensor_f64", 1e-308 * step, 1_000 + step, new_style=True, double_precision=True
        )
    writer.close()
    return _only_file(directory)


def test_torch_simple_values_read_back_exactly(torch_run: Path) -> None:
    frame = tensorboard.read([torch_run]).frame
    loss = _curve(frame, "train/loss")
    assert loss["step"].tolist() == TORCH_STEPS
    np.testing.assert_array_equal(_bits(loss["value"]), _bits(_as_float32(TORCH_VALUES)))
    assert loss["value"].isna().tolist() == [True] + [False] * 8
    assert loss["wall_time"].tolist() == [1.7e9 + s for s in TORCH_STEPS]
    assert set(zip(loss["metric"], loss["split"], strict=True)) == {("loss", "train")}
    accuracy = _curve(frame, "Accuracy/eval")
    assert set(zip(accuracy["metric"], accuracy["split"], strict=True)) == {("accuracy", "eval")}
    np.testing.assert_array_equal(
        _bits(accuracy["value"]), _bits(_as_float32([1.0 - s / 1e6 for s in TORCH_STEPS]))
    )
    assert frame["epoch"].isna().all()
    assert frame["source"].unique().tolist() == [str(torch_run)]


def test_torch_tensor_scalars_keep_their_precision(torch_run: Path) -> None:
    frame = tensorboard.read([torch_run]).frame
    f32 = _curve(frame, "tensor_f32")
    np.testing.assert_array_equal(
        _bits(f32["value"]), _bits(_as_float32([s / 3 for s in range(40)]))
    )
    f64 = _curve(frame, "tensor_f64")
    np.testing.assert_array_equal(_bits(f64["value"]), _bits([1e-308 * s for s in range(40)]))
    assert f64["step"].tolist() == list(range(1_000, 1_040))


def test_torch_file_decoders_agree(torch_run: Path) -> None:
    event_file = _assert_decoders_agree(torch_run)
    assert len(event_file.values) == 2 * len(TORCH_STEPS) + 3 * 40
    assert _assert_narrow_matches_protobuf(torch_run) == 1 + 2 * len(TORCH_STEPS) + 3 * 40


def test_verify_reads_an_intact_file_the_same(torch_run: Path) -> None:
    plain = read_event_file(torch_run)
    verified = _assert_decoders_agree(torch_run, verify=True)
    assert _file_points(verified) == _file_points(plain)
    assert verified.skipped == []


# --------------------------------------------------------------------------- TF2 tensors


def _shape() -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto()


def _f16(value: float) -> np.float16:
    with np.errstate(over="ignore"):
        return np.float16(value)


def _f32(value: float) -> np.float32:
    with np.errstate(over="ignore"):
        return np.float32(value)


def _whole(value: float) -> int:
    """An integer for every input, infinities included (capped at ±2**29)."""
    return round(value) if abs(value) < 2**29 else int(math.copysign(2**29, value))


def _float16_bits(value: float) -> int:
    return int(np.array([_f16(value)]).view(np.uint16)[0])


def _bfloat16_bits(value: float) -> int:
    return int(np.array([_f32(value)]).view(np.uint32)[0] >> 16)


def _from_bfloat16(value: float) -> float:
    bits = np.array([_bfloat16_bits(value) << 16], dtype=np.uint32)
    return float(bits.view(np.float32)[0])


# tag → (TensorProto for a value, the float64 a reader must return for it)
TENSOR_KINDS: dict[str, tuple[Callable[[float], tensor_pb2.TensorProto], Callable[[float], float]]]
TENSOR_KINDS = {
    "f32_content": (
        lambda v: tensor_pb2.TensorProto(
            dtype=types_pb2.DT_FLOAT, tensor_shape=_shape(), tensor_content=_f32(v).tobytes()
        ),
        lambda v: float(_f32(v)),
    ),
    "f32_float_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[v]),
        lambda v: float(_f32(v)),
    ),
    "f64_content": (
        lambda v: tensor_pb2.TensorProto(
            dtype=types_pb2.DT_DOUBLE, tensor_content=np.float64(v).tobytes()
        ),
        float,
    ),
    "f64_double_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, double_val=[v]),
        float,
    ),
    "f16_half_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_HALF, half_val=[_float16_bits(v)]),
        lambda v: float(_f16(v)),
    ),
    "f16_content": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_HALF, tensor_content=_f16(v).tobytes()),
        lambda v: float(_f16(v)),
    ),
    "bf16_half_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_BFLOAT16, half_val=[_bfloat16_bits(v)]),
        _from_bfloat16,
    ),
    "i32_int_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, int_val=[_whole(v * 7) - 100]),
        lambda v: float(_whole(v * 7) - 100),
    ),
    "i64_int64_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_INT64, int64_val=[_whole(v) * 2**33]),
        lambda v: float(_whole(v) * 2**33),
    ),
    "i64_content": (
        lambda v: tensor_pb2.TensorProto(
            dtype=types_pb2.DT_INT64, tensor_content=np.int64(-_whole(v)).tobytes()
        ),
        lambda v: float(-_whole(v)),
    ),
    # Fields the narrow decoder leaves to protobuf:
    "bool_bool_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_BOOL, bool_val=[v > 1]),
        lambda v: float(v > 1),
    ),
    "u32_uint32_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_UINT32, uint32_val=[_whole(v) % 2**32]),
        lambda v: float(_whole(v) % 2**32),
    ),
    "u64_uint64_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_UINT64, uint64_val=[2**63 + 5]),
        lambda v: float(2**63 + 5),
    ),
    "u8_int_val": (
        lambda v: tensor_pb2.TensorProto(dtype=types_pb2.DT_UINT8, int_val=[_whole(v) % 256]),
        lambda v: float(_whole(v) % 256),
    ),
}
NARROW_LEAVES = ("bool", "u32", "u64")  # to protobuf: fields the narrow decoder does not read
ORACLE_CANNOT_CONVERT = ("bf16", "u32", "u64")  # make_ndarray's TF stub lacks these dtypes
TENSOR_INPUTS = [0.0, 1.5, -2.25, 1e-3, 65504.0, 3.0e5, math.inf, -math.inf, math.nan, 123.456] + [
    i * 0.37 for i in range(30)
]


@pytest.fixture(scope="module")
def tf2_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TF2-style tensor scalars: metadata with each tag's first value only, as TF2 writes."""
    events = []
    for step, value in enumerate(TENSOR_INPUTS):
        for tag, (make, _) in TENSOR_KINDS.items():
            events.append(
                _tensor_event(tag, step, make(value), plugin="scalars" if step == 0 else None)
            )
    histogram = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_DOUBLE,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(
            dim=[
                tensor_shape_pb2.TensorShapeProto.Dim(size=2),
                tensor_shape_pb2.TensorShapeProto.Dim(size=3),
            ]
        ),
        tensor_content=np.arange(6, dtype=np.float64).tobytes(),
    )
    events += [_tensor_event("weights", s, histogram, plugin="histograms") for s in range(3)]
    return _write_events(tmp_path_factory.mktemp("tf2"), events, suffix=".v2")


def test_tf2_tensor_scalars_of_every_dtype_and_form(tf2_run: Path) -> None:
    frame = tensorboard.read([tf2_run]).frame
    for tag, (_, expected) in TENSOR_KINDS.items():
        curve = _curve(frame, tag)
        assert curve["step"].tolist() == list(range(len(TENSOR_INPUTS))), tag
        wanted = [expected(v) for v in TENSOR_INPUTS]
        np.testing.assert_array_equal(_bits(curve["value"]), _bits(wanted), err_msg=tag)


def test_tf2_values_match_tensorboards_own_conversion(tf2_run: Path) -> None:
    """Independent oracle: EventAccumulator + tensor_util.make_ndarray (for the dtypes
    TensorBoard's TF stub can convert: not bfloat16, uint32, uint64)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    accumulator = EventAccumulator(str(tf2_run), size_guidance={"tensors": 0})
    accumulator.Reload()
    frame = tensorboard.read([tf2_run]).frame
    for tag in TENSOR_KINDS:
        if tag.split("_")[0] in ORACLE_CANNOT_CONVERT:
            continue
        expected = [
            tensor_util.make_ndarray(e.tensor_proto).item() for e in accumulator.Tensors(tag)
        ]
        np.testing.assert_array_equal(_bits(_curve(frame, tag)["value"]), _bits(expected))


def test_non_scalar_tensors_are_counted_not_read(tf2_run: Path) -> None:
    result = tensorboard.read([tf2_run])
    assert "weights" not in set(result.frame["tag"])
    assert result.metadata["other_summaries"] == {"histograms": 3}
    assert result.metadata["file_version"] == ["brain.Event:2"]
    assert result.skipped == []


def test_tf2_file_decoders_agree(tf2_run: Path) -> None:
    event_file = _assert_decoders_agree(tf2_run)
    assert len(event_file.values) == len(TENSOR_KINDS) * len(TENSOR_INPUTS)
    narrow_kinds = [tag for tag in TENSOR_KINDS if tag.split("_")[0] not in NARROW_LEAVES]
    understood = 1 + len(narrow_kinds) * len(TENSOR_INPUTS) + 3  # + header and histograms
    assert _assert_narrow_matches_protobuf(tf2_run) == understood


def test_nan_payloads_survive_every_decoder(tmp_path: Path) -> None:
    """NaN is data: quiet, signalling and payload-carrying NaNs keep their bits (as float64)."""
    halves = np.array([0x7E01, 0xFE00, 0x7C01, 0x3C00] * 8, dtype=np.uint16)
    singles = np.array([0x7FC00001, 0xFFC00000, 0x7F800001, 0x3F800000] * 8, dtype=np.uint32)
    doubles = np.array([0x7FF8000000000001, 0x7FF0000000000001, 1, 0] * 8, dtype=np.uint64)
    events = []
    for step in range(len(halves)):
        for tag, dtype, raw in (
            ("f16", types_pb2.DT_HALF, halves),
            ("f32", types_pb2.DT_FLOAT, singles),
            ("f64", types_pb2.DT_DOUBLE, doubles),
        ):
            tensor = tensor_pb2.TensorProto(dtype=dtype, tensor_content=raw[step].tobytes())
            events.append(_tensor_event(tag, step, tensor))
    events.append(_simple_event(99, hp_metric=-1.0))  # the reader compares values with -1
    path = _write_events(tmp_path, events)
    event_file = _assert_decoders_agree(path)
    tags = np.array(event_file.tags)[event_file.codes]
    with np.errstate(invalid="ignore"):
        expected = {
            "f16": halves.view(np.float16).astype(np.float64),
            "f32": singles.view(np.float32).astype(np.float64),
            "f64": doubles.view(np.float64),
        }
    for tag, values in expected.items():
        np.testing.assert_array_equal(_bits(event_file.values[tags == tag]), _bits(values))
    frame = tensorboard.read([path]).frame
    assert int(frame["value"].isna().sum()) == (3 + 3 + 2) * 8


def test_scalars_tensor_that_is_not_one_number_is_skipped(tmp_path: Path) -> None:
    three = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(
            dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=3)]
        ),
        float_val=[1.0, 2.0, 3.0],
    )
    good = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[4.0])
    path = _write_events(tmp_path, [_tensor_event("x", 0, three), _tensor_event("x", 1, good)])
    for decoder in DECODERS:
        event_file = read_event_file(path, decoder=decoder)
        assert event_file.values.tolist() == [4.0]
        (skip,) = event_file.skipped
        assert "'x' is not one number: tensor of 3 elements" in skip.why
        assert skip.where == f"byte {_record_ends(path)[0]}"


def test_several_values_in_one_event_are_all_read(tmp_path: Path) -> None:
    """TF1 Estimators log several scalars in one Summary."""
    events = [_simple_event(step, loss=1.0 / (step + 1), accuracy=step / 10) for step in range(30)]
    path = _write_events(tmp_path, events)
    event_file = _assert_decoders_agree(path)
    expected_tags = ["loss", "accuracy"] * 30
    assert [event_file.tags[c] for c in event_file.codes] == expected_tags
    assert event_file.steps.tolist() == [s for s in range(30) for _ in range(2)]


# --------------------------------------------------------------------------- layouts


def test_keras_train_and_validation_folders_give_the_split(tmp_path: Path) -> None:
    def epoch_loss(step: int, value: float) -> event_pb2.Event:
        tensor = tensor_pb2.TensorProto(
            dtype=types_pb2.DT_FLOAT, tensor_content=np.float32(value).tobytes()
        )
        return _tensor_event("epoch_loss", step, tensor)

    train = _write_events(
        tmp_path / "run" / "train", [epoch_loss(s, 1 / (s + 1)) for s in range(5)]
    )
    validation = _write_events(
        tmp_path / "run" / "validation", [epoch_loss(s, 2 / (s + 1)) for s in range(5)]
    )
    assert tensorboard.run_directory(train) == tmp_path / "run"
    assert tensorboard.run_directory(validation) == tmp_path / "run"
    frame = tensorboard.read([validation, train]).frame
    by_split = {split: group for split, group in frame.groupby("split", observed=True)}
    assert set(by_split) == {"train", "eval"}
    assert set(frame["metric"]) == {"loss"}
    np.testing.assert_array_equal(
        by_split["eval"]["value"], _as_float32([2 / (s + 1) for s in range(5)])
    )
    assert by_split["train"]["source"].unique().tolist() == [str(train)]


def test_resumed_run_merges_files_by_name_and_purges_only_at_a_restart(tmp_path: Path) -> None:
    """File version 2 purges only at SessionLog.START (see test_tensorboard_restarts): a
    later file that logs steps again without one keeps both, as TensorBoard shows them."""
    first = _write_events(
        tmp_path / "a", [_simple_event(s, loss=10.0 + s, lr=0.1) for s in range(10)]
    )
    restart = event_pb2.Event(step=6, session_log=event_pb2.SessionLog(status=1))
    second = _write_events(
        tmp_path / "b", [restart, *(_simple_event(s, loss=20.0 + s) for s in range(6, 12))]
    )
    run = tmp_path / "run"
    run.mkdir()
    shutil.move(first, run / "events.out.tfevents.1000.host.1.0")
    shutil.move(second, run / "events.out.tfevents.2000.host.1.0")
    files = sorted(run.iterdir(), reverse=True)  # given in any order, merged by name
    result = tensorboard.read(files)
    loss = _curve(result.frame, "loss")
    assert loss["step"].tolist() == list(range(12))
    assert loss["value"].tolist() == [10.0 + s for s in range(6)] + [20.0 + s for s in range(6, 12)]
    assert len(_curve(result.frame, "lr")) == 6  # the restart purges every tag from step 6
    (note,) = [n for n in result.notes if "purged" in n]
    assert note.startswith("events.out.tfevents.1000.host.1.0: 8 points of 'loss', 'lr'")
    assert "SessionLog.START at step 6 in events.out.tfevents.2000.host.1.0" in note
    without_restart = run / "events.out.tfevents.2000.host.1.0"
    _write_events(tmp_path / "c", [_simple_event(s, loss=20.0 + s) for s in range(6, 12)])
    shutil.move(_only_file(tmp_path / "c"), without_restart)
    both = _curve(tensorboard.read(files).frame, "loss")
    assert both["step"].tolist() == list(range(10)) + list(range(6, 12))


def test_epoch_series_becomes_the_epoch_column(tmp_path: Path) -> None:
    """HF Trainer logs train/epoch beside train/loss at the same steps."""
    events = [
        _simple_event(step, **{"train/loss": 1.0 / step, "train/epoch": step / 4})
        for step in range(1, 9)
    ]
    events.append(_simple_event(9, **{"eval/loss": 0.5}))
    result = tensorboard.read([_write_events(tmp_path, events)])
    frame = result.frame
    assert set(frame["tag"]) == {"train/loss", "eval/loss"}
    loss = _curve(frame, "train/loss")
    assert loss["epoch"].tolist() == [float(np.float32(s / 4)) for s in range(1, 9)]
    assert np.isnan(_curve(frame, "eval/loss")["epoch"]).all()
    assert any("8 points of 'train/epoch' give the epoch" in note for note in result.notes)


def test_lightning_hp_metric_placeholder_is_dropped(tmp_path: Path) -> None:
    events = [_simple_event(0, hp_metric=-1.0)] + [_simple_event(s, hp_metric=0.5) for s in (1, 2)]
    result = tensorboard.read([_write_events(tmp_path, events)])
    assert result.frame["value"].tolist() == [0.5, 0.5]
    assert any("hp_metric" in note for note in result.notes)


def test_sniff() -> None:
    assert tensorboard.sniff(Path("events.out.tfevents.1690484461.host.61366.38.v2"))
    assert tensorboard.sniff(Path("catboost_info/learn/events.out.tfevents"))
    assert not tensorboard.sniff(Path("events.out.tfevents.1628697787.host.profile-empty"))
    assert not tensorboard.sniff(Path("trainer_state.json"))


# --------------------------------------------------------------------------- damage


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("small")
    writer = _torch_writer(directory)
    for step in range(8):
        writer.add_scalar("loss", 1.0 / (step + 1), step, walltime=1.7e9 + step)
        writer.add_scalar("acc", step / 8, step, walltime=1.7e9 + step)
    writer.close()
    return _only_file(directory)


def _points_of_records(path: Path) -> list[list[tuple[str, int, float, int]]]:
    """The points of each record of a simple-value file, by protobuf alone (one list per
    record; the header record's is empty)."""
    ends = _record_ends(path)
    data = path.read_bytes()
    per_record = []
    for start, end in zip([0, *ends[:-1]], ends, strict=True):
        event = event_pb2.Event.FromString(data[start + 12 : end - 4])
        per_record.append(
            [
                (v.tag, event.step, event.wall_time, int(_bits([v.simple_value])[0]))
                for v in event.summary.value
            ]
        )
    return per_record


def test_every_truncation_keeps_the_whole_records_before_it(
    small_run: Path, tmp_path: Path
) -> None:
    data = small_run.read_bytes()
    ends = _record_ends(small_run)
    per_record = _points_of_records(small_run)
    cut_file = tmp_path / small_run.name
    for cut in range(len(data)):
        cut_file.write_bytes(data[:cut])
        whole = sum(1 for end in ends if end <= cut)
        if whole == 0:
            with pytest.raises(UnreadableError, match=str(cut_file)):
                tensorboard.read([cut_file])
            continue
        event_file = read_event_file(cut_file)
        expected = [p for record in per_record[:whole] for p in record]
        assert _file_points(event_file) == expected, cut
        if cut == ends[whole - 1]:
            assert event_file.skipped == [], cut
        else:
            (skip,) = event_file.skipped
            assert skip.where == f"byte {ends[whole - 1]}" and skip.why.startswith("truncated")
            result = tensorboard.read([cut_file])
            assert len(result.frame) == len(expected)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_a_corrupt_byte_costs_at_most_its_record(
    small_run: Path, tmp_path: Path, position: int, flip: int
) -> None:
    data = bytearray(small_run.read_bytes())
    position %= len(data)
    data[position] ^= flip
    damaged = tmp_path / "events.out.tfevents.damaged"
    damaged.write_bytes(bytes(data))
    ends = _record_ends(small_run)
    hit = next(index for index, end in enumerate(ends) if position < end)
    per_record = _points_of_records(small_run)
    # With verify every record but the damaged one is read, exactly.
    verified = read_event_file(damaged, verify=True)
    expected = [p for index, record in enumerate(per_record) if index != hit for p in record]
    assert _file_points(verified) == expected
    assert len(verified.skipped) == 1
    # Without verify nothing raises and the records after the damaged one are all read.
    after = [p for record in per_record[hit + 1 :] for p in record]
    points = _file_points(read_event_file(damaged))
    assert points[len(points) - len(after) :] == after


def test_corrupt_record_in_the_middle_keeps_points_on_both_sides(
    small_run: Path, tmp_path: Path
) -> None:
    data = bytearray(small_run.read_bytes())
    ends = _record_ends(small_run)
    middle = ends[6]  # header of record 7
    data[middle + 2] ^= 0x40  # its length: now absurd, and failing its checksum
    damaged = tmp_path / small_run.name
    damaged.write_bytes(bytes(data))
    per_record = _points_of_records(small_run)
    event_file = read_event_file(damaged)
    expected = [p for index, record in enumerate(per_record) if index != 7 for p in record]
    assert _file_points(event_file) == expected
    (skip,) = event_file.skipped
    assert skip.where == f"bytes {middle}-{ends[7]}"
    assert "length fails its checksum" in skip.why


def test_corrupt_data_byte_is_caught_when_decoding_fails(small_run: Path, tmp_path: Path) -> None:
    data = bytearray(small_run.read_bytes())
    ends = _record_ends(small_run)
    data[ends[2] + 12] = 0xFF  # the first key byte of record 3: not an Event any more
    damaged = tmp_path / small_run.name
    damaged.write_bytes(bytes(data))
    event_file = read_event_file(damaged)
    per_record = _points_of_records(small_run)
    assert _file_points(event_file) == [p for i, r in enumerate(per_record) if i != 3 for p in r]
    (skip,) = event_file.skipped
    assert skip.where == f"byte {ends[2]}" and "data fails its checksum" in skip.why


@pytest.mark.parametrize("checksum_ok", [True, False])
def test_huge_length_is_never_allocated(small_run: Path, tmp_path: Path, checksum_ok: bool) -> None:
    length = struct.pack("<Q", 2**63 + 5)
    crc = masked_crc(length) if checksum_ok else 0
    bogus = length + struct.pack("<I", crc) + b"\x00" * 64
    data = small_run.read_bytes()
    ends = _record_ends(small_run)
    damaged = tmp_path / small_run.name
    damaged.write_bytes(data[: ends[4]] + bogus + data[ends[4] :])
    tracemalloc.start()
    try:
        event_file = read_event_file(damaged)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * len(data) + 1_000_000
    per_record = _points_of_records(small_run)
    (skip,) = event_file.skipped
    assert skip.where.split()[-1].startswith(str(ends[4]))
    # Corrupt, or checksummed but followed by intact records (so not a truncated tail):
    # resynchronised on the next intact record either way.
    assert ("record length too long" in skip.why) == checksum_ok
    assert _file_points(event_file) == [p for r in per_record for p in r]


def test_not_an_event_file_is_skipped_and_alone_unreadable(small_run: Path, tmp_path: Path) -> None:
    noise = tmp_path / "events.out.tfevents.noise"
    noise.write_bytes(np.random.default_rng(3).bytes(100_000))
    empty = tmp_path / "events.out.tfevents.empty"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableError, match=r"events\.out\.tfevents\.noise: not a TensorBoard"):
        tensorboard.read([noise])
    with pytest.raises(UnreadableError, match="empty file"):
        tensorboard.read([empty])
    result = tensorboard.read([noise, small_run, empty])
    assert len(result.frame) == 16
    reasons = {Path(s.path).name: s.why for s in result.skipped}
    assert reasons["events.out.tfevents.noise"].startswith("not a TensorBoard event file")
    assert reasons["events.out.tfevents.empty"] == "empty file (0 bytes)"


def test_header_only_file_is_an_empty_frame_with_a_note(tmp_path: Path) -> None:
    """(The corpus holds real 40-byte ones; this writer adds source metadata: 88 bytes.)"""
    path = _write_events(tmp_path, [])
    assert len(_record_ends(path)) == 1
    result = tensorboard.read([path])
    assert result.frame.empty and result.skipped == []
    assert any("no scalar points (only the file header" in note for note in result.notes)


# --------------------------------------------------------------------------- corpus


def _corpus_event_files(corpus: Path) -> Iterator[Path]:
    yield from sorted(p for p in (corpus / "tfevents").rglob("*") if "tfevents" in p.name)


def _accumulator_count(path: Path) -> int:
    """Scalar points by TensorBoard's EventAccumulator: simple values + scalars-plugin tensors."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(
        str(path), size_guidance={"scalars": 0, "tensors": 0}, purge_orphaned_data=False
    )
    accumulator.Reload()
    tags = accumulator.Tags()
    try:
        scalar_tags = set(accumulator.PluginTagToContent("scalars"))
    except KeyError:
        scalar_tags = set()
    simple = sum(len(accumulator.Scalars(tag)) for tag in tags["scalars"])
    tensors = sum(len(accumulator.Tensors(tag)) for tag in tags["tensors"] if tag in scalar_tags)
    return simple + tensors


def test_corpus_files_agree_with_event_accumulator(corpus: Path) -> None:
    before = tree_hashes(corpus / "tfevents")
    files = list(_corpus_event_files(corpus))
    assert len(files) >= 29
    for path in files:
        event_file = _assert_decoders_agree(path)
        assert event_file.records > 0, path
        assert event_file.skipped == [], path
        assert len(event_file.values) == _accumulator_count(path), path
        assert _assert_narrow_matches_protobuf(path) == event_file.records, path
        verified = read_event_file(path, verify=True)
        assert _file_points(verified) == _file_points(event_file), path
    assert tree_hashes(corpus / "tfevents") == before


def test_corpus_runs_read_with_notes_and_metadata(corpus: Path) -> None:
    """Each corpus file reads, or is an empty frame explained by a note; nothing raises."""
    for path in _corpus_event_files(corpus):
        if not tensorboard.sniff(path):
            continue
        result = tensorboard.read([path])
        if result.frame.empty:
            assert any("no scalar points" in note for note in result.notes), path
        assert result.metadata.get("file_version", ["brain.Event:2"]) == ["brain.Event:2"]


def test_corpus_keras_run_and_nan_divergence(corpus: Path) -> None:
    root = corpus / "tfevents" / "ecg-analysis"
    files = sorted(root.rglob("*tfevents*"))
    frame = tensorboard.read(files).frame
    loss = frame[frame["metric"] == "loss"]
    assert set(loss["split"]) == {"train", "eval"}
    nan_run = sorted((corpus / "tfevents" / "action-emotion-nan").rglob("*tfevents*"))
    nan_loss = _curve(tensorboard.read(nan_run).frame, "epoch_loss")
    assert len(nan_loss) == 400 and int(nan_loss["value"].isna().sum()) == 246


def test_corpus_hf_trainer_epochs_and_hparams(corpus: Path) -> None:
    hf = sorted((corpus / "tfevents" / "t5-summarization-demo").glob("*tfevents*"))
    result = tensorboard.read(hf)
    train = result.frame[result.frame["tag"] == "train/loss"]
    assert train["epoch"].notna().all() and train["epoch"].is_monotonic_increasing
    lightning = sorted((corpus / "tfevents" / "mnist-cnn-hcdescamps").glob("*tfevents*"))
    metadata = tensorboard.read(lightning).metadata
    assert metadata["hparams_present"] is True


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Long enough for several framing guesses, with a step varint growing from 1 to 3 bytes
    and a text record in the middle that breaks the pattern."""
    directory = tmp_path_factory.mktemp("long")
    writer = _torch_writer(directory)
    for step in range(0, 60_000, 3):
        writer.add_scalar("loss", 1.0 / (step + 1), step, walltime=1.7e9 + step)
        writer.add_scalar("learning_rate", 1e-4, step, walltime=1.7e9 + step)
        if step == 30_000:
            writer.add_text("note", "a text summary in the middle", step)
    writer.close()
    return _only_file(directory)


@pytest.mark.parametrize("chunk", [1_000, 1 << 16])
def test_bulk_decoding_equals_narrow_decoding(
    long_run: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_file_module, "CHUNK_RECORDS", chunk)
    monkeypatch.setattr(event_batch_module, "CHUNK_RECORDS", chunk // 3)
    fast = read_event_file(long_run, decoder="fast")
    narrow = read_event_file(long_run, decoder="narrow")
    assert _file_points(fast) == _file_points(narrow)
    assert len(fast.values) == 2 * len(range(0, 60_000, 3))
    assert fast.summaries == {"text": 1}


def test_bulk_decoder_takes_almost_every_regular_record(long_run: Path) -> None:
    data = long_run.read_bytes()
    framing = walk(data)
    starts = framing.starts + 12
    batch = event_batch_module.decode_batch(data, starts, starts + framing.lengths)
    assert batch.handled.sum() >= len(starts) - 10
    assert {layout.tag for layout in batch.layouts} == {"loss", "learning_rate"}
