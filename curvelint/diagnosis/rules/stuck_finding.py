"""The one shape of a stuck finding and its evidence, shared by the rules that find a run
stuck (:mod:`stuck`, :mod:`never_fell`)."""

from __future__ import annotations

from curvelint.analysis.levels import Curve
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict

CODE = Verdict.STUCK.value


def stuck_evidence(
    context: RunContext, curve: Curve, cause: str, start: float, final: float
) -> dict[str, EvidenceValue]:
    return {
        "cause": cause,
        "start_level": curve.logged(start),
        "final_level": curve.logged(final),
        "chance_loss": context.chance.loss if context.chance else None,
    }


def stuck_finding(
    curve: Curve, message: str, confidence: float, evidence: dict[str, EvidenceValue]
) -> Finding:
    return Finding(
        CODE, Severity.ERROR, confidence, message, advice.STUCK, evidence, series=curve.name
    )
