"""The number style every output keeps (see curvelint/numbers.py), as checks on real text:
what a text breaks, as a list of short complaints (empty when it keeps the style)."""

from __future__ import annotations

import re

# Each rule: a pattern no output may contain, and why.
FORBIDDEN = (
    (re.compile(r"(?<![\d.])[-+]0 ?%"), "a signed zero change"),
    (re.compile(r"\b\d(?:\.\d+)?e\+0?[3-8]\b"), "scientific notation for a number below 1e9"),
    (re.compile(r"\bepochs? [\d.,]*e-\d+"), "an epoch in scientific notation"),
    (re.compile(r"\b(?:step|steps|epoch|epochs) \d{4,}\b"), "a step without separators"),
    (re.compile(r"[-+]?\d[\d,]{3,}(?:\.\d+)? % of its final level"), "a share of a level near 0"),
    (re.compile(r"Check the hyperparameters set by a string default"), "garbled advice"),
)
FELL_ALL = re.compile(
    r"fell 100 % from start level (?P<start>\S+) to final level (?P<final>[^\s,;]+)"
)
EVIDENCE_ROW = re.compile(r"^\| (?P<label>[^|]+) \| (?P<value>[^|]+) \|$")


def style_problems(text: str, where: str) -> list[str]:
    """What in ``text`` (from ``where``) breaks the number style."""
    problems = [
        f"{where}: {why}: {match[0]!r}"
        for pattern, why in FORBIDDEN
        for match in pattern.finditer(text)
    ]
    for match in FELL_ALL.finditer(text):
        if match["final"].rstrip(".") not in ("0", "-0"):
            problems.append(f"{where}: 'fell 100 %' to a final level of {match['final']}")
    return problems


def evidence_key_problems(markdown: str, where: str) -> list[str]:
    """Evidence tables of report.md show labels, not code: no ``rise\\_of\\_start`` row."""
    problems = []
    inside = False
    for line in markdown.splitlines():
        if line.startswith("| Evidence | Value |"):
            inside = True
            continue
        if inside and not line.startswith("|"):
            inside = False
        row = EVIDENCE_ROW.match(line) if inside else None
        if row and "\\_" in row["label"]:
            problems.append(f"{where}: evidence key shown as code: {row['label']!r}")
        if row and row["label"] == "cause" and "\\_" in row["value"]:
            problems.append(f"{where}: a cause shown as code: {row['value']!r}")
    return problems
