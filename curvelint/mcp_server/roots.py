"""The folders and URLs an MCP client may read; every path a tool receives is checked here.

A client's arguments are untrusted. A local path is made absolute (a relative one is taken
from the first local root), ``..`` and symbolic links are resolved, and the result must lie
inside a root, itself resolved. A URL is accepted only below a URL root and never with a ``..``
segment. Runs are then discovered below the resolved path, and discovery never follows a
symbolic link out of the folder it walks (:mod:`curvelint.discover`), so nothing outside the
roots is read. An outside path is refused before its existence is checked, so a client cannot
probe the rest of the file system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from curvelint.errors import CurvelintError
from curvelint.remote import is_url
from curvelint.report.escape import clean_text, shorten

SHOWN_PATH_LIMIT = 300


class OutsideRootsError(CurvelintError):
    """A path given to the MCP server lies outside the roots it was started with."""


def shown(path: str) -> str:
    """A path as error messages show it: one printable line of bounded length."""
    return shorten(clean_text(path), SHOWN_PATH_LIMIT)


def _has_parent_segment(url: str) -> bool:
    rest = url.split("://", 1)[1]
    return any(part in ("..", ".") for part in unquote(rest).replace("\\", "/").split("/"))


def _resolve_root(argument: str) -> Path:
    try:
        root = Path(argument).expanduser().resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise CurvelintError(
            f"{shown(argument)}: no such file or folder; give folders of training logs to serve"
        ) from None
    return root


@dataclass(frozen=True)
class Roots:
    """Resolved local roots and URL roots (without a trailing slash)."""

    local: tuple[Path, ...]
    urls: tuple[str, ...] = ()

    @classmethod
    def from_arguments(cls, arguments: Sequence[str]) -> Roots:
        """The roots given on the command line; raise :class:`CurvelintError` for a missing
        folder or a URL with ``..`` in it."""
        if not arguments:
            raise CurvelintError("give at least one folder of training logs to serve")
        local: list[Path] = []
        urls: list[str] = []
        for argument in arguments:
            if is_url(argument):
                if _has_parent_segment(argument):
                    raise CurvelintError(f"{shown(argument)}: a root URL cannot contain '..'")
                urls.append(argument.rstrip("/"))
            else:
                local.append(_resolve_root(argument))
        return cls(tuple(local), tuple(urls))

    def describe(self) -> str:
        """The roots as one line, for the server's instructions and error messages."""
        return ", ".join([shown(str(root)) for root in self.local] + [shown(u) for u in self.urls])

    def confine(self, path: str) -> str:
        """``path`` resolved, as the string to analyse; raise :class:`OutsideRootsError` when it
        lies outside every root and :class:`CurvelintError` when it does not exist."""
        if not path.strip():
            raise CurvelintError("the path is empty: give a file or folder inside the roots")
        if is_url(path):
            return self._confine_url(path)
        try:
            given = Path(path).expanduser()
            if not given.is_absolute():
                if not self.local:
                    raise self._outside(path)
                given = self.local[0] / given
            resolved = given.resolve()
        except (OSError, RuntimeError, ValueError):
            raise CurvelintError(f"{shown(path)}: not a usable path") from None
        if not any(resolved.is_relative_to(root) for root in self.local):
            raise self._outside(path)
        if not resolved.exists():
            raise CurvelintError(f"{shown(path)}: no such file or folder inside the roots")
        return str(resolved)

    def _confine_url(self, url: str) -> str:
        if _has_parent_segment(url):
            raise self._outside(url)
        for root in self.urls:
            if url.rstrip("/") == root or url.startswith(root + "/"):
                return url
        raise self._outside(url)

    def _outside(self, path: str) -> OutsideRootsError:
        return OutsideRootsError(
            f"{shown(path)} is outside the roots this server may read ({self.describe()})"
        )
