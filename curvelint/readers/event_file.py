"""One TensorBoard event file → its scalar points in logged order, what was skipped, and why.

Records are framed (:mod:`~curvelint.readers.record_framing`), regular ones decoded in bulk
(:mod:`~curvelint.readers.event_batch`), the rest one by one (:mod:`~curvelint.readers.event_wire`,
protobuf as the fallback). Checksums are checked for records that fail to decode, or for
all records with ``verify``. A record whose length fails its checksum means the framing from
there on is garbage: points before it are kept, the file is scanned for the next intact
record and reading resumes there; so does a length too long for the file when an intact
record follows it. A truncated tail (a crashed writer) keeps every point before it. Every
loss is a :class:`~curvelint.readers.base.Skipped` entry with its byte offset.

A point is a ``simple_value``, or a tensor whose tag's first metadata names the ``scalars``
plugin (TF2 writers send metadata with a tag's first value only, as EventAccumulator knows).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curvelint.readers.base import Skipped
from curvelint.readers.event_batch import Batch, decode_batch, empty_batch
from curvelint.readers.event_wire import (
    NO_VALUE,
    OTHER,
    SIMPLE,
    TENSOR,
    DecodeError,
    Event,
    decode_narrow,
    decode_protobuf,
)
from curvelint.readers.record_framing import (
    HEADER_BYTES,
    Buffer,
    data_intact,
    diagnose,
    find_record,
    length_intact,
    record_intact,
    walk,
)

DECODERS = ("fast", "narrow", "protobuf")
CHUNK_RECORDS = 1 << 16
SCALARS_PLUGIN = "scalars"
_GRAPH_RECORDS = frozenset({"graph_def", "meta_graph_def"})


@dataclass
class EventFile:
    """The scalar points of one event file (columns in logged order) and facts about it.

    ``codes`` index ``tags``. ``records`` counts records decoded as events: 0 means the file
    is not an event file at all. ``summaries`` counts non-scalar values by plugin or kind.
    """

    path: Path
    tags: list[str] = field(default_factory=list)
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    wall_times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    records: int = 0
    file_version: str = ""
    graph: bool = False
    summaries: Counter[str] = field(default_factory=Counter)
    hparams: list[bytes] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Points:
    """Candidate points of one walked segment, before tags are resolved to scalars or not."""

    tag: np.ndarray
    tensor: np.ndarray
    step: np.ndarray
    wall_time: np.ndarray
    value: np.ndarray
    problem: np.ndarray | None = None  # tensors that are not one number; None: there are none


@dataclass(frozen=True)
class _Problem:
    """A tensor value that is not one number; reported if its tag turns out to be a scalar."""

    offset: int
    tag: int
    why: str


@dataclass
class _Reading:
    """State while one file is read: tag table, first metadata per tag, collected points."""

    path: Path
    buffer: Buffer
    decoder: str
    verify: bool
    result: EventFile
    tag_index: dict[str, int] = field(default_factory=dict)
    first_plugin: dict[int, tuple[int, str]] = field(default_factory=dict)
    problems: list[_Problem] = field(default_factory=list)
    parts: list[_Points] = field(default_factory=list)
    records_before: int = 0
    damaged_metadata: set[int] = field(default_factory=set)  # offsets, reported once

    def tag(self, name: str) -> int:
        index = self.tag_index.get(name)
        if index is None:
            index = self.tag_index[name] = len(self.result.tags)
            self.result.tags.append(name)
        return index

    def metadata(self, record: int, tag: int, plugin: str | None, offset: int) -> None:
        """Remember the plugin of a tag's first metadata (by record order).

        That one record decides how every later value of its tag is read, so its checksums
        are checked even without ``verify``: metadata from a damaged record is not trusted.
        """
        if plugin is None:
            return
        known = self.first_plugin.get(tag)
        if known is not None and record >= known[0]:
            return
        if not record_intact(self.buffer, offset):
            if offset not in self.damaged_metadata:
                self.damaged_metadata.add(offset)
                self.skip(offset, "record fails its checksum: the tag metadata in it is ignored")
            return
        self.first_plugin[tag] = (record, plugin)

    def skip(self, offset: int, why: str, count: int = 1) -> None:
        self.result.skipped.append(Skipped(str(self.path), f"byte {offset}", why, count))


def read_event_file(path: Path, *, verify: bool = False, decoder: str = "fast") -> EventFile:
    """Read one event file; never raises for bad content (see :class:`EventFile`)."""
    if decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {DECODERS}, not {decoder!r}")
    result = EventFile(path)
    try:
        buffer = path.read_bytes()
    except OSError as error:
        why = f"cannot read ({error.strerror or error})"
        result.skipped.append(Skipped(str(path), "", why))
        return result
    if not buffer:
        result.skipped.append(Skipped(str(path), "", "empty file (0 bytes)"))
        return result
    reading = _Reading(path, buffer, decoder, verify, result)
    _walk_file(reading)
    _finish(reading)
    if result.records == 0 and not any(s.why.startswith("truncated") for s in result.skipped):
        why = "not a TensorBoard event file: no intact record"
        result.skipped[:] = [Skipped(str(path), "", f"{why} ({len(buffer)} bytes)")]
    return result


def _walk_file(reading: _Reading) -> None:
    """Frame and decode chunk after chunk, resynchronising after corrupt lengths."""
    buffer = reading.buffer
    position = 0
    if len(buffer) >= HEADER_BYTES and not length_intact(buffer, 0):
        position = _resync(reading, 0, "the first record's length fails its checksum")
    while position < len(buffer):
        framing = walk(buffer, position, CHUNK_RECORDS)
        cut = _decode_segment(reading, framing.starts, framing.lengths)
        if cut is not None:
            position = _resync(reading, cut, "record length fails its checksum")
            continue
        position = framing.end
        if not framing.blocked:
            continue
        stop = diagnose(buffer, position)
        if stop.kind == "corrupt":
            position = _resync(reading, position, stop.why)
        elif find_record(buffer, position + 1) is not None:  # not the tail: a bogus length
            position = _resync(reading, position, f"record length too long ({stop.why})")
        else:
            reading.skip(position, f"{stop.why}: the writer stopped mid-record")
            return


def _resync(reading: _Reading, offset: int, why: str) -> int:
    """Skip from a corrupt ``offset`` to the next intact record (or the end), saying so."""
    size = len(reading.buffer)
    found = find_record(reading.buffer, offset + 1)
    end = size if found is None else found
    after = "no intact record after it" if found is None else "reading resumes there"
    where = f"bytes {offset}-{end}"
    reading.result.skipped.append(Skipped(str(reading.path), where, f"{why}; {after}"))
    return end


def _decode_segment(reading: _Reading, starts: np.ndarray, lengths: np.ndarray) -> int | None:
    """Decode framed records; returns the offset of a record whose length is corrupt."""
    if reading.verify:
        starts, lengths, cut = _verified(reading, starts, lengths)
    else:
        cut = None
    data_starts = starts + HEADER_BYTES
    data_ends = data_starts + lengths
    if reading.decoder == "fast":
        batch = decode_batch(reading.buffer, data_starts, data_ends)
    else:
        batch = empty_batch(len(starts))
    events, bad_length = _decode_others(reading, batch, starts, lengths)
    if bad_length is not None:
        cut = int(starts[bad_length])
        starts = starts[:bad_length]
        events = [(index, event) for index, event in events if index < bad_length]
    _collect(reading, batch, starts, events)
    return cut


def _verified(
    reading: _Reading, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """With ``verify``: records up to the first corrupt length, without corrupt data."""
    keep = np.ones(len(starts), dtype=bool)
    cut = None
    for index, (start, length) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
        if not length_intact(reading.buffer, start):
            cut = index
            break
        if not data_intact(reading.buffer, start, length):
            keep[index] = False
            reading.skip(start, "record data fails its checksum")
    end = len(starts) if cut is None else cut
    keep[end:] = False
    return starts[keep], lengths[keep], None if cut is None else int(starts[cut])


def _decode_others(
    reading: _Reading, batch: Batch, starts: np.ndarray, lengths: np.ndarray
) -> tuple[list[tuple[int, Event]], int | None]:
    """Decode records the batch left, one by one; stop at a record whose length is corrupt."""
    buffer = reading.buffer
    events: list[tuple[int, Event]] = []
    for index in np.flatnonzero(~batch.handled).tolist():
        start, length = int(starts[index]), int(lengths[index])
        data_start = start + HEADER_BYTES
        event = None
        if reading.decoder != "protobuf":
            event = decode_narrow(buffer, data_start, data_start + length)
        if event is None:
            if not reading.verify:
                if not length_intact(buffer, start):
                    return events, index
                if not data_intact(buffer, start, length):
                    reading.skip(start, "record data fails its checksum")
                    continue
            try:
                event = decode_protobuf(bytes(buffer[data_start : data_start + length]))
            except DecodeError as error:
                reading.skip(start, f"record is not an Event protocol buffer ({error})")
                continue
        events.append((index, event))
    return events, None


def _collect(
    reading: _Reading, batch: Batch, starts: np.ndarray, events: list[tuple[int, Event]]
) -> None:
    """Turn one segment's decoded records into candidate points, in record order.

    Runs of batch-decoded records are sliced, not copied one by one; the few records decoded
    one by one are spliced in between.
    """
    count = len(starts)
    handled = batch.handled[:count]
    layout_tags = np.array([reading.tag(layout.tag) for layout in batch.layouts], dtype=np.int32)
    layout_tensor = np.array([layout.tensor for layout in batch.layouts], dtype=bool)
    for layout, tag in zip(batch.layouts, layout_tags.tolist(), strict=True):
        if layout.first_record < count:  # layouts seen only past a corrupt record are noise
            record, offset = layout.first_record, int(starts[layout.first_record])
            reading.metadata(reading.records_before + record, tag, layout.plugin, offset)
    pieces = _Pieces()
    by_index = dict(events)
    previous = 0
    for index in [*np.flatnonzero(~handled).tolist(), count]:
        if index > previous:
            layouts = batch.layout[previous:index]
            run = slice(previous, index)
            pieces.add_run(
                layout_tags[layouts],
                layout_tensor[layouts],
                batch.step[run],
                batch.wall_time[run],
                batch.value[run],
            )
        event = by_index.get(index)
        if event is not None:
            record = reading.records_before + index
            _note_event(reading, event)
            _add_event(reading, record, int(starts[index]), event, pieces)
        previous = index + 1
    reading.parts.append(pieces.points())
    reading.records_before += count
    reading.result.records += int(handled.sum()) + len(events)


class _Pieces:
    """Point columns built from array runs and single points, concatenated once."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, ...]] = []
        self.pending: list[tuple[int, bool, int, float, float]] = []
        self.problems: list[int] = []
        self.count = 0

    def add_run(self, *columns: np.ndarray) -> None:
        self._flush()
        self.runs.append(columns)
        self.count += len(columns[0])

    def add_point(self, tag: int, tensor: bool, step: int, wall_time: float, value: float) -> None:
        self.pending.append((tag, tensor, step, wall_time, value))

    def mark_problem(self) -> None:
        """The point about to be added is a tensor that is not one number."""
        self.problems.append(self.count + len(self.pending))

    def _flush(self) -> None:
        if not self.pending:
            return
        tags, tensors, steps, wall_times, values = zip(*self.pending, strict=True)
        self.runs.append(
            (
                np.array(tags, dtype=np.int32),
                np.array(tensors, dtype=bool),
                np.array(steps, dtype=np.int64),
                np.array(wall_times, dtype=np.float64),
                np.array(values, dtype=np.float64),
            )
        )
        self.count += len(self.pending)
        self.pending = []

    def points(self) -> _Points:
        self._flush()
        if not self.runs:
            empty = (np.int32, bool, np.int64, np.float64, np.float64)
            return _Points(*(np.zeros(0, dtype=dtype) for dtype in empty))
        if len(self.runs) == 1:
            columns = list(self.runs[0])
        else:
            columns = [np.concatenate(parts) for parts in zip(*self.runs, strict=True)]
        problem = None
        if self.problems:
            problem = np.zeros(self.count, dtype=bool)
            problem[self.problems] = True
        return _Points(columns[0], columns[1], columns[2], columns[3], columns[4], problem)


