"""Choose, per peer, the mapping that favours it most: the best agreement on the dev split.

Every code the peer emitted on the dev runs may map to any verdict or be ignored, the verdict
for "no finding" is free too, and each candidate precedence order is tried with and without
the peer's own severity ranking first. For each of those eight candidates a coordinate ascent
(one code at a time, every option, keep the best; repeated until nothing improves) starts from
the names' plain meaning (NaN/divergence → diverged, overfit → overfitting, plateau → stuck,
spikes → unstable). The candidate with the most agreeing dev runs wins (ties: the earlier one).
The result is an upper bound on what a reader of that peer's output could get, tuned on dev.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.peer_verdicts.mapping import IGNORED, PRECEDENCE_ORDERS, VERDICTS, VerdictMapping
from tools.peer_verdicts.peers.base import PeerReport

MAX_ROUNDS = 10
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


def _ascend(mapping: VerdictMapping, codes: list[str], labelled: Labelled) -> VerdictMapping:
    best, best_score = mapping, agreement(mapping, labelled)
    for _ in range(MAX_ROUNDS):
        improved = False
        for verdict in VERDICTS:
            candidate = best.with_no_findings(verdict)
            if (score := agreement(candidate, labelled)) > best_score:
                best, best_score, improved = candidate, score, True
        for code in codes:
            for verdict in (*VERDICTS, IGNORED):
                candidate = best.with_code(code, verdict)
                if (score := agreement(candidate, labelled)) > best_score:
                    best, best_score, improved = candidate, score, True
        if not improved:
            break
    return best


def best_mapping(labelled: Labelled) -> VerdictMapping:
    """The mapping with the most agreement on ``labelled`` (the dev split's runs)."""
    codes = codes_in(labelled)
    start = {code: plain_meaning(code) for code in codes}
    best: VerdictMapping | None = None
    best_score = -1
    for severity_first in (False, True):
        for precedence in PRECEDENCE_ORDERS:
            seed = VerdictMapping(codes=start, precedence=precedence, severity_first=severity_first)
            candidate = _ascend(seed, codes, labelled)
            if (score := agreement(candidate, labelled)) > best_score:
                best, best_score = candidate, score
    assert best is not None  # noqa: S101 - the loops above always run
    return best
