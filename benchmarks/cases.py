"""What each benchmark case does inside its own fresh process (see :mod:`benchmarks.worker`).

A case is ``setup(path, expected) -> Prepared``: ``setup`` imports the tool (timed apart, so
import cost is shown but not mixed into the work), ``Prepared.run`` does the work being
measured and ``Prepared.count`` counts the points it kept, after the clock has stopped.

This module imports only the standard library at the top: every tool is imported inside its
case, so a missing tool or an unfinished curvelint feature makes that one case
``NotAvailable`` instead of breaking the harness.
"""

from __future__ import annotations

import importlib
import json
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVENT_GLOB = "events.out.tfevents.*"
_CHUNK = 1 << 20
_LENGTH = struct.Struct("<Q")
_FLOAT32 = struct.Struct("<f")
_FRAMING = 12 + 4  # length (8) + its masked CRC (4) before the payload, the payload's CRC after


class NotAvailable(Exception):
    """The tool or curvelint feature under test does not exist (yet)."""


@dataclass
class Prepared:
    """The timed work of a case, and how to count what it kept once the clock has stopped."""

    run: Callable[[], Any]
    count: Callable[[Any], int | None]


Setup = Callable[[Path, int], Prepared]


def _import(module: str, what: str) -> Any:
    """Import ``module`` or report the case as not available (the tool is not installed)."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise NotAvailable(f"{what}: {error}") from None


def _lengths(result: Any) -> int:
    return sum(len(part) for part in result)


def event_files(path: Path) -> list[Path]:
    """The event file itself, or every event file under a directory (sorted)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob(EVENT_GLOB) if p.is_file())


# --------------------------------------------------------------------------- floors


def _read_all(path: Path) -> list[bytes]:
    return [file.read_bytes() for file in (event_files(path) or [path])]


def raw_read(path: Path, expected: int) -> Prepared:
    """Floor: the bytes of the file(s) into memory, nothing else."""
    return Prepared(run=lambda: _read_all(path), count=lambda _: None)


def iter_records(path: Path) -> Iterator[bytes]:
    """The payloads of a TFRecord file, read in 1 MiB blocks: the framing, and no decoding.

    Each record is ``length:u64le, crc(length):u32, payload[length], crc(payload):u32``;
    checksums are skipped as every fast reader skips them. A truncated tail is dropped.
    """
    with path.open("rb") as handle:
        pending = b""
        while block := handle.read(_CHUNK):
            buffer = pending + block if pending else block
            position, end = 0, len(buffer)
            while position + 12 <= end:
                (length,) = _LENGTH.unpack_from(buffer, position)
                stop = position + _FRAMING + length
                if stop > end:
                    break
                yield buffer[position + 12 : stop - 4]
                position = stop
            pending = buffer[position:]


def _frame_only(path: Path) -> int:
    records = 0
    for file in event_files(path):
        for _ in iter_records(file):
            records += 1
    return records


def framing(path: Path, expected: int) -> Prepared:
    """Floor: every record's payload sliced out of the file, not decoded."""
    return Prepared(run=lambda: _frame_only(path), count=lambda records: records)


# --------------------------------------------------------------------------- protobuf


def _scalar_of(value: Any) -> float | None:
    """The number in a summary value: TF1 ``simple_value`` or a TF2 scalar tensor."""
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return float(value.simple_value)
    if kind != "tensor":
        return None
    tensor = value.tensor
    if tensor.tensor_content and len(tensor.tensor_content) == 4 and tensor.dtype == 1:
        return float(_FLOAT32.unpack(tensor.tensor_content)[0])
    if tensor.float_val:
        return float(tensor.float_val[0])
    if tensor.double_val:
        return float(tensor.double_val[0])
    return None


def _decode_all(path: Path, event_class: Any) -> tuple[list[Any], ...]:
    tags: list[str] = []
    steps: list[int] = []
    walls: list[float] = []
    values: list[float] = []
    for file in event_files(path):
        for payload in iter_records(file):
            event = event_class.FromString(payload)
            if event.WhichOneof("what") != "summary":
                continue
            for value in event.summary.value:
                number = _scalar_of(value)
                if number is not None:
                    tags.append(value.tag)
                    steps.append(event.step)
                    walls.append(event.wall_time)
                    values.append(number)
    return tags, steps, walls, values


def protobuf_decode(path: Path, expected: int) -> Prepared:
    """Per-record decode with TensorBoard's generated protobuf classes, points into lists."""
    event_pb2 = _import("tensorboard.compat.proto.event_pb2", "tensorboard")
    return Prepared(
        run=lambda: _decode_all(path, event_pb2.Event), count=lambda columns: len(columns[3])
    )


# --------------------------------------------------------------------------- TensorBoard


