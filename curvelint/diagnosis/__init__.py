"""Diagnosis: a run's analysis turned into one verdict, its reason and findings with evidence.

>>> from curvelint.analysis import analyze_frame
>>> from curvelint.diagnosis import diagnose_run
>>> diagnosis = diagnose_run(analyze_frame(run.frame)[run.name], run.metadata)
"""

from __future__ import annotations

from curvelint.diagnosis.diagnose import diagnose_run, sort_findings
from curvelint.diagnosis.findings import (
    SEVERITY_ORDER,
    VERDICT_PRECEDENCE,
    Diagnosis,
    EvidenceValue,
    Finding,
    Severity,
    Verdict,
)
from curvelint.diagnosis.settings import RuleSettings

__all__ = [
    "SEVERITY_ORDER",
    "VERDICT_PRECEDENCE",
    "Diagnosis",
    "EvidenceValue",
    "Finding",
    "RuleSettings",
    "Severity",
    "Verdict",
    "diagnose_run",
    "sort_findings",
]
