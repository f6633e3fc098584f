"""From a run's analysis to its diagnosis: the first verdict rule that holds, plus every
secondary finding; the verdict's own finding first, then the rest most severe first.

One invariant is enforced here rather than hoped for in each rule: a verdict is never milder
than the run's error findings. When the curves alone read as a mild verdict (healthy, not
converged, overfitting…) but a secondary rule found an error — a loss of exactly 0.0, an
accuracy frozen at a class frequency — the verdict becomes the one that error implies, and
the curves' own reading is kept as a finding. And a healthy verdict beside a warning does not
say "nothing to fix": its advice points to the warnings instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from curvelint.analysis.results import RunAnalysis
from curvelint.diagnosis.check_table import check_of
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Diagnosis, Finding
from curvelint.diagnosis.rules import SECONDARY_RULES, VERDICT_RULES
from curvelint.diagnosis.settings import RuleSettings
from curvelint.diagnosis.tailoring import hints_of, tailor
from curvelint.verdicts import FACTS, SEVERITY_ORDER, Severity, Verdict

# The verdict an error finding implies when the curves alone read milder; any other error
# finding makes the run suspect.
ERROR_VERDICTS = {"frozen_accuracy": Verdict.STUCK}
# Suspect is a suspicion the log cannot settle — an exact zero says leaked labels, an empty loss
# or a collapsed model, not which, and readers often call such a run solved (healthy) — so its
# confidence is at most this.
SUSPECT_CONFIDENCE = 0.6


def diagnose_run(
    analysis: RunAnalysis,
    metadata: Mapping[str, Any] | None = None,
    *,
    settings: RuleSettings | None = None,
    num_classes: int | None = None,
    main_metric: str | None = None,
) -> Diagnosis:
    """The verdict of one run with its reason and every finding, the verdict's own first.

    ``metadata`` is the run's (the Trainer's ``logging_steps``, ``eval_steps``,
    ``early_stopping_patience``, final ``epoch`` and ``global_step``…; ``step_unit`` says when
    a step is an epoch). ``num_classes`` sets the random guess's loss, ln C.
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
    curves_verdict = verdict
    verdict, primary, secondary = _never_milder_than_errors(verdict, primary, secondary)
    if verdict is Verdict.HEALTHY:
        primary = _healthy_beside_warnings(primary, secondary)
    hints = hints_of(analysis, context.metadata)
    findings = tuple(
        replace(finding, recommendation=tailor(finding.recommendation, hints))
        for finding in (primary, *sort_findings(secondary))
    )
    second = curves_verdict if verdict is not curves_verdict else _second_verdict(context, verdict)
    return Diagnosis(analysis.run, verdict, primary.message, findings, second)


def _verdict(context: RunContext) -> tuple[Verdict, Finding]:
    for verdict, rule in VERDICT_RULES:
        finding = rule(context)
        if finding is not None:
            return verdict, finding
    # Only a run without any training curve gets here; insufficient_data always holds then.
    raise AssertionError("insufficient_data must hold for a run without a training curve")


NOT_SECONDARY = frozenset({Verdict.HEALTHY, Verdict.INSUFFICIENT_DATA})


def _second_verdict(context: RunContext, verdict: Verdict) -> Verdict | None:
    """The next problem verdict whose rule holds too (healthy and insufficient data are what
    is left when none does, so they are never secondary)."""
    if verdict in NOT_SECONDARY:
        return None
    later = VERDICT_RULES[[v for v, _ in VERDICT_RULES].index(verdict) + 1 :]
    for candidate, rule in later:
        if candidate not in NOT_SECONDARY | {verdict} and rule(context) is not None:
            return candidate
    return None


def _never_milder_than_errors(
    verdict: Verdict, primary: Finding, secondary: list[Finding]
) -> tuple[Verdict, Finding, list[Finding]]:
    """Escalate a mild verdict beside an error finding (see the module docstring)."""
    if FACTS[verdict.value].severity is Severity.ERROR:
        return verdict, primary, secondary
    errors = [f for f in secondary if f.severity is Severity.ERROR]
    if not errors:
        return verdict, primary, secondary
    error = max(errors, key=lambda f: f.confidence)
    escalated = ERROR_VERDICTS.get(error.code, Verdict.SUSPECT)
    reading = f"The curves alone read as {FACTS[verdict.value].words}: {primary.message}"
    demoted = replace(primary, severity=Severity.INFO, message=reading)
    rest = [f for f in secondary if f is not error]
    if escalated is Verdict.SUSPECT:
        error = replace(error, confidence=min(error.confidence, SUSPECT_CONFIDENCE))
    return escalated, error, [demoted, *rest]


def _healthy_beside_warnings(primary: Finding, secondary: list[Finding]) -> Finding:
    """Healthy's "nothing to fix" would contradict a warning found beside it: name the
    warnings' checks instead, as what is left to act on."""
    names: list[str] = []
    for finding in sort_findings(secondary):
        spec = check_of(finding)
        name = spec.name if spec is not None else finding.code
        if finding.severity is Severity.WARNING and name not in names:
            names.append(name)
    if not names:
        return primary
    listed = "; ".join(names)
    return replace(
        primary,
        recommendation=f"No problem verdict holds, but act on the warnings below first ({listed}).",
    )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then most confident; otherwise in the rules' order."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], -f.confidence))


__all__ = ["diagnose_run", "sort_findings"]
