"""What a cache entry is keyed on: the run's files as they are now, the code, the options.

See :mod:`curvelint.cache` for what goes into each key and why.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from curvelint import __version__
from curvelint.discover import RunSpec

CACHE_DIR_ENV = "CURVELINT_CACHE_DIR"
MAX_MB_ENV = "CURVELINT_CACHE_MAX_MB"
DEFAULT_MAX_MB = 1024
LAYOUT = 1  # bump when the entry layout changes: older entries are then never read
SETTLE_SECONDS = 2.0
RUNS, OUTPUTS = "runs", "outputs"
_OUTPUT_LIBRARIES = ("numpy", "pandas", "scipy", "matplotlib", "pillow", "ruptures")

Json = Any
FileStat = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a run's files right now: ``(resolved path, size, mtime_ns, ctime_ns,
    inode)`` per file, in the run's order, and whether they are old enough to cache."""

    files: tuple[FileStat, ...]
    settled: bool


def cache_directory(environ: Mapping[str, str] | None = None) -> Path:
    """``$CURVELINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/curvelint``, else ``~/.cache/curvelint``.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG specification asks.
    """
    env = os.environ if environ is None else environ
    explicit = env.get(CACHE_DIR_ENV, "")
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "curvelint"
    return Path.home() / ".cache" / "curvelint"


def max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The size limit from ``$CURVELINT_CACHE_MAX_MB`` (a bad value means the default)."""
    env = os.environ if environ is None else environ
    text = env.get(MAX_MB_ENV, "").strip()
    try:
        megabytes = float(text) if text else float(DEFAULT_MAX_MB)
    except ValueError:
        megabytes = float(DEFAULT_MAX_MB)
    if not math.isfinite(megabytes) or megabytes < 0:
        megabytes = float(DEFAULT_MAX_MB)
    return int(megabytes * 1024 * 1024)


@functools.cache
def code_fingerprint() -> str:
    """A digest of the content of curvelint's own modules (about 1 MB, a few milliseconds):
    a changed checkout never reuses what older code computed."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        relative = path.relative_to(package).as_posix()
        digest.update(f"{relative}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


@functools.cache
def library_versions() -> tuple[tuple[str, str], ...]:
    """The versions of the libraries whose results end up in the reports."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in _OUTPUT_LIBRARIES:
        try:
            found.append((name, version(name)))
        except PackageNotFoundError:
            found.append((name, ""))
    return tuple(found)


def fingerprint(spec: RunSpec) -> Fingerprint | None:
    """The run's files as they are now; ``None`` when one cannot be examined."""
    files = []
    newest = 0
    for path in (*spec.files, *spec.companions):
        try:
            resolved = path.resolve()
            info = resolved.stat()
        except (OSError, RuntimeError):
            return None
        files.append((str(resolved), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
        newest = max(newest, info.st_mtime_ns)
    settled = newest < (time.time() - SETTLE_SECONDS) * 1e9
    return Fingerprint(tuple(files), settled)


def plain(value: object) -> Json:
    """A canonical, JSON-ready form of options: dataclasses by field, enums by value, tuples and
    sets as lists (sets sorted), anything else by ``repr``."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            "class": type(value).__qualname__,
            **{item.name: plain(getattr(value, item.name)) for item in fields(value)},
        }
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return repr(value)


def _digest(material: Mapping[str, Json]) -> str:
    text = json.dumps(material, sort_keys=True, ensure_ascii=True, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def run_key(spec: RunSpec, found: Fingerprint, reader_options: Mapping[str, Json]) -> str:
    """The key of a run as read (see the module docstring)."""
    return _digest(
        {
            "entry": RUNS,
            "layout": LAYOUT,
            "curvelint": __version__,
            "code": code_fingerprint(),
            "name": spec.name,
            "format": spec.format,
            "root": str(spec.root),
            "files": [str(path) for path in spec.files],
            "companions": [str(path) for path in spec.companions],
            "part": spec.part,
            "stats": [list(item) for item in found.files],
            "reader_options": plain(reader_options),
        }
    )


def outputs_key(run: str, options: object, where: Mapping[str, str]) -> str:
    """The key of a run's rendered outputs: its run key, every option, where they go."""
    return _digest(
        {
            "entry": OUTPUTS,
            "layout": LAYOUT,
            "run": run,
            "options": plain(options),
            "where": dict(where),
            "libraries": [list(item) for item in library_versions()],
        }
    )


def is_json(value: object) -> bool:
    """True for data that survives a JSON round trip unchanged (no tuples, no numpy types)."""
    if value is None or type(value) in (bool, int, float, str):
        return True
    if type(value) is list:
        return all(is_json(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and is_json(item) for key, item in value.items())
    return False


def json_bytes(value: Json) -> np.ndarray:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
