"""Which checks applied to a diagnosed run: each one found something, passed, or was skipped
and why. Without this a report cannot tell "did not overfit" from "overfitting was never
judged" (no eval loss was logged).

The statuses follow the diagnosis, never a second opinion: a check is ``found`` exactly when
one of the diagnosis's findings is its own (matched by code, and by the evidence's ``cause``
where several checks share a code). The verdict checks run in precedence order and the first
that holds decides; after it, the diagnosis only tries the later problem verdicts for a second
one, up to the first that holds, so the rest were not judged. The insufficient_data verdict
skips every finer check. The checks are listed in :mod:`curvelint.diagnosis.check_table`, what
each needs in :mod:`curvelint.diagnosis.check_needs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from curvelint.analysis.results import RunAnalysis
from curvelint.diagnosis.check_table import CHECKS, CheckSpec, check_of
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.diagnose import NOT_SECONDARY
from curvelint.diagnosis.findings import Diagnosis, Finding
from curvelint.diagnosis.settings import RuleSettings
from curvelint.verdicts import FACTS, Verdict


class CheckStatus(StrEnum):
    """What came of one check."""

    FOUND = "found"  # it wrote a finding of the diagnosis
    PASSED = "passed"  # it ran on the inputs it needs and found nothing
    SKIPPED = "skipped"  # it did not run: ``reason`` says why


@dataclass(frozen=True)
class Check:
    """One check of one run: a stable ``id`` (the rule's finding code), a short name, its
    status, and for a skipped check the one-line reason."""

    id: str
    name: str
    status: CheckStatus
    reason: str = ""


TOO_FEW_POINTS = "too few points to judge a shape: the finer checks are not run"


def list_checks(context: RunContext, diagnosis: Diagnosis) -> tuple[Check, ...]:
    """Every check of the table, in the order the diagnosis runs them, with its status."""
    found = {spec.id for spec in map(check_of, diagnosis.findings) if spec is not None}
    deciding = next((i for i, s in enumerate(CHECKS) if s.verdict and s.id in found), None)
    if deciding is None:  # a diagnosis made elsewhere than diagnose_run: no verdict check
        return tuple(_ran_or_skipped(spec, context, diagnosis.verdict) for spec in CHECKS)
    winner = CHECKS[deciding].verdict or diagnosis.verdict
    later = _later_verdict_reasons(context, diagnosis, deciding, winner)
    checks = []
    for index, spec in enumerate(CHECKS):
        if spec.id in found:
            checks.append(Check(spec.id, spec.name, CheckStatus.FOUND))
        elif winner is Verdict.INSUFFICIENT_DATA and (spec.verdict is None or index > deciding):
            checks.append(Check(spec.id, spec.name, CheckStatus.SKIPPED, TOO_FEW_POINTS))
        elif later.get(spec.id):
            reason = spec.needs(context, winner) or later[spec.id]
            checks.append(Check(spec.id, spec.name, CheckStatus.SKIPPED, reason))
        else:
            checks.append(_ran_or_skipped(spec, context, winner))
    return tuple(checks)


def _ran_or_skipped(spec: CheckSpec, context: RunContext, verdict: Verdict) -> Check:
    """Passed when the check had what it needs, else skipped saying what was missing."""
    reason = spec.needs(context, verdict)
    return Check(
        spec.id, spec.name, CheckStatus.SKIPPED if reason else CheckStatus.PASSED, reason or ""
    )


def _later_verdict_reasons(
    context: RunContext, diagnosis: Diagnosis, deciding: int, winner: Verdict
) -> dict[str, str]:
    """For each verdict check after the deciding one, why it was not judged ("" when it was).

    The diagnosis looks past the verdict for a second one (never healthy, insufficient data or
    the verdict itself), trying the later rules in order until one holds; it does not when an
    error finding overruled the curves' verdict (that verdict is then the second one)."""
    first = FACTS[winner.value].words
    not_judged = f"not judged: the {first} verdict comes first"
    reasons: dict[str, str] = {}
    looking = diagnosis.verdict is winner and winner not in NOT_SECONDARY
    for spec in CHECKS[deciding + 1 :]:
        if spec.verdict is None:
            continue
        if not looking or spec.verdict in NOT_SECONDARY | {winner}:
            reasons[spec.id] = not_judged
        elif spec.verdict is diagnosis.secondary and _holds(spec, context):
            reasons[spec.id] = f"{first} comes first, though this verdict's rule holds too (the "
            reasons[spec.id] += "second verdict)"
            looking = False  # the diagnosis stops at the first that holds
        else:
            reasons[spec.id] = ""  # tried for a second verdict: it did not hold
    return reasons


def _holds(spec: CheckSpec, context: RunContext) -> bool:
    """The check's verdict rule holds, with a cause of its own (several checks share one rule)."""
    finding = spec.rule(context)
    return isinstance(finding, Finding) and check_of(finding) is spec


def checks_of(
    analysis: RunAnalysis,
    metadata: Mapping[str, Any],
    diagnosis: Diagnosis,
    *,
    settings: RuleSettings | None = None,
    num_classes: int | None = None,
    main_metric: str | None = None,
) -> tuple[Check, ...]:
    """:func:`list_checks` of a run diagnosed by ``diagnose_run`` with the same arguments."""
    context = RunContext(
        analysis,
        metadata,
        settings or RuleSettings(),
        num_classes=num_classes,
        main_metric=main_metric,
    )
    return list_checks(context, diagnosis)


def summary_line(checks: tuple[Check, ...]) -> str:
    """``Checks: 14 ran (2 found something), 6 skipped.``"""
    found = sum(check.status is CheckStatus.FOUND for check in checks)
    skipped = sum(check.status is CheckStatus.SKIPPED for check in checks)
    ran = len(checks) - skipped
    return f"Checks: {ran} ran ({found} found something), {skipped} skipped."


__all__ = ["Check", "CheckStatus", "check_of", "checks_of", "list_checks", "summary_line"]
