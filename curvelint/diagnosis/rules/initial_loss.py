"""initial_loss: the first loss is far from what a random guess gives (ln C for C classes).

A freshly initialised classifier predicts roughly uniformly, so its first loss is about ln C.
Far above means the loss sees more classes than the model has — the course's num_labels=2
with labels up to 2 — or unscaled logits; far below, a model that already knew the task
(resumed, pretrained head) or labels leaking into the inputs. Judged only when the number of
classes is given: an inferred count is by construction near the first loss.
"""

from __future__ import annotations

from curvelint.analysis.levels import margin_confidence
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, times
from curvelint.names import is_loss

CODE = "initial_loss"


def check_initial_loss(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The first finite training loss against ln C, when C is known."""
    chance, curve = context.chance, context.train
    if (
        chance is None
        or chance.inferred
        or curve is None
        or not is_loss(context.train_series_metric)
    ):
        return ()
    first = float(curve.values[0])
    ratio = first / chance.loss
    tolerance = context.settings.initial_loss_tolerance
    if abs(ratio - 1.0) <= tolerance:
        return ()
    above = ratio > 1.0
    message = (
        f"the first {curve.name} {number(first)} (at {context.where(int(curve.steps[0]))}) is "
        f"{times(ratio)} what a random guess among {chance.classes} classes gives "
        f"(ln {chance.classes} = {number(chance.loss)})"
        + (": more classes in the labels than in the model, or a broken loss." if above else ".")
    )
    return (
        Finding(
            CODE,
            Severity.WARNING if above else Severity.INFO,
            margin_confidence(abs(ratio - 1.0), tolerance),
            message,
            advice.INITIAL_LOSS,
            {"first": first, "chance_loss": chance.loss, "ratio": ratio, "classes": chance.classes},
            series=curve.name,
        ),
    )
