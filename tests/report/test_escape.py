"""Hostile text from logs renders as text: checked by rendering the markdown to HTML."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from curvelint.report.escape import (
    clean_text,
    markdown_text,
    matplotlib_text,
    shown_text,
    terminal_text,
    workflow_data,
    workflow_property,
)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "../../etc/passwd",
    "a|b|c",
    "line one\nline two\r\n| injected | row |",
    "`code` and ``more``",
    "**bold** _it_ ~~strike~~ $x^2$ @someone #12",
    "<script>alert('x')</script>&amp;",
    "# heading",
    "- list item",
    "1. ordered",
    "> quote",
    "<https://autolink.example>",
    "\x1b[31mred\x1b[0m \u202eevil",
]


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def _paragraph_text(html: str) -> str:
    """The text of a single ``<p>`` with entities decoded."""
    import html as html_module

    match = re.fullmatch(r"<p>(.*)</p>\n", html, flags=re.DOTALL)
    assert match is not None, html
    return html_module.unescape(match.group(1))


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_as_the_same_characters_in_one_paragraph(text: str) -> None:
    html = _render(markdown_text(text))
    assert _paragraph_text(html) == clean_text(text)
    assert "<img" not in html and "<a " not in html and "<script" not in html
    assert "<em>" not in html and "<strong>" not in html and "<code>" not in html


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_keeps_a_table_row_to_its_cells(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {markdown_text(text)} | after |\n"
    html = _render(table)
    assert html.count("<tr>") == 2
    assert html.count("<td>") == 2
    assert "<td>after</td>" in html


def test_newlines_and_control_characters_become_one_printable_line() -> None:
    assert clean_text("a\nb\r\nc\td") == "a b c d"
    assert clean_text("\x1b[31mred") == "\ufffd[31mred"
    assert clean_text("left\u202eright") == "left\ufffdright"


def test_markdown_text_shortens_long_text_with_an_ellipsis() -> None:
    assert markdown_text("x" * 500, limit=10) == "x" * 9 + "…"


def test_matplotlib_text_escapes_dollars_so_no_mathtext_is_parsed() -> None:
    assert matplotlib_text("cost $1 to $2") == r"cost \$1 to \$2"


def test_workflow_commands_cannot_be_forged_by_a_newline() -> None:
    message = workflow_data("bad\n::error::forged 100%")
    assert "\n" not in message and "%25" in message
    assert workflow_property("a:b,c") == "a%3Ab%2Cc"


AUTOLINKED = [
    "https://evil.example/login",
    "HTTP://evil.example",
    "www.evil.example",
    "see www.evil.example/login now",
    "ftp://evil.example/file",
    "user@evil.example",
    "mailto:user@evil.example",
    "xmpp:user@evil.example/x",
]


@pytest.mark.parametrize("text", AUTOLINKED)
def test_markdown_text_keeps_urls_from_becoming_links_as_github_renders_them(text: str) -> None:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    assert "<a " in cmarkgfm.github_flavored_markdown_to_html(text)  # linked when left as is
    html = cmarkgfm.github_flavored_markdown_to_html(markdown_text(text))
    assert "<a " not in html, html
    shown = _paragraph_text(html).replace("\u200b", "")
    assert shown == text  # the same characters, only a zero-width space before an "@"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("::error title=x::y", "\\::error title=x::y"),
        ("##[error]x", "\\##[error]x"),
        ("a\n::error::b", "a ::error::b"),
        ("ok::fine", "ok::fine"),
        ("run-\udcff", "run-\\xff"),
    ],
)
def test_terminal_text_starts_no_workflow_command_and_shows_bytes_escaped(
    text: str, shown: str
) -> None:
    assert terminal_text(text) == shown


def test_bytes_that_are_not_utf8_are_shown_escaped_everywhere() -> None:
    name = b"run-\xff\xfe".decode("utf-8", "surrogateescape")
    assert shown_text(name) == "run-\\xff\\xfe"
    assert clean_text(name) == "run-\\xff\\xfe"
    for text in (markdown_text(name), workflow_data(name), matplotlib_text(name)):
        text.encode("utf-8")  # does not raise
