"""One event record → the scalars in it: a narrow wire decoder, and protobuf for the rest.

TensorBoard's ``Event`` message is decoded here only as far as scalars need: wall time, step,
file version and each ``Summary.Value``'s tag, metadata plugin and number (``simple_value``
or a one-element ``tensor``). Parsing that by hand is several times faster than building
protobuf objects, and it records *where* a value's bytes are, which lets
:mod:`curvelint.readers.event_batch` decode thousands of same-shaped records at once.

The narrow decoder returns ``None`` for anything it does not fully understand (unknown or
repeated fields, unusual wire types, exotic dtypes); :func:`decode_protobuf` then decodes the
record with the protobuf classes the ``tensorboard`` package ships, which are the reference.
Tensor values follow ``tensorboard.util.tensor_util.make_ndarray`` for one-element tensors.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from curvelint.readers.record_framing import Buffer

SIMPLE, TENSOR, OTHER, NO_VALUE = "simple", "tensor", "other", ""
HPARAMS_PLUGIN = "hparams"
NAN = float("nan")

# Event: field 3 file_version, 5 summary and the other members of its ``what`` oneof.
_EVENT_WHAT = {0x1A: "file_version", 0x22: "graph_def", 0x2A: "summary", 0x32: "log_message"}
_EVENT_WHAT |= {0x3A: "session_log", 0x42: "tagged_run_metadata", 0x4A: "meta_graph_def"}
_WALL_TIME, _STEP, _SOURCE_METADATA = 0x09, 0x10, 0x52
# Summary.Value: members of its ``value`` oneof other than simple_value (0x15) and tensor (0x42).
_OTHER_VALUES = frozenset({0x1A, 0x22, 0x2A, 0x32})

# TensorProto dtype → how one element is stored: struct format, and the repeated field
# (number) that holds values when there is no tensor_content.
_DTYPES: dict[int, tuple[str, int]] = {
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
_STRUCTS = {
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
_WIDTH = {"bf2": 2, "b1": 1} | {name: s.size for name, s in _STRUCTS.items()}
# Fields the narrow decoder reads values from, with the wire type of one unpacked element.
_FIXED32, _FIXED64, _VARINT = 5, 1, 0
_VALUE_FIELDS = {5: _FIXED32, 6: _FIXED64, 7: _VARINT, 10: _VARINT, 13: _VARINT}
_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
_UINT64_MASK = (1 << 64) - 1


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
    """What one record holds: ``what`` names the member of Event's oneof that is set."""

    wall_time: float
    step: int
    what: str
    file_version: str = ""
    values: tuple[Value, ...] = ()
    keys: tuple[int, ...] = field(default=(), compare=False)


def number(encoding: str, raw: bytes) -> float:
    """The float64 a stored element means (``v``-prefixed encodings are protobuf varints)."""
    if encoding.startswith("v"):
        encoding = encoding[1:]
        integer, _ = _varint(raw, 0, len(raw))
        raw = (integer & _UINT64_MASK).to_bytes(8, "little")[: _WIDTH[encoding]]
    if encoding == "bf2":
        return float(_FLOAT.unpack(b"\x00\x00" + raw[:2])[0])
    if encoding == "b1":
        return 1.0 if raw[0] else 0.0
    if encoding == "f2":  # numpy keeps NaN payloads as the bulk decoder does; struct does not
        with np.errstate(invalid="ignore"):
            return float(np.frombuffer(raw, dtype="<f2").astype(np.float64)[0])
    return float(_STRUCTS[encoding].unpack(raw)[0])


def decode_narrow(buffer: Buffer, start: int, end: int) -> Event | None:
    """Decode the record data ``buffer[start:end]``; ``None`` when it needs protobuf."""
    if start >= end:
        return None  # every real writer sets wall_time: an empty record is suspect
    try:
        return _event(buffer, start, end)
    except (NotUnderstood, UnicodeDecodeError, struct.error, IndexError):
        return None


def _varint(buffer: Buffer, position: int, end: int) -> tuple[int, int]:
    if position < end:
        byte = buffer[position]
        if byte < 0x80:  # keys and lengths: almost always one byte
            return byte, position + 1
    return _long_varint(buffer, position, end)


