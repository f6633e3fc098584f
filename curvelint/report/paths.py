"""Run names → folder names under ``--out`` that are safe, distinct and still recognisable.

A run name is a path relative to the folder the user gave (``trainer_state/neiro``), but it is
also log data: it may hold ``..``, separators, control characters, HTML, names reserved by
Windows, or differ from another name only in case or Unicode normalisation (one folder on
macOS and Windows). Each name becomes an ASCII slug; a short hash of the original name is
appended whenever the slug is not a faithful spelling of it or two slugs could share a folder.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from urllib.parse import quote

SLUG_LIMIT = 64
HASH_LENGTH = 8
SEPARATOR = "__"  # stands for "/" so that nested run names stay readable
RESERVED_FILES = frozenset(
    {
        "index.md",
        "index-full.md",
        "summary.json",
        "errors.log",
        ".curvelint-manifest.json",
        ".curvelint-lock",
    }
)
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES = "._-"


def name_hash(name: str) -> str:
    """The first hex digits of the SHA-256 of ``name`` (as given, not normalised)."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LENGTH]


def _slug(name: str) -> str:
    normal = unicodedata.normalize("NFKC", name)
    joined = re.sub(r"[/\\]+", SEPARATOR, normal)
    slug = _UNSAFE.sub("-", joined).strip(_EDGES)
    return slug[:SLUG_LIMIT].rstrip(_EDGES) or "run"


def _is_faithful(name: str, slug: str) -> bool:
    """True when the slug is the name itself, with only ``/`` spelled ``__``."""
    return slug == name.replace("/", SEPARATOR) and slug.split(".")[0].lower() not in (
        _WINDOWS_DEVICES
    )


def _fold(folder: str) -> str:
    return unicodedata.normalize("NFKC", folder).casefold()


def folder_names(names: Iterable[str]) -> dict[str, str]:
    """A distinct, safe folder name for every run name (same input, same output, any order).

    Folders never start with a dot, never contain a separator, never equal a file the report
    writes at the top level, and are distinct even where the file system ignores case.
    """
    unique = sorted(set(names))
    slugs = {name: _slug(name) for name in unique}
    folds = Counter(_fold(slug) for slug in slugs.values())
    folders: dict[str, str] = {}
    hashed = []
    for name in unique:
        slug = slugs[name]
        clash = folds[_fold(slug)] > 1 or _fold(slug) in RESERVED_FILES
        if clash or not _is_faithful(name, slug):
            hashed.append(name)
        else:
            folders[name] = slug
    taken = {_fold(folder) for folder in folders.values()}
    for name in hashed:  # a faithful name keeps its folder whatever other runs are named
        folder, salt = f"{slugs[name]}-{name_hash(name)}", 0
        while _fold(folder) in taken:  # ``a:b`` beside a run named ``a-b-<hash of a:b>``
            salt += 1
            folder = f"{slugs[name]}-{name_hash(f'{name}#{salt}')}"
        taken.add(_fold(folder))
        folders[name] = folder
    return folders


def link_target(*parts: str) -> str:
    """A relative markdown link target to a file the report wrote (percent-encoded)."""
    return "/".join(quote(part, safe="-._~") for part in parts)
