"""What an event record holds as far as scalars care, shared by both decoders: the kinds of
``Summary.Value``, the :class:`Value` and :class:`Event` they decode to, and how one stored
tensor element (of any numeric dtype, fixed-width or varint) becomes a float64.

Tensor values follow ``tensorboard.util.tensor_util.make_ndarray`` for one-element tensors.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from curvelint.readers.record_framing import Buffer

SIMPLE, TENSOR, OTHER, NO_VALUE = "simple", "tensor", "other", ""
HPARAMS_PLUGIN = "hparams"
NAN = float("nan")
# SessionLog.status: START is written by a job that (re)starts (torch's purge_step, TF1).
SESSION_START = 1

# TensorProto dtype → how one element is stored: struct format, and the repeated field
# (number) that holds values when there is no tensor_content.
DTYPES: dict[int, tuple[str, int]] = {
    1: ("f4", 5),  # DT_FLOAT: float_val
    2: ("f8", 6),  # DT_DOUBLE: double_val
    3: ("i4", 7),  # DT_INT32: int_val
    4: ("u1", 7),  # DT_UINT8
    5: ("i2", 7),  # DT_INT16
    6: ("i1", 7),  # DT_INT8
    9: ("i8", 10),  # DT_INT64: int64_val
    10: ("b1", 11),  # DT_BOOL: bool_val
    14: ("bf2", 13),  # DT_BFLOAT16: half_val holds the bits
    17: ("u2", 7),  # DT_UINT16
    19: ("f2", 13),  # DT_HALF: half_val holds the bits
    22: ("u4", 16),  # DT_UINT32: uint32_val
    23: ("u8", 17),  # DT_UINT64: uint64_val
}
STRUCTS = {
    name: struct.Struct("<" + code)
    for name, code in {
        "f4": "f",
        "f8": "d",
        "f2": "e",
        "i1": "b",
        "u1": "B",
        "i2": "h",
        "u2": "H",
        "i4": "i",
        "u4": "I",
        "i8": "q",
        "u8": "Q",
    }.items()
}
WIDTH = {"bf2": 2, "b1": 1} | {name: s.size for name, s in STRUCTS.items()}
FLOAT = struct.Struct("<f")
UINT64_MASK = (1 << 64) - 1


class NotUnderstood(Exception):
    """Raised inside the narrow decoder; the record goes to protobuf instead."""


@dataclass(slots=True)
class Value:
    """One ``Summary.Value`` as far as scalars care.

    ``kind`` is ``simple`` (``simple_value``), ``tensor``, ``other`` (histogram, image, audio)
    or ``""`` (metadata only). ``number`` is the scalar, NaN with a ``problem`` when a tensor is
    not one number. ``plugin`` is the plugin named by this value's metadata, ``None`` when it
    carries none (TF2 writers send metadata with a tag's first value only). ``span`` and
    ``encoding`` say where and how the number is stored (narrow decoder only).
    """

    tag: str
    kind: str
    number: float = NAN
    problem: str = ""
    plugin: str | None = None
    content: bytes = b""
    span: tuple[int, int] = field(default=(0, 0), compare=False)
    encoding: str = field(default="", compare=False)


@dataclass(slots=True)
class Event:
    """What one record holds: ``what`` names the member of Event's oneof that is set;
    ``session_status`` is a ``session_log``'s status (:data:`SESSION_START` on a restart)."""

    wall_time: float
    step: int
    what: str
    file_version: str = ""
    values: tuple[Value, ...] = ()
    session_status: int = 0
    keys: tuple[int, ...] = field(default=(), compare=False)


def number(encoding: str, raw: bytes) -> float:
    """The float64 a stored element means (``v``-prefixed encodings are protobuf varints)."""
    if encoding.startswith("v"):
        encoding = encoding[1:]
        integer, _ = read_varint(raw, 0, len(raw))
        raw = (integer & UINT64_MASK).to_bytes(8, "little")[: WIDTH[encoding]]
    if encoding == "bf2":
        return float(FLOAT.unpack(b"\x00\x00" + raw[:2])[0])
    if encoding == "b1":
        return 1.0 if raw[0] else 0.0
    if encoding == "f2":  # numpy keeps NaN payloads as the bulk decoder does; struct does not
        with np.errstate(invalid="ignore"):
            return float(np.frombuffer(raw, dtype="<f2").astype(np.float64)[0])
    return float(STRUCTS[encoding].unpack(raw)[0])


def read_varint(buffer: Buffer, position: int, end: int) -> tuple[int, int]:
    """A protobuf varint at ``position``: its value and the position after it."""
    if position < end:
        byte = buffer[position]
        if byte < 0x80:  # keys and lengths: almost always one byte
            return byte, position + 1
    return long_varint(buffer, position, end)


def long_varint(buffer: Buffer, position: int, end: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if position >= end or shift >= 70:
            raise NotUnderstood
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