def _long_varint(buffer: Buffer, position: int, end: int) -> tuple[int, int]:
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


def _length(buffer: Buffer, position: int, end: int) -> tuple[int, int]:
    """A length-delimited field's data range ``(start, stop)``, checked against ``end``."""
    length, position = _varint(buffer, position, end)
    if position + length > end:
        raise NotUnderstood
    return position, position + length


def _signed64(integer: int) -> int:
    integer &= _UINT64_MASK
    return integer - (1 << 64) if integer >= 1 << 63 else integer


def _text(buffer: Buffer, start: int, stop: int) -> str:
    return bytes(buffer[start:stop]).decode("utf-8")


def _event(buffer: Buffer, position: int, end: int) -> Event:
    wall_time, step, what, version = 0.0, 0, "", ""
    values: tuple[Value, ...] = ()
    keys: list[int] = []
    while position < end:
        key, position = _varint(buffer, position, end)
        keys.append(key)
        if key == _WALL_TIME:
            if position + 8 > end:
                raise NotUnderstood
            wall_time = _DOUBLE.unpack_from(buffer, position)[0]
            position += 8
        elif key == _STEP:
            raw_step, position = _varint(buffer, position, end)
            step = _signed64(raw_step)
        elif key in _EVENT_WHAT or key == _SOURCE_METADATA:
            start, position = _length(buffer, position, end)
            if key == _SOURCE_METADATA:
                continue
            if what:
                raise NotUnderstood  # a second oneof member: protobuf keeps the last one
            what = _EVENT_WHAT[key]
            if what == "file_version":
                version = _text(buffer, start, position)
            elif what == "summary":
                values = _summary(buffer, start, position)
        else:
            raise NotUnderstood
    return Event(wall_time, step, what, version, values, tuple(keys))


def _summary(buffer: Buffer, position: int, end: int) -> tuple[Value, ...]:
    values = []
    while position < end:
        key, position = _varint(buffer, position, end)
        if key != 0x0A:
            raise NotUnderstood
        start, position = _length(buffer, position, end)
        values.append(_value(buffer, start, position))
    return tuple(values)


@dataclass(slots=True)
class _ValueFields:
    tag: str = ""
    node_name: str = ""
    kind: str = NO_VALUE
    simple_at: int = -1
    tensor: tuple[int, int] = (0, 0)
    plugin: str | None = None
    content: bytes = b""


def _value(buffer: Buffer, position: int, end: int) -> Value:
    fields = _ValueFields()
    while position < end:
        key, position = _varint(buffer, position, end)
        if key == 0x15:
            _set_kind(fields, SIMPLE)
            if position + 4 > end:
                raise NotUnderstood
            fields.simple_at = position
            position += 4
            continue
        start, position = _length(buffer, position, end)
        if key == 0x0A:
            fields.tag = _text(buffer, start, position)
        elif key == 0x3A:
            fields.node_name = _text(buffer, start, position)
        elif key == 0x42:
            _set_kind(fields, TENSOR)
            fields.tensor = (start, position)
        elif key == 0x4A:
            if fields.plugin is not None:
                raise NotUnderstood
            fields.plugin, fields.content = _metadata(buffer, start, position)
        elif key in _OTHER_VALUES:
            _set_kind(fields, OTHER)
        else:
            raise NotUnderstood
    return _finish_value(buffer, fields)


def _set_kind(fields: _ValueFields, kind: str) -> None:
    if fields.kind:
        raise NotUnderstood  # two members of the value oneof: protobuf keeps the last one
    fields.kind = kind


def _finish_value(buffer: Buffer, fields: _ValueFields) -> Value:
    tag = fields.tag
    if fields.kind == SIMPLE:
        at = fields.simple_at
        value = float(_FLOAT.unpack_from(buffer, at)[0])
        return Value(tag, SIMPLE, value, "", fields.plugin, fields.content, (at, at + 4), "f4")
    if fields.kind == TENSOR:
        tag = tag or fields.node_name
        value, problem, span, encoding = _tensor(buffer, *fields.tensor)
        return Value(tag, TENSOR, value, problem, fields.plugin, fields.content, span, encoding)
    return Value(tag, fields.kind, NAN, "", fields.plugin, fields.content)


