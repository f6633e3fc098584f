"""curvelint: read training logs into one frame, judge each run, report with evidence.

>>> import curvelint
>>> frame = curvelint.read("runs/")          # every point of every run, one long frame

Names are imported lazily so that ``curvelint --help`` does not pay for pandas and scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "read": "curvelint.runs",
    "read_runs": "curvelint.runs",
    "Run": "curvelint.runs",
    "CurvelintError": "curvelint.errors",
    "NoLogsError": "curvelint.errors",
    "UnreadableError": "curvelint.errors",
}

if TYPE_CHECKING:
    from curvelint.errors import CurvelintError, NoLogsError, UnreadableError
    from curvelint.runs import Run, read, read_runs

__all__ = [
    "CurvelintError",
    "NoLogsError",
    "Run",
    "UnreadableError",
    "__version__",
    "read",
    "read_runs",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'curvelint' has no attribute {name!r}")