def _accumulate(module: Any, path: Path, guidance: dict[str, int] | None) -> list[list[Any]]:
    """Every kept point of every event file, one EventAccumulator per file (as per run)."""
    kept: list[list[Any]] = []
    for file in event_files(path):
        accumulator = module.EventAccumulator(str(file), size_guidance=guidance)
        accumulator.Reload()
        tags = accumulator.Tags()
        kept += [accumulator.Scalars(tag) for tag in tags["scalars"]]
        kept += [accumulator.Tensors(tag) for tag in tags["tensors"]]
    return kept


def event_accumulator_all(path: Path, expected: int) -> Prepared:
    """TensorBoard's EventAccumulator told to keep every scalar and tensor point."""
    module = _import("tensorboard.backend.event_processing.event_accumulator", "tensorboard")
    guidance = {"scalars": 0, "tensors": 0}
    return Prepared(run=lambda: _accumulate(module, path, guidance), count=_lengths)


def event_accumulator_default(path: Path, expected: int) -> Prepared:
    """EventAccumulator as most code calls it: reservoir-sampled, so points are dropped."""
    module = _import("tensorboard.backend.event_processing.event_accumulator", "tensorboard")
    return Prepared(run=lambda: _accumulate(module, path, None), count=_lengths)


def _tbparse(path: Path, attribute: str) -> Prepared:
    module = _import("tbparse", "tbparse (pip install -r benchmarks/requirements.txt)")
    return Prepared(run=lambda: getattr(module.SummaryReader(str(path)), attribute), count=len)


def tbparse_scalars(path: Path, expected: int) -> Prepared:
    """tbparse's DataFrame of simple-value scalars."""
    return _tbparse(path, "scalars")


def tbparse_tensors(path: Path, expected: int) -> Prepared:
    """tbparse's DataFrame of tensors (how it exposes TF2 scalars)."""
    return _tbparse(path, "tensors")


