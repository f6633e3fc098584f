"""The terminal view: a rich table of runs and verdicts, and a progress bar for long work.

Run names and reasons are passed to rich as plain ``Text`` (never markup) after
:func:`clean_text`, so ``[bold]`` or an escape sequence in a log shows as characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from curvelint.report.escape import clean_text
from curvelint.report.model import IndexRow
from curvelint.report.numbers import format_at
from curvelint.report.row_text import (
    distinct_names,
    headline,
    last_text,
    short_reason,
    steps_text,
)
from curvelint.verdicts import FACTS

VERDICT_STYLES = {name: facts.style for name, facts in FACTS.items()}


PIPED_WIDTH = 160  # rich assumes 80 columns when stdout is not a terminal
REASON_WIDTH = 100
NAME_WIDTH = 40
# The reason keeps at least this many characters: optional columns are dropped first.
REASON_MIN = 60
COLUMNS = ("Run", "Verdict", "Steps", "Series", "Best", "Last", "Curve", "Reason")
DROPPABLE = ("Series", "Curve", "Best")


def console(*, stderr: bool = False) -> Console:
    """A console as wide as the terminal, or ``PIPED_WIDTH`` when piped or in CI logs."""
    probe = Console(stderr=stderr)
    return probe if probe.is_terminal else Console(stderr=stderr, width=PIPED_WIDTH)


def _cells(row: IndexRow, flagged: bool, name: str) -> list[Text]:
    mark = "✗ " if flagged else ""
    return [
        Text(name),
        Text(mark + row.verdict.replace("_", " "), style=VERDICT_STYLES.get(row.verdict, "")),
        Text(steps_text(row)),
        Text(clean_text(row.main_label or "—")),
        Text(format_at(row.best_value, row.best_step)),
        Text(last_text(row)),
        Text(row.sparkline or "—"),
        Text(terminal_reason(clean_text(row.reason), REASON_WIDTH)),
    ]


def terminal_reason(reason: str, room: int) -> str:
    """The reason's headline (a complete statement) when one fits ``room``, else the reason
    cut at a clause with ``…`` (a narrow terminal)."""
    shown = headline(reason, room)
    return shown if len(shown) <= room else short_reason(reason, room)


def _widths(cells: list[list[Text]]) -> list[int]:
    """The width each column needs (the reason only its first ``REASON_MIN`` characters)."""
    widths = [
        max([len(header), *(row[position].cell_len for row in cells)])
        for position, header in enumerate(COLUMNS)
    ]
    widths[-1] = min(widths[-1], REASON_MIN)
    return widths


def runs_table(
    rows: Sequence[IndexRow], is_flagged: Callable[[IndexRow], bool], width: int = 160
) -> Table:
    """One line per run: name, verdict (flagged runs marked ✗), steps, the main series' best
    and final values with its sparkline, and the reason, which alone is cut to fit. On a
    narrow terminal the least needed columns (series, curve, best) are left out."""
    names = distinct_names([clean_text(row.name) for row in rows], NAME_WIDTH)
    cells = [_cells(row, is_flagged(row), name) for row, name in zip(rows, names, strict=True)]
    widths = _widths(cells)
    shown = list(range(len(COLUMNS)))
    for optional in DROPPABLE:
        if sum(widths[i] + 3 for i in shown) + 1 <= width:
            break
        shown.remove(COLUMNS.index(optional))
    room = width - sum(widths[i] + 3 for i in shown[:-1]) - 4
    for row, row_cells in zip(rows, cells, strict=True):  # cut at a clause, not mid-number
        row_cells[-1] = Text(terminal_reason(clean_text(row.reason), max(room, REASON_MIN)))
    table = Table(show_header=True, header_style="bold")
    for position in shown:
        last = position == shown[-1]
        table.add_column(
            COLUMNS[position],
            no_wrap=True,
            overflow="ellipsis",
            min_width=widths[position],
            max_width=max(widths[position], room) if last else widths[position],
        )
    for row_cells in cells:
        table.add_row(*(row_cells[position] for position in shown))
    return table


def progress_bar(console: Console) -> Progress:
    """A transient bar (it disappears when done) counting finished runs."""
    return Progress(
        TextColumn("analyzing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
