"""Load a JSON log file with one-line errors: empty, half-written and too-deep files say so.

Python's :mod:`json` reads the bare ``NaN``/``Infinity`` tokens that the Trainer and
``json.dumps`` write, so non-finite values survive as floats.
"""

from __future__ import annotations

import json
from pathlib import Path

from curvelint.errors import UnreadableError


def load_json_file(path: Path) -> object:
    """The parsed document; :class:`UnreadableError` naming the path and the reason otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableError(f"{path}: cannot read ({error.strerror or error})") from None
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
