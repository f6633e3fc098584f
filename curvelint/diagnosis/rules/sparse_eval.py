"""eval_too_sparse: too few evaluations (or none) to tell whether the model overfit."""

from __future__ import annotations

from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis import advice
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import Finding, Severity, Verdict
from curvelint.names import EVAL, TEST

CODE = "eval_too_sparse"


def check_sparse_eval(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """Fewer eval-loss points than an overfitting judgement needs, in a run long enough."""
    if verdict in (Verdict.INSUFFICIENT_DATA, Verdict.DIVERGED) or context.train is None:
        return ()
    minimum = context.settings.min_eval_points
    judged = _eval_curve(context)
    count = judged.n_finite if judged is not None else 0
    if count >= minimum:
        return ()
    trained = f"{context.train.count:,}"
    if count == 0:
        message = (
            f"no eval curve was logged beside {trained} training points, so overfitting "
            "cannot be judged."
        )
    else:
        name = _name(judged) if judged is not None else "eval"
        message = (
            f"only {count:,} {name} point{'s' if count > 1 else ''} against {trained} training "
            f"points: overfitting needs at least {minimum:,}."
        )
    return (
        Finding(
            CODE,
            Severity.INFO,
            1.0,
            message,
            advice.SPARSE_EVAL,
            {"eval_points": count, "needed": minimum},
            series=_name(judged) if judged is not None else "",
        ),
    )


def _eval_curve(context: RunContext) -> SeriesAnalysis | None:
    """The eval loss, else the judged eval metric with the most finite points (an MLflow run
    may log a validation MAE and no loss)."""
    if context.eval_series is not None:
        return context.eval_series
    judged = [
        s
        for s in context.analysis.series_analyses
        if s.split in (EVAL, TEST) and s.direction != 0 and s.n_finite > 0
    ]
    return max(judged, key=lambda s: s.n_finite) if judged else None


def _name(series: SeriesAnalysis) -> str:
    """``loss/eval``: the spelling of a finding's ``series``."""
    return f"{series.metric}/{series.split}" if series.split else series.metric
