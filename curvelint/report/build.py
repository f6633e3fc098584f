"""Run + RunAnalysis + Diagnosis → RunReport: every choice about what to show, made once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from curvelint.analysis.results import RunAnalysis, SeriesAnalysis
from curvelint.diagnosis.checks import Check
from curvelint.diagnosis.findings import Diagnosis, Finding
from curvelint.names import is_loss
from curvelint.readers.base import steps_are_epochs
from curvelint.report import plot_data
from curvelint.report.changes import Change
from curvelint.report.model import (
    EpochScale,
    Overview,
    PlotSpec,
    ReportOptions,
    RunReport,
    SeriesSummary,
    SkippedItem,
)
from curvelint.report.plot_choice import metric_panels
from curvelint.report.plot_notes import STEPS_ARE_EPOCHS
from curvelint.report.sparkline import sparkline
from curvelint.report.x_axis import XMapping, epoch_scale, x_mapping
from curvelint.runs import Run
from curvelint.verdicts import UNREADABLE, Verdict

MAIN_SPLITS = ("train", "eval", "test")


class FrameFacts(NamedTuple):
    """What a run's report reads from its frame (everything else comes from the analysis):
    taken before the analysis, so that the frame of a long run can go while it is analysed."""

    overview: Overview
    epochs: EpochScale | None  # the second x axis of the plots
    x_of: XMapping
    x_note: str | None


def frame_facts(run: Run, options: ReportOptions | None = None) -> FrameFacts:
    """The :class:`FrameFacts` of ``run``, for the plots' x axis ``options.x_axis``."""
    options = options or ReportOptions()
    # A run whose step is the epoch says so on its x axis and needs no second epoch axis.
    epochs = None if steps_are_epochs(run.metadata) else epoch_scale(run.frame)
    x_of, x_note = x_mapping(run.frame, options.x_axis)
    return FrameFacts(overview(run), epochs, x_of, x_note)


class ChosenPlots(NamedTuple):
    """The figures of a run and what they leave out or could not find."""

    plots: tuple[PlotSpec, ...]
    unplotted: tuple[str, ...]
    changes: tuple[Change, ...]
    missing: tuple[str, ...]  # --plot names the run does not have


def series_summary(series: SeriesAnalysis, step_unit: str = "step") -> SeriesSummary:
    """The key numbers of one analysed curve; ``step_unit`` says what its steps count."""
    last = float(series.values[-1]) if len(series.values) else 0.0
    event = series.nonfinite
    return SeriesSummary(
        metric=series.metric,
        split=series.split,
        tag=series.tag,
        direction=series.direction,
        points=series.n_points,
        finite_points=series.n_finite,
        first_step=series.first_step,
        last_step=series.last_step,
        final_value=series.last_value,
        final_step=series.last_finite_step,
        best_value=series.best_value,
        best_step=series.best_step,
        final_level=curve.logged(curve.final()) if (curve := series.curve) is not None else None,
        ends_with=None if np.isfinite(last) else _kind(last),
        first_non_finite_step=event.step if event else None,
        first_non_finite_kind=event.kind if event else None,
        step_unit=step_unit,
    )


def _kind(value: float) -> str:
    if np.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def main_series(analysis: RunAnalysis, wanted: str | None) -> SeriesAnalysis | None:
    """The series the index summarises: ``wanted`` (``metric`` or ``metric/split``), else the
    train loss, else the eval or test loss, else a lower-is-better metric."""
    if wanted:
        metric, _, split = wanted.partition("/")
        splits = (split,) if split else (*MAIN_SPLITS, "")
        return next((s for sp in splits if (s := analysis.series(metric, sp)) is not None), None)
    loss = next((s for sp in MAIN_SPLITS if (s := analysis.main_loss(sp)) is not None), None)
    return loss or _lower_is_better(analysis)


def _lower_is_better(analysis: RunAnalysis) -> SeriesAnalysis | None:
    """A run that logs no loss (an MLflow run logging MAE): its lower-is-better curve with the
    most finite points, train first — the curve the rules judge as its objective."""
    for split in MAIN_SPLITS:
        lower = [s for s in analysis.series_analyses if s.split == split and s.direction < 0]
        if lower:
            return max(lower, key=lambda series: series.n_finite)
    return None


def overview(run: Run) -> Overview:
    """Steps, points, epochs and wall-clock duration of the whole run."""
    frame = run.frame
    if frame.empty:
        return Overview(None, None, 0, None, None)
    epochs = _finite_range(frame["epoch"].to_numpy())
    times = _finite_range(frame["wall_time"].to_numpy())
    duration = float(times[1] - times[0]) if times is not None else None
    return Overview(
        first_step=int(frame["step"].min()),
        last_step=int(frame["step"].max()),
        points=len(frame),
        epochs=float(epochs[1]) if epochs is not None else None,
        duration_seconds=duration if duration else None,
    )


def _finite_range(values: np.ndarray) -> tuple[np.float64, np.float64] | None:
    """The smallest and largest finite value; a column that is all finite (the usual case) is
    not copied, which for a 10M-point run saves a transient 80 MB at the peak of memory use."""
    finite = np.isfinite(values)
    if not finite.all():
        values = values[finite]
    if not len(values):
        return None
    return values.min(), values.max()


