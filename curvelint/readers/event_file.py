"""One TensorBoard event file → its scalar points in logged order, what was skipped, and why.

Records are framed (:mod:`~curvelint.readers.record_framing`), regular ones decoded in bulk
(:mod:`~curvelint.readers.event_batch`), the rest one by one (:mod:`~curvelint.readers.event_wire`,
protobuf as the fallback), collected into points (:mod:`~curvelint.readers.event_points`) and
kept if they are scalars (:mod:`~curvelint.readers.event_scalars`). Checksums are checked for
records that fail to decode, or for all records with ``verify``. A record whose length fails
its checksum means the framing from there on is garbage: points before it are kept, the file
is scanned for the next intact record and reading resumes there; so does a length too long
for the file when an intact record follows it. A truncated tail (a crashed writer) keeps
every point before it. Every loss is a :class:`~curvelint.readers.base.Skipped` entry with
its byte offset.

A point is a ``simple_value``, or a tensor whose tag's first metadata names the ``scalars``
plugin (TF2 writers send metadata with a tag's first value only, as EventAccumulator knows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from curvelint.freed_memory import release_freed_memory
from curvelint.readers.base import Skipped
from curvelint.readers.event_batch import Batch, decode_batch, empty_batch
from curvelint.readers.event_points import collect
from curvelint.readers.event_reading import EventFile, Reading, RecordLog
from curvelint.readers.event_scalars import SCALARS_PLUGIN, finish
from curvelint.readers.event_wire import DecodeError, Event, decode_narrow, decode_protobuf
from curvelint.readers.file_window import AVAILABLE as WINDOW_AVAILABLE
from curvelint.readers.file_window import WINDOW_BYTES, FileWindow
from curvelint.readers.record_framing import (
    HEADER_BYTES,
    Buffer,
    data_intact,
    diagnose,
    find_record,
    length_intact,
    walk,
)

__all__ = ["CHUNK_RECORDS", "DECODERS", "SCALARS_PLUGIN", "EventFile", "read_event_file"]

DECODERS = ("fast", "narrow", "protobuf")
CHUNK_RECORDS = 1 << 16


def read_event_file(path: Path, *, verify: bool = False, decoder: str = "fast") -> EventFile:
    """Read one event file; never raises for bad content (see :class:`EventFile`)."""
    if decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {DECODERS}, not {decoder!r}")
    result = EventFile(path)
    try:
        size = path.stat().st_size
        source: bytes | FileWindow = _whole_or_window(path, size)
    except OSError as error:
        why = f"cannot read ({error.strerror or error})"
        result.skipped.append(Skipped(str(path), "", why))
        return result
    if isinstance(source, bytes):
        if not source:
            result.skipped.append(Skipped(str(path), "", "empty file (0 bytes)"))
            return result
        size = len(source)
    reading = _walked(path, source, decoder, verify, RecordLog())
    if reading.records.lost:  # a late record needs the records the log dropped: read again
        source = source if isinstance(source, bytes) else FileWindow(path, size)
        reading = _walked(path, source, decoder, verify, RecordLog(compact=False))
    del source
    reading.buffer = b""  # every record is decoded: the file's bytes go before the points join
    result = reading.result
    finish(reading)
    del reading
    if size > WINDOW_BYTES:  # what reading a large file freed goes back before its frame
        release_freed_memory()
    if result.records == 0 and not any(s.why.startswith("truncated") for s in result.skipped):
        why = "not a TensorBoard event file: no intact record"
        result.skipped[:] = [Skipped(str(path), "", f"{why} ({size} bytes)")]
    return result


def _whole_or_window(path: Path, size: int) -> bytes | FileWindow:
    """The file's bytes, or for a large file a window on it (:mod:`.file_window`)."""
    if size <= WINDOW_BYTES or not WINDOW_AVAILABLE:
        return path.read_bytes()
    return FileWindow(path, size)


def _walked(
    path: Path, source: bytes | FileWindow, decoder: str, verify: bool, records: RecordLog
) -> Reading:
    window = source if isinstance(source, FileWindow) else None
    buffer = source if isinstance(source, bytes) else source.load(HEADER_BYTES)
    reading = Reading(path, buffer, decoder, verify, EventFile(path), records=records)
    try:
        _walk_file(reading, window)
    finally:
        if window is not None:
            window.close()
    return reading


def _walk_file(reading: Reading, window: FileWindow | None = None) -> None:
    """Frame and decode chunk after chunk, resynchronising after corrupt lengths. With a
    ``window``, more of the file is loaded as the walk nears the end of what is, the part
    behind it released, and all the rest loaded before any scan for an intact record."""
    buffer = reading.buffer
    position = 0
    if len(buffer) >= HEADER_BYTES and not length_intact(buffer, 0):
        buffer = _load_all(reading, window)
        position = _resync(reading, 0, "the first record's length fails its checksum")
    while True:
        if window is not None and window.loaded - position < WINDOW_BYTES // 2:
            buffer = reading.buffer = window.load(position + WINDOW_BYTES)
        if position >= len(buffer):
            return
        framing = walk(buffer, position, CHUNK_RECORDS)
        cut = _decode_segment(reading, framing.starts, framing.lengths)
        if cut is not None:
            buffer = _load_all(reading, window)
            position = _resync(reading, cut, "record length fails its checksum")
            continue
        position = framing.end
        if window is not None:
            window.release(position)
        if not framing.blocked:
            continue
        if window is not None and not window.complete:  # the record runs past what is loaded
            buffer = reading.buffer = window.load(window.loaded + WINDOW_BYTES)
            continue
        resumed = _after_blocked(reading, position)
        if resumed is None:
            return
        position = resumed


def _after_blocked(reading: Reading, position: int) -> int | None:
    """Where reading resumes after a record that does not fit at ``position``; None: the
    file ends there (a writer stopped mid-record)."""
    buffer = reading.buffer
    stop = diagnose(buffer, position)
    if stop.kind == "corrupt":
        return _resync(reading, position, stop.why)
    if find_record(buffer, position + 1) is not None:  # not the tail: a bogus length
        return _resync(reading, position, f"record length too long ({stop.why})")
    reading.skip(position, f"{stop.why}: the writer stopped mid-record")
    return None


def _load_all(reading: Reading, window: FileWindow | None) -> Buffer:
    """The whole file as the reading's buffer (a scan past damage may go to its end)."""
    if window is not None:
        reading.buffer = window.load_all()
    return reading.buffer


def _resync(reading: Reading, offset: int, why: str) -> int:
    """Skip from a corrupt ``offset`` to the next intact record (or the end), saying so."""
    size = len(reading.buffer)
    found = find_record(reading.buffer, offset + 1)
    end = size if found is None else found
    after = "no intact record after it" if found is None else "reading resumes there"
    where = f"bytes {offset}-{end}"
    reading.result.skipped.append(Skipped(str(reading.path), where, f"{why}; {after}"))
    return end


def _decode_segment(reading: Reading, starts: np.ndarray, lengths: np.ndarray) -> int | None:
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
    collect(reading, batch, starts, events)
    return cut


def _verified(
    reading: Reading, starts: np.ndarray, lengths: np.ndarray
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
    reading: Reading, batch: Batch, starts: np.ndarray, lengths: np.ndarray
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
