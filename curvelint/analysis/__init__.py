"""The numerical engine: each series of a run turned into plain data (smoothed curve, noise,
trend and projection, change-points and labelled segments, events). No rendering, no verdicts.

``analyze_frame(frame)`` is the entry point; the result types live in
:mod:`curvelint.analysis.results` and every threshold in :class:`AnalysisSettings`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
from curvelint.analysis.settings import AnalysisSettings, SmoothingMethod

if TYPE_CHECKING:
    from curvelint.analysis.run_analysis import analyze_frame, analyze_run
    from curvelint.analysis.series_analysis import analyze_series
    from curvelint.analysis.smoothing import smooth

# Imported on first use: they pull in SciPy (~0.5 s), which reading a config or settings, or a
# run whose analysis comes from the cache, never needs.
_HEAVY = {
    "analyze_frame": "curvelint.analysis.run_analysis",
    "analyze_run": "curvelint.analysis.run_analysis",
    "analyze_series": "curvelint.analysis.series_analysis",
    "smooth": "curvelint.analysis.smoothing",
}


def __getattr__(name: str) -> Any:
    if name in _HEAVY:
        return getattr(import_module(_HEAVY[name]), name)
    raise AttributeError(f"module 'curvelint.analysis' has no attribute {name!r}")


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
