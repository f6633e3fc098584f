"""index.md: one row per run, readable in a PR comment even where images are not uploaded.

Each row links to the run's report and carries a text sparkline of the main curve, so the
table tells the story without the PNGs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from curvelint.report.escape import markdown_text
from curvelint.report.markdown import table, verdict_label
from curvelint.report.model import IndexRow, SkippedItem
from curvelint.report.numbers import format_at, format_step, format_value
from curvelint.report.paths import link_target
from curvelint.verdicts import facts_of, verdict_rank

NAME_LIMIT = 60
REASON_LIMIT = 200
REPORT_FILE = "report.md"


def verdict_counts(rows: Sequence[IndexRow]) -> str:
    """``⛔ 1 unreadable · 🔴 1 diverged · 🟢 2 healthy``: the worst verdicts first."""
    counts = Counter(row.verdict for row in rows)
    return " · ".join(
        f"{facts_of(verdict).mark} {counts[verdict]} {facts_of(verdict).words}"
        for verdict in sorted(counts, key=verdict_rank)
    )


def _final(row: IndexRow) -> str:
    if row.ends_with is not None:
        return f"{format_value(float(row.ends_with))} @ {format_step(row.last_step)}"
    return format_at(row.final_value, row.final_step)


def _curve(row: IndexRow) -> str:
    return f"`{row.sparkline}`" if row.sparkline.strip() else "—"


def _cells(row: IndexRow, with_series: bool) -> list[str]:
    link = f"[{markdown_text(row.name, NAME_LIMIT)}]({link_target(row.folder, REPORT_FILE)})"
    cells = [link, verdict_label(row.verdict), format_step(row.last_step)]
    if with_series:
        cells.append(markdown_text(row.main_label or "—"))
    cells += [
        format_at(row.best_value, row.best_step),
        _final(row),
        _curve(row),
        markdown_text(row.reason, REASON_LIMIT),
    ]
    return cells


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
    header = ["Run", "Verdict", "Steps"]
    header += [f"Best {main}", f"Final {main}"] if shared else ["Series", "Best", "Final"]
    header += ["Curve", "Reason"]
    lines = [f"# curvelint: {len(rows)} {plural}", "", verdict_counts(rows), ""]
    lines += table(header, (_cells(row, shared is None) for row in rows))
    lines += sections
    if skipped:
        lines += ["", f"### Skipped ({len(skipped)})", ""]
        for item in skipped:
            where = f"{item.path}:{item.where}" if item.where else item.path
            lines.append(f"- {markdown_text(where)}: {markdown_text(item.why)}")
    if footer:
        lines += ["", "---", "", f"*{markdown_text(footer)}*"]
    return "\n".join(lines) + "\n"
