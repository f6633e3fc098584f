"""From paths to runs: which files belong together, in which format, under which name.

Files are grouped the way the tools that wrote them do:

* TensorBoard: a directory of event files is a run; ``train/``, ``validation/`` and ``eval/``
  sub-directories (Keras' callback, TF Estimators) join their parent's run, the split taken
  from the folder, and so do the ``<main tag>_<key>/`` sub-directories torch's
  ``add_scalars`` writes (:mod:`~curvelint.readers.add_scalars_folders`). Header-only and
  hparams-only files come out of the reader as empty.
* Hugging Face Trainer: an output directory with ``trainer_state.json`` at its root and/or in
  ``checkpoint-N/`` is one run. The TensorBoard logs the Trainer writes below it
  (``runs/<date>_<host>/``) hold the same curves: they are that run's companions, not a run.
* Keras CSVLogger: each file is a run.
* MLflow SQLite store: each run in the database is a run (:attr:`RunSpec.part` is its id).

The walk never follows a symbolic link out of the root, never opens anything but regular
files, and reports what it could not enter instead of failing.
"""

from __future__ import annotations

import os
import stat
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from curvelint.errors import CurvelintError
from curvelint.formats import formats_read
from curvelint.readers import BY_NAME, READERS, add_scalars_folders, keras_csv, tensorboard
from curvelint.readers.base import Reader, Skipped


@dataclass(frozen=True)
class RunSpec:
    """One run to read: its stable name, format, files, and companion files of other formats."""

    name: str
    format: str
    root: Path
    files: tuple[Path, ...]
    companions: tuple[Path, ...] = ()
    part: str = ""  # which run of a file that holds many (an MLflow database's run id)


@dataclass(frozen=True)
class _Found:
    location: Path
    format: str
    files: tuple[Path, ...]
    companions: tuple[Path, ...]


@dataclass
class Discovery:
    """The runs found under some paths, and the files skipped on the way (with why)."""

    runs: list[RunSpec] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _regular_files(root: Path, skipped: list[Skipped]) -> Iterator[Path]:
    """Regular files under ``root``; symlinks are followed only while they stay inside it."""
    real_root = root.resolve()

    def on_error(error: OSError) -> None:
        skipped.append(Skipped(str(error.filename), "", f"cannot enter ({error.strerror})"))

    for directory, names in _walk(root, on_error):
        for name in sorted(names):
            path = Path(directory) / name
            if _is_readable_regular(path, real_root, skipped):
                yield path


def _walk(root: Path, on_error: Callable[[OSError], None]) -> Iterator[tuple[str, list[str]]]:
    """``os.walk(root, followlinks=False)`` as (folder, names of non-folders), without
    recursion: Python 3.11's ``os.walk`` recurses once per level, and folders 1,000 deep
    raised RecursionError."""
    pending = [os.fspath(root)]
    while pending:
        directory = pending.pop()
        folders, names = [], []
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    try:
                        is_folder = entry.is_dir()
                        is_link = entry.is_symlink()
                    except OSError:
                        is_folder, is_link = False, False
                    if not is_folder:
                        names.append(entry.name)
                    elif not is_link:
                        folders.append(entry.path)
        except OSError as error:
            on_error(error)
            continue
        yield directory, names
        pending.extend(reversed(folders))


def _is_readable_regular(path: Path, real_root: Path, skipped: list[Skipped]) -> bool:
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(real_root):
            skipped.append(Skipped(str(path), "", "symbolic link leaving the root, not followed"))
            return False
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop on old Pythons
        skipped.append(Skipped(str(path), "", f"cannot stat ({error})"))
        return False
    return stat.S_ISREG(mode)


def _reader_of(path: Path) -> Reader | None:
    for reader in READERS:
        if reader.sniff(path):
            return reader
    return None


def _run_location(reader: Reader, path: Path) -> Path:
    """Where a file's run lives: the reader's ``run_directory`` if it has one, else the file."""
    run_directory: Callable[[Path], Path] | None = getattr(reader, "run_directory", None)
    return run_directory(path) if run_directory is not None else path


def _group(files: Sequence[Path], skipped: list[Skipped]) -> dict[tuple[str, Path], list[Path]]:
    """Files keyed by (format, run location)."""
    groups: dict[tuple[str, Path], list[Path]] = defaultdict(list)
    for path in files:
        reader = _reader_of(path)
        if reader is not None:
            groups[(reader.NAME, _run_location(reader, path))].append(path)
        elif keras_csv.looks_like_metrics_without_epoch(path):
            why = "a CSV of metrics without an 'epoch' column: not a Keras CSVLogger log"
            skipped.append(Skipped(str(path), "", why))
        else:
            _note_if_unreadable(path, skipped)
    _join_add_scalars_folders(groups)
    return groups


def _join_add_scalars_folders(groups: dict[tuple[str, Path], list[Path]]) -> None:
    """An event folder whose files ``add_scalars`` wrote joins the run of the folder above
    it, when that folder holds the writer's own event file; deepest folders first."""
    event_folders = sorted(
        (location for kind, location in groups if kind == tensorboard.NAME),
        key=lambda location: (-len(location.parts), str(location)),
    )
    for location in event_folders:
        above = (tensorboard.NAME, location.parent)
        files = groups[(tensorboard.NAME, location)]
        writer_files = above in groups and any(
            path.parent == location.parent for path in groups[above]
        )
        in_folder = all(path.parent == location for path in files)
        if writer_files and in_folder and add_scalars_folders.main_tag(files):
            groups[above].extend(groups.pop((tensorboard.NAME, location)))


