"""A seed group's own page, ``seed-groups/<group>.md`` beside its plot (and ``<group>.html``
with ``--html``): the verdict of the mean, each seed's verdict linked to the seed's own report,
and the checks across the seeds — what a run's report says of a run, said of a group. The
index's "Seed groups" table links to it. :func:`group_page` builds the page's pieces once;
the markdown and the HTML renderings (:mod:`curvelint.report.seed_group_html`) only lay them
out.
"""

from __future__ import annotations

from typing import NamedTuple

from curvelint.report.markup import MARKDOWN, Markup
from curvelint.report.seed_group_checks import NAME_LIMIT, ChecksPart, checks_part, markdown_checks
from curvelint.report.seed_groups import GroupRow

REPORT = "report"  # a run's report.md or report.html, in its folder


class GroupPage(NamedTuple):
    """A group's page, each piece written in one format (:class:`Markup`)."""

    title: str  # the group's key
    summary: str  # the verdict of the mean and its reason
    plot: str | None  # the plot's file, beside the page
    seeds: list[str]  # the table of seeds, each linked to its own report
    checks: ChecksPart | None


def _member_cell(name: str, folder: str | None, markup: Markup) -> str:
    shown = markup.text(name, NAME_LIMIT)
    return markup.link(shown, f"../{folder}/{REPORT}{markup.suffix}") if folder else shown


def _seeds(row: GroupRow, markup: Markup) -> list[str]:
    group, result = row.result.group, row.result
    folders = row.folders or (None,) * len(group.members)
    cells = (
        (markup.text(seed), _member_cell(name, folder, markup), markup.verdict(verdict))
        for name, seed, verdict, folder in zip(
            group.members, group.seeds, result.member_verdicts, folders, strict=True
        )
    )
    return markup.table(["Seed", "Run", "Verdict"], cells)


def group_page(row: GroupRow, markup: Markup) -> GroupPage:
    """The pieces of one group's page, in ``markup``'s format."""
    result = row.result
    diagnosis = result.judged.diagnosis
    summary = (
        f"{markup.verdict(diagnosis.verdict.value)} (the mean of "
        f"{len(result.group.members)} seeds): {markup.text(diagnosis.reason)}"
    )
    plot = row.plot.rsplit("/", 1)[-1] if row.plot else None
    checks = checks_part(row.checks, result.judged.checks, markup) if row.checks else None
    title = markup.text(result.group.key, NAME_LIMIT)
    return GroupPage(title, summary, plot, _seeds(row, markup), checks)


def render_group_page(row: GroupRow, footer: str) -> str:
    """The markdown of one group's page."""
    page = group_page(row, MARKDOWN)
    lines = [f"# Seed group {page.title}", "", page.summary]
    if page.plot:
        lines += ["", MARKDOWN.link("plot", page.plot)]
    lines += ["", "## Seeds", "", *page.seeds]
    if page.checks is not None:
        lines += markdown_checks(page.checks)
    lines += ["", footer]
    return "\n".join(lines) + "\n"
