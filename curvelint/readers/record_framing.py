"""Where the records of a TFRecord file lie, found with :mod:`struct` and checked on demand.

A record is ``uint64 length | uint32 masked crc(length) | data | uint32 masked crc(data)``,
little-endian, with CRC-32C. Framing only reads length fields: checksums cost as much as the
framing itself, so they are checked when a record fails to decode or when asked to verify.
A length that does not fit in the rest of the file is never allocated; it ends the walk, and
:func:`diagnose` tells a truncated tail (crashed writer) from a corrupt length.

Writers log in loops, so record lengths usually repeat with a short period. :func:`walk`
guesses the next records from that period and confirms every guess with one vectorised read
of the length fields: a guessed start whose length field matches is a real record start, so
the record after it is too. The guess is exact or stops; nothing is assumed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import crc32c
import numpy as np

Buffer = bytes | bytearray | memoryview

HEADER_BYTES = 12
OVERHEAD_BYTES = 16
_MASK_DELTA = 0xA282EAD8
_LENGTH = struct.Struct("<Q")
_HEADER = struct.Struct("<QI")
_CRC = struct.Struct("<I")
_WARM_UP_RECORDS = 64
_LONGEST_PERIOD = 32
_FIRST_GUESS_RECORDS = 4_096
_LARGEST_GUESS_RECORDS = 1 << 20
_RESYNC_WINDOW = 1 << 20


def masked_crc(data: Buffer) -> int:
    """TensorFlow's masked CRC-32C (rotated and offset so CRCs of CRCs stay informative)."""
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


_EMPTY_LENGTH_CRC = masked_crc(bytes(8))


def unaligned_view(buffer: Buffer, dtype: str) -> np.ndarray:
    """A read-only array whose element ``i`` is the ``dtype`` value stored at byte ``i``.

    Fancy-indexing it with record offsets gathers one field of many records in one C loop.
    """
    itemsize = np.dtype(dtype).itemsize
    count = max(len(buffer) - itemsize + 1, 0)
    if count == 0:
        return np.zeros(0, dtype=dtype)
    return np.ndarray(shape=(count,), dtype=dtype, buffer=buffer, offset=0, strides=(1,))


@dataclass(frozen=True)
class Framing:
    """Record header offsets and data lengths from one walk, and the offset where it ended.

    ``blocked`` says the walk ended because no whole record fits at ``end`` (see
    :func:`diagnose`); otherwise it reached the end of the file or its record limit.
    """

    starts: np.ndarray
    lengths: np.ndarray
    end: int
    blocked: bool


@dataclass(frozen=True)
class Stop:
    """Why a walk ended before the end of the file: ``truncated`` tail or ``corrupt`` length."""

    kind: str
    why: str


def length_intact(buffer: Buffer, start: int) -> bool:
    """True when the record header at ``start`` is whole and its length matches its CRC."""
    if start + HEADER_BYTES > len(buffer):
        return False
    expected: int = _HEADER.unpack_from(buffer, start)[1]
    return masked_crc(memoryview(buffer)[start : start + 8]) == expected


def data_intact(buffer: Buffer, start: int, length: int) -> bool:
    """True when the data of the record at ``start`` is whole and matches its CRC."""
    data_start = start + HEADER_BYTES
    if data_start + length + 4 > len(buffer):
        return False
    expected: int = _CRC.unpack_from(buffer, data_start + length)[0]
    return masked_crc(memoryview(buffer)[data_start : data_start + length]) == expected


def record_intact(buffer: Buffer, start: int) -> bool:
    """True when a whole record starts at ``start`` and both of its checksums hold."""
    if not length_intact(buffer, start):
        return False
    (length,) = _LENGTH.unpack_from(buffer, start)
    return bool(data_intact(buffer, start, length))


def diagnose(buffer: Buffer, offset: int) -> Stop:
    """Say why no record fits at ``offset`` (where :func:`walk` ended early)."""
    remaining = len(buffer) - offset
    if remaining < HEADER_BYTES:
        return Stop("truncated", f"truncated record header ({remaining} of 12 bytes)")
    if not length_intact(buffer, offset):
        return Stop("corrupt", "record length fails its checksum")
    (length,) = _LENGTH.unpack_from(buffer, offset)
    present = remaining - OVERHEAD_BYTES
    return Stop("truncated", f"truncated record ({length} data bytes declared, {present} present)")


