"""A run that ended inside its learning-rate warm-up, its loss still falling: not converged.

The rate rose at each of its last logs to its highest at the end, so the run never trained at
the rate it planned; a loss that fell from its start and still falls at the end had barely
begun (a 300-step fine-tune stopped while its warm-up was still climbing to 3e-5). No share
or significance is asked of the late fall, as for a run cut short of its plan: the steps that
would have paid were never taken.
"""

from __future__ import annotations

from curvelint.analysis.levels import Curve, late_trend, margin_confidence, scale_of
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.plan import warm_up_unfinished
from curvelint.diagnosis.wording import number, percent


def ended_in_warm_up(context: RunContext, train: Curve) -> Finding | None:
    """Not converged: the warm-up never finished and the judged loss (eval when logged,
    else training) still falls at the end, after a fall from its start beyond a stuck one's."""
    rate = context.series("learning_rate")
    if not warm_up_unfinished(rate) or rate is None or rate.last_value is None:
        return None
    settings = context.settings
    evals = context.eval
    judged = evals if evals is not None and evals.count >= settings.min_eval_points else train
    fell = (judged.start() - judged.final()) / scale_of(judged)
    late = late_trend(judged, settings.late_share)
    if fell <= settings.stuck_max_fall_of_start or late.gain <= 0:
        return None
    evidence: dict[str, EvidenceValue] = {
        "lr_final": rate.last_value,
        "start_level": judged.logged(judged.start()),
        "final_level": judged.logged(judged.final()),
        "late_gain": late.gain,
        "late_share": settings.late_share,
    }
    message = (
        "the run ended inside its learning-rate warm-up (the rate rose at each of its last "
        f"three logs, to {number(rate.last_value)} at the end) with {judged.name} still falling: "
        f"from start level {number(judged.logged(judged.start()))} to final level "
        f"{number(judged.logged(judged.final()))}, its fitted line down {number(late.gain)} "
        f"over the last {percent(settings.late_share)} of the steps — it never trained at the "
        "rate it planned."
    )
    return Finding(
        Verdict.NOT_CONVERGED.value,
        Severity.WARNING,
        margin_confidence(fell, settings.stuck_max_fall_of_start),
        message,
        advice.NOT_CONVERGED,
        evidence,
        series=judged.name,
    )
