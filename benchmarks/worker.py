"""Run one case in this fresh process and write what it measured as JSON.

``python -m benchmarks.worker CASE PATH EXPECTED RESULT_JSON``. A fresh process per case
makes the peak resident memory (``ru_maxrss``) that case's own, and makes every case pay its
imports from a cold interpreter, as a user's script would. The result is written to a file,
not stdout, so whatever a tool prints cannot corrupt it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import cases


def _megabytes(kilobytes: int) -> float:
    """``ru_maxrss`` is in KiB on Linux."""
    return kilobytes / 1024


def _last_line(error: BaseException) -> str:
    lines = traceback.format_exception_only(type(error), error)
    return lines[-1].strip()[:300]


def _unfinished(error: Exception) -> bool:
    """A curvelint placeholder ("… not implemented yet") is a missing feature, not a failure."""
    return isinstance(error, NotImplementedError) or "not implemented" in str(error).lower()


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (a case's server).

    Beside the wall clock, it shows how much of a slow round was the machine being busy with
    other work: single-threaded work is slowed in wall time by contention, barely in CPU time.
    """
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(case: str, path: Path, expected: int) -> dict[str, Any]:
    """Time the case's setup (imports) and its work apart, then count what it kept."""
    outcome: dict[str, Any] = {"status": "ok", "reason": ""}
    setup = cases.CASES[case]
    started = cases.now()
    try:
        prepared = setup(path, expected)
        ready, cpu_ready = cases.now(), cpu_seconds()
        result = prepared.run()
        finished, cpu_finished = cases.now(), cpu_seconds()
        outcome.update(setup_s=ready - started, run_s=finished - ready)
        outcome["run_cpu_s"] = cpu_finished - cpu_ready
        outcome["points"] = prepared.count(result)
    except cases.NotAvailable as error:
        outcome.update(status="n/a", reason=str(error)[:300])
    except Exception as error:  # a tool's failure is a result to report, not a crash
        status = "n/a" if _unfinished(error) else "error"
        outcome.update(status=status, reason=_last_line(error))
        traceback.print_exc()
    outcome["self_peak_mb"] = _megabytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    outcome["children_peak_mb"] = _megabytes(children)
    return outcome


def main(argv: list[str]) -> int:
    """Entry point: ``CASE PATH EXPECTED RESULT_JSON``."""
    case, path, expected, destination = argv
    outcome = measure(case, Path(path), int(expected))
    Path(destination).write_text(json.dumps(outcome), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
