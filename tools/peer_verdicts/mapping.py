"""A peer's findings → one of curvelint's verdicts, by a code table and a precedence order.

A mapping assigns each finding code (``check:severity``) a verdict or ``ignored``. A run's
verdict is the mapped finding that comes first — by the peer's own severity first when
``severity_first`` is set, then by the precedence order of verdicts — or ``no_findings`` when
no finding maps to a verdict. A run the peer could not read is ``unreadable``: never a match.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass

from curvelint.verdicts import Verdict
from tools.peer_verdicts.peers.base import Finding, PeerReport

IGNORED = "ignored"
UNREADABLE = "unreadable"
VERDICTS: tuple[str, ...] = tuple(
    verdict.value for verdict in Verdict if verdict is not Verdict.SUSPECT
)

# The candidate precedence orders (most urgent first); the search keeps the one that agrees best.
PRECEDENCE_ORDERS: tuple[tuple[str, ...], ...] = (
    (
        "diverged", "unstable", "overfitting", "stuck", "underfitting", "not_converged",
        "insufficient_data", "healthy",
    ),
    (
        "diverged", "overfitting", "unstable", "stuck", "underfitting", "not_converged",
        "insufficient_data", "healthy",
    ),
    (
        "diverged", "stuck", "underfitting", "unstable", "overfitting", "not_converged",
        "insufficient_data", "healthy",
    ),
    (
        "insufficient_data", "diverged", "unstable", "overfitting", "stuck", "underfitting",
        "not_converged", "healthy",
    ),
)  # fmt: skip

_SEVERITY_RANK = {
    "critical": 3, "error": 3, "fail": 3, "warning": 2, "warn": 2, "info": 1, "note": 1,
}  # fmt: skip


def severity_rank(severity: str) -> int:
    """The peer's severity as a number (higher is worse; unknown names rank lowest)."""
    return _SEVERITY_RANK.get(severity.lower(), 0)


@dataclass(frozen=True)
class VerdictMapping:
    """One peer's fixed mapping from finding codes to verdicts."""

    codes: MappingType[str, str]
    precedence: tuple[str, ...] = PRECEDENCE_ORDERS[0]
    severity_first: bool = False
    no_findings: str = "healthy"

    def verdict_of(self, finding: Finding) -> str:
        """The verdict one finding stands for (``ignored`` for codes unseen or left out)."""
        return self.codes.get(finding.code, IGNORED)

    def _priority(self, finding: Finding) -> tuple[int, int]:
        verdict_rank = self.precedence.index(self.verdict_of(finding))
        severity = -severity_rank(finding.severity) if self.severity_first else 0
        return severity, verdict_rank

    def predict(self, report: PeerReport) -> str:
        """The verdict the peer's report on one run maps to."""
        if not report.readable:
            return UNREADABLE
        mapped = [finding for finding in report.findings if self.verdict_of(finding) != IGNORED]
        if not mapped:
            return self.no_findings
        return self.verdict_of(min(mapped, key=self._priority))

    def with_code(self, code: str, verdict: str) -> VerdictMapping:
        """A copy with one code reassigned."""
        return VerdictMapping(
            codes={**self.codes, code: verdict},
            precedence=self.precedence,
            severity_first=self.severity_first,
            no_findings=self.no_findings,
        )

    def with_no_findings(self, verdict: str) -> VerdictMapping:
        """A copy with another verdict for a run with no mapped finding."""
        return VerdictMapping(
            codes=self.codes,
            precedence=self.precedence,
            severity_first=self.severity_first,
            no_findings=verdict,
        )
