"""TensorBoard event files from sample_logs/ and the public corpus, damaged every way a crashed
writer, a full disk or a flipped bit can: every point of an intact record is still read.

Each expectation comes from :func:`~tests.robustness.helpers.event_records`, which frames the
intact file with :mod:`struct` and decodes it with TensorBoard's protobuf classes.
"""

from __future__ import annotations

import functools
import struct
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curvelint.readers import tensorboard
from curvelint.readers.event_file import EventFile, read_event_file
from curvelint.readers.record_framing import masked_crc
from tests.robustness.helpers import (
    TALLY,
    Point,
    Record,
    event_records,
    file_points,
    fuzz,
    is_subsequence,
    one_line,
    read_or_error,
    real_files,
    timed,
)

EVENT_FILES = real_files(tensorboard.sniff)
# Files small enough to cut at every single offset (the others are cut at every kind of offset
# of a spread of their records: a reading costs up to 0.1 s on the largest files).
EVERY_OFFSET_LIMIT = 1_000
SAMPLED_RECORDS = 8


def _size(path: Path) -> int:
    return path.stat().st_size


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name[:40]}"


@functools.cache
def _oracle(path: Path) -> tuple[bytes, tuple[Record, ...]]:
    data = path.read_bytes()
    return data, tuple(event_records(data))


def _points(records: tuple[Record, ...] | list[Record]) -> list[Point]:
    return [point for record in records for point in record.points]


def _read(path: Path, kind: str, *, verify: bool = False) -> EventFile:
    with timed(kind, str(path)):
        event_file = read_event_file(path, verify=verify)
    for skipped in event_file.skipped:
        one_line(str(skipped))
    return event_file


def _check_lost(expected: list[Point], got: list[Point]) -> None:
    """Count the valid points lost (for the closing summary) before asserting on them."""
    if not is_subsequence(expected, got):
        missing = len([point for point in expected if point not in got])
        TALLY.points_lost += max(missing, 1)
    assert is_subsequence(expected, got)


pytestmark = pytest.mark.skipif(not EVENT_FILES, reason="no real event files present")


@pytest.mark.parametrize("path", EVENT_FILES, ids=_id)
def test_intact_real_files_match_the_oracle(path: Path) -> None:
    _, records = _oracle(path)
    assert file_points(_read(path, "event file: intact")) == _points(records)


def _cut_and_check(path: Path, cut: int, tmp: Path, *, whole_run: bool = True) -> None:
    """Cut the file at ``cut``: exactly the points of the whole records before it, one
    line about the rest; ``whole_run`` also reads it as a run (slower: frames are built)."""
    data, records = _oracle(path)
    whole = [record for record in records if record.end <= cut]
    cut_file = tmp / path.name
    cut_file.write_bytes(data[:cut])
    event_file = _read(cut_file, "event file: truncated")
    expected = _points(whole)
    got = file_points(event_file)
    _check_lost(expected, got)
    assert got == expected, cut
    clean = cut == (whole[-1].end if whole else 0)
    if clean:
        assert event_file.skipped == [] or cut == 0, cut
    else:
        (skipped,) = event_file.skipped
        assert skipped.why.startswith("truncated"), skipped
        if whole:
            assert skipped.where == f"byte {whole[-1].end}", skipped
    if not whole_run:
        return
    result = read_or_error(tensorboard, [cut_file], "event run: truncated")
    if not whole:
        assert isinstance(result, str) and str(cut_file) in result
    else:
        assert not isinstance(result, str), result


_TF2_BY_SIZE = sorted((p for p in EVENT_FILES if p.name.endswith(".v2")), key=_size)
SMALL_FILES = [p for p in EVENT_FILES if 0 < _size(p) <= EVERY_OFFSET_LIMIT]
# and the smallest TF2 file beyond: tensor scalars, their metadata in the first records.
SMALL_FILES += [p for p in _TF2_BY_SIZE if _size(p) > EVERY_OFFSET_LIMIT][:1]


