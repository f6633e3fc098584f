"""Decode an event record with the protobuf classes the ``tensorboard`` package ships: the
reference for every record, and the fallback for those the narrow decoder
(:mod:`curvelint.readers.event_wire`) does not fully understand."""

from __future__ import annotations

from typing import Any

from curvelint.readers.event_values import (
    DTYPES,
    HPARAMS_PLUGIN,
    NAN,
    NO_VALUE,
    OTHER,
    SIMPLE,
    TENSOR,
    UINT64_MASK,
    WIDTH,
    Event,
    Value,
    number,
)


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
    status = event.session_log.status if what == "session_log" else 0
    return Event(event.wall_time, event.step, what, event.file_version, values, status)


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
    if tensor.dtype not in DTYPES:
        return NAN, f"dtype {tensor.dtype} is not a number"
    encoding, value_field = DTYPES[tensor.dtype]
    elements = 1
    for dimension in tensor.tensor_shape.dim:
        elements *= dimension.size
    if elements != 1:
        return NAN, f"tensor of {elements} elements"
    content = bytes(tensor.tensor_content)
    if content:
        if len(content) != WIDTH[encoding]:
            return NAN, f"tensor_content of {len(content)} bytes for one {encoding}"
        return number(encoding, content), ""
    repeated = getattr(tensor, tensor.DESCRIPTOR.fields_by_number[value_field].name)
    if len(repeated) != 1:
        return NAN, f"{len(repeated)} values for one element"
    element = repeated[0]
    if encoding in ("f4", "f8"):
        return float(element), ""
    width = WIDTH[encoding]
    return number(encoding, (int(element) & UINT64_MASK).to_bytes(8, "little")[:width]), ""
