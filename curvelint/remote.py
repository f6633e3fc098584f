"""Logs behind a URL (``s3://``, ``gs://``, any fsspec protocol), copied into a local folder.

Discovery and every reader work on local files; a URL is listed through :mod:`fsspec` (an
optional extra, with the protocol's own package such as ``s3fs``) and its files copied into a
temporary folder named like the URL's last component, keeping their relative paths, so runs are
named relative to the URL exactly as they would be locally. Object keys are untrusted names:
``..``, empty and over-long components are refused and control characters replaced, and nothing
is ever written outside the folder. Afterwards :func:`relabel` puts the URL back into every
path a report shows, and the copies are removed. Credentials and endpoints come from the
protocol's usual configuration (for S3: ``AWS_*`` variables, ``~/.aws``).
"""

from __future__ import annotations

import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from curvelint.errors import CurvelintError, UnreadableError
from curvelint.readers.base import Skipped
from curvelint.shown_paths import shown_path

if TYPE_CHECKING:
    from curvelint.run_model import ReadReport, Run

INSTALL_HINT = "pip install 'curvelint[remote]'"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")
_MAX_NAME_BYTES = 255
_COPY_CHUNK = 1024 * 1024
_SQLITE_HEADER = b"SQLite format 3\x00"


def is_url(path: str | Path) -> bool:
    """``scheme://…`` given as a string (a :class:`~pathlib.Path` has lost its ``//``)."""
    return isinstance(path, str) and _URL.match(path) is not None


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _filesystem(url: str, storage_options: Mapping[str, Any] | None) -> tuple[Any, str]:
    """The fsspec filesystem for ``url`` and the path inside it."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise UnreadableError(f"{url}: reading URLs needs fsspec: {INSTALL_HINT}") from None
    try:
        filesystem, root = url_to_fs(url, **dict(storage_options or {}))
    except ImportError as error:  # the protocol's package (s3fs, gcsfs…) is missing
        raise UnreadableError(f"{url}: {_one_line(error)} ({INSTALL_HINT})") from None
    except ValueError as error:  # an unknown protocol
        raise UnreadableError(f"{url}: {_one_line(error)}") from None
    return filesystem, str(root).rstrip("/")


def _listing(filesystem: Any, root: str, url: str) -> list[str]:
    """Every file under ``root`` (or ``root`` itself when it is a file), sorted."""
    try:
        if filesystem.isfile(root):
            return [root]
        found = filesystem.find(root, detail=True)
    # Each backend raises its own errors (botocore, google-auth, aiohttp…): report, not crash.
    except Exception as error:
        raise UnreadableError(f"{url}: cannot list ({_one_line(error)})") from None
    return sorted(path for path, info in found.items() if info.get("type") == "file")


def clean_name(name: str) -> str | None:
    """A safe file-name component, or None for one that must not be written (``..``, empty,
    too long); control characters and backslashes become ``_``."""
    if name in {"", ".", ".."}:
        return None
    cleaned = _UNSAFE_CHARACTERS.sub("_", name)
    if len(cleaned.encode("utf-8", errors="replace")) > _MAX_NAME_BYTES:
        return None
    return cleaned


def _relative_parts(path: str, root: str) -> list[str] | None:
    """The components of ``path`` below ``root``, cleaned; None when any is unsafe."""
    if not path.startswith(root + "/"):
        return None
    parts = [clean_name(part) for part in path[len(root) + 1 :].split("/")]
    return None if any(part is None for part in parts) else [p for p in parts if p]


def _copy(filesystem: Any, source: str, target: Path, head_bytes: int | None = None) -> None:
    """Copy ``source`` to ``target``; with ``head_bytes``, only its start (enough to tell its
    format), except for a SQLite database, which is only readable whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with filesystem.open(source, "rb") as remote_file, target.open("xb") as local_file:
        if head_bytes is not None:
            head = remote_file.read(head_bytes)
            local_file.write(head)
            if not head.startswith(_SQLITE_HEADER):
                return
        shutil.copyfileobj(remote_file, local_file, _COPY_CHUNK)


def _target(base: Path, parts: list[str]) -> Path | None:
    target = base.joinpath(*parts)
    return target if target.resolve().is_relative_to(base.resolve()) else None


def _base_name(root: str) -> str:
    return clean_name(posixpath.basename(root)) or "remote"


