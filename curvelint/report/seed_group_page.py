"""A seed group's own page, ``seed-groups/<group>.md`` beside its plot: the verdict of the
mean, each seed's verdict, and the checks across the seeds — what a run's report.md says of a
run, said of a group. The index's "Seed groups" table links to it.
"""

from __future__ import annotations

from curvelint.report.escape import markdown_text
from curvelint.report.markdown import table, verdict_label
from curvelint.report.paths import link_target
from curvelint.report.seed_group_checks import NAME_LIMIT, render_group_checks
from curvelint.report.seed_groups import GroupRow


def _seeds(row: GroupRow) -> list[str]:
    group, result = row.result.group, row.result
    cells = (
        (markdown_text(seed), markdown_text(name, NAME_LIMIT), verdict_label(verdict))
        for name, seed, verdict in zip(
            group.members, group.seeds, result.member_verdicts, strict=True
        )
    )
    return ["", "## Seeds", "", *table(["Seed", "Run", "Verdict"], cells)]


def render_group_page(row: GroupRow, footer: str) -> str:
    """The markdown of one group's page."""
    result = row.result
    diagnosis = result.judged.diagnosis
    lines = [
        f"# Seed group {markdown_text(result.group.key, NAME_LIMIT)}",
        "",
        f"{verdict_label(diagnosis.verdict.value)} (the mean of "
        f"{len(result.group.members)} seeds): {markdown_text(diagnosis.reason)}",
    ]
    if row.plot:
        lines += ["", f"[plot]({link_target(row.plot.rsplit('/', 1)[-1])})"]
    lines += _seeds(row)
    lines += render_group_checks(row.checks, result.judged.checks)
    lines += ["", footer]
    return "\n".join(lines) + "\n"
