"""Running ``curvelint analyze`` as a real process, and reading what it wrote."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.robustness.helpers import TALLY, timed

MANIFEST = ".curvelint-manifest.json"


def analyze(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    with timed("cli: analyze (hostile)", " ".join(arguments)[:120]):
        completed = subprocess.run(
            [sys.executable, "-m", "curvelint", "analyze", *arguments],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, "CI": "true", "COLUMNS": "200", **(env or {})},
        )
    if "Traceback" in completed.stdout + completed.stderr:
        TALLY.crashes += 1
    return completed


def snapshot(root: Path, *, skip: Path | None = None) -> dict[str, str]:
    """sha256 of every file, link and folder under ``root`` (links by target), ``skip`` left out."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        relative = str(path.relative_to(root))
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[relative] = "folder"
        else:
            found[relative] = "special"
    return found


def written_files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def manifest_files(out: Path) -> set[str]:
    document = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return set(document["files"])


class ElementCollector(HTMLParser):
    """Every element and attribute of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def render_markdown(text: str) -> str:
    """GitHub-like rendering (CommonMark with tables, strikethrough and raw HTML allowed, as
    GitHub lets through before sanitising): what a PR comment would show."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True, "linkify": False})
    html: str = parser.enable(["table", "strikethrough"]).render(text)
    return html


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements
