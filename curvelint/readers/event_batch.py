"""Decode thousands of same-shaped event records at once with numpy.

Writers log scalars in loops, so most records of a file differ only in wall time, step and
value: same tag, same fields, same lengths. Records are grouped by the length of what follows
the step (the "summary part"); the first record of a group is decoded narrowly, which says
where its value's bytes are; every record whose summary part matches that exemplar's byte for
byte outside the value is decoded by reading the value at the same offset. Matching is exact
(records are grouped by the exact bytes of their skeletons), so a record is either decoded
exactly as :func:`~curvelint.readers.event_wire.decode_narrow` would, or left for it.

Records are processed in chunks so every temporary array stays small and cache-resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from curvelint.readers.event_wire import SIMPLE, TENSOR, Event, Value, decode_narrow
from curvelint.readers.record_framing import Buffer, unaligned_view

SMALLEST_GROUP = 16
CHUNK_RECORDS = 1 << 16
_SMALLEST_BUFFER = 64
_SHORTEST_RECORD = 18  # wall_time (9 bytes) and a summary of one value (at least 9)
_LONGEST_SUMMARY = 2048
_ATTEMPTS_PER_GROUP = 8
_MOST_SHAPES_PER_ATTEMPT = 1024
_ALL_BYTES = (1 << 64) - 1
_NO_LAYOUT = -1
_WALL_TIME_KEY, _STEP_KEY, _SUMMARY_KEY = 0x09, 0x10, 0x2A
_PLAIN_KEYS = ((_WALL_TIME_KEY, _STEP_KEY, _SUMMARY_KEY), (_WALL_TIME_KEY, _SUMMARY_KEY))
_FIXED_DTYPES = {
    "f4": "<f4",
    "f8": "<f8",
    "f2": "<f2",
    "i1": "i1",
    "u1": "u1",
    "i2": "<i2",
    "u2": "<u2",
    "i4": "<i4",
    "u4": "<u4",
    "i8": "<i8",
    "u8": "<u8",
    "bf2": "<u2",
    "b1": "u1",
}

LayoutKey = tuple[str, bool, str | None]


@dataclass(frozen=True)
class Layout:
    """What every record decoded with one layout holds, taken from its first record."""

    tag: str
    tensor: bool
    plugin: str | None
    first_record: int


@dataclass
class Batch:
    """Per-record results; only records with ``handled`` set were decoded here (the other
    entries of ``step``, ``wall_time`` and ``value`` are meaningless)."""

    handled: np.ndarray
    layout: np.ndarray
    step: np.ndarray
    wall_time: np.ndarray
    value: np.ndarray
    layouts: list[Layout] = field(default_factory=list)


@dataclass(frozen=True)
class _Shape:
    """Where an exemplar's value is, relative to the start of its summary part."""

    start: int
    stop: int
    encoding: str


@dataclass(frozen=True)
class _Group:
    """Records of one chunk (``rows``) whose summary parts have the same length ``size``."""

    rows: np.ndarray
    summary_starts: np.ndarray
    size: int


def empty_batch(count: int) -> Batch:
    """A batch that decoded none of ``count`` records."""
    return Batch(
        handled=np.zeros(count, dtype=bool),
        layout=np.full(count, _NO_LAYOUT, dtype=np.int32),
        step=np.zeros(count, dtype=np.int64),
        wall_time=np.empty(count, dtype=np.float64),
        value=np.empty(count, dtype=np.float64),
    )


def decode_batch(buffer: Buffer, data_starts: np.ndarray, data_ends: np.ndarray) -> Batch:
    """Decode every record that belongs to a large enough group of same-shaped records."""
    batch = empty_batch(len(data_starts))
    if len(data_starts) < SMALLEST_GROUP or len(buffer) < _SMALLEST_BUFFER:
        return batch
    decoder = _BatchDecoder(buffer, batch)
    for first in range(0, len(data_starts), CHUNK_RECORDS):
        stop = first + CHUNK_RECORDS
        decoder.decode_chunk(first, data_starts[first:stop], data_ends[first:stop])
    return batch


