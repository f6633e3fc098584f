"""loss_spike: short excursions of a loss away from its running level, and whether it came back.

The analysis finds the spikes (robust z-score against a rolling median); this rule keeps the
ones that went the bad way and are large against the level they left and the run's own start
— on a loss that has memorised its data, a jump of 0.003 is many noise units but nothing to
act on.
"""

from __future__ import annotations

from curvelint.analysis.levels import Curve, scale_of
from curvelint.analysis.results import SeriesAnalysis, Spike
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.diagnosis.wording import number, times

CODE = "loss_spike"


def large_spikes(context: RunContext, series: SeriesAnalysis, curve: Curve) -> list[Spike]:
    """The bad-way spikes of a positive loss that jump by a visible share of both the level
    they left and the run's start."""
    settings = context.settings
    floor = settings.spike_min_share_of_start * scale_of(curve)
    return [
        spike
        for spike in series.spikes
        if spike.worse
        and spike.baseline > 0
        and spike.value - spike.baseline
        >= max(floor, settings.spike_min_rise_of_level * spike.baseline)
    ]


def check_loss_spikes(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """One finding per loss curve with large spikes: how many, the largest, recovered or not."""
    findings = []
    for series, curve in (
        (context.train_series, context.train),
        (context.eval_series, context.eval),
    ):
        if series is None or curve is None:
            continue
        spikes = large_spikes(context, series, curve)
        if spikes:
            findings.append(_finding(context, curve, spikes))
    return tuple(findings)


def _finding(context: RunContext, curve: Curve, spikes: list[Spike]) -> Finding:
    largest = max(spikes, key=lambda spike: abs(spike.value - spike.baseline))
    unrecovered = [spike for spike in spikes if not spike.recovered]
    ratio = largest.value / largest.baseline if largest.baseline > 0 else None
    size = f", {times(ratio)} the level {number(largest.baseline)}" if ratio else ""
    back = (
        f"recovered by {context.where(largest.recovery_step)}"
        if largest.recovered and largest.recovery_step is not None
        else "did not recover"
    )
    count = f"{len(spikes)} spike" + ("s" if len(spikes) > 1 else "")
    others = f"; {len(unrecovered)} did not recover" if unrecovered and largest.recovered else ""
    message = (
        f"{count} on {curve.name}: the largest at {context.where(largest.step)} "
        f"({number(largest.value)}{size}) {back}{others}."
    )
    return Finding(
        CODE,
        Severity.WARNING if unrecovered else Severity.INFO,
        0.9 if unrecovered else 0.8,
        message,
        advice.LOSS_SPIKE,
        {
            "spikes": len(spikes),
            "largest_step": largest.step,
            "largest_value": largest.value,
            "largest_baseline": largest.baseline,
            "unrecovered": len(unrecovered),
            "steps": ",".join(str(spike.step) for spike in spikes[:20]),
        },
        series=curve.name,
    )
