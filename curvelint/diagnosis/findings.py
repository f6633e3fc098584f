"""What a diagnosis says: a primary verdict and findings, each with evidence in numbers.

Plain frozen data, built once by the rules and only read by the renderers (markdown, JSON,
plots) — no renderer decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curvelint.verdicts import SEVERITY_ORDER, Severity, Verdict

# The order verdicts are listed in, most serious first. The rules check insufficient_data
# second (after diverged: a NaN is judged however short the log), but list it last.
VERDICT_PRECEDENCE: tuple[Verdict, ...] = tuple(Verdict)

EvidenceValue = float | int | str | bool | None


@dataclass(frozen=True)
class Finding:
    """One thing the rules noticed.

    ``code`` is stable (``overfitting``, ``loss_spike``, ``nan_grad_norm``…); ``message`` is one
    sentence with the evidence in numbers and steps; ``evidence`` holds the same numbers for
    machines (JSON) and plots (e.g. ``onset_step`` shades the overfitting region);
    ``recommendation`` is concrete advice. ``series`` names the curve, e.g. ``loss/eval``.
    ``onset_step`` in the evidence (overfitting, a NaN divergence) is where the problem began.
    """

    code: str
    severity: Severity
    confidence: float
    message: str
    recommendation: str
    evidence: dict[str, EvidenceValue] = field(default_factory=dict)
    series: str = ""


@dataclass(frozen=True)
class Diagnosis:
    """A run's verdict, the one-sentence reason, and every finding, most severe first."""

    run: str
    verdict: Verdict
    reason: str
    findings: tuple[Finding, ...] = ()
    # The next verdict whose rule also holds (a run that shows two conditions), if any.
    secondary: Verdict | None = None

    @property
    def confidence(self) -> float:
        """How sure the verdict is: its own finding's confidence."""
        return self.findings[0].confidence if self.findings else 0.0

    @property
    def severity(self) -> Severity:
        """The most severe finding's severity (``info`` when there are none): a run called
        healthy can still carry an error, such as a loss of exactly zero."""
        if not self.findings:
            return Severity.INFO
        return min((f.severity for f in self.findings), key=SEVERITY_ORDER.__getitem__)

    @property
    def primary(self) -> Finding | None:
        """The finding behind the verdict: always the first (a ``suspect`` verdict's is the
        error finding that made the curves untrustworthy)."""
        return self.findings[0] if self.findings else None


__all__ = [
    "SEVERITY_ORDER",
    "VERDICT_PRECEDENCE",
    "Diagnosis",
    "EvidenceValue",
    "Finding",
    "Severity",
    "Verdict",
]