def _add_event(reading: _Reading, record: int, offset: int, event: Event, pieces: _Pieces) -> None:
    for value in event.values:
        tag = reading.tag(value.tag)
        reading.metadata(record, tag, value.plugin, offset)
        if value.kind not in (SIMPLE, TENSOR):
            continue
        if value.problem:
            reading.problems.append(_Problem(offset, tag, value.problem))
            pieces.mark_problem()
        pieces.add_point(tag, value.kind == TENSOR, event.step, event.wall_time, value.number)


def _note_event(reading: _Reading, event: Event) -> None:
    """Facts that are not points: file version, graphs, hparams, other summaries."""
    result = reading.result
    if event.file_version and not result.file_version:
        result.file_version = event.file_version
    if event.what in _GRAPH_RECORDS:
        result.graph = True
    for value in event.values:
        if value.content:
            result.hparams.append(value.content)
        if value.kind == OTHER:
            result.summaries["TF1 histogram/image/audio"] += 1
        elif value.kind == NO_VALUE and value.plugin:
            result.summaries[value.plugin] += 1


def _finish(reading: _Reading) -> None:
    """Keep scalar points only: simple values, and tensors of tags the scalars plugin owns."""
    result = reading.result
    if not reading.parts:
        return
    points = _concatenate(reading.parts)
    plugins = [reading.first_plugin.get(tag, (0, ""))[1] for tag in range(len(result.tags))]
    scalar_tags = np.array([plugin == SCALARS_PLUGIN for plugin in plugins], dtype=bool)
    if result.skipped:  # records were lost: some tag's first record may be among them
        _read_orphans_as_scalars(reading, points, scalar_tags)
    keep = ~points.tensor
    if len(scalar_tags):
        keep |= scalar_tags[points.tag]
    _count_other_summaries(reading, points.tag[~keep], plugins)
    problems = [p for p in reading.problems if scalar_tags[p.tag]]
    if problems:
        _skip_problems(reading, problems)
    if points.problem is not None:
        keep &= ~points.problem
    if not keep.all():
        points = _Points(*(column[keep] for column in _columns(points)))
    _sort_tags(result, points.tag)
    result.steps, result.wall_times, result.values = points.step, points.wall_time, points.value


