"""Analyse whole runs: every series of each run, with the learning-rate schedule first so it
can explain the change-points of the other curves."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from curvelint.analysis.results import LearningRateSchedule, RunAnalysis, SeriesAnalysis
from curvelint.analysis.schedule import describe_schedule
from curvelint.analysis.series import SeriesData, iterate_series
from curvelint.analysis.series_analysis import analyze_series
from curvelint.analysis.settings import AnalysisSettings, SmoothingMethod
from curvelint.schema import validate
from curvelint.tag_families import epoch_tags

LEARNING_RATE = "learning_rate"


def analyze_frame(
    frame: pd.DataFrame,
    *,
    settings: AnalysisSettings | None = None,
    smoothing: SmoothingMethod | None = None,
) -> dict[str, RunAnalysis]:
    """Analyse every run of a schema frame; keyed by run name, in sorted order.

    ``smoothing`` overrides ``settings.smoothing`` (it changes only the display curve).
    """
    validate(frame)
    settings = settings or AnalysisSettings()
    if smoothing is not None:
        settings = settings.replace(smoothing=smoothing)
    by_run: dict[str, list[SeriesData]] = {}
    for series in iterate_series(frame):
        by_run.setdefault(series.run, []).append(series)
    return {run: analyze_run(by_run[run], settings=settings) for run in sorted(by_run)}


def analyze_run(
    series: Iterable[SeriesData], *, settings: AnalysisSettings | None = None
) -> RunAnalysis:
    """Analyse the series of one run (as cut by :func:`iterate_series`)."""
    settings = settings or AnalysisSettings()
    ordered = sorted(series, key=lambda data: (data.metric, data.split))
    if not ordered:
        raise ValueError("a run needs at least one series")
    rate = next((data for data in ordered if data.metric == LEARNING_RATE), None)
    schedule = describe_schedule(rate.steps, rate.values, settings) if rate is not None else None
    drops = schedule.drops if schedule is not None else ()
    per_epoch = set(epoch_tags(data.tag for data in ordered))
    analyses = tuple(
        analyze_series(
            data.steps,
            data.values,
            metric=data.metric,
            split=data.split,
            run=data.run,
            tag=data.tag,
            ignored_tags=data.ignored_tags,
            settings=settings,
            # A drop at epoch 5 explains nothing at iteration 5: only curves whose step counts
            # what the learning rate's counts (Keras logs both per epoch and per batch).
            learning_rate_drops=drops
            if rate is not None and (data.tag in per_epoch) == (rate.tag in per_epoch)
            else (),
            duplicates_dropped=data.n_duplicate_steps,
        )
        for data in ordered
    )
    return _run(ordered[0].run, analyses, schedule)


def _run(
    run: str, analyses: tuple[SeriesAnalysis, ...], schedule: LearningRateSchedule | None
) -> RunAnalysis:
    return RunAnalysis(run=run, series_analyses=analyses, schedule=schedule)