def find_record(buffer: Buffer, start: int) -> int | None:
    """The first offset at or after ``start`` where a whole, checksum-valid record begins.

    Only offsets whose length field fits the rest of the file are checksummed; that test is
    vectorised, so scanning megabytes of garbage costs array operations, not CRC calls.
    """
    size = len(buffer)
    last = size - OVERHEAD_BYTES
    if start > last:
        return None
    lengths = unaligned_view(buffer, "<u8")
    crcs = unaligned_view(buffer, "<u4")
    for window in range(start, last + 1, _RESYNC_WINDOW):
        stop = min(window + _RESYNC_WINDOW, last + 1)
        room = (last - np.arange(window, stop, dtype=np.int64)).astype(np.uint64)
        found = lengths[window:stop]
        fits = found <= room
        fits &= (found != 0) | (crcs[window + 8 : stop + 8] == _EMPTY_LENGTH_CRC)
        for candidate in np.flatnonzero(fits).tolist():
            if record_intact(buffer, window + candidate):
                return window + candidate
    return None


def walk(buffer: Buffer, start: int = 0, limit: int = 1 << 62) -> Framing:
    """Frame up to ``limit`` whole records from ``start`` on, until the end of the file or a
    record that does not fit."""
    size = len(buffer)
    length_fields = unaligned_view(buffer, "<u8")
    start_parts: list[np.ndarray] = []
    length_parts: list[np.ndarray] = []
    position, count, guess, blocked = start, 0, _FIRST_GUESS_RECORDS, False
    while count < limit and position < size and not blocked:
        warm_up = min(_WARM_UP_RECORDS, limit - count)
        starts, lengths, position, blocked = _walk_records(buffer, position, warm_up)
        start_parts.append(np.asarray(starts, dtype=np.int64))
        length_parts.append(np.asarray(lengths, dtype=np.int64))
        count += len(starts)
        period = _period(lengths)
        if blocked or period is None or count >= limit:
            continue
        pattern = np.asarray(lengths[-period:], dtype=np.int64)
        most = min(guess, limit - count)
        guessed = _confirm_guess(length_fields, size, position, pattern, most)
        guessed_starts, guessed_lengths = guessed
        if len(guessed_starts):
            start_parts.append(guessed_starts)
            length_parts.append(guessed_lengths)
            position = int(guessed_starts[-1] + guessed_lengths[-1] + OVERHEAD_BYTES)
            count += len(guessed_starts)
        full = len(guessed_starts) >= most - period
        guess = min(guess * 2, _LARGEST_GUESS_RECORDS) if full else _FIRST_GUESS_RECORDS
    starts_all = np.concatenate(start_parts) if start_parts else np.zeros(0, np.int64)
    lengths_all = np.concatenate(length_parts) if length_parts else np.zeros(0, np.int64)
    return Framing(starts_all, lengths_all, position, blocked)


def _walk_records(
    buffer: Buffer, position: int, limit: int
) -> tuple[list[int], list[int], int, bool]:
    """Up to ``limit`` records one by one; ``blocked`` when a record does not fit."""
    size = len(buffer)
    unpack = _LENGTH.unpack_from
    starts: list[int] = []
    lengths: list[int] = []
    while len(starts) < limit:
        if position + HEADER_BYTES > size:
            return starts, lengths, position, position < size
        (length,) = unpack(buffer, position)
        end = position + length + OVERHEAD_BYTES
        if end > size:
            return starts, lengths, position, True
        starts.append(position)
        lengths.append(length)
        position = end
    return starts, lengths, position, False


def _period(lengths: list[int]) -> int | None:
    """The shortest period of the record lengths just framed, if they have one."""
    for period in range(1, min(_LONGEST_PERIOD, len(lengths) // 2) + 1):
        if lengths[period:] == lengths[:-period]:
            return period
    return None


def _confirm_guess(
    length_fields: np.ndarray, size: int, position: int, pattern: np.ndarray, most: int
) -> tuple[np.ndarray, np.ndarray]:
    """Records from ``position`` on that repeat ``pattern``, confirmed by their length fields.

    Only whole cycles that fit in the file are guessed, so every guessed record fits.
    """
    sizes = pattern + OVERHEAD_BYTES
    cycle = int(sizes.sum())
    cycles = min((size - position) // cycle, max(1, most // len(pattern)))
    if cycles <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    within = np.concatenate(([position], position + np.cumsum(sizes)[:-1]))
    starts = (np.arange(0, cycles * cycle, cycle, dtype=np.int64)[:, None] + within).ravel()
    found = length_fields[starts].view(np.int64)
    wrong = np.flatnonzero((found.reshape(cycles, len(pattern)) != pattern).ravel())
    confirmed = min(int(wrong[0]) if len(wrong) else len(starts), most)
    return starts[:confirmed], found[:confirmed]
