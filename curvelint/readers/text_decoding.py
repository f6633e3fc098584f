"""Bytes of a delimited text log to one ``str``, the way every CSV reader needs them.

UTF-8 (a byte-order mark dropped), else Latin-1, which decodes any byte: a log with one stray
byte in a comment is still read. A line ending of ``\\r\\r\\n`` is one line break, not two: a
CSV row's ``\\r\\n`` written through a text-mode file on Windows (the pitfall the ``csv``
module's documentation warns of) gets a second ``\\r``, and read as it is, every row would be
followed by an empty line — the first row after the header would look empty, and row numbers
(a Keras History table's epochs) would double.
"""

from __future__ import annotations

DOUBLED_CR = "\r\r\n"


def decode_text(raw: bytes) -> str:
    """The text of a delimited log, with Windows' doubled carriage returns undone."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace(DOUBLED_CR, "\n") if DOUBLED_CR in text else text
