"""A cache of what curvelint parsed and rendered, so a second look at unchanged logs is quick.

Two kinds of entries, one file each, in the user's cache folder (``$CURVELINT_CACHE_DIR``, else
``$XDG_CACHE_HOME/curvelint``, else ``~/.cache/curvelint``):

* ``runs/<key>.npz``: one run as the readers returned it. The frame's columns are arrays
  (categorical columns as codes, their categories in the metadata); the format, notes,
  skipped records and run metadata are JSON. ``curvelint frame`` and ``analyze`` use it.
* ``outputs/<key>.npz``: the files ``curvelint analyze`` wrote for one run (PNGs, report.md,
  report.json) and its index row, so an unchanged run is copied instead of analysed and drawn
  again.

A run's key is a SHA-256 of everything its content depends on: the cache layout, curvelint's
version and a digest of its code (every module's content, so an edited checkout never reuses
stale results), the run's name, format, root and files as given, each
file's resolved path, size, modification and change times (ns) and inode, and the reader options.
An output entry adds every analysis, rule and report option, the output folder, the run's
folder name and the versions of the libraries that compute and draw (numpy, pandas, scipy,
matplotlib, Pillow, ruptures).

Entries are untrusted: a cache file could be damaged, foreign or planted. They hold no pickle
(``numpy.load(allow_pickle=False)``; JSON metadata is stored as a byte array inside the same
archive, so an entry is one file and is replaced atomically), and every load is validated: the
key inside must match, each array must have the schema's dtype and length, codes must index
their categories, the frame must pass :func:`curvelint.schema.validate`, output file names must
be plain paths inside the run's folder; an entry is opened without following links and read
only if it is a regular file (a planted FIFO never blocks a read). Anything else is a miss:
the entry is deleted and written again. A file that changes while it is read, or was
modified in the last :data:`SETTLE_SECONDS` (its modification time could still repeat with
other content), is not cached. The folder is kept under ``$CURVELINT_CACHE_MAX_MB`` (default
:data:`DEFAULT_MAX_MB`; 0 turns the cache off) by removing the least recently used entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import stat
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from curvelint import __version__, schema
from curvelint.atomic import write_atomically
from curvelint.discover import RunSpec
from curvelint.readers.base import Skipped
from curvelint.run_model import Run

CACHE_DIR_ENV = "CURVELINT_CACHE_DIR"
MAX_MB_ENV = "CURVELINT_CACHE_MAX_MB"
DEFAULT_MAX_MB = 1024
LAYOUT = 1  # bump when the entry layout changes: older entries are then never read
SETTLE_SECONDS = 2.0
PRUNE_TO = 0.8  # a full cache is pruned to this share of its limit
RUNS, OUTPUTS = "runs", "outputs"
_SUFFIX = ".npz"
_META = "meta"
_STALE_TEMPORARY_SECONDS = 3600.0
_OUTPUT_LIBRARIES = ("numpy", "pandas", "scipy", "matplotlib", "pillow", "ruptures")
_DTYPE_NAMES = ("object", "str")

_RUN_FIELDS = ("name", "format", "frame", "skipped", "metadata", "notes", "files")

Json = Any
_Value = TypeVar("_Value")
FileStat = tuple[str, int, int, int, int]


class InvalidEntry(Exception):
    """A cache entry that cannot be trusted (damaged, foreign or of another layout)."""


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a run's files right now: ``(resolved path, size, mtime_ns, ctime_ns,
    inode)`` per file, in the run's order, and whether they are old enough to cache."""

    files: tuple[FileStat, ...]
    settled: bool


@dataclass(frozen=True)
class StoredOutputs:
    """What ``curvelint analyze`` produced for one run: plain JSON parts and the file bytes."""

    row: dict[str, Json] | None
    document: dict[str, Json] | None
    skipped: dict[str, Json] | None
    files: dict[str, bytes]


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