def _plots(
    run: Run,
    analysis: RunAnalysis,
    main: SeriesAnalysis | None,
    findings: tuple[Finding, ...],
    x_of: XMapping,
    options: ReportOptions,
    epochs: EpochScale | None,
) -> ChosenPlots:
    """Which series go on which figure, the rest listed as not plotted; the change-points the
    loss plot marks."""
    max_points, wanted = options.max_plot_points, options.plot_metrics
    epoch_tags = frozenset(
        s.tag for s in analysis.series_analyses if steps_are_epochs(run.metadata, s.tag)
    )
    context = plot_data.PlotContext(run.name, x_of, epochs, max_points, epoch_tags)
    loss_source = main if main is not None and is_loss(main.metric) else main_series(analysis, None)
    loss = [s for s in analysis.series_analyses if loss_source and s.metric == loss_source.metric]
    shaded = plot_data.shaded_series(findings)
    loss += [s for s in analysis.series_analyses if s.key in shaded and s not in loss]
    loss_keys = {s.key for s in loss}
    optimizer = {
        metric: [s for s in analysis.series_analyses if s.metric == metric]
        for metric in plot_data.OPTIMIZER_METRICS
        if analysis.series(metric, "") is not None
    }
    groups, unplotted, missing = metric_panels(analysis.series_analyses, loss_keys, wanted)
    plots: list[PlotSpec] = []
    changes: tuple[Change, ...] = ()
    if loss:
        loss_spec, changes = plot_data.loss_plot(loss, findings, context)
        plots.append(loss_spec)
    if groups:
        plots.append(plot_data.metrics_plot(groups, context))
    if optimizer:
        plots.append(plot_data.optimizer_plot(optimizer, context))
    return ChosenPlots(tuple(plots), unplotted, changes, missing)


def _in_plot_order(analysis: RunAnalysis, plots: tuple[PlotSpec, ...]) -> list[SeriesAnalysis]:
    """Series in the order the plots show them (main loss, metrics, optimizer), then the rest."""
    plotted = [
        (curve.metric, curve.split)
        for plot in plots
        for panel in plot.panels
        for curve in panel.curves
    ]
    rank = {key: position for position, key in enumerate(plotted)}
    return sorted(analysis.series_analyses, key=lambda s: rank.get(s.key, len(rank)))


def _ignored_tag_notes(analysis: RunAnalysis) -> list[str]:
    """Tags that map to a series already taken by another tag (the one with most points)."""
    return [
        f"{', '.join(repr(tag) for tag in series.ignored_tags)} not analysed: {series.tag!r} "
        f"is also {series.metric}/{series.split or '-'} and has as many points or more"
        for series in analysis.series_analyses
        if series.ignored_tags
    ]


def build_run_report(
    run: Run,
    analysis: RunAnalysis,
    diagnosis: Diagnosis,
    *,
    folder: str,
    options: ReportOptions | None = None,
    facts: FrameFacts | None = None,
    checks: tuple[Check, ...] = (),
) -> RunReport:
    """The report model of one analysed and diagnosed run; ``facts`` (taken from the run's
    frame when not given) lets a caller drop the frame before the analysis; ``checks`` are the
    judgement's (which checks ran, which were skipped and why)."""
    options = options or ReportOptions()
    facts = facts or frame_facts(run, options)
    main = main_series(analysis, options.main_metric)
    findings = diagnosis.findings  # ordered once, by the diagnosis: the verdict's own first
    x_of, x_note = facts.x_of, facts.x_note
    if steps_are_epochs(run.metadata) and x_of.unit == "step":
        x_of = replace(x_of, label=STEPS_ARE_EPOCHS)
    chosen = _plots(run, analysis, main, findings, x_of, options, facts.epochs)
    return RunReport(
        name=run.name,
        folder=folder,
        format=run.format,
        verdict=diagnosis.verdict.value,
        reason=diagnosis.reason,
        confidence=diagnosis.confidence,
        secondary=diagnosis.secondary.value if diagnosis.secondary else None,
        overview=facts.overview,
        series=tuple(
            series_summary(s, _unit(run, s.tag)) for s in _in_plot_order(analysis, chosen.plots)
        ),
        main=series_summary(main, _unit(run, main.tag)) if main else None,
        sparkline=sparkline(main.steps, main.values) if main else "",
        findings=findings,
        plots=chosen.plots,
        unplotted=chosen.unplotted,
        skipped=tuple(SkippedItem(s.path, s.where, s.why, s.count) for s in run.skipped),
        notes=(*run.notes, *_ignored_tag_notes(analysis)),
        files=run.files,
        x_axis_note=x_note,
        configuration=run.configuration,
        step_unit=_unit(run, main.tag if main else None),
        changes=chosen.changes,
        unknown_plots=chosen.missing,
        checks=checks,
    )


def _unit(run: Run, tag: str | None) -> str:
    """What the steps of ``tag`` (else of the whole run) count: "epoch" or "step"."""
    return "epoch" if steps_are_epochs(run.metadata, tag) else "step"


def unreadable_report(name: str, format_name: str, error: str, *, folder: str) -> RunReport:
    """The report of a run that could not be read: the verdict ``unreadable`` and the error."""
    return RunReport(
        name=name,
        folder=folder,
        format=format_name,
        verdict=UNREADABLE,
        reason=error,
        overview=Overview(None, None, 0, None, None),
    )


def log_held(notes: Sequence[str]) -> str:
    """What a log without a point held, in the reader's notes (``empty log`` without one)."""
    return "; ".join(notes) or "empty log"


def empty_log_reason(notes: Sequence[str]) -> str:
    """Why a run whose log holds no point is insufficient data, with what the log held."""
    return f"the log holds no point of any curve ({log_held(notes)}): nothing to judge."


def empty_log_report(
    name: str, format_name: str, notes: Sequence[str], *, folder: str
) -> RunReport:
    """The report of a run whose log holds no point (a Trainer state with only its final
    summary, a CSV log with only its header): insufficient data, and what the log held."""
    return RunReport(
        name=name,
        folder=folder,
        format=format_name,
        verdict=Verdict.INSUFFICIENT_DATA.value,
        reason=empty_log_reason(notes),
        overview=Overview(None, None, 0, None, None),
    )