def _read_orphans_as_scalars(reading: _Reading, points: _Points, scalar_tags: np.ndarray) -> None:
    """After damage: a tag left without any metadata whose values are all one-number
    tensors lost its first record (TF2 writers send metadata with it only); its intact later
    values are read as scalars rather than lost, and a note says so."""
    count = len(reading.result.tags)
    orphans = np.array([tag not in reading.first_plugin for tag in range(count)], dtype=bool)
    tensors = np.bincount(points.tag[points.tensor], minlength=count)
    orphans &= tensors > 0
    if points.problem is not None:
        orphans &= np.bincount(points.tag[points.problem], minlength=count) == 0
    for tag in np.flatnonzero(orphans).tolist():
        scalar_tags[tag] = True
        reading.result.notes.append(
            f"{reading.path.name}: {int(tensors[tag])} tensor value(s) of "
            f"{reading.result.tags[tag]!r} carry no metadata (the record that did is damaged): "
            "read as scalars"
        )


def _columns(points: _Points) -> tuple[np.ndarray, ...]:
    return points.tag, points.tensor, points.step, points.wall_time, points.value


def _sort_tags(result: EventFile, codes: np.ndarray) -> None:
    """Tags in sorted order, whichever decoder met them first (as other readers do)."""
    order = sorted(range(len(result.tags)), key=result.tags.__getitem__)
    if order == list(range(len(order))):
        result.codes = codes
        return
    new_code = np.empty(len(order), dtype=np.int32)
    new_code[order] = np.arange(len(order), dtype=np.int32)
    result.tags = [result.tags[index] for index in order]
    result.codes = new_code[codes] if len(order) else codes


