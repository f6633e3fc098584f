"""Remote logs on a cluster: the client sees only the start of each file, each worker fetches
the files of the runs it is given.

Discovery needs a file's name and first bytes (the readers' ``sniff``), never the whole file,
so the client mirrors each URL with the first :data:`HEAD_BYTES` of every object (SQLite
databases whole: MLflow's runs are listed from inside). The runs found there name files of the
mirror; :func:`fetched_run` on a worker downloads exactly those files from the URL into a
temporary folder of its own, with the same relative paths, so the run reads as it would from a
full local copy, and the reports name the URL, never a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath

from curvelint import remote
from curvelint.discover import RunSpec
from curvelint.errors import UnreadableError

HEAD_BYTES = 64 * 1024  # more than any reader's sniff looks at


@contextmanager
def head_mirror(paths: Sequence[str | Path]) -> Iterator[remote.LocalPaths]:
    """:func:`curvelint.remote.local_paths` holding only the start of each remote file."""
    with remote.local_paths(paths, head_bytes=HEAD_BYTES) as located:
        yield located


def on_workers(spec: RunSpec) -> tuple[RunSpec, dict[str, str]]:
    """The run with absolute paths (a worker's working folder is not this process's), and how
    to show them as given: a shared file system must hold them at the same place."""
    shown: dict[str, str] = {}

    def absolute(path: Path) -> Path:
        if path.is_absolute():
            return path
        resolved = Path(os.path.abspath(path))
        shown[str(resolved)] = str(path)
        return resolved

    moved = replace(
        spec,
        root=absolute(spec.root),
        files=tuple(map(absolute, spec.files)),
        companions=tuple(map(absolute, spec.companions)),
    )
    return moved, shown


def _root_of(path: Path, urls: Mapping[str, str]) -> str | None:
    text = str(path)
    return next((root for root in urls if text == root or text.startswith(root + "/")), None)


@contextmanager
def fetched_run(
    spec: RunSpec, urls: Mapping[str, str]
) -> Iterator[tuple[RunSpec, remote.LocalPaths]]:
    """The run with its remote files downloaded here, and how to show its paths as given.

    ``urls`` maps each mirror root to its URL (and absolute paths to how they were given, see
    :func:`on_workers`); a run under no URL is local and comes back as it is. Raises
    :class:`UnreadableError` (naming the URL) when a file cannot be downloaded. The downloads
    are removed on exit.
    """
    files = (*spec.files, *spec.companions)
    remote_roots = {root: url for root, url in urls.items() if remote.is_url(url)}
    shown = {root: text for root, text in urls.items() if root not in remote_roots}
    root = _root_of(spec.root, remote_roots) or next(
        (found for path in files if (found := _root_of(path, remote_roots))), None
    )
    if root is None:
        yield spec, remote.LocalPaths(urls=shown)
        return
    url = urls[root]
    folder = Path(tempfile.mkdtemp(prefix="curvelint-remote-"))
    local_root = folder / Path(root).name

    def moved(path: Path) -> Path:
        if _root_of(path, {root: url}) is None:
            return path
        return local_root.joinpath(*Path(path).relative_to(root).parts)

    try:
        filesystem, _ = remote._filesystem(url, None)
        for path in files:
            relative = PurePosixPath(*Path(path).relative_to(root).parts).as_posix()
            source = f"{url}/{relative}" if relative != "." else url
            try:
                remote._copy(filesystem, source, moved(path))
            except Exception as error:  # backend-specific download errors (botocore, aiohttp…)
                raise UnreadableError(
                    f"{source}: cannot download ({remote._one_line(error)})"
                ) from None
        local = replace(
            spec,
            root=moved(spec.root),
            files=tuple(map(moved, spec.files)),
            companions=tuple(map(moved, spec.companions)),
        )
        yield local, remote.LocalPaths(urls={**shown, str(local_root): url})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