@pytest.mark.parametrize("path", SMALL_FILES, ids=_id)
def test_every_truncation_offset_keeps_every_whole_record(path: Path, tmp_path: Path) -> None:
    ends = {record.end for record in _oracle(path)[1]}
    for cut in range(path.stat().st_size):
        _cut_and_check(path, cut, tmp_path, whole_run=cut in ends or cut - 1 in ends)


def _spread(records: tuple[Record, ...]) -> list[Record]:
    """The first and last records and an even spread between them."""
    if len(records) <= SAMPLED_RECORDS:
        return list(records)
    step = (len(records) - 1) / (SAMPLED_RECORDS - 1)
    return [records[round(index * step)] for index in range(SAMPLED_RECORDS)]


@pytest.mark.parametrize("path", EVENT_FILES, ids=_id)
def test_truncation_at_every_kind_of_offset(path: Path, tmp_path: Path) -> None:
    """Cut at a record end, inside a header, right after it, inside the data and the CRC."""
    _, records = _oracle(path)
    for record in _spread(records):
        length = record.end - record.start - 16
        for cut in {
            record.start + 1,
            record.start + 8,
            record.start + 12,
            record.start + 12 + length // 2,
            record.end - 2,
            record.end,
        }:
            _cut_and_check(path, cut, tmp_path)


@fuzz(150)
@given(data=st.data())
def test_a_bit_flip_costs_at_most_its_own_record(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(EVENT_FILES), label="file")
    intact, records = _oracle(path)
    if not intact:
        return
    position = data.draw(st.integers(0, len(intact) - 1), label="byte")
    bit = data.draw(st.integers(0, 7), label="bit")
    damaged = bytearray(intact)
    damaged[position] ^= 1 << bit
    target = tmp_path_factory.mktemp("flip") / path.name
    target.write_bytes(bytes(damaged))
    hit = next(index for index, record in enumerate(records) if position < record.end)
    expected = _points([r for index, r in enumerate(records) if index != hit])
    got = file_points(_read(target, "event file: bit flip"))
    _check_lost(expected, got)
    assert len(got) <= len(expected) + len(records[hit].points)
    # Checking every CRC drops exactly the damaged record: nothing else, nothing invented.
    verified = file_points(_read(target, "event file: bit flip, verified", verify=True))
    _check_lost(expected, verified)
    assert verified == expected
    read_or_error(tensorboard, [target], "event run: bit flip")


def _record(payload: bytes, *, length: int | None = None, good_crcs: bool = True) -> bytes:
    header = struct.pack("<Q", len(payload) if length is None else length)
    length_crc = masked_crc(header) if good_crcs else masked_crc(header) ^ 1
    data_crc = masked_crc(payload) if good_crcs else masked_crc(payload) ^ 1
    return header + struct.pack("<I", length_crc) + payload + struct.pack("<I", data_crc)


@fuzz(100)
@given(data=st.data())
def test_checksummed_garbage_records_never_crash_the_decoders(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """A record whose payload is mangled and whose CRCs are then fixed passes every check but
    decoding: the narrow decoder, the batch decoder and protobuf all see it."""
    path = data.draw(st.sampled_from(EVENT_FILES), label="file")
    intact, records = _oracle(path)
    if len(records) < 2:
        return
    hit = data.draw(st.integers(1, len(records) - 1), label="record")
    record = records[hit]
    payload = bytearray(intact[record.start + 12 : record.end - 4])
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        if not payload:
            break
        at = data.draw(st.integers(0, len(payload) - 1), label="at")
        payload[at] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.integers(0, len(payload)), label="cut")
    mangled = _record(bytes(payload[:cut]))
    target = tmp_path_factory.mktemp("garbage") / path.name
    target.write_bytes(intact[: record.start] + mangled + intact[record.end :])
    expected = _points([r for index, r in enumerate(records) if index != hit])
    got = file_points(_read(target, "event file: checksummed garbage record"))
    _check_lost(expected, got)
    read_or_error(tensorboard, [target], "event run: checksummed garbage record")


