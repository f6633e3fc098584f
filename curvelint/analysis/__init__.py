"""The numerical engine: each series of a run turned into plain data (smoothed curve, noise,
trend and projection, change-points and labelled segments, events). No rendering, no verdicts.

``analyze_frame(frame)`` is the entry point; the result types live in
:mod:`curvelint.analysis.results` and every threshold in :class:`AnalysisSettings`.
"""

from __future__ import annotations

from curvelint.analysis.buckets import minmax_buckets
from curvelint.analysis.levels import Curve, EvalTurn
from curvelint.analysis.results import (
    ChangePoint,
    Interval,
    LearningRateDrop,
    LearningRateSchedule,
    Noise,
    NonFiniteEvent,
    RunAnalysis,
    Segment,
    SeriesAnalysis,
    Spike,
    TrendFit,
)
from curvelint.analysis.run_analysis import analyze_frame, analyze_run
from curvelint.analysis.series_analysis import analyze_series
from curvelint.analysis.settings import AnalysisSettings, SmoothingMethod
from curvelint.analysis.smoothing import smooth

__all__ = [
    "AnalysisSettings",
    "ChangePoint",
    "Curve",
    "EvalTurn",
    "Interval",
    "LearningRateDrop",
    "LearningRateSchedule",
    "Noise",
    "NonFiniteEvent",
    "RunAnalysis",
    "Segment",
    "SeriesAnalysis",
    "SmoothingMethod",
    "Spike",
    "TrendFit",
    "analyze_frame",
    "analyze_run",
    "analyze_series",
    "minmax_buckets",
    "smooth",
]
