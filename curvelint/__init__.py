"""curvelint: read training logs into one frame, judge each run, report with evidence.

>>> import curvelint
>>> frame = curvelint.read("runs/")          # every point of every run, one long frame
>>> analyses = curvelint.analyze(frame)     # run name -> RunAnalysis (trends, change-points…)
>>> verdict = curvelint.diagnose(analyses["my-run"]).verdict
>>> judgement = curvelint.judge_run(curvelint.read_runs(["runs/my-run"]).runs[0])

Names are imported lazily so that ``curvelint --help`` does not pay for pandas and scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute)
_EXPORTS = {
    "analyze": ("curvelint.analysis", "analyze_frame"),
    "diagnose": ("curvelint.diagnosis", "diagnose_run"),
    "judge_run": ("curvelint.judging", "judge_run"),
    "JudgingOptions": ("curvelint.judging", "JudgingOptions"),
    "read": ("curvelint.runs", "read"),
    "read_runs": ("curvelint.runs", "read_runs"),
    "Run": ("curvelint.runs", "Run"),
    "CurvelintError": ("curvelint.errors", "CurvelintError"),
    "NoLogsError": ("curvelint.errors", "NoLogsError"),
    "UnreadableError": ("curvelint.errors", "UnreadableError"),
}

if TYPE_CHECKING:
    from curvelint.analysis import analyze_frame as analyze
    from curvelint.diagnosis import diagnose_run as diagnose
    from curvelint.errors import CurvelintError, NoLogsError, UnreadableError
    from curvelint.judging import JudgingOptions, judge_run
    from curvelint.runs import Run, read, read_runs

__all__ = [
    "CurvelintError",
    "JudgingOptions",
    "NoLogsError",
    "Run",
    "UnreadableError",
    "__version__",
    "analyze",
    "diagnose",
    "judge_run",
    "read",
    "read_runs",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'curvelint' has no attribute {name!r}")
