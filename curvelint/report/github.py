"""GitHub Actions output: ``::error``/``::warning`` annotations and the job's step summary.

Annotations are for what a reviewer must act on: each flagged run (an error) and each run
whose verdict is an error even though the policy did not flag it (a warning). The milder
verdicts of a sweep (27 runs not converged) are counted in one ``::notice`` that points to the
step summary, so a pull request's checks are not buried under warnings.

Annotation text is log data too: it is encoded as the workflow-command syntax requires, so a
run named ``x::error::y`` or holding a newline cannot forge a second command.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from curvelint.report.escape import clean_text, workflow_data, workflow_property
from curvelint.report.model import IndexRow
from curvelint.report.output import OutputError
from curvelint.report.size_limits import fit_step_summary
from curvelint.verdicts import FACTS, Severity, facts_of, verdict_rank

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


def must_act_on(row: IndexRow, *, flagged: bool) -> bool:
    """Flagged by the policy, or a verdict of error severity (diverged, stuck, suspect…)."""
    return flagged or facts_of(row.verdict).severity is Severity.ERROR


def workflow_annotations(
    rows: Iterable[IndexRow], is_flagged: Callable[[IndexRow], bool], out: Path
) -> list[str]:
    """One annotation per run a reviewer must act on, in row order, then one notice counting
    the other runs that deserve a look (none when there are none)."""
    lines: list[str] = []
    rest: Counter[str] = Counter()
    for row in rows:
        flagged = is_flagged(row)
        if must_act_on(row, flagged=flagged):
            line = annotation(row, flagged=flagged, out=out)
            lines += [line] if line is not None else []
        elif row.verdict not in QUIET_VERDICTS:
            rest[row.verdict] += 1
    notice = summary_notice(rest)
    return lines + ([notice] if notice else [])


def summary_notice(counts: Counter[str]) -> str | None:
    """``::notice title=curvelint::27 runs not converged: see the job summary…``, or
    ``31 runs to look at: 10 unstable, 8 not converged…`` for several verdicts."""
    if not counts:
        return None
    total = sum(counts.values())
    runs = "run" if total == 1 else "runs"
    ordered = sorted(counts.items(), key=lambda item: (verdict_rank(item[0]), item[0]))
    if len(ordered) == 1:
        text = f"{total} {runs} {facts_of(ordered[0][0]).words}"
    else:
        parts = ", ".join(f"{count} {facts_of(verdict).words}" for verdict, count in ordered)
        text = f"{total} {runs} to look at ({parts})"
    text += ": see the job summary (index.md) for each run's reason"
    return f"::notice title={workflow_property('curvelint')}::{workflow_data(text)}"


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
