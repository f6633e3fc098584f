"""The learning-rate schedule read beside the loss: no warm-up before an early spike, a rate
that never decayed on a run that needed it, a plateau right after a drop."""

from __future__ import annotations

from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.rules.loss_spikes import large_spikes
from curvelint.diagnosis.wording import number, percent
from curvelint.readers.base import steps_are_epochs

# Verdicts a constant learning rate can explain (a decay lets the loss settle lower).
DECAY_VERDICTS = frozenset(
    {Verdict.DIVERGED, Verdict.UNSTABLE, Verdict.UNDERFITTING, Verdict.STUCK}
)
LATE_DROP_SHARE = 0.8  # a drop after this share of the run has too little run left to judge


def check_no_warmup(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """A training-loss spike early in a run whose learning rate started at full height."""
    schedule, series, curve = context.analysis.schedule, context.train_series, context.train
    if schedule is None or schedule.warmup or series is None or curve is None:
        return ()
    early = [
        spike
        for spike in large_spikes(context, series, curve)
        if curve.share_of_steps(spike.step) <= context.settings.warmup_spike_share
    ]
    if not early:
        return ()
    spike = early[0]
    message = (
        f"{curve.name} spiked to {number(spike.value)} at {context.where(spike.step)}, in the "
        f"first {percent(context.settings.warmup_spike_share)} of the run, with no learning-rate "
        f"warm-up (it started at its peak {number(schedule.peak)})."
    )
    return (
        Finding(
            "no_warmup",
            Severity.WARNING,
            0.7,
            message,
            advice.NO_WARMUP,
            {"spike_step": spike.step, "initial_learning_rate": schedule.initial},
            series="learning_rate",
        ),
    )


def check_never_decayed(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """A learning rate that stayed at its peak on a run that diverged, swung or plateaued."""
    schedule = context.analysis.schedule
    if schedule is None or not schedule.never_decayed or verdict not in DECAY_VERDICTS:
        return ()
    message = (
        f"the learning rate never decayed: {number(schedule.initial)} at the start, "
        f"{number(schedule.final)} at the end (peak {number(schedule.peak)})."
    )
    return (
        Finding(
            "learning_rate_never_decayed",
            Severity.INFO,
            0.6,
            message,
            advice.NEVER_DECAYED,
            {"initial": schedule.initial, "final": schedule.final, "peak": schedule.peak},
            series="learning_rate",
        ),
    )


def same_step_unit(context: RunContext) -> bool:
    """The learning rate's step counts what the training loss's does (a Keras run logging
    both per epoch and per batch has its rate at epochs and its judged loss at iterations)."""
    rate = context.series("learning_rate")
    return rate is None or context.steps_are_epochs == steps_are_epochs(context.metadata, rate.tag)


def check_plateau_after_drop(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The training loss stopped improving right after a learning-rate drop."""
    schedule, curve = context.analysis.schedule, context.train
    if schedule is None or curve is None or not schedule.drops or not same_step_unit(context):
        return ()
    final = curve.final()
    for drop in schedule.drops:
        level = curve.at_step(drop.step)
        if curve.share_of_steps(drop.step) > LATE_DROP_SHARE or level <= 0:
            continue
        gain = level - final
        if gain >= context.settings.plateau_after_drop_max_gain * level:
            continue
        message = (
            f"the learning rate dropped {number(drop.before)} → {number(drop.after)} at "
            f"{context.where(drop.step)} and {curve.name} barely moved afterwards "
            f"({number(curve.logged(curve.at_step(drop.step)))} → {number(curve.logged(final))})."
        )
        return (
            Finding(
                "plateau_after_lr_drop",
                Severity.INFO,
                0.6,
                message,
                advice.PLATEAU_AFTER_DROP,
                {"drop_step": drop.step, "factor": drop.factor, "gain_after": gain},
                series=curve.name,
            ),
        )
    return ()