BOGUS_LENGTHS = [2**63, 2**63 - 1, 2**64 - 1, 2**64 - 16, 2**62 + 3, 1 << 40]


def _largest_regular(limit: int = 200_000) -> Path:
    candidates = [p for p in EVENT_FILES if 1_000 < p.stat().st_size <= limit]
    return max(candidates, key=lambda p: len(_oracle(p)[1]))


@pytest.mark.parametrize("length", BOGUS_LENGTHS)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("checksum_ok", [True, False])
def test_a_length_field_claiming_exabytes_is_never_allocated(
    tmp_path: Path, length: int, where: str, checksum_ok: bool
) -> None:
    path = _largest_regular()
    intact, records = _oracle(path)
    at = {"first": 0, "middle": len(records) // 2, "last": len(records)}[where]
    offset = records[at].start if at < len(records) else len(intact)
    bogus = _record(b"\x00" * 32, length=length, good_crcs=checksum_ok)
    target = tmp_path / path.name
    target.write_bytes(intact[:offset] + bogus + intact[offset:])
    tracemalloc.start()
    try:
        event_file = _read(target, "event file: exabyte length")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    TALLY.peak_memory["exabyte length field (tracemalloc)"] = max(
        peak, TALLY.peak_memory.get("exabyte length field (tracemalloc)", 0)
    )
    assert peak < 40 * len(intact) + (32 << 20)  # a hard bound: nothing the size of the claim
    got = file_points(event_file)
    expected = _points(records)
    _check_lost(expected, got)
    assert got == expected
    assert len(event_file.skipped) == 1, event_file.skipped
    assert "length" in event_file.skipped[0].why or "truncated" in event_file.skipped[0].why


@pytest.mark.parametrize("count", [1, 3])
def test_zero_length_records_are_skipped_and_cost_nothing(tmp_path: Path, count: int) -> None:
    path = _largest_regular()
    intact, records = _oracle(path)
    middle = records[len(records) // 2].start
    target = tmp_path / path.name
    target.write_bytes(intact[:middle] + _record(b"") * count + intact[middle:])
    got = file_points(_read(target, "event file: zero-length records"))
    assert got == _points(records)
    read_or_error(tensorboard, [target], "event run: zero-length records")


def test_a_file_of_zero_length_records_only_is_explained(tmp_path: Path) -> None:
    target = tmp_path / "events.out.tfevents.1.host"
    target.write_bytes(_record(b"") * 4)
    result = read_or_error(tensorboard, [target], "event run: zero-length records only")
    if not isinstance(result, str):
        assert result.frame.empty and result.notes


@pytest.mark.parametrize("field", ["data", "length"])
def test_a_corrupt_crc_on_an_otherwise_valid_record(tmp_path: Path, field: str) -> None:
    """By default a record that decodes is read (CRCs are checked when decoding fails); with
    ``verify`` exactly that record is dropped, with one line saying where."""
    path = _largest_regular()
    intact, records = _oracle(path)
    hit = next(i for i, r in enumerate(records) if r.points and i >= len(records) // 2)
    record = records[hit]
    damaged = bytearray(intact)
    at = record.end - 4 if field == "data" else record.start + 8
    damaged[at] ^= 0xFF
    target = tmp_path / path.name
    target.write_bytes(bytes(damaged))
    assert file_points(_read(target, "event file: corrupt CRC")) == _points(records)
    verified = _read(target, "event file: corrupt CRC, verified", verify=True)
    expected = _points([r for i, r in enumerate(records) if i != hit])
    assert file_points(verified) == expected
    (skipped,) = verified.skipped
    assert str(record.start) in skipped.where
    assert "checksum" in skipped.why