def _concatenate(parts: list[_Points]) -> _Points:
    if len(parts) == 1:
        return parts[0]
    names = ("tag", "tensor", "step", "wall_time", "value")
    columns = {name: np.concatenate([getattr(part, name) for part in parts]) for name in names}
    problem = None
    if any(part.problem is not None for part in parts):
        problem = np.concatenate(
            [np.zeros(len(p.tag), bool) if p.problem is None else p.problem for p in parts]
        )
    return _Points(**columns, problem=problem)


def _count_other_summaries(reading: _Reading, dropped: np.ndarray, plugins: list[str]) -> None:
    """Tensors that are not scalars (histograms, images, text…), counted by plugin."""
    if not len(dropped):
        return
    counts = np.bincount(dropped, minlength=len(plugins))
    for tag in np.flatnonzero(counts).tolist():
        reading.result.summaries[plugins[tag] or "tensor without plugin"] += int(counts[tag])


def _skip_problems(reading: _Reading, problems: list[_Problem]) -> None:
    """One Skipped entry per (tag, problem) for scalars-plugin tensors that are not a number."""
    grouped: dict[tuple[int, str], list[int]] = {}
    for problem in problems:
        grouped.setdefault((problem.tag, problem.why), []).append(problem.offset)
    for (tag, why), offsets in grouped.items():
        name = reading.result.tags[tag]
        reading.skip(offsets[0], f"scalar tensor {name!r} is not one number: {why}", len(offsets))
