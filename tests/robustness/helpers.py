"""Shared tools of the robustness suite: the fixed Hypothesis profile, independent oracles
(what an intact file holds, record by record), and the tally the closing summary prints.

The oracles never call curvelint: event records are framed with :mod:`struct` and decoded with
TensorBoard's own protobuf classes; CSV rows with :mod:`csv`; JSON with :mod:`json`.
"""

from __future__ import annotations

import json
import math
import os
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings

from curvelint.errors import CurvelintError
from curvelint.readers import READERS
from curvelint.readers.base import Reader, ReadResult

REPO = Path(__file__).resolve().parents[2]
SAMPLE_LOGS = REPO / "sample_logs"
CORPUS = REPO.parent / "shared" / "corpus" / "public"

# One fixed profile for every property test of this suite: derandomized (the same examples on
# every machine and every run), no deadline (CI machines are slow and shared), no example
# database (nothing written to the work tree). Applied with @FUZZ, so loading it does not
# change the settings of tests outside tests/robustness/ and tests/hostile/.
PROFILE = "curvelint-robustness"
settings.register_profile(
    PROFILE,
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ = settings.get_profile(PROFILE)


def fuzz(max_examples: int) -> settings:
    """The suite's profile with another example budget."""
    return settings(FUZZ, max_examples=max_examples)


# --------------------------------------------------------------------------- the tally


@dataclass
class Tally:
    """How many inputs of each kind the suite tried, and the slowest one."""

    inputs: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    points_lost: int = 0
    slowest: tuple[float, str] = (0.0, "")
    peak_memory: dict[str, int] = field(default_factory=dict)
    printed: bool = False

    def time(self, seconds: float, what: str) -> None:
        if seconds > self.slowest[0]:
            self.slowest = (seconds, what)


TALLY = Tally()


@contextmanager
def timed(kind: str, what: str) -> Iterator[None]:
    """Count one input of ``kind`` and remember it if it is the slowest so far."""
    TALLY.inputs[kind] += 1
    start = time.perf_counter()
    try:
        yield
    finally:
        TALLY.time(time.perf_counter() - start, f"{kind}: {what}")


# --------------------------------------------------------------------------- reading


def one_line(message: str) -> None:
    assert message, "an error must say something"
    assert "\n" not in message and "\r" not in message, f"error is not one line: {message!r}"
    assert "Traceback" not in message, message


def read_or_error(reader: Reader, paths: Sequence[Path], kind: str) -> ReadResult | str:
    """A reader's result, or its one-line :class:`CurvelintError` message. Anything else
    escaping is a crash: the test fails with it (and the tally counts it)."""
    with timed(kind, str(paths[0]) if paths else "<none>"):
        try:
            result = reader.read(list(paths))
        except CurvelintError as error:
            one_line(str(error))
            return str(error)
        except Exception:
            TALLY.crashes += 1
            raise
    for skipped in result.skipped:
        one_line(str(skipped))
    for note in result.notes:
        one_line(note)
    return result


def reader_for(name: str) -> Reader:
    return next(reader for reader in READERS if name == reader.NAME)


def real_files(predicate: Callable[[Path], bool]) -> list[Path]:
    """Files of sample_logs/ and the public corpus that satisfy ``predicate``."""
    found: list[Path] = []
    for root in (SAMPLE_LOGS, CORPUS):
        if root.is_dir():
            found.extend(p for p in sorted(root.rglob("*")) if p.is_file() and predicate(p))
    return found


def value_key(value: float) -> int | str:
    """A value as comparable data: its bits, or "nan" (NaN payloads may differ by decoder)."""
    if math.isnan(value):
        return "nan"
    return int(np.array(value, dtype=np.float64).view(np.int64))


# --------------------------------------------------------------------------- event files

Point = tuple[str, int, int | str]  # tag, step, value key


@dataclass(frozen=True)
class Record:
    """One record of an intact event file: where it lies, and the scalar points it holds."""

    start: int
    end: int
    points: tuple[Point, ...]


def record_bounds(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every record of an intact file, by an independent struct walk."""
    bounds, position = [], 0
    while position < len(data):
        (length,) = struct.unpack_from("<Q", data, position)
        end = position + length + 16
        assert end <= len(data), "the oracle needs an intact file"
        bounds.append((position, end))
        position = end
    return bounds


def event_records(data: bytes) -> list[Record]:
    """Every record's scalar points, by TensorBoard's protobuf classes: simple values, and
    one-element tensors of tags whose first metadata names the scalars plugin."""
    from tensorboard.compat.proto import event_pb2
    from tensorboard.util import tensor_util

    bounds = record_bounds(data)
    events = [event_pb2.Event.FromString(data[s + 12 : e - 4]) for s, e in bounds]
    first_plugin: dict[str, str] = {}
    for event in events:
        for value in event.summary.value:
            if value.HasField("metadata"):
                first_plugin.setdefault(value.tag, value.metadata.plugin_data.plugin_name)
    records = []
    for (start, end), event in zip(bounds, events, strict=True):
        points: list[Point] = []
        for value in event.summary.value:
            kind = value.WhichOneof("value")
            if kind == "simple_value":
                points.append((value.tag, event.step, value_key(value.simple_value)))
            elif kind == "tensor" and first_plugin.get(value.tag) == "scalars":
                array = tensor_util.make_ndarray(value.tensor)
                if array.size == 1:
                    number = float(array.astype(np.float64).reshape(-1)[0])
                    points.append((value.tag or value.node_name, event.step, value_key(number)))
        records.append(Record(start, end, tuple(points)))
    return records


def file_points(event_file: Any) -> list[Point]:
    """An EventFile's points in file order."""
    tags = [event_file.tags[code] for code in event_file.codes.tolist()]
    values = [value_key(v) for v in event_file.values.tolist()]
    return list(zip(tags, event_file.steps.tolist(), values, strict=True))


def is_subsequence(needle: Sequence[Any], haystack: Sequence[Any]) -> bool:
    iterator = iter(haystack)
    return all(any(item == other for other in iterator) for item in needle)


def summary_lines() -> list[str]:
    """The closing summary, once per session (both suites' conftests ask for it); also
    written as JSON to $CURVELINT_ROBUSTNESS_REPORT when that is set."""
    if TALLY.printed or not TALLY.inputs:
        return []
    TALLY.printed = True
    seconds, what = TALLY.slowest
    lines = [f"{count:>7}  {kind}" for kind, count in sorted(TALLY.inputs.items())]
    lines.append(f"{sum(TALLY.inputs.values()):>7}  inputs in all")
    lines.append(f"crashes: {TALLY.crashes}; valid points lost: {TALLY.points_lost}")
    lines.append(f"slowest input: {seconds:.2f} s ({what})")
    for label, peak in sorted(TALLY.peak_memory.items()):
        lines.append(f"memory: {peak / 2**20:.0f} MiB ({label})")
    target = os.environ.get("CURVELINT_ROBUSTNESS_REPORT")
    if target:
        document = {
            "inputs": dict(TALLY.inputs),
            "crashes": TALLY.crashes,
            "points_lost": TALLY.points_lost,
            "slowest": {"seconds": seconds, "input": what},
            "peak_memory_bytes": TALLY.peak_memory,
        }
        Path(target).write_text(json.dumps(document, indent=2) + "\n")
    return lines


def write_summary(terminalreporter: Any) -> None:
    """Print :func:`summary_lines` as pytest's closing section (a hook in each suite's
    conftest calls this; the summary comes once)."""
    lines = summary_lines()
    if not lines:
        return
    terminalreporter.section("curvelint robustness")
    for line in lines:
        terminalreporter.write_line(line)