def fetch_to_local(
    url: str,
    destination: Path | None = None,
    *,
    storage_options: Mapping[str, Any] | None = None,
    skipped: list[Skipped] | None = None,
    head_bytes: int | None = None,
) -> Path:
    """Copy every file under ``url`` into ``destination/<last component of url>`` and return
    that path (a folder, or a file when the URL is one). Without ``destination`` a new
    temporary folder is made: the caller removes it. Files that cannot be copied are added to
    ``skipped``; with ``head_bytes`` only the start of each file is copied. Raises
    :class:`UnreadableError` when the URL cannot be listed at all."""
    filesystem, root = _filesystem(url, storage_options)
    files = _listing(filesystem, root, url)
    if not files:
        raise UnreadableError(f"{url}: no such file or directory (nothing listed under it)")
    folder = destination or Path(tempfile.mkdtemp(prefix="curvelint-remote-"))
    local_root = folder / _base_name(root)
    problems = skipped if skipped is not None else []
    if files == [root]:
        _copy_one(filesystem, root, local_root, url, problems, head_bytes)
        return local_root
    local_root.mkdir(parents=True, exist_ok=True)
    for path in files:
        parts = _relative_parts(path, root)
        target = _target(local_root, parts) if parts else None
        shown = f"{url.rstrip('/')}/{path[len(root) + 1 :]}"
        if target is None:
            problems.append(Skipped(shown, "", "unsafe object name (.., empty or too long)"))
            continue
        _copy_one(filesystem, path, target, shown, problems, head_bytes)
    return local_root


def _copy_one(
    filesystem: Any,
    source: str,
    target: Path,
    shown: str,
    problems: list[Skipped],
    head_bytes: int | None = None,
) -> None:
    try:
        _copy(filesystem, source, target, head_bytes)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        problems.append(Skipped(shown, "", "clashes with another object's name: not copied"))
    except Exception as error:  # backend-specific download errors (botocore, aiohttp…)
        problems.append(Skipped(shown, "", f"cannot download ({_one_line(error)})"))


@dataclass
class LocalPaths:
    """Local stand-ins for some paths and URLs, and how to show a local path as the user gave
    it. ``urls`` maps each local copy to its URL and each absolute path given to its
    :func:`~curvelint.shown_paths.shown_path` (what reports show instead)."""

    paths: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def copied(self) -> bool:
        """True when some paths are temporary copies of URLs (new every time: not cached)."""
        return any(is_url(shown) for shown in self.urls.values())

    def original(self, text: str) -> str:
        """``text`` with every local copy's path replaced by the URL it came from, and every
        absolute path given by its shown form (the longest first: one may hold another)."""
        for local in sorted(self.urls, key=len, reverse=True):
            text = text.replace(local, self.urls[local])
        return text


@contextmanager
def local_paths(
    paths: Sequence[str | Path], *, head_bytes: int | None = None
) -> Iterator[LocalPaths]:
    """Local paths for ``paths``: local ones as given, URLs copied into temporary folders
    that are removed on exit (only each file's start with ``head_bytes``: enough to discover
    the runs, see :mod:`curvelint.remote_runs`). A URL that cannot be read becomes a skipped
    entry."""
    located = LocalPaths()
    temporary: list[Path] = []
    try:
        for path in paths:
            if not is_url(path):
                local = Path(path)
                located.paths.append(local)
                if local.is_absolute():
                    located.urls[str(local)] = shown_path(local)
                continue
            url = str(path)
            folder = Path(tempfile.mkdtemp(prefix="curvelint-remote-"))
            temporary.append(folder)
            try:
                local = fetch_to_local(url, folder, skipped=located.skipped, head_bytes=head_bytes)
            except CurvelintError as error:
                located.skipped.append(Skipped(url, "", str(error).removeprefix(f"{url}: ")))
                continue
            located.paths.append(local)
            located.urls[str(local)] = url.rstrip("/")
        yield located
    finally:
        for folder in temporary:
            shutil.rmtree(folder, ignore_errors=True)


def _relabel_skipped(items: list[Skipped], located: LocalPaths) -> list[Skipped]:
    return [replace(item, path=located.original(item.path)) for item in items]


def relabel(report: ReadReport, located: LocalPaths) -> ReadReport:
    """The report with URLs instead of local copies in every path it shows (frame sources,
    files, skipped entries, notes, errors); run names are relative already."""
    if not located.urls:
        return report
    report.skipped = _relabel_skipped(report.skipped, located)
    for run in report.runs:
        relabel_run(run, located)
    for failed in report.failed:
        failed.error = located.original(failed.error)
    return report


def relabel_run(run: Run, located: LocalPaths) -> Run:
    """The run (changed in place) with URLs instead of local copies in its files, skipped
    entries, notes and frame sources."""
    if not located.urls:
        return run
    run.files = tuple(located.original(name) for name in run.files)
    run.skipped = _relabel_skipped(run.skipped, located)
    run.notes = [located.original(note) for note in run.notes]
    sources = run.frame["source"].cat
    run.frame["source"] = pd.Categorical.from_codes(
        sources.codes.to_numpy(),
        categories=pd.Index([located.original(str(c)) for c in sources.categories]),
    )
    return run