class _BatchDecoder:
    """Decodes chunks of records into one :class:`Batch`, sharing the layouts found."""

    def __init__(self, buffer: Buffer, batch: Batch) -> None:
        self.buffer = buffer
        self.batch = batch
        self.u8 = np.frombuffer(buffer, dtype=np.uint8)
        self.u64 = unaligned_view(buffer, "<u8")
        self.u32 = unaligned_view(buffer, "<u4")
        self.f8 = unaligned_view(buffer, "<f8")
        self.registry: dict[LayoutKey, int] = {}
        self.first = 0
        self.data_starts = np.zeros(0, dtype=np.int64)
        self.data_ends = np.zeros(0, dtype=np.int64)

    def decode_chunk(self, first: int, data_starts: np.ndarray, data_ends: np.ndarray) -> None:
        self.first, self.data_starts, self.data_ends = first, data_starts, data_ends
        rows, summary_starts = self._prefixes()
        sizes = data_ends[rows] - summary_starts
        order = np.argsort(sizes.astype(np.uint16), kind="stable")
        rows, summary_starts, sizes = rows[order], summary_starts[order], sizes[order]
        edges = np.flatnonzero(sizes[1:] != sizes[:-1]) + 1
        bounds = zip(np.r_[0, edges].tolist(), np.r_[edges, len(rows)].tolist(), strict=True)
        for begin, end in bounds:
            if end - begin >= SMALLEST_GROUP:
                sliced = slice(begin, end)
                self._decode_group(_Group(rows[sliced], summary_starts[sliced], int(sizes[begin])))

    def _prefixes(self) -> tuple[np.ndarray, np.ndarray]:
        """Read wall_time and step of records shaped ``wall_time, [step,] summary``.

        Returns those records (chunk rows) and where their summary part starts. Fields are
        gathered for every record at once from offsets clipped into the file; records too
        short for them are dropped afterwards.
        """
        u8, size = self.u8, len(self.u8)
        chunk = slice(self.first, self.first + len(self.data_starts))
        at = np.minimum(self.data_starts, size - _SHORTEST_RECORD)
        usable = self.data_ends - self.data_starts >= _SHORTEST_RECORD
        usable &= u8[at] == _WALL_TIME_KEY
        at += 1
        self.batch.wall_time[chunk] = self.f8[at]
        at += 8
        with_step = u8[at] == _STEP_KEY
        at += 1
        steps, step_bytes = self._steps(at)
        usable &= (step_bytes > 0) | ~with_step
        steps *= with_step  # no step field: step 0
        self.batch.step[chunk] = steps
        step_bytes += 1
        step_bytes *= with_step
        at += step_bytes
        at -= 1
        summary_starts = at
        sizes = self.data_ends - summary_starts
        usable &= (sizes >= 8) & (sizes <= _LONGEST_SUMMARY)
        usable &= u8[np.minimum(summary_starts, size - 1)] == _SUMMARY_KEY
        rows = np.flatnonzero(usable)
        return rows, summary_starts[rows]

    def _steps(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Step varints at ``at``: from 4-byte words (steps below 2**28), else 8-byte words."""
        values, counts = _short_varints(self.u32[at])
        steps = values.astype(np.int64)
        longer = np.flatnonzero(counts == 0)
        if len(longer):
            long_values, counts[longer] = _short_varints(self.u64[at[longer]])
            steps[longer] = long_values.view(np.int64)
        return steps, counts

    def _decode_group(self, group: _Group) -> None:
        """Decode the group exemplar by exemplar: a few value positions at most."""
        remaining = np.arange(len(group.rows))
        for _ in range(_ATTEMPTS_PER_GROUP):
            if len(remaining) < SMALLEST_GROUP:
                return
            found = self._scalar_shape(
                int(group.rows[remaining[0]]), group.summary_starts[remaining[0]]
            )
            if found is None:
                remaining = remaining[1:]
                continue
            members = _Group(group.rows[remaining], group.summary_starts[remaining], group.size)
            settled = self._decode_members(members, found[0])
            remaining = remaining[~settled]

    def _scalar_shape(self, row: int, summary_start: int) -> tuple[_Shape, Value] | None:
        """Where the value is, when the record is ``wall_time, [step,] summary`` of one scalar."""
        start, end = int(self.data_starts[row]), int(self.data_ends[row])
        event: Event | None = decode_narrow(self.buffer, start, end)
        if event is None or event.what != "summary" or len(event.values) != 1:
            return None
        value = event.values[0]
        if event.keys not in _PLAIN_KEYS or value.kind not in (SIMPLE, TENSOR):
            return None
        if value.problem or value.content or not value.encoding:
            return None
        begin, stop = value.span
        summary_start = int(summary_start)
        return _Shape(begin - summary_start, stop - summary_start, value.encoding), value

    def _decode_members(self, members: _Group, shape: _Shape) -> np.ndarray:
        """Decode members whose bytes outside ``shape`` equal those of a same-shaped exemplar.

        Returns which members are settled: decoded here, or known to need the narrow decoder.
        """
        codes, firsts = _skeleton_codes(_skeleton_words(self.u64, members, shape))
        if len(firsts) > _MOST_SHAPES_PER_ATTEMPT:
            return np.ones(len(members.rows), dtype=bool)  # not regular: all left to narrow
        layout_of_code = np.full(len(firsts), _NO_LAYOUT, dtype=np.int32)
        irregular = np.zeros(len(firsts), dtype=bool)
        for code, position in enumerate(firsts.tolist()):
            row = int(members.rows[position])
            found = self._scalar_shape(row, members.summary_starts[position])
            if found is None:
                irregular[code] = True
            elif found[0] == shape:
                key = (found[1].tag, found[1].kind == TENSOR, found[1].plugin)
                layout_of_code[code] = self._register(key, self.first + row)
        accepted = layout_of_code[codes] != _NO_LAYOUT
        values, ok = _values(
            self.buffer, self.u8, members.summary_starts[accepted] + shape.start, shape
        )
        accepted[accepted] = ok
        rows = members.rows[accepted] + self.first
        self.batch.handled[rows] = True
        self.batch.layout[rows] = layout_of_code[codes[accepted]]
        self.batch.value[rows] = values[ok]
        settled: np.ndarray = accepted | irregular[codes]
        return settled

    def _register(self, key: LayoutKey, record: int) -> int:
        """The index of the layout ``key``, remembering the earliest record that used it."""
        layouts = self.batch.layouts
        index = self.registry.get(key)
        if index is None:
            index = self.registry[key] = len(layouts)
            layouts.append(Layout(key[0], key[1], key[2], record))
        elif record < layouts[index].first_record:
            layouts[index] = Layout(key[0], key[1], key[2], record)
        return index


def _short_varints(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Varints that fit in ``words`` (read where each varint starts): values, byte counts.

    Works on unsigned words of 4 or 8 bytes; a count of 0 means the varint is longer.
    """
    width = words.dtype.itemsize
    dtype = words.dtype.type
    last = np.invert(words)
    last &= dtype(int.from_bytes(b"\x80" * width, "little"))
    scratch = np.negative(last)
    last &= scratch  # the high bit of the first byte without a continuation bit
    np.left_shift(last, dtype(1), out=scratch)
    scratch -= dtype(1)
    words = words & scratch
    values = words & dtype(0x7F)
    for index in range(1, width):
        np.right_shift(words, dtype(8 * index), out=scratch)
        scratch &= dtype(0x7F)
        scratch <<= dtype(7 * index)
        values |= scratch
    counts = np.zeros(len(words), dtype=np.int64)
    for index in range(width):
        counts += last >= dtype(0x80 << (8 * index))
    return values, counts


def _skeleton_words(u64: np.ndarray, members: _Group, shape: _Shape) -> list[np.ndarray]:
    """Each member's summary part as 64-bit words, with the value's bytes zeroed."""
    size = members.size
    offsets = list(range(0, size - 7, 8))
    if size % 8:
        offsets.append(size - 8)
    words = []
    at = members.summary_starts.copy()
    previous = 0
    for offset in offsets:
        at += offset - previous
        previous = offset
        word = u64[at]
        mask = sum(
            0xFF << (8 * byte) for byte in range(8) if not shape.start <= offset + byte < shape.stop
        )
        if mask != _ALL_BYTES:
            word &= np.uint64(mask)
        words.append(word)
    return words


def _skeleton_codes(words: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A code per member, equal exactly when their skeletons are, numbered in order of
    appearance; and the first member of each code.

    Most words are the same for every member (field keys, lengths, metadata): only the words
    that vary are factorized, and their codes combined.
    """
    count = len(words[0])
    codes = np.zeros(count, dtype=np.intp)
    distinct = 1
    for word in words:
        if (word == word[0]).all():
            continue
        word_codes, uniques = pd.factorize(word)
        if distinct > 1:
            word_codes += codes * len(uniques)
            word_codes, _ = pd.factorize(word_codes)
        codes, distinct = word_codes, int(word_codes.max()) + 1
    if distinct == 1:
        return codes, np.zeros(1, dtype=np.intp)
    running = np.maximum.accumulate(codes)  # factorize numbers values in order of appearance
    return codes, np.flatnonzero(np.r_[True, running[1:] != running[:-1]])


def _values(
    buffer: Buffer, u8: np.ndarray, positions: np.ndarray, shape: _Shape
) -> tuple[np.ndarray, np.ndarray]:
    """The numbers stored at ``positions`` in the shape's encoding, and which decoded."""
    encoding = shape.encoding
    if encoding.startswith("v"):
        return _varint_values(u8, positions, shape.stop - shape.start, encoding[1:])
    raw = unaligned_view(buffer, _FIXED_DTYPES[encoding])[positions]
    return _as_float(raw, encoding), np.ones(len(positions), dtype=bool)


def _varint_values(
    u8: np.ndarray, positions: np.ndarray, width: int, encoding: str
) -> tuple[np.ndarray, np.ndarray]:
    """Varints exactly ``width`` bytes long, truncated to the encoding's width like protobuf."""
    integers = np.zeros(len(positions), dtype=np.uint64)
    ok = np.ones(len(positions), dtype=bool)
    for index in range(width):
        byte = u8[positions + index]
        continues = byte >= 0x80
        ok &= continues if index < width - 1 else ~continues
        integers |= (byte & 0x7F).astype(np.uint64) << np.uint64(7 * index)
    dtype = np.dtype(_FIXED_DTYPES[encoding])
    bits = dtype.itemsize * 8
    if bits < 64:
        integers &= np.uint64((1 << bits) - 1)
    unsigned = integers.astype(f"<u{dtype.itemsize}")
    return _as_float(unsigned.view(dtype), encoding), ok


def _as_float(raw: np.ndarray, encoding: str) -> np.ndarray:
    """As float64; a signalling NaN is data too, so its cast raises no floating-point error."""
    if encoding == "bf2":
        raw = (raw.astype(np.uint32) << np.uint32(16)).view(np.float32)
    elif encoding == "b1":
        raw = raw != 0
    with np.errstate(invalid="ignore"):
        return raw.astype(np.float64)
