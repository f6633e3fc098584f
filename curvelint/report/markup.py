"""How markdown and HTML each write the pieces of a report: text from a log (escaped), a
verdict, a link and a table. A section built from a :class:`Markup` is built once and rendered
in either format (the seed groups' index section and pages), so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Protocol

from curvelint.report.escape import markdown_text
from curvelint.report.html import html_table, html_text, verdict_html
from curvelint.report.markdown import table, verdict_label
from curvelint.report.paths import link_target


class Escape(Protocol):
    """Text from anywhere (a log included) as inert markup, shortened to ``limit``."""

    def __call__(self, text: str, limit: int | None = None) -> str: ...


class Markup(NamedTuple):
    """One output format's way of writing each piece."""

    text: Escape
    verdict: Callable[[str], str]
    link: Callable[[str, str], str]  # (label, already escaped; a relative path) → a link
    table: Callable[[Sequence[str], Iterable[Sequence[str]]], list[str]]
    suffix: str  # of the pages this format writes and links to: report.md or report.html


def _markdown_link(label: str, path: str) -> str:
    return f"[{label}]({link_target(*path.split('/'))})"


def _html_link(label: str, path: str) -> str:
    return f'<a href="{html_text(link_target(*path.split("/")))}">{label}</a>'


def _html_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return html_table(header, rows)


MARKDOWN = Markup(markdown_text, verdict_label, _markdown_link, table, ".md")
HTML = Markup(html_text, verdict_html, _html_link, _html_table, ".html")


def page_path(path: str, markup: Markup) -> str:
    """A page written in markdown (``seed-groups/a.md``) as ``markup`` writes it."""
    return path.removesuffix(".md") + markup.suffix
