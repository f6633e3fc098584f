"""From a run's analysis to its diagnosis: the first verdict rule that holds, plus every
secondary finding, sorted most severe first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from curvelint.analysis.results import RunAnalysis
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import SEVERITY_ORDER, Diagnosis, Finding, Severity, Verdict
from curvelint.diagnosis.rules import SECONDARY_RULES, VERDICT_RULES
from curvelint.diagnosis.settings import RuleSettings


def diagnose_run(
    analysis: RunAnalysis,
    metadata: Mapping[str, Any] | None = None,
    *,
    settings: RuleSettings | None = None,
    num_classes: int | None = None,
    main_metric: str | None = None,
) -> Diagnosis:
    """The verdict of one run with its reason and every finding, most severe first.

    ``metadata`` is the run's (the Trainer's ``logging_steps``, ``eval_steps``,
    ``early_stopping_patience``, final ``epoch`` and ``global_step``…; ``format`` tells the
    step unit). ``num_classes`` sets the random guess's loss, ln C.
    """
    context = RunContext(
        analysis,
        metadata or {},
        settings or RuleSettings(),
        num_classes=num_classes,
        main_metric=main_metric,
    )
    verdict, primary = _verdict(context)
    # Too few points for a shape are too few for the finer findings as well.
    rules = SECONDARY_RULES if verdict is not Verdict.INSUFFICIENT_DATA else ()
    secondary = [finding for rule in rules for finding in rule(context, verdict)]
    findings = sort_findings([primary, *secondary])
    return Diagnosis(analysis.run, verdict, primary.message, tuple(findings))


def _verdict(context: RunContext) -> tuple[Verdict, Finding]:
    for verdict, rule in VERDICT_RULES:
        finding = rule(context)
        if finding is not None:
            return verdict, finding
    # Only a run without any training curve gets here; insufficient_data always holds then.
    raise AssertionError("insufficient_data must hold for a run without a training curve")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first; within a severity the verdict's finding, then by confidence."""
    verdicts = {verdict.value for verdict in Verdict}
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], f.code not in verdicts, -f.confidence),
    )


__all__ = ["Severity", "diagnose_run", "sort_findings"]