def _is_json(value: object) -> bool:
    """True for data that survives a JSON round trip unchanged (no tuples, no numpy types)."""
    if value is None or type(value) in (bool, int, float, str):
        return True
    if type(value) is list:
        return all(_is_json(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _is_json(item) for key, item in value.items())
    return False


def _json_bytes(value: Json) -> np.ndarray:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


class Cache:
    """Entries below ``root``; every method fails soft (a cache never breaks a command)."""

    def __init__(self, root: Path, limit_bytes: int) -> None:
        self.root = root
        self.limit_bytes = limit_bytes

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Cache | None:
        """The user's cache, or ``None`` when ``$CURVELINT_CACHE_MAX_MB`` is 0."""
        limit = max_bytes(environ)
        return cls(cache_directory(environ), limit) if limit > 0 else None

    def __repr__(self) -> str:
        return f"Cache({str(self.root)!r}, {self.limit_bytes})"

    # ------------------------------------------------------------------ runs

    def read_run(
        self,
        spec: RunSpec,
        read: Callable[[RunSpec], Run],
        reader_options: Mapping[str, Json] | None = None,
    ) -> Run:
        """``read(spec)``, or the run as cached for exactly these files; stores what it read."""
        options = dict(reader_options or {})
        before = fingerprint(spec)
        if before is None:
            return read(spec)
        key = run_key(spec, before, options)
        cached = self._load(RUNS, key, _decode_run)
        if cached is not None:
            return cached
        run = read(spec)
        if before.settled and fingerprint(spec) == before:
            encoded = _encode_run(run)
            if encoded is not None:
                self._store(RUNS, key, *encoded)
        return run

    # ------------------------------------------------------------------ outputs

    def load_outputs(self, key: str, folder: str) -> StoredOutputs | None:
        """The outputs stored under ``key``, if valid; their files all lie in ``folder/``."""
        return self._load(OUTPUTS, key, functools.partial(_decode_outputs, folder=folder))

    def store_outputs(self, key: str, outputs: StoredOutputs) -> None:
        """Keep one run's outputs (not when some part would not survive JSON unchanged)."""
        parts = {"row": outputs.row, "document": outputs.document, "skipped": outputs.skipped}
        if not _is_json(parts):
            return
        names = sorted(outputs.files)
        meta = {**parts, "files": names}
        arrays = {
            f"file{index}": np.frombuffer(outputs.files[name], dtype=np.uint8)
            for index, name in enumerate(names)
        }
        self._store(OUTPUTS, key, meta, arrays)

    # ------------------------------------------------------------------ storage

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / f"{key}{_SUFFIX}"

    def _load(
        self, kind: str, key: str, decode: Callable[[dict[str, Json], Any], _Value]
    ) -> _Value | None:
        path = self._path(kind, key)
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except OSError:  # a link or something else planted there: never followed, removed
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        try:
            found = os.fstat(descriptor)
            if not stat.S_ISREG(found.st_mode):
                raise InvalidEntry("not a regular file")
            if found.st_size > self.limit_bytes:
                raise InvalidEntry("larger than the whole cache may be")
            handle = os.fdopen(descriptor, "rb")
            descriptor = -1  # the handle owns it now
            with handle, np.load(handle, allow_pickle=False) as archive:
                meta = json.loads(archive[_META].tobytes().decode("utf-8"))
                if not isinstance(meta, dict) or meta.get("layout") != LAYOUT:
                    raise InvalidEntry("another layout")
                if meta.get("key") != key or meta.get("kind") != kind:
                    raise InvalidEntry("the key inside does not match")
                value = decode(meta, archive)
        except Exception:  # anything wrong with an untrusted file is a miss: drop the entry
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        finally:
            if descriptor >= 0:
                os.close(descriptor)
        with contextlib.suppress(OSError):
            os.utime(path)  # least recently used entries go first
        return value

    def _store(
        self, kind: str, key: str, meta: dict[str, Json], arrays: Mapping[str, np.ndarray]
    ) -> None:
        header = {"layout": LAYOUT, "kind": kind, "key": key, **meta}

        members = {_META: _json_bytes(header), **arrays}

        def write(temporary: Path) -> None:  # what numpy.savez writes, without pickle
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                for name, array in members.items():
                    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)

        try:
            folder = self.root / kind
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomically(self._path(kind, key), write)
        except OSError:  # a full disk or a read-only home: no cache, same results
            return

    def prune(self) -> None:
        """Remove the least recently used entries while the cache is over its limit, and
        temporary files left by a process that died mid-write."""
        entries = [entry for kind in (RUNS, OUTPUTS) for entry in self._entries(kind)]
        total = sum(size for _, size, _ in entries)
        if total <= self.limit_bytes:
            return
        for _, size, path in sorted(entries):
            if total <= self.limit_bytes * PRUNE_TO:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size

    def _entries(self, kind: str) -> list[tuple[float, int, Path]]:
        """(last use, size, path) of each entry of ``kind``; stale temporary files go."""
        try:
            listing = list(os.scandir(self.root / kind))
        except OSError:
            return []
        entries = []
        now = time.time()
        for item in listing:
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if item.name.endswith(_SUFFIX) and not item.name.startswith("."):
                entries.append((info.st_mtime, info.st_size, Path(item.path)))
            elif now - info.st_mtime > _STALE_TEMPORARY_SECONDS:
                Path(item.path).unlink(missing_ok=True)
        return entries