def _metadata(buffer: Buffer, position: int, end: int) -> tuple[str, bytes]:
    """SummaryMetadata → (plugin_name, content kept for the hparams plugin only)."""
    plugin: tuple[str, bytes] | None = None
    while position < end:
        key, position = _varint(buffer, position, end)
        if key == 0x20:  # data_class enum
            _, position = _varint(buffer, position, end)
            continue
        start, position = _length(buffer, position, end)
        if key == 0x0A and plugin is None:
            plugin = _plugin_data(buffer, start, position)
        elif key not in (0x12, 0x1A):  # display_name, summary_description
            raise NotUnderstood  # includes a second plugin_data, which protobuf would merge
    name, content = plugin or ("", b"")
    return name, content if name == HPARAMS_PLUGIN else b""


def _plugin_data(buffer: Buffer, position: int, end: int) -> tuple[str, bytes]:
    name, content = "", b""
    while position < end:
        key, position = _varint(buffer, position, end)
        start, position = _length(buffer, position, end)
        if key == 0x0A:
            name = _text(buffer, start, position)
        elif key == 0x12:
            content = bytes(buffer[start:position])
        else:
            raise NotUnderstood
    return name, content


@dataclass(slots=True)
class _TensorFields:
    dtype: int = 0
    elements: int = 1
    shape_seen: bool = False
    content: tuple[int, int] | None = None
    values: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


def _tensor(buffer: Buffer, position: int, end: int) -> tuple[float, str, tuple[int, int], str]:
    """A TensorProto → (number, problem, span of the element, its encoding)."""
    fields = _tensor_fields(buffer, position, end)
    if fields.dtype not in _DTYPES:
        return NAN, f"dtype {fields.dtype} is not a number", (0, 0), ""
    encoding, value_field = _DTYPES[fields.dtype]
    if fields.elements != 1:
        return NAN, f"tensor of {fields.elements} elements", (0, 0), ""
    if fields.content is not None:
        start, stop = fields.content
        if stop - start != _WIDTH[encoding]:
            return NAN, f"tensor_content of {stop - start} bytes for one {encoding}", (0, 0), ""
        return number(encoding, bytes(buffer[start:stop])), "", (start, stop), encoding
    if value_field not in _VALUE_FIELDS:
        raise NotUnderstood
    elements = fields.values.get(value_field, [])
    if len(elements) != 1:
        return NAN, f"{len(elements)} values for one element", (0, 0), ""
    if _VALUE_FIELDS[value_field] == _VARINT:
        encoding = "v" + encoding
    span = elements[0]
    return number(encoding, bytes(buffer[span[0] : span[1]])), "", span, encoding


def _tensor_fields(buffer: Buffer, position: int, end: int) -> _TensorFields:
    fields = _TensorFields()
    while position < end:
        key, position = _varint(buffer, position, end)
        number_, wire = key >> 3, key & 7
        if key == 0x08:
            fields.dtype, position = _varint(buffer, position, end)
        elif key == 0x10:  # version_number
            _, position = _varint(buffer, position, end)
        elif key == 0x12:
            if fields.shape_seen:
                raise NotUnderstood  # protobuf would merge the two shapes
            start, position = _length(buffer, position, end)
            fields.elements = _elements(buffer, start, position)
            fields.shape_seen = True
        elif key == 0x22:
            start, position = _length(buffer, position, end)
            fields.content = (start, position) if position > start else None
        elif number_ in _VALUE_FIELDS:
            position = _value_elements(buffer, position, end, number_, wire, fields)
        elif wire == 2 and number_ in (8, 9, 11, 12, 14, 15, 16, 17, 18):
            _, position = _length(buffer, position, end)  # values of other dtypes
        else:
            raise NotUnderstood
    return fields


def _value_elements(
    buffer: Buffer, position: int, end: int, number_: int, wire: int, fields: _TensorFields
) -> int:
    """Record the byte span of each element of a repeated value field, packed or not."""
    element_wire = _VALUE_FIELDS[number_]
    spans = fields.values.setdefault(number_, [])
    if wire == element_wire:
        stop = _element_end(buffer, position, end, element_wire)
        spans.append((position, stop))
        return stop
    if wire != 2:
        raise NotUnderstood
    start, stop = _length(buffer, position, end)
    while start < stop:
        element_stop = _element_end(buffer, start, stop, element_wire)
        spans.append((start, element_stop))
        start = element_stop
    return stop


