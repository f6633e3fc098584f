"""The framing of W&B's ``run-*.wandb`` files: a LevelDB-style log of protobuf records.

The file starts with a 7-byte header (``:W&B``, magic ``0xBEE1``, a version byte) and is cut
into 32 KiB blocks. Each block holds records of ``crc32 (4) · length (2) · type (1) · data``;
a payload too long for the rest of a block is split into FIRST, MIDDLE… LAST pieces, and a
block's last few bytes (too few for a header) are zero padding. The CRC is zlib's CRC-32 of the
type byte then the data. Decoding payloads is :mod:`wandb`'s job (its own ``Record`` class);
this module only finds them, and reports damage (a checksum mismatch, a record cut short by a
killed process) instead of raising, resuming at the next block.
"""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from curvelint.errors import UnreadableError
from curvelint.readers.base import Skipped

FILE_IDENT = b":W&B"
FILE_MAGIC = 0xBEE1
FILE_HEADER = struct.Struct("<4sHB")
RECORD_HEADER = struct.Struct("<IHB")
BLOCK_SIZE = 32768
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4
CUT_SHORT = "record cut short (the run was still writing?)"
_TYPE_CRC = {kind: zlib.crc32(bytes([kind])) for kind in (FULL, FIRST, MIDDLE, LAST)}


@dataclass
class Damage:
    """Problems met while scanning, by reason, with the first byte offset of each."""

    counts: Counter[str] = field(default_factory=Counter)
    first_offset: dict[str, int] = field(default_factory=dict)

    def add(self, why: str, offset: int) -> None:
        self.counts[why] += 1
        self.first_offset.setdefault(why, offset)

    def skipped(self, path: Path) -> list[Skipped]:
        return [
            Skipped(str(path), f"byte {self.first_offset[why]}", why, count)
            for why, count in self.counts.items()
        ]


def check_header(data: bytes, path: Path) -> int:
    """The file version; raises :class:`UnreadableError` unless the W&B header is there."""
    if len(data) < FILE_HEADER.size:
        raise UnreadableError(f"{path}: too short to be a W&B run file ({len(data)} bytes)")
    ident, magic, version = FILE_HEADER.unpack_from(data)
    if ident != FILE_IDENT or magic != FILE_MAGIC:
        raise UnreadableError(f"{path}: not a W&B run file (no ':W&B' header)")
    return int(version)


def _next_block(position: int) -> int:
    return (position // BLOCK_SIZE + 1) * BLOCK_SIZE


@dataclass
class _Scanner:
    """State of one scan: the position, a record being joined from pieces, the damage."""

    data: bytes
    damage: Damage
    position: int = FILE_HEADER.size
    pieces: list[bytes] | None = None
    start: int = 0

    def drop_partial(self, why: str) -> None:
        if self.pieces is not None:
            self.damage.add(why, self.start)
            self.pieces = None

    def step(self) -> tuple[int, bytes] | None:
        """Consume one record header; return a complete payload with its offset, if any."""
        offset, data = self.position, self.data
        crc, length, kind = RECORD_HEADER.unpack_from(data, offset)
        if crc == 0 and length == 0 and kind == 0:  # zero padding up to the next block
            self.position = _next_block(offset)
            return None
        end = offset + RECORD_HEADER.size + length
        if end > len(data):
            if self.pieces is None:
                self.damage.add(CUT_SHORT, offset)
            self.drop_partial(CUT_SHORT)
            self.position = len(data)
            return None
        payload = data[offset + RECORD_HEADER.size : end]
        if kind not in _TYPE_CRC or zlib.crc32(payload, _TYPE_CRC[kind]) != crc:
            self.drop_partial("record lost to damage nearby")
            self.damage.add("checksum mismatch: block skipped", offset)
            self.position = _next_block(offset)
            return None
        self.position = end
        return self._assemble(kind, payload, offset)

    def _assemble(self, kind: int, payload: bytes, offset: int) -> tuple[int, bytes] | None:
        if kind in (FULL, FIRST):
            self.drop_partial("record never finished (a piece is missing)")
            if kind == FULL:
                return offset, payload
            self.pieces, self.start = [payload], offset
            return None
        if self.pieces is None:
            self.damage.add("record piece without its start", offset)
            return None
        self.pieces.append(payload)
        if kind == MIDDLE:
            return None
        joined, self.pieces = b"".join(self.pieces), None
        return self.start, joined


def payloads(data: bytes, damage: Damage) -> Iterator[tuple[int, bytes]]:
    """``(byte offset, payload)`` of every intact record after the file header."""
    scanner = _Scanner(data, damage)
    while scanner.position < len(data):
        room = BLOCK_SIZE - scanner.position % BLOCK_SIZE
        if room < RECORD_HEADER.size:
            scanner.position += room
            continue
        if scanner.position + RECORD_HEADER.size > len(data):
            if any(data[scanner.position :]):
                damage.add(CUT_SHORT, scanner.position)
            break
        found = scanner.step()
        if found is not None:
            yield found
    scanner.drop_partial(CUT_SHORT)
