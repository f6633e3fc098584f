"""The verdicts and what each one means, in one place.

A verdict's name, words, colour, severity, order and how much it hurts (its tier, which
``compare`` uses to call a change a regression) live here and nowhere else: the markdown, the
terminal, GitHub annotations, the JSON schema and ``compare`` all read :data:`FACTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters: ``error`` fails a run, ``warning`` deserves a look."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Verdict(StrEnum):
    """The primary verdict of a run, most serious first (the order reports list them in)."""

    DIVERGED = "diverged"
    STUCK = "stuck"
    SUSPECT = "suspect"
    UNSTABLE = "unstable"
    OVERFITTING = "overfitting"
    UNDERFITTING = "underfitting"
    NOT_CONVERGED = "not_converged"
    HEALTHY = "healthy"
    INSUFFICIENT_DATA = "insufficient_data"


# A run that could not be read: not a verdict of the rules, but shown and ranked like one.
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class VerdictFacts:
    """How a verdict is shown and ranked.

    ``severity`` is the verdict's own: a run's verdict is never milder than its most severe
    finding of severity ``error`` (see :mod:`curvelint.diagnosis.diagnose`). ``tier`` ranks
    how much a verdict hurts (0 healthy … 4 unreadable); ``compare`` calls a change to a higher
    tier a regression; ``None`` is not judged.
    """

    name: str
    words: str
    mark: str
    style: str
    severity: Severity
    tier: int | None
    meaning: str


FACTS: dict[str, VerdictFacts] = {
    facts.name: facts
    for facts in (
        VerdictFacts(
            "diverged",
            "diverged",
            "🔴",
            "bold red",
            Severity.ERROR,
            3,
            "NaN/inf in a loss, or a loss that blew up or climbed far above its start",
        ),
        VerdictFacts(
            "stuck",
            "stuck",
            "🔴",
            "bold red",
            Severity.ERROR,
            3,
            "the loss never left its start, or sits on a random guess's loss",
        ),
        VerdictFacts(
            "suspect",
            "suspect",
            "🔴",
            "bold red",
            Severity.ERROR,
            3,
            "the curves look fine but an error finding (a loss of exactly 0, leaked labels) "
            "says their numbers cannot be trusted",
        ),
        VerdictFacts(
            "unstable",
            "unstable",
            "🟠",
            "dark_orange",
            Severity.WARNING,
            2,
            "erratic: spikes or swings that never settle",
        ),
        VerdictFacts(
            "overfitting",
            "overfitting",
            "🟠",
            "dark_orange",
            Severity.WARNING,
            2,
            "the eval loss turned up while the training loss kept falling",
        ),
        VerdictFacts(
            "underfitting",
            "underfitting",
            "🟡",
            "yellow",
            Severity.WARNING,
            1,
            "training and eval both plateaued high",
        ),
        VerdictFacts(
            "not_converged",
            "not converged",
            "🟡",
            "yellow",
            Severity.WARNING,
            1,
            "still clearly improving when the run ended",
        ),
        VerdictFacts(
            "healthy",
            "healthy",
            "🟢",
            "green",
            Severity.INFO,
            0,
            "learned and settled, with none of the problems above",
        ),
        VerdictFacts(
            "insufficient_data",
            "insufficient data",
            "⚪",
            "dim",
            Severity.INFO,
            None,
            "too few points to judge",
        ),
        VerdictFacts(
            UNREADABLE,
            "unreadable",
            "⛔",
            "bold red",
            Severity.ERROR,
            4,
            "the run's logs could not be read",
        ),
    )
}

# Every verdict a report can show, most serious first.
VERDICT_ORDER: tuple[str, ...] = (UNREADABLE, *(verdict.value for verdict in Verdict))


def facts_of(verdict: str) -> VerdictFacts:
    """The facts of ``verdict`` (an unknown name is shown plainly, ranked as not judged)."""
    found = FACTS.get(verdict)
    if found is not None:
        return found
    return VerdictFacts(verdict, verdict.replace("_", " "), "⚪", "", Severity.INFO, None, "")


def verdict_rank(verdict: str) -> int:
    """Position in :data:`VERDICT_ORDER` (unknown names last)."""
    return VERDICT_ORDER.index(verdict) if verdict in VERDICT_ORDER else len(VERDICT_ORDER)
