"""What the plots mark, in words: the change-points drawn as dotted lines on loss.png."""

from __future__ import annotations

from curvelint.report.escape import markdown_text
from curvelint.report.model import RunReport


def changepoint_lines(report: RunReport) -> list[str]:
    """A short list under the plots naming each dotted line: its step and what changed."""
    if not report.changes:
        return []
    lines = ["", "Dotted lines on the loss plot mark where a curve changed (change-points):", ""]
    for change in report.changes:
        where = f"step {change.step:,}"
        lines.append(
            f"- {where}, {markdown_text(change.series)}: {markdown_text(change.description)}"
        )
    return lines
