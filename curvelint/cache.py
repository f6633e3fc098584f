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
An output entry adds every analysis, rule and report option, the run's folder name (not the
output folder: files are kept relative to it, so any ``--out`` reuses them) and the versions
of the libraries that compute and draw (numpy, pandas, scipy, matplotlib, Pillow, ruptures).

Entries are untrusted: a cache file could be damaged, foreign or planted. They hold no pickle
(``numpy.load(allow_pickle=False)``; JSON metadata is stored as a byte array inside the same
archive, so an entry is one file and is replaced atomically), and every load is validated: the
key inside must match, each array must have the schema's dtype and length, codes must index
their categories, the frame must pass :func:`curvelint.schema.validate`, output file names must
be plain paths inside the run's folder; an entry is opened without following links and read
only if it is a regular file (a planted FIFO never blocks a read) whose members cannot inflate
beyond the file (:mod:`curvelint.cache_archive`). Anything else is a miss: the entry is
deleted and written again. A file that changes while it is read, or was
modified in the last :data:`SETTLE_SECONDS` (its modification time could still repeat with
other content), is not cached. The folder is kept under ``$CURVELINT_CACHE_MAX_MB`` (default
:data:`DEFAULT_MAX_MB`; 0 turns the cache off) by removing the least recently used entries.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
import time
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from curvelint.atomic import write_atomically
from curvelint.cache_archive import check_archive
from curvelint.cache_entries import (
    InvalidEntry,
    StoredOutputs,
    decode_outputs,
    decode_run,
    encode_run,
)
from curvelint.cache_keys import (
    LAYOUT,
    OUTPUTS,
    RUNS,
    Fingerprint,
    Json,
    cache_directory,
    fingerprint,
    is_json,
    json_bytes,
    max_bytes,
    outputs_key,
    run_key,
)
from curvelint.discover import RunSpec
from curvelint.run_model import Run

PRUNE_TO = 0.8  # a full cache is pruned to this share of its limit
_SUFFIX = ".npz"
_META = "meta"
_STALE_TEMPORARY_SECONDS = 3600.0
_Value = TypeVar("_Value")


# A parsed run of more points is not kept. Loading it back costs about what parsing costs (a
# 10M-point event file: 1.5 s of CPU warm, 4.7 s cold, against 3 s to parse it), storing it
# another 1.5 s, and its 270 MB would push hundreds of ordinary runs out of the cache. Its
# rendered outputs are still kept (they are small).
MAX_CACHED_POINTS = 2_000_000


class Cache:
    """Entries below ``root``; every method fails soft (a cache never breaks a command)."""

    def __init__(self, root: Path, limit_bytes: int) -> None:
        self.root = root
        self.limit_bytes = limit_bytes

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Cache | None:
        """The user's cache, or ``None`` when ``$CURVELINT_CACHE_MAX_MB`` is 0."""
        limit = max_bytes(environ)
        try:
            directory = cache_directory(environ)
        except (RuntimeError, KeyError):  # no $HOME and no passwd entry: the cache is optional
            return None
        return cls(directory, limit) if limit > 0 else None

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
        cached = self._load(RUNS, key, decode_run)
        if cached is not None:
            return cached
        run = read(spec)
        if len(run.frame) > MAX_CACHED_POINTS:
            return run
        if before.settled and fingerprint(spec) == before:
            encoded = encode_run(run)
            if encoded is not None:
                self._store(RUNS, key, *encoded)
        return run

    # ------------------------------------------------------------------ outputs

    def load_outputs(self, key: str, folder: str) -> StoredOutputs | None:
        """The outputs stored under ``key``, if valid; their files all lie in ``folder/``."""
        return self._load(OUTPUTS, key, functools.partial(decode_outputs, folder=folder))

    def store_outputs(self, key: str, outputs: StoredOutputs) -> None:
        """Keep one run's outputs (not when some part would not survive JSON unchanged)."""
        parts = {"row": outputs.row, "document": outputs.document, "skipped": outputs.skipped}
        if not is_json(parts):
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
            with handle:
                check_archive(handle, found.st_size)  # no member inflates beyond the file
                with np.load(handle, allow_pickle=False) as archive:
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

        members = {_META: json_bytes(header), **arrays}

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


__all__ = [
    "Cache",
    "Fingerprint",
    "StoredOutputs",
    "cache_directory",
    "fingerprint",
    "max_bytes",
    "outputs_key",
    "run_key",
]
