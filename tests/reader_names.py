"""A small valid log for each reader with a given name in every place a name goes: inside the
file (a TensorBoard tag, a CSV header, a JSON key, an MLflow metric file) and in its path
(folder and file names). The robustness tests and the fuzzer (fuzz/) write them with hostile
names. Only the standard library and crc32c (a curvelint dependency), so the fuzzer can load
it before it instruments curvelint."""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from pathlib import Path

import crc32c

from tests.reader_paths import FILE_NAMES

# A file or folder name is at most 255 bytes on the usual file systems.
NAME_BYTES = 200


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _field(key: int, data: bytes) -> bytes:
    return bytes([key]) + _varint(len(data)) + data


def _masked_crc(data: bytes) -> int:
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _record(data: bytes) -> bytes:
    length = struct.pack("<Q", len(data))
    crcs = struct.pack("<I", _masked_crc(length)), struct.pack("<I", _masked_crc(data))
    return length + crcs[0] + data + crcs[1]


def _event_file(name: bytes) -> bytes:
    """A file_version record and three scalars tagged ``name`` (raw bytes: maybe not UTF-8)."""
    header = b"\x09" + struct.pack("<d", 1e9) + _field(0x1A, b"brain.Event:2")
    records = [_record(header)]
    for step in range(3):
        value = _field(0x0A, name) + b"\x15" + struct.pack("<f", 0.5 / (step + 1))
        event = b"\x09" + struct.pack("<d", 1e9 + step) + b"\x10" + _varint(step)
        records.append(_record(event + _field(0x2A, _field(0x0A, value))))
    return b"".join(records)


def _text(name: bytes) -> str:
    return name.decode("utf-8", errors="replace")


def _json_lines(name: bytes) -> bytes:
    lines = [
        json.dumps({"step": s, _text(name): 0.5 / (s + 1)}, ensure_ascii=False) for s in range(3)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def _trainer_state(name: bytes) -> bytes:
    history = [{"step": s, _text(name): 0.5 / (s + 1)} for s in range(1, 4)]
    state = {"global_step": 3, "log_history": history}
    return json.dumps(state, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _keras_history(name: bytes) -> bytes:
    document = {_text(name): [0.5, 0.25, 0.125]}
    return json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")


CONTENT: dict[str, Callable[[bytes], bytes]] = {
    "tensorboard": _event_file,
    "trainer_state": _trainer_state,
    "keras_history": _keras_history,
    "json_lines": _json_lines,
    "keras_csv": lambda name: b"epoch," + name + b"\n0,0.5\n1,0.25\n",
    "keras_history_csv": lambda name: b"," + name + b"\n0,0.5\n1,0.25\n",
    "step_table": lambda name: b"step," + name + b"\n0,0.5\n10,0.25\n",
    "lightning_csv": lambda name: b"epoch,step," + name + b"\n0,1,0.5\n0,2,0.25\n",
    "mlflow_store": lambda name: b"1700000000000 0.5 0\n1700000001000 0.25 1\n",
}
"""A valid log naming its one curve ``name``, by reader (W&B's binary runs are not here)."""


def component(raw: bytes) -> str:
    """``raw`` as one path component: no ``/`` or NUL, not empty or a dot name, within
    :data:`NAME_BYTES`; bytes that are not UTF-8 kept (surrogate-escaped, as os gives them)."""
    cleaned = raw.replace(b"/", b"_").replace(b"\x00", b"_")[:NAME_BYTES] or b"_"
    if cleaned in (b".", b".."):
        cleaned = b"_" + cleaned
    return os.fsdecode(cleaned)


def named_path(root: Path, reader: str, raw: bytes) -> Path:
    """Where ``reader``'s file goes with a hostile folder name and, where the reader allows
    any, a hostile file name (the parts a reader recognises its files by are kept)."""
    name = component(raw)
    expected = Path(FILE_NAMES[reader])
    folder = root / name
    if reader == "mlflow_store":  # the metric's name is the file name: the tag
        return folder / expected.parent / component(raw[::-1] or b"x")
    if reader == "tensorboard":
        return folder / ("events.out.tfevents." + component(raw[:100] or b"x"))
    if reader in ("lightning_csv", "trainer_state"):  # recognised by their file name
        return folder / expected.name
    return folder / (component(raw[:100] or b"x") + expected.suffix)


def content_path(root: Path, reader: str) -> Path:
    return root / FILE_NAMES[reader]
