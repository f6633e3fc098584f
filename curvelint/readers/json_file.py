"""Load a JSON log file with one-line errors: empty, half-written, too-deep and too-large
files say so.

Python's :mod:`json` reads the bare ``NaN``/``Infinity`` tokens that the Trainer and
``json.dumps`` write, so non-finite values survive as floats. A JSON document is parsed whole
and its objects take about ten times its size in memory, so a file over
:data:`MAX_JSON_BYTES` is refused before it is read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from curvelint.errors import UnreadableError

# Real trainer_state.json files reach tens of MB (a long run logging every step); a JSON log
# this large would need gigabytes once parsed. Raise it here if yours are larger.
MAX_JSON_BYTES = 256 * 2**20


def read_bounded(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path``, refused with :class:`UnreadableError` when it holds more than
    ``limit`` (default :data:`MAX_JSON_BYTES`), checked before anything is read."""
    limit = MAX_JSON_BYTES if limit is None else limit
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw = b"" if size > limit else handle.read(limit + 1)
    except OSError as error:
        raise UnreadableError(f"{path}: cannot read ({error.strerror or error})") from None
    if size > limit or len(raw) > limit:  # the second: it grew while being read
        raise UnreadableError(
            f"{path}: {max(size, len(raw)):,} bytes, over the {limit:,} a JSON log is parsed "
            "up to (curvelint.readers.json_file.MAX_JSON_BYTES); not read"
        )
    return raw


def load_json_file(path: Path) -> object:
    """The parsed document; :class:`UnreadableError` naming the path and the reason otherwise."""
    raw = read_bounded(path)
    if not raw.strip():
        raise UnreadableError(f"{path}: empty file")
    try:
        # UTF-8 with or without a BOM, and UTF-16/32 (a Windows editor's save) by their BOM.
        return json.loads(raw.decode(json.detect_encoding(raw), errors="replace"))
    except (ValueError, RecursionError) as error:  # ValueError: also a 5000-digit integer
        reason = _problem(error)
        raise UnreadableError(f"{path}: not valid JSON ({reason}); half-written?") from None


def _problem(error: Exception) -> str:
    """What :func:`json.loads` found wrong, in a few words."""
    if isinstance(error, RecursionError):
        return "nested too deeply"
    message: str = getattr(error, "msg", "") or str(error).split(";")[0].split(":")[0]
    return message
