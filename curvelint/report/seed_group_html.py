"""Seed groups in the HTML output (``--html``): index.html's "Seed groups" section and each
group's page, ``seed-groups/<group>.html`` beside its markdown twin. Both are the very pieces
the markdown is made of (:func:`~curvelint.report.seed_groups.section_table`,
:func:`~curvelint.report.seed_group_page.group_page`) written with :data:`HTML`, laid out as
a run's report.html is (its styles, its escaping).
"""

from __future__ import annotations

from collections.abc import Sequence

from curvelint.report.html import ASSETS, html_text, page
from curvelint.report.markup import HTML, page_path
from curvelint.report.output import OutputFolder
from curvelint.report.paths import link_target
from curvelint.report.seed_group_checks import PASSED_EVERYWHERE, ChecksPart
from curvelint.report.seed_group_page import group_page
from curvelint.report.seed_groups import SECTION_NOTE, SECTION_TITLE, GroupRow, section_table

ALT_LIMIT = 200


def render_section_html(groups: Sequence[GroupRow]) -> list[str]:
    """The "Seed groups" section of index.html (nothing when there are none)."""
    if not groups:
        return []
    return [
        f"<h2>{SECTION_TITLE} ({len(groups)})</h2>",
        f"<p>{html_text(SECTION_NOTE)}</p>",
        *section_table(groups, HTML),
    ]


def _checks(part: ChecksPart) -> list[str]:
    lines = [
        "<h2>Checks</h2>",
        f"<p>{html_text(part.mean_line)}</p>",
        f"<p>{html_text(part.seeds_line)}</p>",
        *part.table,
    ]
    if part.passed:
        lines.append(f"<p>{PASSED_EVERYWHERE}: {'; '.join(part.passed)}.</p>")
    return lines


def render_group_page_html(row: GroupRow, footer: str) -> str:
    """The whole ``<group>.html`` of one group."""
    pieces = group_page(row, HTML)
    body = [
        '<p class="back"><a href="../index.html">All runs</a></p>',
        f"<h1>Seed group {pieces.title}</h1>",
        f'<p class="summary">{pieces.summary}</p>',
    ]
    if pieces.plot:
        image = html_text(link_target(pieces.plot))
        alt = html_text(row.plot_alt, ALT_LIMIT)
        body.append(f'<figure class="group-plot"><img src="{image}" alt="{alt}"></figure>')
    body += ["<h2>Seeds</h2>", *pieces.seeds]
    if pieces.checks is not None:
        body += _checks(pieces.checks)
    if footer:
        body.append(f"<footer><em>{html_text(footer)}</em></footer>")
    title = f"Seed group {pieces.title} · curvelint"
    return page(title, body, assets=f"../{ASSETS}", scripts=False)


def write_group_pages_html(folder: OutputFolder, groups: Sequence[GroupRow], footer: str) -> None:
    """Write each group's page beside its markdown page."""
    for row in groups:
        if row.page:
            folder.write_text(page_path(row.page, HTML), render_group_page_html(row, footer))
