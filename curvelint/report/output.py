"""The output folder: every write atomic, nothing outside it, only our own files ever removed.

curvelint owns the folder given to ``--out``: it must be new, empty, or hold a
``.curvelint-manifest.json`` from an earlier run (a folder holding other files is refused, so a
typo cannot scatter reports over a project). The manifest lists every file curvelint wrote;
a re-run removes the files of that list it no longer produces (a run that disappeared) and
then writes the new list. Files that are not on the list are never removed. A path is written
only after checking that its folder, with symbolic links resolved, is inside the output folder.

The folder is claimed before anything is written in it: ``.curvelint-journal`` is created and
locked (a second curvelint writing the same folder is refused in one line), and every file's
name is appended to it before the file is written. A run that is killed, fails or fills the
disk leaves its journal behind: the next run treats those files as its own earlier output
(removes what it does not write again), so the folder is never refused for good and no file
is left that no manifest lists. Every failure to write is an :class:`OutputError`.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from curvelint import __version__
from curvelint.atomic import file_mode, temporary_prefix, write_bytes_atomically
from curvelint.errors import CurvelintError
from curvelint.shown_paths import shown_path

try:
    import fcntl
except ImportError:  # not on a POSIX system: no lock, the journal still lists every file
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".curvelint-manifest.json"
JOURNAL = ".curvelint-journal"
_HELD: dict[Path, int] = {}  # output folder → the open, locked journal of this process


class OutputError(CurvelintError):
    """The output folder cannot be used safely (a file, someone else's folder, a link out)."""


def write_readable(path: Path, data: bytes) -> None:
    """Write atomically with the permissions of a new file: reports are meant to be read."""
    write_bytes_atomically(path, data)


def _relative_parts(relative: str) -> tuple[str, ...] | None:
    """The parts of a safe relative POSIX path, or None (absolute, ``..``, hidden, empty)."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or "\\" in relative:
        return None
    if any(part in ("", ".", "..") or part.startswith(".") for part in path.parts):
        return None
    return path.parts


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def read_manifest(root: Path) -> set[str]:
    """The files an earlier run wrote, as safe relative paths (unsafe entries are ignored)."""
    manifest = root / MANIFEST
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
        files = document["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise OutputError(
            f"{shown_path(root)}/{MANIFEST} is unreadable ({type(error).__name__}): "
            f"delete {shown_path(root)} or choose another --out"
        ) from None
    if not isinstance(files, list):
        raise OutputError(
            f"{shown_path(root)}/{MANIFEST} has no list of files: "
            f"delete {shown_path(root)} or choose another --out"
        )
    return {name for name in files if isinstance(name, str) and _relative_parts(name)}


def _os_error(root: Path, error: OSError, path: Path | None = None) -> OutputError:
    where = error.filename if error.filename is not None else (path or root)
    why = error.strerror or type(error).__name__
    return OutputError(
        f"--out {shown_path(root)}: cannot write {where} ({why}): "
        "free space or choose another folder"
    )


def prepare(root: Path) -> set[str]:
    """Check ``root`` can be written and claim it (lock, journal); return the files curvelint
    wrote there before, including those of an earlier run that never finished."""
    try:
        return _claim(root)
    except OSError as error:
        release(root)
        raise _os_error(root, error) from None


def _claim(root: Path) -> set[str]:
    if root.is_symlink() and not root.exists():
        raise OutputError(
            f"--out {shown_path(root)} is a broken symbolic link: choose another folder"
        )
    if root.exists() and not root.is_dir():
        raise OutputError(f"--out {shown_path(root)} is a file, not a folder: choose a folder name")
    root.mkdir(parents=True, exist_ok=True)
    has_manifest, has_journal = (root / MANIFEST).is_file(), (root / JOURNAL).is_file()
    if not has_manifest and not has_journal and any(root.iterdir()):
        raise OutputError(
            f"--out {shown_path(root)} is not empty and was not written by curvelint "
            f"(no {MANIFEST}): choose a new or empty folder"
        )
    journal = _lock_journal(root)
    previous = read_manifest(root) if has_manifest else set()
    return previous | _journal_entries(journal)


def _lock_journal(root: Path) -> int:
    """Open and lock ``root``'s journal (refused while another curvelint holds it)."""
    release(root)
    descriptor = os.open(root / JOURNAL, os.O_RDWR | os.O_CREAT | os.O_APPEND, file_mode())
    try:
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise OutputError(
            f"--out {shown_path(root)} is being written by another curvelint right now: "
            "wait for it to finish or choose another folder"
        ) from None
    _HELD[root.resolve()] = descriptor
    return descriptor


def _journal_entries(descriptor: int) -> set[str]:
    """The files an unfinished earlier run started to write (whole, safe lines only)."""
    data = b""
    while chunk := os.pread(descriptor, 1 << 20, len(data)):
        data += chunk
    lines = data.decode("utf-8", "replace").split("\n")[:-1]
    return {line for line in lines if _relative_parts(line)}


def _journal(root: Path, relative: str) -> None:
    """Note ``relative`` in the journal before it is written (from any process)."""
    try:
        descriptor = os.open(root / JOURNAL, os.O_WRONLY | os.O_APPEND)
    except FileNotFoundError:  # a folder not claimed through prepare (a test, a library user)
        return
    try:
        os.write(descriptor, relative.encode("utf-8", "surrogateescape") + b"\n")
    finally:
        os.close(descriptor)


def release(root: Path) -> None:
    """Unlock ``root``'s journal if this process holds it (finish does; so may a failure)."""
    descriptor = _HELD.pop(root.resolve(), None)
    if descriptor is None:
        return
    try:
        if os.fstat(descriptor).st_size == 0:  # nothing was written: leave no journal
            (root / JOURNAL).unlink(missing_ok=True)
    except OSError:
        pass  # best effort: a journal left behind is harmless
    finally:
        os.close(descriptor)


@dataclass
class OutputFolder:
    """Writes files below ``root`` atomically and remembers what it wrote."""

    root: Path
    written: set[str] = field(default_factory=set)

    def target(self, relative: str) -> Path:
        """The path of ``relative`` below the root, its folder created and checked."""
        parts = _relative_parts(relative)
        if parts is None:
            raise OutputError(f"refusing to write {relative!r}: not a plain path inside --out")
        path = self.root.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _inside(path.parent, self.root):
            raise OutputError(f"refusing to write {relative!r}: its folder leads outside --out")
        return path

    def write_text(self, relative: str, text: str) -> None:
        """Write UTF-8 text atomically."""
        self.write_bytes(relative, text.encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write bytes atomically (an OSError, such as a full disk, is an OutputError)."""
        try:
            _journal(self.root, relative)
            write_readable(self.target(relative), data)
        except OSError as error:
            raise _os_error(self.root, error, self.root / relative) from None
        self.written.add(relative)


def _remove_stale(root: Path, stale: Iterable[str]) -> None:
    folders: set[Path] = set()
    for relative in sorted(stale):
        parts = _relative_parts(relative)
        if parts is None:
            continue
        path = root.joinpath(*parts)
        if not _inside(path.parent, root) or not (path.is_symlink() or path.is_file()):
            continue
        path.unlink()
        folders.update(
            parent for parent in path.parents if parent != root and _inside(parent, root)
        )
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()


def _remove_leftover_temporaries(root: Path, written: Iterable[str]) -> None:
    """A kill inside an atomic write leaves ``.<name>.<random>.tmp`` beside ``<name>``; remove
    those next to files this run wrote (curvelint's own temporaries, by their name)."""
    for relative in written:
        parts = _relative_parts(relative)
        if parts is None:
            continue
        path = root.joinpath(*parts)
        for leftover in path.parent.glob(f"{glob.escape(temporary_prefix(path.name))}*.tmp"):
            if leftover.is_file() and not leftover.is_symlink() and _inside(leftover, root):
                leftover.unlink()


def finish(root: Path, previous: set[str], written: set[str]) -> None:
    """Record what this run wrote, then remove what the previous run wrote and this one did not,
    and the temporaries an earlier, killed run left behind; then drop the journal and lock."""
    document = {"written_by": "curvelint", "version": __version__, "files": sorted(written)}
    try:
        root.mkdir(parents=True, exist_ok=True)
        manifest = json.dumps(document, indent=2) + "\n"
        write_readable(root / MANIFEST, manifest.encode("utf-8"))
        _remove_stale(root, previous - written)
        _remove_leftover_temporaries(root, written | previous | {MANIFEST})
        (root / JOURNAL).unlink(missing_ok=True)
    except OSError as error:
        raise _os_error(root, error) from None
    finally:
        release(root)
