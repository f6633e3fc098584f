"""Make text that came from a log (run names, tags, paths, messages) inert wherever it lands.

Log data is untrusted: a tag named ``<img src=x onerror=alert(1)>`` or ``[x](javascript:…)``
must show as those characters in a PR comment, a terminal, a plot title and a workflow log,
never as HTML, a link, a table break, mathematics, a mention or a terminal escape sequence.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Always escaped: each can start markup anywhere in a line (emphasis, links, images, tables,
# code spans, strikethrough, GitHub maths, mentions, issue references, HTML entities).
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}()#!|~$@])")
# Escaped only where a block could start (a list item, a heading, a thematic break).
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([+\-=.])")
_WHITESPACE = re.compile(r"\s+")
# What GitHub's autolink extension turns into a link in plain text: a URL scheme it knows
# (``https://evil.example``), ``www.``, and an e-mail address. A backslash before the ``:`` or
# the ``.`` stops the first two; an address is linked even with ``\@``, so a zero-width
# space (an entity, visible in the source) goes before its ``@``.
_AUTOLINK_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp)(:)")
_AUTOLINK_WWW = re.compile(r"(?i)\b(www)(\.)")
_AUTOLINK_EMAIL = re.compile(r"(?<=[A-Za-z0-9.+_-])(\\@)(?=[A-Za-z0-9])")


_SURROGATE = re.compile("[\ud800-\udfff]")
# What GitHub's runner reads as a workflow command at the start of a line (``::error …::``,
# the older ``##[error]``), after any leading whitespace.
_WORKFLOW_COMMAND = re.compile(r"^(\s*)(::|##\[)")


def _escaped_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def shown_text(text: str) -> str:
    """``text`` as valid Unicode: bytes of a file name that are not UTF-8 (which Python keeps
    as lone surrogates, ``run-\\udcff``) are shown as ``\\xff``, so no output fails to encode."""
    return _SURROGATE.sub(_escaped_surrogate, str(text))


def clean_text(text: str) -> str:
    """One line of printable text: line breaks and tabs become spaces, other control and
    format characters (terminal escapes, bidirectional overrides) become U+FFFD, and bytes
    that are not UTF-8 are shown as ``\\xff``."""
    characters = []
    for character in shown_text(text):
        if character in "\r\n\t\v\f\x1c\x1d\x1e\x85\u2028\u2029":
            characters.append(" ")
        elif unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            characters.append("\ufffd")
        else:
            characters.append(character)
    return _WHITESPACE.sub(" ", "".join(characters)).strip()


def terminal_text(text: str) -> str:
    """One line for stdout or stderr: :func:`clean_text`, and a leading ``::`` or ``##[``
    (which a CI runner would execute as a workflow command) shown behind a backslash."""
    return _WORKFLOW_COMMAND.sub(r"\1\\\2", clean_text(text), count=1)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, so long names keep tables narrow."""
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def markdown_text(text: str, limit: int | None = None) -> str:
    """Inline GitHub-flavoured markdown that displays ``text`` literally, on one line.

    Safe in paragraphs, headings, list items and table cells: HTML is entity-escaped, markdown
    punctuation backslash-escaped, newlines become spaces, and bare URLs, ``www.`` and e-mail
    addresses are kept from becoming links (as GitHub's cmark-gfm renders them).
    """
    line = clean_text(text)
    if limit is not None:
        line = shorten(line, limit)
    line = html.escape(line, quote=False)
    line = _INLINE_SPECIALS.sub(r"\\\1", line)
    line = _AUTOLINK_SCHEME.sub(r"\1\\\2", line)
    line = _AUTOLINK_WWW.sub(r"\1\\\2", line)
    line = _AUTOLINK_EMAIL.sub(r"&#8203;\1", line)
    return _BLOCK_START.sub(lambda match: f"{match.group(1)}\\{match.group(2)}", line, count=1)


def matplotlib_text(text: str, limit: int | None = None) -> str:
    """Text for a plot title or label: a ``$`` would otherwise start mathtext."""
    line = clean_text(text)
    if limit is not None:
        line = shorten(line, limit)
    return line.replace("$", r"\$")


def workflow_data(text: str) -> str:
    """The message part of a GitHub Actions ``::error::`` command (``%``, CR, LF encoded)."""
    return clean_text(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a GitHub Actions command (also ``:`` and ``,`` encoded)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")
