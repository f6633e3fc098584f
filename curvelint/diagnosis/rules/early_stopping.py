"""early_stopping: where EarlyStopping would have stopped, replayed on the logged eval curve.

Keras' ``EarlyStopping(patience=p)`` and the Trainer's ``EarlyStoppingCallback(p)`` count the
same way with their default zero threshold: an evaluation improves only if strictly better
than the best so far; the run stops at the p-th evaluation in a row without improvement.
"""

from __future__ import annotations

from dataclasses import dataclass

from curvelint.analysis.levels import Curve
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.overfitting import judged_eval
from curvelint.diagnosis.wording import number, percent

CODE = "early_stopping"


@dataclass(frozen=True)
class Stop:
    """Where a patience-p early stop would have happened (indices into the eval curve)."""

    best_index: int
    stop_index: int


def replay_early_stopping(curve: Curve, patience: int) -> Stop | None:
    """The stop of EarlyStopping(patience) on ``curve`` (oriented), None if it never stops."""
    best_index, waited = 0, 0
    for index in range(1, curve.count):
        if curve.values[index] < curve.values[best_index]:
            best_index, waited = index, 0
            continue
        waited += 1
        if waited >= patience:
            return Stop(best_index, index)
    return None


def patience_of(context: RunContext) -> int:
    """The run's own early-stopping patience when its log says, else the setting."""
    logged = context.metadata.get("early_stopping_patience")
    if isinstance(logged, int) and not isinstance(logged, bool) and logged > 0:
        return logged
    return context.settings.early_stopping_patience


def check_early_stopping(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """Early stopping would have stopped well before the end and kept the best checkpoint —
    replayed on the task metric the Trainer selects by when it has one (its
    EarlyStoppingCallback watches ``metric_for_best_model``), else on the judged eval curve."""
    selected = context.selected_task_metric
    curve = selected.curve if selected is not None else judged_eval(context)
    train = context.train
    if curve is None or train is None or verdict in (Verdict.DIVERGED, Verdict.STUCK):
        return ()  # nothing worth keeping: the best checkpoint is as bad as the last
    patience = patience_of(context)
    stop = replay_early_stopping(curve, patience)
    if stop is None or curve.best()[0] > stop.stop_index:
        return ()  # never stopped, or stopping would have missed a later, better model
    stop_step = int(curve.steps[stop.stop_index])
    saving = 1.0 - train.share_of_steps(stop_step)
    if saving < context.settings.early_stopping_min_saving:
        return ()
    best_step = int(curve.steps[stop.best_index])
    best = float(curve.values[stop.best_index])
    final = float(curve.values[-1])
    worse = (final - best) / abs(best) if best else 0.0
    watching = f" on {curve.name}, the metric the Trainer selects by," if selected else ""
    message = (
        f"EarlyStopping(patience={patience}){watching} as Keras or the HF Trainer count it "
        f"would have stopped at {context.where(stop_step)}, saving {percent(saving)} of the "
        f"steps and keeping the best {curve.name} {number(curve.logged(best))} from "
        f"{context.where(best_step)} (the last evaluation is {percent(worse)} worse)."
    )
    severity = Severity.WARNING if worse >= context.settings.overfit_min_rise else Severity.INFO
    return (
        Finding(
            CODE,
            severity,
            0.9,
            message,
            advice.EARLY_STOPPING,
            {
                "patience": patience,
                "stop_step": stop_step,
                "best_step": best_step,
                "best_value": curve.logged(best),
                "saving": saving,
            },
            series=curve.name,
        ),
    )
