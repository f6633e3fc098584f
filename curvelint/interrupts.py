"""Ctrl-C and SIGTERM stop curvelint cleanly: an exception unwinds every ``finally`` (so
temporary files are removed) and the command line exits 130 or 143 without a traceback.

Both are raised as :class:`Stopped` (a ``BaseException``, like ``KeyboardInterrupt``), which
no ``except Exception`` swallows, and which click does not turn into "Aborted!" and exit 1.
"""

from __future__ import annotations

import signal
from types import FrameType

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal's number


class Stopped(BaseException):
    """The process received SIGINT (Ctrl-C) or SIGTERM; ``exit_code`` is what to exit with."""

    def __init__(self, received: int) -> None:
        super().__init__(signal.Signals(received).name)
        self.exit_code = EXIT_CODES.get(signal.Signals(received), 128 + received)


def _raise_stopped(received: int, frame: FrameType | None) -> None:
    raise Stopped(received)


def stop_on_signals() -> None:
    """Raise :class:`Stopped` in the main thread on SIGINT and SIGTERM."""
    for received in EXIT_CODES:
        signal.signal(received, _raise_stopped)