def _server_points(binary: str, logdir: Path, expected: int) -> int:
    """Start the data server, wait for its load cycle, pull every point into Python."""
    import grpc
    from tensorboard.data.proto import data_provider_pb2 as api
    from tensorboard.data.proto import data_provider_pb2_grpc as rpc

    with tempfile.TemporaryDirectory() as scratch:
        port_file = Path(scratch) / "port"
        command = [binary, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", "0"]
        command += ["--port-file", str(port_file), "--reload", "once", "--die-after-stdin"]
        command += ["--samples-per-plugin", "scalars=all", "--verbose"]
        server = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert server.stderr is not None
            for line in server.stderr:
                if "Finished load cycle" in line:
                    break
            port = port_file.read_text(encoding="ascii").strip()
            options = [("grpc.max_receive_message_length", -1)]
            with grpc.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
                request = api.ReadScalarsRequest(
                    plugin_filter=api.PluginFilter(plugin_name="scalars"),
                    downsample=api.Downsample(num_points=max(expected, 1)),
                )
                response = rpc.TensorBoardDataProviderStub(channel).ReadScalars(request)
            return sum(len(tag.data.value) for run in response.runs for tag in run.tags)
        finally:
            if server.stdin is not None:
                server.stdin.close()
            server.wait(timeout=30)


def rust_data_server(path: Path, expected: int) -> Prepared:
    """TensorBoard's Rust data server keeping all points, read over gRPC on loopback."""
    module = _import("tensorboard_data_server", "tensorboard-data-server")
    _import("grpc", "grpcio")
    binary = module.server_binary()
    if binary is None:
        raise NotAvailable("tensorboard-data-server ships no binary for this platform")
    logdir = path if path.is_dir() else path.parent
    return Prepared(run=lambda: _server_points(binary, logdir, expected), count=lambda n: n)


# --------------------------------------------------------------------------- other tools


def _losslint_points(run: Any) -> int:
    return sum(1 for series in run.series.values() for value in series if value is not None)


def losslint_load(path: Path, expected: int) -> Prepared:
    """losslint's loader (another log linter): its in-memory series of the file."""
    parsing = _import("losslint.parsing", "losslint (pip install -r benchmarks/requirements.txt)")
    return Prepared(run=lambda: parsing.load_run(path), count=_losslint_points)


def pandas_read_csv(path: Path, expected: int) -> Prepared:
    """The floor for CSV logs: pandas' C parser, every column."""
    pandas = _import("pandas", "pandas")
    return Prepared(
        run=lambda: pandas.read_csv(path), count=lambda df: df.shape[0] * (df.shape[1] - 1)
    )


def pandas_read_csv_long(path: Path, expected: int) -> Prepared:
    """pandas' C parser, then one row per (epoch, metric): the shape of curvelint's frame."""
    pandas = _import("pandas", "pandas")

    def run() -> Any:
        table = pandas.read_csv(path)
        return table.melt(id_vars=table.columns[0]).dropna(subset=["value"])

    return Prepared(run=run, count=len)


def _trainer_points(state: dict[str, Any]) -> int:
    numbers = (int, float)
    return sum(
        1
        for entry in state["log_history"]
        for key, value in entry.items()
        if key not in ("step", "epoch") and isinstance(value, numbers)
    )


def json_load(path: Path, expected: int) -> Prepared:
    """The floor for Trainer states: the standard library's json parser."""

    def run() -> Any:
        with path.open("rb") as handle:
            return json.load(handle)

    return Prepared(run=run, count=_trainer_points)


# --------------------------------------------------------------------------- curvelint


def _curvelint_attribute(name: str) -> Any:
    """``curvelint.<name>``, or NotAvailable while that part of curvelint is unwritten."""
    try:
        module = importlib.import_module("curvelint")
        return getattr(module, name)
    except (ImportError, AttributeError) as error:
        raise NotAvailable(f"curvelint.{name}: {type(error).__name__}: {error}") from None


def curvelint_read(path: Path, expected: int) -> Prepared:
    """``curvelint.read(path)``: every point of the path in the common frame."""
    read = _curvelint_attribute("read")
    return Prepared(run=lambda: read(path), count=len)


# Where the analysis entry point may live (each takes a schema frame); the first found is used.
ANALYSIS_ENTRY_POINTS: tuple[tuple[str, str], ...] = (
    ("curvelint", "analyze"),
    ("curvelint.analysis", "analyze_frame"),
)


def _analysis_function() -> Callable[[Any], Any]:
    for module_name, name in ANALYSIS_ENTRY_POINTS:
        try:
            function = getattr(importlib.import_module(module_name), name, None)
        except ImportError:
            continue
        if callable(function):
            return function  # type: ignore[no-any-return]
    tried = ", ".join(f"{m}.{n}" for m, n in ANALYSIS_ENTRY_POINTS)
    raise NotAvailable(f"no curvelint analysis entry point (tried {tried})")


def _one_series_frame(points: int) -> Any:
    """A run holding one noisy train-loss curve of ``points`` points (built before the clock)."""
    import numpy as np

    from curvelint import schema

    rng = np.random.default_rng(3)
    t = np.linspace(0.0, 1.0, points)
    loss = 2.5 * np.exp(-5 * t) + 0.3 + rng.normal(0, 0.05, points)
    return schema.build_frame(
        tag=np.full(points, "train/loss", dtype=object),
        step=np.arange(points),
        value=loss,
        source="synthetic",
        run="long-run",
    )


def analysis_long_series(path: Path, expected: int) -> Prepared:
    """curvelint's analysis of one run holding a single series of ``expected`` points."""
    function = _analysis_function()
    frame = _one_series_frame(expected)
    return Prepared(run=lambda: function(frame), count=lambda _: len(frame))


def analysis_sweep(path: Path, expected: int) -> Prepared:
    """curvelint's analysis of every run of the sweep, read before the clock starts."""
    function = _analysis_function()
    frame = _curvelint_attribute("read")(path)
    return Prepared(run=lambda: function(frame), count=lambda _: len(frame))


# --------------------------------------------------------------------------- imports


def _import_only(module: str) -> Setup:
    def setup(path: Path, expected: int) -> Prepared:
        _import(module, module)
        return Prepared(run=lambda: None, count=lambda _: None)

    setup.__doc__ = f"Import {module} (the setup time is the measurement)."
    return setup


def import_curvelint_read(path: Path, expected: int) -> Prepared:
    """Everything ``curvelint.read`` needs imported (pandas included)."""
    _curvelint_attribute("read")
    return Prepared(run=lambda: None, count=lambda _: None)


CASES: dict[str, Setup] = {
    "raw_read": raw_read,
    "framing": framing,
    "protobuf_decode": protobuf_decode,
    "event_accumulator_all": event_accumulator_all,
    "event_accumulator_default": event_accumulator_default,
    "tbparse_scalars": tbparse_scalars,
    "tbparse_tensors": tbparse_tensors,
    "rust_data_server": rust_data_server,
    "losslint_load": losslint_load,
    "pandas_read_csv": pandas_read_csv,
    "pandas_read_csv_long": pandas_read_csv_long,
    "json_load": json_load,
    "curvelint_read": curvelint_read,
    "analysis_long_series": analysis_long_series,
    "analysis_sweep": analysis_sweep,
    "import_pandas": _import_only("pandas"),
    "import_event_accumulator": _import_only(
        "tensorboard.backend.event_processing.event_accumulator"
    ),
    "import_tbparse": _import_only("tbparse"),
    "import_curvelint": _import_only("curvelint"),
    "import_curvelint_read": import_curvelint_read,
}


def now() -> float:
    """The clock every case is timed with."""
    return time.perf_counter()
