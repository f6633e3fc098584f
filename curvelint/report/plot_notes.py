"""What the plots mark, in words: the change-points drawn as dotted lines on loss.png, and
the ``--plot`` choices a run could not honour."""

from __future__ import annotations

from curvelint.report.escape import markdown_text
from curvelint.report.model import RunReport

STEPS_ARE_EPOCHS = "epoch (as logged)"  # the x label of a run whose step is the epoch


def changepoint_lines(report: RunReport) -> list[str]:
    """A short list under the plots naming each dotted line: its step and what changed."""
    if not report.changes:
        return []
    lines = ["", "Dotted lines on the loss plot mark where a curve changed (change-points):", ""]
    loss = next((plot for plot in report.plots if plot.file_name == "loss.png"), None)
    steps_are_epochs = loss is not None and loss.x_label == STEPS_ARE_EPOCHS
    for change in report.changes:
        where = f"{'epoch' if steps_are_epochs else 'step'} {change.step:,}"
        lines.append(
            f"- {where}, {markdown_text(change.series)}: {markdown_text(change.description)}"
        )
    return lines


def unknown_plot_lines(report: RunReport) -> list[str]:
    """``--plot`` names the run does not have, said where the plots are."""
    if not report.unknown_plots:
        return []
    names = ", ".join(markdown_text(name) for name in report.unknown_plots)
    return ["", f"Asked to plot but not logged in this run: {names}."]
