"""GitHub Actions output: ``::error``/``::warning`` annotations and the job's step summary.

Annotation text is log data too: it is encoded as the workflow-command syntax requires, so a
run named ``x::error::y`` or holding a newline cannot forge a second command.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from curvelint.report.escape import clean_text, workflow_data, workflow_property
from curvelint.report.model import IndexRow
from curvelint.report.output import OutputError
from curvelint.report.size_limits import fit_step_summary
from curvelint.verdicts import FACTS, Severity, facts_of

STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"
# Verdicts of severity info (healthy, insufficient data) need no annotation unless flagged.
QUIET_VERDICTS = frozenset(n for n, f in FACTS.items() if f.severity is Severity.INFO)


def annotation(row: IndexRow, *, flagged: bool, out: Path) -> str | None:
    """The workflow command for one run: an error when flagged, a warning for any other
    verdict that deserves a look, nothing for a healthy run."""
    if not flagged and row.verdict in QUIET_VERDICTS:
        return None
    level = "error" if flagged else "warning"
    title = workflow_property(f"curvelint: {row.name}")
    report = (out / row.folder / "report.md").as_posix()
    message = workflow_data(f"{facts_of(row.verdict).words}: {row.reason} (report: {report})")
    return f"::{level} title={title}::{message}"


def workflow_annotations(
    rows: Iterable[IndexRow], is_flagged: Callable[[IndexRow], bool], out: Path
) -> list[str]:
    """Every run's annotation, in row order."""
    lines = (annotation(row, flagged=is_flagged(row), out=out) for row in rows)
    return [line for line in lines if line is not None]


def append_step_summary(markdown: str) -> bool:
    """Append ``markdown`` to the file named by ``$GITHUB_STEP_SUMMARY``; False when unset."""
    target = os.environ.get(STEP_SUMMARY_VARIABLE)
    if not target:
        return False
    markdown = fit_step_summary(markdown)  # GitHub refuses a step summary over 1 MiB
    try:
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as error:
        why = error.strerror or type(error).__name__
        raise OutputError(
            f"${STEP_SUMMARY_VARIABLE} {clean_text(target)}: cannot append the summary ({why})"
        ) from None
    return True