# ---------------------------------------------------------------------- run entries


def _column_arrays(frame: pd.DataFrame) -> tuple[dict[str, Json], dict[str, np.ndarray]]:
    """Each column as an array (a constant column as one element) and how to rebuild it."""
    columns: dict[str, Json] = {}
    arrays: dict[str, np.ndarray] = {}
    for name in schema.COLUMNS:
        series = frame[name]
        entry: dict[str, Json] = {}
        if name in schema.CATEGORY_COLUMNS:
            values = series.array
            data = np.asarray(values.codes)
            categories = values.categories
            entry["categories"] = [str(item) for item in categories]
            entry["categories_dtype"] = str(categories.dtype)
            entry["ordered"] = bool(values.ordered)
        else:
            data = series.to_numpy()
        raw = data.view(f"u{data.dtype.itemsize}") if len(data) else data
        entry["constant"] = bool(len(data)) and bool((raw == raw[0]).all())
        arrays[name] = data[:1] if entry["constant"] else data
        columns[name] = entry
    return columns, arrays


def _encode_run(run: Run) -> tuple[dict[str, Json], dict[str, np.ndarray]] | None:
    """The run as (JSON metadata, arrays); ``None`` when some part would not come back equal."""
    if tuple(item.name for item in fields(Run)) != _RUN_FIELDS:
        return None  # Run has grown a field this layout does not keep
    frame = run.frame
    index = frame.index
    default_index = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if tuple(frame.columns) != schema.COLUMNS or not default_index or frame.attrs:
        return None
    for name in schema.CATEGORY_COLUMNS:
        categories = frame[name].array.categories
        if str(categories.dtype) not in _DTYPE_NAMES or not all(
            type(item) is str for item in categories
        ):
            return None
    meta = {
        "name": run.name,
        "format": run.format,
        "rows": len(frame),
        "skipped": [[s.path, s.where, s.why, s.count] for s in run.skipped],
        "metadata": run.metadata,
        "notes": list(run.notes),
        "files": list(run.files),
    }
    if not _is_json(meta):
        return None
    columns, arrays = _column_arrays(frame)
    meta["columns"] = columns
    return meta, arrays


def _check(condition: bool, why: str) -> None:
    if not condition:
        raise InvalidEntry(why)


def _strings(value: Json) -> list[str]:
    _check(type(value) is list and all(type(item) is str for item in value), "not strings")
    return list(value)


def _array(archive: Any, name: str, rows: int, constant: bool) -> np.ndarray:
    data = archive[name]
    _check(isinstance(data, np.ndarray) and data.ndim == 1, f"{name}: not a column")
    _check(len(data) == (min(rows, 1) if constant else rows), f"{name}: wrong length")
    return np.repeat(data, rows) if constant else np.asarray(data)


