"""index.html and the shared ``assets/`` folder of the interactive reports.

The index is the HTML twin of index.md: one row per run linking to its report.html. The
scripts and styles the run pages load are copied once into ``<out>/assets/`` from the package
(uPlot is vendored: see ``curvelint/report/assets/VENDORED.md``), so the folder opens offline
and can be uploaded as one artifact.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from curvelint.report.html import (
    ASSETS,
    PAGE_SCRIPTS,
    PAGE_STYLES,
    html_table,
    html_text,
    page,
    verdict_html,
)
from curvelint.report.index import verdict_counts
from curvelint.report.model import IndexRow, SkippedItem
from curvelint.report.numbers import format_at
from curvelint.report.output import OutputFolder
from curvelint.report.paths import link_target
from curvelint.report.row_text import last_text, steps_text
from curvelint.report.seed_group_html import render_section_html, write_group_pages_html
from curvelint.report.seed_groups import GroupRow

INDEX_HTML = "index.html"
REPORT_HTML = "report.html"
NAME_LIMIT = 60
REASON_LIMIT = 200
LICENSES = ("uPlot.LICENSE",)


def _findings(row: IndexRow) -> str:
    counts = [f"{count} {severity}" for severity, count in row.severity_counts.items()]
    return html_text(", ".join(counts) or "none")


def _cells(row: IndexRow) -> list[str]:
    target = html_text(link_target(row.folder, REPORT_HTML))
    sparkline = html_text(row.sparkline) if row.sparkline.strip() else "—"
    return [
        f'<a href="{target}">{html_text(row.name, NAME_LIMIT)}</a>',
        verdict_html(row.verdict),
        html_text(steps_text(row)),
        html_text(row.main_label or "—"),
        html_text(format_at(row.best_value, row.best_step)),
        html_text(last_text(row)),
        f'<code class="sparkline">{sparkline}</code>',
        _findings(row),
        html_text(row.reason, REASON_LIMIT),
    ]


def render_index_html(
    rows: Sequence[IndexRow],
    skipped: Sequence[SkippedItem] = (),
    *,
    footer: str = "",
    groups: Sequence[GroupRow] = (),
) -> str:
    """The whole index.html; ``rows`` in the order given, then the seed ``groups`` if any."""
    plural = "run" if len(rows) == 1 else "runs"
    header = ["Run", "Verdict", "Steps", "Series", "Best", "Last", "Curve", "Findings", "Reason"]
    body = [
        f"<h1>curvelint: {len(rows)} {plural}</h1>",
        f"<p>{html_text(verdict_counts(rows))}</p>",
        *html_table(header, (_cells(row) for row in rows), "runs"),
        *render_section_html(groups),
    ]
    if skipped:
        body += [f"<h3>Skipped ({len(skipped)})</h3>", "<ul>"]
        for item in skipped:
            where = f"{item.path}:{item.where}" if item.where else item.path
            body.append(f"<li>{html_text(where)}: {html_text(item.why)}</li>")
        body.append("</ul>")
    if footer:
        body.append(f"<footer><em>{html_text(footer)}</em></footer>")
    return page(f"curvelint: {len(rows)} {plural}", body, assets=ASSETS, scripts=False)


def asset_bytes(name: str) -> bytes:
    """A file shipped in ``curvelint/report/assets/``."""
    return resources.files("curvelint.report").joinpath(ASSETS, name).read_bytes()


def write_html_index(
    folder: OutputFolder,
    rows: Sequence[IndexRow],
    skipped: Sequence[SkippedItem],
    footer: str,
    groups: Sequence[GroupRow] = (),
) -> None:
    """Write index.html, each seed group's page and the scripts and styles every page loads
    (once)."""
    for name in (*PAGE_SCRIPTS, *PAGE_STYLES, *LICENSES):
        folder.write_bytes(f"{ASSETS}/{name}", asset_bytes(name))
    write_group_pages_html(folder, groups, footer)
    folder.write_text(INDEX_HTML, render_index_html(rows, skipped, footer=footer, groups=groups))
