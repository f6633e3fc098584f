"""Choose, per peer, the mapping that favours it most: the best agreement on the dev split.

Every code the peer emitted on the dev runs may map to any verdict or be ignored, the verdict
for "no finding" is free too, and each candidate precedence order is tried with and without
the peer's own severity ranking first. For each of those eight candidates a local search
starts from the names' plain meaning (NaN/divergence → diverged, overfit → overfitting,
plateau → stuck, spikes → unstable): each round tries every code with every option, paired
with every verdict for "no finding" (a single change often cannot help until the default moves
too), and keeps the best; rounds repeat until nothing improves. The candidate with the most
agreeing dev runs wins (ties: the earlier one).
The result is an upper bound on what a reader of that peer's output could get, tuned on dev.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tools.peer_verdicts.mapping import IGNORED, PRECEDENCE_ORDERS, VERDICTS, VerdictMapping
from tools.peer_verdicts.peers.base import Finding, PeerReport

MAX_ROUNDS = 30
_PLAIN_MEANINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("nan", "non_finite", "finite", "diverg", "inf"), "diverged"),
    (("overfit",), "overfitting"),
    (("plateau", "stagnation", "flat", "stuck", "dead", "stopped_improving"), "stuck"),
    (("spike", "oscillat", "noise", "unstable"), "unstable"),
)

Labelled = Sequence[tuple[PeerReport, str]]


def plain_meaning(code: str) -> str:
    """The verdict a code's name suggests (``ignored`` when it suggests none)."""
    check = code.split(":", 1)[0].lower()
    for words, verdict in _PLAIN_MEANINGS:
        if any(word in check for word in words):
            return verdict
    return IGNORED


def agreement(mapping: VerdictMapping, labelled: Labelled) -> int:
    """How many (report, labelled verdict) pairs the mapping gets right."""
    return sum(mapping.predict(report) == verdict for report, verdict in labelled)


def codes_in(labelled: Labelled) -> list[str]:
    """Every finding code seen on readable runs, sorted."""
    return sorted({f.code for report, _ in labelled for f in report.findings})


_Grouped = list[tuple[PeerReport, Counter[str]]]


def _grouped(labelled: Labelled) -> _Grouped:
    """Runs with the same findings (messages aside) in one group: the search scores groups."""
    groups: dict[PeerReport, Counter[str]] = {}
    for report, verdict in labelled:
        key = PeerReport(
            tuple(sorted({Finding(f.check, f.severity, "") for f in report.findings}, key=str)),
            "unreadable" if report.unreadable is not None else None,
        )
        groups.setdefault(key, Counter())[verdict] += 1
    return list(groups.items())


def _score(mapping: VerdictMapping, grouped: _Grouped) -> int:
    return sum(labels[mapping.predict(report)] for report, labels in grouped)


def _best_move(
    mapping: VerdictMapping, codes: list[str], grouped: _Grouped, free_default: bool
) -> tuple[VerdictMapping, int]:
    best, best_score = mapping, _score(mapping, grouped)
    for no_findings in VERDICTS if free_default else (mapping.no_findings,):
        base = mapping.with_no_findings(no_findings)
        if (score := _score(base, grouped)) > best_score:
            best, best_score = base, score
        for code in codes:
            for verdict in (*VERDICTS, IGNORED):
                candidate = base.with_code(code, verdict)
                if (score := _score(candidate, grouped)) > best_score:
                    best, best_score = candidate, score
    return best, best_score


def _ascend(
    mapping: VerdictMapping, codes: list[str], grouped: _Grouped, free_default: bool
) -> VerdictMapping:
    best, best_score = mapping, _score(mapping, grouped)
    for _ in range(MAX_ROUNDS):
        candidate, score = _best_move(best, codes, grouped, free_default)
        if score <= best_score:
            break
        best, best_score = candidate, score
    return best


def best_mapping(labelled: Labelled, no_findings: str | None = None) -> VerdictMapping:
    """The mapping with the most agreement on ``labelled`` (the dev split's runs).

    ``no_findings`` fixes the verdict of a run without a mapped finding instead of searching it.
    """
    codes = codes_in(labelled)
    grouped = _grouped(labelled)
    start = {code: plain_meaning(code) for code in codes}
    best: VerdictMapping | None = None
    best_score = -1
    for severity_first in (False, True):
        for precedence in PRECEDENCE_ORDERS:
            seed = VerdictMapping(
                codes=start,
                precedence=precedence,
                severity_first=severity_first,
                no_findings=no_findings or "healthy",
            )
            candidate = _ascend(seed, codes, grouped, free_default=no_findings is None)
            if (score := _score(candidate, grouped)) > best_score:
                best, best_score = candidate, score
    assert best is not None  # noqa: S101 - the loops above always run
    return best
