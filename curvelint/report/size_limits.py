"""Markdown that fits where it is pasted: GitHub takes a PR comment of at most 65,536
characters and a job summary of at most 1 MiB. A longer report.md or index.md is written in
full beside a summary that keeps its first lines (its first rows) and says how many more
there are and where they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COMMENT_CHARACTERS = 65_536  # GitHub's limit of a PR or issue comment
STEP_SUMMARY_BYTES = 1 << 20  # GitHub's limit of one step's job summary
_FENCE = "```"


@dataclass(frozen=True)
class Fitted:
    """The text to show (the whole text, or its summary) and, when summarised, the whole."""

    shown: str
    full: str | None = None


_DEFINITION = re.compile(r"^\[(\d+)\]: ")
_REFERENCE = re.compile(r"\]\[(\d+)\]")


def _is_row(line: str) -> bool:
    return line.startswith("|") and not set(line) <= set("|-: ")


def fit_markdown(text: str, full_name: str, limit: int = COMMENT_CHARACTERS) -> Fitted:
    """``text`` if it has at most ``limit`` characters, else its first whole lines and the
    line "…and M more rows; the full list is in <full_name>" (a relative link)."""
    if len(text) <= limit:
        return Fitted(text)
    lines = text.split("\n")
    # Reference-style link definitions ("[3]: run/report.md") go with the rows that use them.
    definitions = {m[1]: line for line in lines if (m := _DEFINITION.match(line))}
    lines = [line for line in lines if not _DEFINITION.match(line)]
    budget = limit - 200 - len(full_name) * 2  # room for the closing note
    kept: list[str] = []
    needed: list[str] = []
    used = 0
    for line in lines:
        refs = [definitions[r] for r in _REFERENCE.findall(line) if r in definitions]
        cost = len(line) + 1 + sum(len(ref) + 1 for ref in refs)
        if used + cost > budget:
            break
        kept.append(line)
        needed.extend(refs)
        used += cost
    rest = lines[len(kept) :]
    more = sum(1 for line in rest if _is_row(line))
    what = f"{more} more rows" if more else f"{len(rest)} more lines"
    if needed:
        kept += ["", *needed]
    if sum(line.startswith(_FENCE) for line in kept) % 2:
        kept.append(_FENCE)  # the cut fell inside a code block: close it
    note = f"**…and {what}; the full list is in [{full_name}]({full_name}).**"
    shown = "\n".join([*kept, "", note, ""])
    return Fitted(shown, text)


def fit_step_summary(text: str, limit_bytes: int = STEP_SUMMARY_BYTES) -> str:
    """``text`` cut (at whole lines, with a note) so that its UTF-8 fits ``limit_bytes``."""
    if len(text.encode("utf-8")) <= limit_bytes:
        return text
    # Four bytes at most per character: this many characters always fit.
    return fit_markdown(text, "index-full.md", limit_bytes // 4).shown
