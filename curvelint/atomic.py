"""Atomic file writes: a reader of the output sees the old file or the new one, never half."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

# mkstemp adds 8 characters and the suffix: a prefix this short keeps the temporary's name
# within NAME_MAX (255 bytes) whatever the final name's length.
_PREFIX_BYTES = 200


def temporary_prefix(name: str) -> str:
    """The start of ``name``'s temporary file's name: ``.<name>.``, or for a name too long
    to take 14 more bytes, its first characters and a hash of the whole."""
    prefix = f".{name}."
    if len(os.fsencode(prefix)) <= _PREFIX_BYTES:
        return prefix
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    short = name
    while len(os.fsencode(f".{short}~{digest}.")) > _PREFIX_BYTES:
        short = short[:-1]
    return f".{short}~{digest}."


@functools.cache
def file_mode() -> int:
    """The permissions of a new file under the process's umask (0644 under the usual 022)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)`` in ``path``'s folder, then rename over ``path``.

    The file gets the permissions of any new file (mkstemp's are 0600): reports and frames are
    meant to be read, by a web server or a CI artifact upload as much as by their owner.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=temporary_prefix(path.name), suffix=".tmp", dir=path.parent
    )
    try:
        os.fchmod(descriptor, file_mode())
    finally:
        os.close(descriptor)
    temporary_path = Path(temporary)
    try:
        write(temporary_path)
        os.replace(temporary_path, path)
    finally:
        temporary_path.unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically."""

    def write(temporary: Path) -> None:
        temporary.write_text(text, encoding="utf-8")

    write_atomically(path, write)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` atomically."""

    def write(temporary: Path) -> None:
        temporary.write_bytes(data)

    write_atomically(path, write)
