"""One event record → the scalars in it: a narrow wire decoder, and protobuf for the rest.

TensorBoard's ``Event`` message is decoded here only as far as scalars need: wall time, step,
file version and each ``Summary.Value``'s tag, metadata plugin and number (``simple_value``
or a one-element ``tensor``). Parsing that by hand is several times faster than building
protobuf objects, and it records *where* a value's bytes are, which lets
:mod:`curvelint.readers.event_batch` decode thousands of same-shaped records at once.

The narrow decoder returns ``None`` for anything it does not fully understand (unknown or
repeated fields, unusual wire types, exotic dtypes); :func:`decode_protobuf` then decodes the
record with the protobuf classes the ``tensorboard`` package ships, which are the reference.
Names that are not valid UTF-8 (which protobuf refuses, losing the whole record) are read
with the bad bytes escaped (``loss\\xff``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from curvelint.readers.event_protobuf import DecodeError, decode_protobuf
from curvelint.readers.event_values import (
    DTYPES,
    FLOAT,
    HPARAMS_PLUGIN,
    NAN,
    NO_VALUE,
    OTHER,
    SESSION_START,
    SIMPLE,
    TENSOR,
    UINT64_MASK,
    WIDTH,
    Event,
    NotUnderstood,
    Value,
    number,
    read_varint,
)
from curvelint.readers.record_framing import Buffer

__all__ = [
    "NO_VALUE",
    "OTHER",
    "SESSION_START",
    "SIMPLE",
    "TENSOR",
    "DecodeError",
    "Event",
    "Value",
    "decode_narrow",
    "decode_protobuf",
]

# Event: field 3 file_version, 5 summary and the other members of its ``what`` oneof.
_EVENT_WHAT = {0x1A: "file_version", 0x22: "graph_def", 0x2A: "summary", 0x32: "log_message"}
_EVENT_WHAT |= {0x3A: "session_log", 0x42: "tagged_run_metadata", 0x4A: "meta_graph_def"}
_WALL_TIME, _STEP, _SOURCE_METADATA = 0x09, 0x10, 0x52
# Summary.Value: members of its ``value`` oneof other than simple_value (0x15) and tensor (0x42).
_OTHER_VALUES = frozenset({0x1A, 0x22, 0x2A, 0x32})

# Fields the narrow decoder reads values from, with the wire type of one unpacked element.
_FIXED32, _FIXED64, _VARINT = 5, 1, 0
_VALUE_FIELDS = {5: _FIXED32, 6: _FIXED64, 7: _VARINT, 10: _VARINT, 13: _VARINT}
_DOUBLE = struct.Struct("<d")


def decode_narrow(buffer: Buffer, start: int, end: int) -> Event | None:
    """Decode the record data ``buffer[start:end]``; ``None`` when it needs protobuf."""
    if start >= end:
        return None  # every real writer sets wall_time: an empty record is suspect
    try:
        return _event(buffer, start, end)
    except (NotUnderstood, struct.error, IndexError):
        return None


def _length(buffer: Buffer, position: int, end: int) -> tuple[int, int]:
    """A length-delimited field's data range ``(start, stop)``, checked against ``end``."""
    length, position = read_varint(buffer, position, end)
    if position + length > end:
        raise NotUnderstood
    return position, position + length


def _signed64(integer: int) -> int:
    integer &= UINT64_MASK
    return integer - (1 << 64) if integer >= 1 << 63 else integer


def _text(buffer: Buffer, start: int, stop: int) -> str:
    """A string field; bytes that are not UTF-8 are kept escaped (``\\xff``), not fatal."""
    return bytes(buffer[start:stop]).decode("utf-8", errors="backslashreplace")


def _event(buffer: Buffer, position: int, end: int) -> Event:
    event = Event(0.0, 0, "")
    keys: list[int] = []
    while position < end:
        key, position = read_varint(buffer, position, end)
        keys.append(key)
        if key == _WALL_TIME:
            if position + 8 > end:
                raise NotUnderstood
            event.wall_time = _DOUBLE.unpack_from(buffer, position)[0]
            position += 8
        elif key == _STEP:
            raw_step, position = read_varint(buffer, position, end)
            event.step = _signed64(raw_step)
        elif key in _EVENT_WHAT or key == _SOURCE_METADATA:
            start, position = _length(buffer, position, end)
            if key == _SOURCE_METADATA:
                continue
            if event.what:
                raise NotUnderstood  # a second oneof member: protobuf keeps the last one
            event.what = _EVENT_WHAT[key]
            _what(buffer, start, position, event)
        else:
            raise NotUnderstood
    event.keys = tuple(keys)
    return event


def _what(buffer: Buffer, start: int, stop: int, event: Event) -> None:
    """Read the member of Event's oneof that scalars care about into ``event``."""
    if event.what == "file_version":
        event.file_version = _text(buffer, start, stop)
    elif event.what == "summary":
        event.values = _summary(buffer, start, stop)
    elif event.what == "session_log":
        event.session_status = _session_status(buffer, start, stop)


def _session_status(buffer: Buffer, position: int, end: int) -> int:
    """A SessionLog's status (field 1); its checkpoint path and message are skipped."""
    status = 0
    while position < end:
        key, position = read_varint(buffer, position, end)
        if key == 0x08:
            status, position = read_varint(buffer, position, end)
        elif key in (0x12, 0x1A):
            _, position = _length(buffer, position, end)
        else:
            raise NotUnderstood
    return status


def _summary(buffer: Buffer, position: int, end: int) -> tuple[Value, ...]:
    values = []
    while position < end:
        key, position = read_varint(buffer, position, end)
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
        key, position = read_varint(buffer, position, end)
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
        value = float(FLOAT.unpack_from(buffer, at)[0])
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
        key, position = read_varint(buffer, position, end)
        if key == 0x20:  # data_class enum
            _, position = read_varint(buffer, position, end)
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
        key, position = read_varint(buffer, position, end)
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
    if fields.dtype not in DTYPES:
        return NAN, f"dtype {fields.dtype} is not a number", (0, 0), ""
    encoding, value_field = DTYPES[fields.dtype]
    if fields.elements != 1:
        return NAN, f"tensor of {fields.elements} elements", (0, 0), ""
    if fields.content is not None:
        start, stop = fields.content
        if stop - start != WIDTH[encoding]:
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
        key, position = read_varint(buffer, position, end)
        number_, wire = key >> 3, key & 7
        if key == 0x08:
            fields.dtype, position = read_varint(buffer, position, end)
        elif key == 0x10:  # version_number
            _, position = read_varint(buffer, position, end)
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
        return read_varint(buffer, position, end)[1]
    stop = position + (4 if wire == _FIXED32 else 8)
    if stop > end:
        raise NotUnderstood
    return stop


def _elements(buffer: Buffer, position: int, end: int) -> int:
    """The element count of a TensorShapeProto (1 for a scalar's empty shape)."""
    count = 1
    while position < end:
        key, position = read_varint(buffer, position, end)
        if key == 0x18:  # unknown_rank: make_ndarray ignores it
            _, position = read_varint(buffer, position, end)
            continue
        if key != 0x12:
            raise NotUnderstood
        start, position = _length(buffer, position, end)
        count *= _dimension(buffer, start, position)
    return count


def _dimension(buffer: Buffer, position: int, end: int) -> int:
    size = 0
    while position < end:
        key, position = read_varint(buffer, position, end)
        if key == 0x08:
            raw, position = read_varint(buffer, position, end)
            size = _signed64(raw)
        elif key == 0x12:
            _, position = _length(buffer, position, end)
        else:
            raise NotUnderstood
    return size