def _note_if_unreadable(path: Path, skipped: list[Skipped]) -> None:
    """Sniffing a file it cannot open claims nothing: say so rather than pass over a log."""
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        skipped.append(Skipped(str(path), "", f"cannot read ({error.strerror or error})"))


def _specs(groups: dict[tuple[str, Path], list[Path]]) -> list[_Found]:
    """Every run found. TensorBoard logs inside another format's run directory (the Trainer's
    ``runs/``, Lightning's ``version_N/``) are that run's companions, not runs of their own."""
    owners = [
        location for (kind, location) in groups if kind != tensorboard.NAME and location.is_dir()
    ]
    found = []
    for (kind, location), files in sorted(groups.items(), key=lambda item: str(item[0][1])):
        if kind == tensorboard.NAME and any(location.is_relative_to(o) for o in owners):
            continue
        companions: tuple[Path, ...] = ()
        if kind != tensorboard.NAME and location.is_dir():
            companions = tuple(
                event
                for (other, event_dir), events in sorted(groups.items(), key=lambda i: str(i[0][1]))
                if other == tensorboard.NAME and event_dir.is_relative_to(location)
                for event in sorted(events)
            )
        order = getattr(BY_NAME[kind], "file_order", None)
        ordered = tuple(sorted(files, key=order) if order else sorted(files))
        found.append(_Found(location, kind, ordered, companions))
    return found


def _relative_name(location: Path, root: Path) -> str:
    """The path relative to the root given; the root itself is named after its folder."""
    base = root if root.is_dir() else root.parent
    relative = location.relative_to(base).as_posix() if location != base else "."
    return relative if relative != "." else (base.resolve().name or "run")


def _names(found: list[_Found], root: Path) -> list[str]:
    """Relative paths; a log file alone in its folder is named after the folder."""
    names = [_relative_name(item.location, root) for item in found]
    folders = [
        _relative_name(item.location.parent, root) if item.location.is_file() else None
        for item in found
    ]
    taken = {name for name, item in zip(names, found, strict=True) if item.location.is_dir()}
    per_folder = Counter(folder for folder in folders if folder is not None)
    return [
        folder
        if folder is not None
        and per_folder[folder] == 1
        and folder not in taken
        and item.location.parent != (root if root.is_dir() else root.parent)
        else name
        for name, folder, item in zip(names, folders, found, strict=True)
    ]


def discover(paths: Sequence[Path]) -> Discovery:
    """Find every run under ``paths`` (directories or files), in a stable order."""
    discovery = Discovery()
    for root in paths:
        if not root.exists():
            discovery.skipped.append(Skipped(str(root), "", "no such file or directory"))
            continue
        if not root.is_dir() and not root.is_file():  # is_file: a regular file, links followed
            why = "not a regular file (a FIFO, socket or device): not opened"
            discovery.skipped.append(Skipped(str(root), "", why))
            continue
        files = list(_regular_files(root, discovery.skipped)) if root.is_dir() else [root]
        found = _specs(_group(files, discovery.skipped))
        if root.is_file() and not found:
            why = f"not a training log curvelint can read ({formats_read()})"
            discovery.skipped.append(Skipped(str(root), "", why))
        prefix = root.name + "/" if len(paths) > 1 and root.is_dir() else ""
        for item, name in zip(found, _names(found, root), strict=True):
            spec = RunSpec(prefix + name, item.format, item.location, item.files, item.companions)
            discovery.runs.extend(_runs_inside(spec, discovery.skipped))
    _make_names_unique(discovery.runs)
    return discovery


def _runs_inside(spec: RunSpec, skipped: list[Skipped]) -> list[RunSpec]:
    """A file that holds many runs (an MLflow database) is one spec per run, named
    ``<file's name>/<experiment>/<run>``; one that cannot be listed stays one spec, whose read
    then fails with the reason."""
    list_runs: Callable[[Path], list[Any]] | None = getattr(
        BY_NAME[spec.format], "runs_inside", None
    )
    if list_runs is None:
        return [spec]
    try:
        inside = list_runs(spec.files[0])
    except CurvelintError:
        return [spec]
    if not inside:
        skipped.append(Skipped(str(spec.root), "", "an MLflow database with no runs"))
        return []
    # A write-ahead log beside the database holds its newest pages: part of its fingerprint.
    wal = spec.files[0].with_name(spec.files[0].name + "-wal")
    files = (*spec.files, wal) if wal.is_file() else spec.files
    return [
        replace(spec, name=f"{spec.name}/{run.label}", files=files, part=run.run_id)
        for run in inside
    ]


def _make_names_unique(runs: list[RunSpec]) -> None:
    seen: dict[str, int] = {}
    for index, spec in enumerate(runs):
        count = seen.get(spec.name, 0)
        seen[spec.name] = count + 1
        if count:
            runs[index] = replace(spec, name=f"{spec.name}~{count + 1}")
