"""index.md: one row per run, readable in a PR comment even where images are not uploaded.

A row is short enough to read in a comment (200 characters at most): the verdict, the run
linked to its report, the span its plots show, the main curve's final value and a text
sparkline, and the reason's headline (a complete statement, never cut with "…"); the whole
reason is in the run's report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from curvelint.report.escape import markdown_text
from curvelint.report.markdown import table, table_row
from curvelint.report.model import IndexRow, SkippedItem
from curvelint.report.paths import link_target
from curvelint.report.row_text import distinct_names, headline, last_text, steps_text
from curvelint.verdicts import facts_of, verdict_rank

NAME_LIMIT = 40
ROW_LIMIT = 200  # characters of a row's markdown: it reads in a PR comment without wrapping badly
REPORT_FILE = "report.md"


def verdict_counts(rows: Sequence[IndexRow]) -> str:
    """``⛔ 1 unreadable · 🔴 1 diverged · 🟢 2 healthy``: the worst verdicts first."""
    counts = Counter(row.verdict for row in rows)
    return " · ".join(
        f"{facts_of(verdict).mark} {counts[verdict]} {facts_of(verdict).words}"
        for verdict in sorted(counts, key=verdict_rank)
    )


def _curve(row: IndexRow) -> str:
    """The main curve's sparkline and where it ends: ```▇▆▅▃▂▁` 0.2353``."""
    if row.final_value is None and row.ends_with is None:
        return f"`{row.sparkline}`" if row.sparkline.strip() else "—"
    final = last_text(row).split(" @ ")[0]
    return f"`{row.sparkline}` {final}" if row.sparkline.strip() else final


def _cells(row: IndexRow, name: str, number: int) -> list[str]:
    """The row's cells; the reason is the longest complete statement of it that keeps the row
    within :data:`ROW_LIMIT` characters (the whole reason is in the run's report)."""
    link = f"[{markdown_text(name)}][{number}]"  # the target is listed below the table
    facts = facts_of(row.verdict)
    cells = [f"{facts.mark} {facts.words}", link, steps_text(row), _curve(row)]
    room = ROW_LIMIT - len(table_row([*cells, ""]))
    reason = headline(row.reason, room, lambda text: len(markdown_text(text)))
    return [*cells, markdown_text(reason)]


def link_definitions(rows: Sequence[IndexRow]) -> list[str]:
    """``[3]: run__folder/report.md``: reference links keep the table's rows short."""
    return [
        f"[{number}]: {link_target(row.folder, REPORT_FILE)}"
        for number, row in enumerate(rows, start=1)
    ]


def render_index(
    rows: Sequence[IndexRow],
    skipped: Sequence[SkippedItem] = (),
    *,
    footer: str = "",
    sections: Sequence[str] = (),
) -> str:
    """The whole index.md; ``rows`` are shown in the order given. ``sections`` are markdown
    lines placed after the table (the seed groups, :mod:`curvelint.report.seed_groups`)."""
    plural = "run" if len(rows) == 1 else "runs"
    labels = {row.main_label for row in rows if row.main_label}
    shared = next(iter(labels)) if len(labels) == 1 else None
    main = markdown_text(shared) if shared else ""
    header = ["Verdict", "Run", "Steps", f"{main} → last" if shared else "Curve → last"]
    header += ["Reason"]
    names = distinct_names([row.name for row in rows], NAME_LIMIT)
    lines = [f"# curvelint: {len(rows)} {plural}", "", verdict_counts(rows), ""]
    lines += ["Each run's report has the whole reason, the findings and the plots.", ""]
    numbered = zip(rows, names, range(1, len(rows) + 1), strict=True)
    lines += table(header, (_cells(row, name, number) for row, name, number in numbered))
    lines += ["", *link_definitions(rows)] if rows else []
    lines += sections
    if skipped:
        lines += ["", f"### Skipped ({len(skipped)})", ""]
        for item in skipped:
            where = f"{item.path}:{item.where}" if item.where else item.path
            lines.append(f"- {markdown_text(where)}: {markdown_text(item.why)}")
    if footer:
        lines += ["", "---", "", f"*{markdown_text(footer)}*"]
    return "\n".join(lines) + "\n"