def _column(archive: Any, name: str, entry: Json, rows: int) -> Any:
    _check(type(entry) is dict and type(entry.get("constant")) is bool, f"{name}: no layout")
    data = _array(archive, name, rows, entry["constant"])
    if name not in schema.CATEGORY_COLUMNS:
        _check(str(data.dtype) == schema.DTYPES[name], f"{name}: dtype {data.dtype}")
        return data
    _check(data.dtype.kind == "i", f"{name}: codes of dtype {data.dtype}")
    categories = _strings(entry.get("categories"))
    dtype = entry.get("categories_dtype")
    _check(dtype in _DTYPE_NAMES and type(entry.get("ordered")) is bool, f"{name}: categories")
    _check(len(set(categories)) == len(categories), f"{name}: repeated categories")
    _check(not len(data) or (data.min() >= 0 and data.max() < len(categories)), f"{name}: codes")
    return pd.Categorical.from_codes(
        data, categories=pd.Index(categories, dtype=dtype), ordered=entry["ordered"]
    )


def _skipped_items(value: Json) -> list[Skipped]:
    _check(type(value) is list, "skipped is not a list")
    items = []
    for item in value:
        _check(type(item) is list and len(item) == 4, "a skipped record is malformed")
        path, where, why, count = item
        _check(type(count) is int and all(type(x) is str for x in (path, where, why)), "skipped")
        items.append(Skipped(path, where, why, count))
    return items


def _typed(meta: dict[str, Json], key: str, kind: type[_Value]) -> _Value:
    """``meta[key]``, which must be exactly of type ``kind`` (``True`` is no ``int`` here)."""
    value = meta.get(key)
    if type(value) is not kind:
        raise InvalidEntry(f"{key} is not a {kind.__name__}")
    return value


def _decode_run(meta: dict[str, Json], archive: Any) -> Run:
    rows = _typed(meta, "rows", int)
    columns = _typed(meta, "columns", dict)
    _check(rows >= 0 and tuple(columns) == schema.COLUMNS, "columns")
    frame = pd.DataFrame(
        {name: _column(archive, name, columns[name], rows) for name in schema.COLUMNS}
    )
    schema.validate(frame)
    metadata = _typed(meta, "metadata", dict)
    _check(_is_json(metadata), "metadata")
    return Run(
        _typed(meta, "name", str),
        _typed(meta, "format", str),
        frame,
        _skipped_items(meta.get("skipped")),
        metadata,
        _strings(meta.get("notes")),
        tuple(_strings(meta.get("files"))),
    )


# ---------------------------------------------------------------------- output entries


def _plain_relative(name: str, folder: str) -> bool:
    """A file name inside ``folder/``: relative, no ``..``, nothing hidden."""
    path, inside = PurePosixPath(name), PurePosixPath(folder).parts
    return (
        "\\" not in name
        and not path.is_absolute()
        and len(path.parts) > len(inside)
        and path.parts[: len(inside)] == inside
        and all(part not in ("", ".", "..") and not part.startswith(".") for part in path.parts)
    )


def _optional_object(value: Json, what: str) -> dict[str, Json] | None:
    _check(value is None or (type(value) is dict and _is_json(value)), what)
    return value if value is None else dict(value)


def _decode_outputs(meta: dict[str, Json], archive: Any, *, folder: str) -> StoredOutputs:
    names = _strings(meta.get("files"))
    _check(all(_plain_relative(name, folder) for name in names), "a file outside the run folder")
    files = {}
    for index, name in enumerate(names):
        data = archive[f"file{index}"]
        _check(isinstance(data, np.ndarray) and data.dtype == np.uint8, f"{name}: not bytes")
        files[name] = data.tobytes()
    return StoredOutputs(
        row=_optional_object(meta.get("row"), "row"),
        document=_optional_object(meta.get("document"), "document"),
        skipped=_optional_object(meta.get("skipped"), "skipped"),
        files=files,
    )
