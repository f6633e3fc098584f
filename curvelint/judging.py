"""Judging one run: the only place that calls the curve analysis and the rules.

``analyze``, ``compare``, the accuracy command and seed groups all judge through
:func:`judge_run` (or :func:`judge_frame` for a frame built in memory, such as a seed group's
mean), with one :class:`JudgingOptions` built from the configuration and the command line in
:meth:`JudgingOptions.from_config`. So a run gets the same verdict whichever command looks at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from curvelint.analysis import AnalysisSettings, RunAnalysis, analyze_frame, analyze_run
from curvelint.diagnosis import Diagnosis, RuleSettings, diagnose_run
from curvelint.diagnosis.checks import Check, checks_of
from curvelint.errors import NoLogsError

if TYPE_CHECKING:
    import pandas as pd

    from curvelint.analysis.series import SeriesData
    from curvelint.config import Config
    from curvelint.runs import Run


@dataclass(frozen=True)
class JudgingOptions:
    """How runs are analysed and judged; picklable, so each worker process gets a copy."""

    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    num_classes: int | None = None
    main_metric: str | None = None  # "loss/eval", "accuracy/eval"…

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        smoothing: str | None = None,
        main_metric: str | None = None,
        num_classes: int | None = None,
    ) -> JudgingOptions:
        """The configuration with the command line's options on top (they win)."""
        analysis = config.analysis
        if smoothing is not None:
            analysis = analysis.replace(smoothing=smoothing)
        return cls(
            analysis=analysis,
            rules=config.rules,
            num_classes=num_classes if num_classes is not None else config.num_classes,
            main_metric=main_metric or config.main_metric,
        )


@dataclass(frozen=True)
class Judgement:
    """One run's (or one seed group's) analysis, the diagnosis drawn from it, and which checks
    ran or were skipped."""

    name: str
    analysis: RunAnalysis
    diagnosis: Diagnosis
    checks: tuple[Check, ...] = ()


def run_metadata(run: Run) -> dict[str, Any]:
    """What the rules read about a run besides its curves: its metadata and its format."""
    return {**run.metadata, "format": run.format}


def analyze_run_frame(name: str, frame: pd.DataFrame, options: JudgingOptions) -> RunAnalysis:
    """The curve analysis of the run ``name`` of ``frame``, without a verdict (for views of
    single series, such as the MCP server's). A frame with no point of that run is a
    one-line :class:`NoLogsError`, not a KeyError."""
    analyses = analyze_frame(frame, settings=options.analysis)
    if name not in analyses:
        raise NoLogsError(f"run {name!r} has no logged points in the frame")
    return analyses[name]


def judge_frame(
    name: str, frame: pd.DataFrame, metadata: Mapping[str, Any], options: JudgingOptions
) -> Judgement:
    """Analyse and diagnose the run ``name`` of ``frame`` (a frame of that run only)."""
    return _diagnosed(name, analyze_run_frame(name, frame, options), metadata, options)


def judge_series(
    name: str, series: list[SeriesData], metadata: Mapping[str, Any], options: JudgingOptions
) -> Judgement:
    """Analyse and diagnose the run ``name`` from its series, as
    :func:`~curvelint.analysis.series.iterate_series` cuts them from its frame: the same
    judgement as :func:`judge_frame`'s, without holding the frame while the series are
    analysed (for a 10M-point run, 280 MB)."""
    analysis = analyze_run(series, settings=options.analysis)
    return _diagnosed(name, analysis, metadata, options)


def _diagnosed(
    name: str, analysis: RunAnalysis, metadata: Mapping[str, Any], options: JudgingOptions
) -> Judgement:
    diagnosis = diagnose_run(
        analysis,
        metadata,
        settings=options.rules,
        num_classes=options.num_classes,
        main_metric=options.main_metric,
    )
    checks = checks_of(
        analysis,
        metadata,
        diagnosis,
        settings=options.rules,
        num_classes=options.num_classes,
        main_metric=options.main_metric,
    )
    return Judgement(name, analysis, diagnosis, checks)


def judge_run(run: Run, options: JudgingOptions | None = None) -> Judgement:
    """Analyse and diagnose one run read from disk."""
    return judge_frame(run.name, run.frame, run_metadata(run), options or JudgingOptions())