def _element_end(buffer: Buffer, position: int, end: int, wire: int) -> int:
    if wire == _VARINT:
        return _varint(buffer, position, end)[1]
    stop = position + (4 if wire == _FIXED32 else 8)
    if stop > end:
        raise NotUnderstood
    return stop


def _elements(buffer: Buffer, position: int, end: int) -> int:
    """The element count of a TensorShapeProto (1 for a scalar's empty shape)."""
    count = 1
    while position < end:
        key, position = _varint(buffer, position, end)
        if key == 0x18:  # unknown_rank: make_ndarray ignores it
            _, position = _varint(buffer, position, end)
            continue
        if key != 0x12:
            raise NotUnderstood
        start, position = _length(buffer, position, end)
        count *= _dimension(buffer, start, position)
    return count


def _dimension(buffer: Buffer, position: int, end: int) -> int:
    size = 0
    while position < end:
        key, position = _varint(buffer, position, end)
        if key == 0x08:
            raw, position = _varint(buffer, position, end)
            size = _signed64(raw)
        elif key == 0x12:
            _, position = _length(buffer, position, end)
        else:
            raise NotUnderstood
    return size


# --------------------------------------------------------------------------- protobuf


class DecodeError(Exception):
    """The record is not an Event protocol buffer at all."""


def decode_protobuf(data: bytes) -> Event:
    """Decode with TensorBoard's own ``Event`` class: the reference for every record."""
    from google.protobuf.message import DecodeError as ProtobufDecodeError
    from tensorboard.compat.proto import event_pb2

    try:
        event = event_pb2.Event.FromString(data)
    except (ProtobufDecodeError, ValueError, RuntimeError) as error:
        raise DecodeError(str(error) or type(error).__name__) from None
    what = event.WhichOneof("what") or ""
    values = tuple(_protobuf_value(v) for v in event.summary.value) if what == "summary" else ()
    return Event(event.wall_time, event.step, what, event.file_version, values)


def _protobuf_value(value: Any) -> Value:
    member = value.WhichOneof("value")
    kind = {"simple_value": SIMPLE, "tensor": TENSOR, None: NO_VALUE}.get(member, OTHER)
    plugin = value.metadata.plugin_data.plugin_name if value.HasField("metadata") else None
    content = bytes(value.metadata.plugin_data.content) if plugin == HPARAMS_PLUGIN else b""
    if kind == SIMPLE:
        return Value(value.tag, kind, float(value.simple_value), "", plugin, content)
    if kind == TENSOR:
        number_, problem = tensor_number(value.tensor)
        return Value(value.tag or value.node_name, kind, number_, problem, plugin, content)
    return Value(value.tag, kind, NAN, "", plugin, content)


def tensor_number(tensor: Any) -> tuple[float, str]:
    """A one-element TensorProto message → (number, ""), else (NaN, why not)."""
    if tensor.dtype not in _DTYPES:
        return NAN, f"dtype {tensor.dtype} is not a number"
    encoding, value_field = _DTYPES[tensor.dtype]
    elements = 1
    for dimension in tensor.tensor_shape.dim:
        elements *= dimension.size
    if elements != 1:
        return NAN, f"tensor of {elements} elements"
    content = bytes(tensor.tensor_content)
    if content:
        if len(content) != _WIDTH[encoding]:
            return NAN, f"tensor_content of {len(content)} bytes for one {encoding}"
        return number(encoding, content), ""
    repeated = getattr(tensor, tensor.DESCRIPTOR.fields_by_number[value_field].name)
    if len(repeated) != 1:
        return NAN, f"{len(repeated)} values for one element"
    element = repeated[0]
    if encoding in ("f4", "f8"):
        return float(element), ""
    width = _WIDTH[encoding]
    return number(encoding, (int(element) & _UINT64_MASK).to_bytes(8, "little")[:width]), ""
