"""The short texts a one-line row shows (index.md, the terminal table, annotations): the span a
run's plots show, and a reason cut at a clause or word boundary, never inside a number.

The whole reason stays in the run's report; a row only has to say enough to decide whether
to open it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from curvelint.numbers import format_step
from curvelint.report.model import IndexRow
from curvelint.report.numbers import format_at, format_value

SHORT_REASON = 100
ELLIPSIS = "…"
# A clause boundary is preferred to a word boundary when it keeps this share of the room.
CLAUSE_SHARE = 0.6
# Where a reason may be cut, best first: after a clause, then before a parenthesis, then
# between words. A cut never splits "0.0258", "2,600" or "-4.3 %".
_CLAUSE_ENDS = re.compile(r"[;:](?=\s)|\.(?=\s)|,(?=\s)(?!\d)")
_WORD_GAP = re.compile(r"\s+")


def steps_text(row: IndexRow) -> str:
    """``35 epochs`` for a log that counts epochs (0–34 is 35 of them), else the span of steps
    the run's main curve covers (``0–15,000``), which is what its plots and sparkline show."""
    first, last = row.first_step, row.span_last_step
    if last is None:
        return format_step(row.last_step)
    first = 0 if first is None else first
    if row.step_unit == "epoch":
        count = last + 1 if first == 0 else last
        return f"{count:,} epoch" + ("" if count == 1 else "s")
    return f"{format_step(first)}–{format_step(last)}" if first != last else format_step(last)


def last_text(row: IndexRow) -> str:
    """Where the main curve ended as logged: its last value (or the non-finite value it ended
    on) and that step — the last point, not the reason's "final level" (a median of the last
    tenth), so the column is called Last."""
    if row.ends_with is not None:
        return f"{format_value(float(row.ends_with))} @ {format_step(row.last_step)}"
    return format_at(row.final_value, row.final_step)


def short_reason(reason: str, limit: int = SHORT_REASON) -> str:
    """``reason`` when it fits in ``limit`` characters, else its longest prefix that ends at a
    clause (or, failing that, a word) with ``…``; never cut inside a number."""
    text = " ".join(reason.split())
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    clauses = [m.start() for m in _CLAUSE_ENDS.finditer(text) if m.start() <= room]
    good = [end for end in clauses if end >= CLAUSE_SHARE * room and _balanced(text[:end])]
    if good:
        return _ended(text[: good[-1]])
    words = [
        m.start()
        for m in _WORD_GAP.finditer(text)
        if m.start() <= room and not text[m.end() :].startswith(("%", "x ", "×"))
    ]
    wordy = [cut for cut in words if not text[:cut].rstrip(" ,;:(")[-1:].isdigit()]
    cut = (wordy or words or [room])[-1]
    opened = text.rfind("(", 0, cut)
    if not _balanced(text[:cut]) and opened >= room // 2:
        cut = opened  # end before a parenthesis the cut would leave open
    return _ended(text[:cut])


# Where a reason's headline may end, whole: before the detail a colon, semicolon, dash,
# "while", ", and" or a new sentence adds (each prefix is a complete statement)...
_HEADLINE_ENDS = re.compile(r"; | — | while |: |, and |\. ")
# ...else before a clause about another curve ("… and loss/eval flat …") or after a comma;
# last, before any "and" ("… by step 60 and its trend stayed …").
_CLAUSE_STARTS = re.compile(r" and (?=[\w.-]+/\w+ )|, ")
_ANY_AND = re.compile(r" and ")
# A parenthesis that closes a clause (one level of nesting: "(from step 970 (epoch 0.65))"),
# or that gives the epoch of a step, is detail a row can drop.
_TRAILING = re.compile(r" \((?:[^()]|\([^()]*\))*\)$")
_PARENTHESIS = re.compile(r" \((?:[^()]|\([^()]*\))*\)(?=[,;:.]|$)| \(epoch [^()]*\)")


def headline(reason: str, room: int, measure: Callable[[str], int] = len) -> str:
    """The longest complete statement of ``reason`` that ``measure``s ``room`` or less, never
    cut with ``…``: the whole reason, or the part before its detail (a colon, semicolon,
    ``while``, ``, and``), with or without its parentheses. When none fits, the shortest of
    them (the row is then longer; the whole reason is in the run's report)."""
    text = " ".join(reason.split())
    if measure(text) <= room:
        return text
    whole = text.rstrip(".")
    candidates: set[str] = set()
    for ends in (_HEADLINE_ENDS, _CLAUSE_STARTS, _ANY_AND):
        # A parenthesis just before a cut may refer to what the cut left out ("(46 %) and …").
        prefixes = [_TRAILING.sub("", whole[: m.start()]) for m in ends.finditer(whole)]
        heads = {whole, *(p for p in prefixes if " " in p and _balanced(p))}
        heads |= {_PARENTHESIS.sub("", head) for head in heads}
        fitting = [head.rstrip(" ,") for head in heads if measure(head.rstrip(" ,")) <= room]
        if fitting:
            return max(fitting, key=lambda head: (measure(head), head))
        candidates |= heads
    return min(candidates, key=lambda head: (measure(head), head)).rstrip(" ,")


def _ended(prefix: str) -> str:
    """``prefix…``; ``1.63 …`` after a number, so the ellipsis never reads as more digits."""
    kept = prefix.rstrip(" ,;:(")
    return kept + (" " if kept[-1:].isdigit() else "") + ELLIPSIS


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")")


def distinct_names(names: Sequence[str], width: int) -> list[str]:
    """Each name cut to ``width`` characters in the middle (``mlflow/artic…/5371314d38a8``),
    keeping its end, where two runs of one experiment differ; a name that still collides with
    another keeps more of its end."""
    shown = [_middle(name, width) for name in names]
    counts = Counter(shown)
    return [
        _tail(name, width) if counts[text] > 1 else text
        for name, text in zip(names, shown, strict=True)
    ]


def _middle(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _tail(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]
