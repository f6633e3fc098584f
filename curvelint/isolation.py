"""One run's bug never stops the others: any exception becomes that run's one-line reason.

A :class:`~curvelint.errors.CurvelintError` is a bad log and already becomes an
``unreadable`` row. Any other exception while one run is read, analysed or rendered is a bug
in curvelint (or a log it does not yet survive): the run gets the row ``failed: <what>``
naming its file, every other run completes, and the traceback is kept, not turned into a
message: analyze writes it to ``errors.log`` in the output folder, and with
``CURVELINT_DEBUG=1`` both commands print it on stderr.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from curvelint.report.escape import clean_text, shown_text

ERRORS_LOG = "errors.log"
DEBUG_VARIABLE = "CURVELINT_DEBUG"
_REASON_LIMIT = 200


@dataclass(frozen=True)
class Failure:
    """A run that failed on an unexpected exception: its name, the one-line reason shown in
    its row, and the traceback (for errors.log and ``CURVELINT_DEBUG``)."""

    name: str
    reason: str
    traceback: str


def failure(name: str, where: object, error: BaseException) -> Failure:
    """The failure of run ``name`` (its files at ``where``) on ``error``."""
    detail = clean_text(str(error)) or "no message"
    if len(detail) > _REASON_LIMIT:
        detail = detail[: _REASON_LIMIT - 1] + "…"
    reason = f"failed: {type(error).__name__}: {detail} ({clean_text(str(where))})"
    text = "".join(traceback.format_exception(error))
    return Failure(shown_text(name), reason, shown_text(text))


def errors_log(failures: list[Failure]) -> str:
    """The text of errors.log: each failed run's name and traceback."""
    parts = [f"== {item.name}: {item.reason}\n{item.traceback}" for item in failures]
    return "\n".join(parts)


def debugging() -> bool:
    """True when ``CURVELINT_DEBUG`` asks for tracebacks on stderr."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def failure_lines(failures: Sequence[Failure], out: Path) -> list[str]:
    """What analyze prints on stderr when runs failed on a bug: one line, or the tracebacks
    too with ``CURVELINT_DEBUG``."""
    if not failures:
        return []
    line = (
        f"curvelint: {len(failures)} run(s) failed on an unexpected error (a curvelint bug: "
        f"please report it); tracebacks in {clean_text(str(out / ERRORS_LOG))}"
    )
    return [line, *(item.traceback for item in failures)] if debugging() else [line]
