"""The last line of a text log that has no line end: possibly cut mid-write.

Every line-oriented writer (Keras' and Lightning's ``CSVLogger``, MLflow's file store, JSON
Lines loggers) ends each line with a line break, so a last line without one was read while
being written or cut by a crash: ``29,3.7e-05,4.1`` may be ``4.1e-05`` half written. Such a
line is not read as data unless its format proves it whole (a JSON object that parses); the
reader reports it as :class:`~curvelint.readers.base.Skipped` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from curvelint.readers.base import Skipped

TORN_WHY = "last line has no line end: possibly cut mid-write"
# The characters str.splitlines() ends a line at.
LINE_ENDS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class TornTail:
    """A text split before its unterminated last line: ``head`` keeps its line ends,
    ``line`` is the unterminated last line and ``number`` its 1-based line number."""

    head: str
    line: str
    number: int


def torn_tail(text: str) -> TornTail | None:
    """The unterminated last line of ``text``, or ``None`` when the text ends with a line end
    (or its last line is blank: nothing to lose)."""
    if not text or text[-1] in LINE_ENDS:
        return None
    cut = max(text.rfind("\n"), text.rfind("\r")) + 1
    line = text[cut:]
    if not line.strip():
        return None
    head = text[:cut]
    return TornTail(head, line, _line_count(head) + 1)


def _line_count(text: str) -> int:
    """How many lines ``text`` (ending with a line end) holds, without splitting it."""
    newlines = text.count("\n")
    return newlines + text.count("\r") - text.count("\r\n")


def without_torn_last_line(
    text: str,
    path: Path,
    skipped: list[Skipped],
    *,
    header: bool = False,
    whole: Callable[[str], bool] | None = None,
) -> str:
    """``text`` without an unterminated last line, which is reported in ``skipped`` — unless
    ``whole`` proves it complete, or it is the only line of a file with a ``header`` (a lone
    header holds no point, and the reader's error then names the real problem)."""
    torn = torn_tail(text)
    if torn is None or (header and not torn.head.strip()):
        return text
    if whole is not None and whole(torn.line):
        return text
    skipped.append(Skipped(str(path), f"line {torn.number}", TORN_WHY))
    return torn.head
