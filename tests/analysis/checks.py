"""Shared assertions: a result is plain data, JSON-ready, with no NaN where data was finite."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from curvelint.analysis.results import RunAnalysis, SeriesAnalysis

ARRAY_FIELDS = {"steps", "values", "smoothed"}
# SeriesAnalysis.curve's arrays (finite points only; the trend as stored, maybe sampled)
CURVE_ARRAYS = {"trend_values", "trend_medians", "trend_positions"}


# An eval turn's rise from a best of exactly 0, or in units of a noise of exactly 0 (a quantised
# accuracy), is infinite: a rise there is as clear as a rise can be.
INFINITE_ALLOWED = (".turn.rise_relative", ".turn.rise_noise_units")


def _walk(value: object, path: str, problems: list[str]) -> None:  # noqa: C901 - one case per type
    if isinstance(value, np.generic):
        problems.append(f"{path}: numpy scalar {type(value).__name__}")
    elif isinstance(value, float):
        if math.isinf(value) and path.endswith(INFINITE_ALLOWED):
            return
        if not math.isfinite(value):
            problems.append(f"{path}: {value}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in ARRAY_FIELDS | CURVE_ARRAYS:
                _walk(getattr(value, field.name), f"{path}.{field.name}", problems)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}[{key!r}]", problems)
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", problems)
    elif value is not None and not isinstance(value, str | int | bool):
        problems.append(f"{path}: unexpected {type(value).__name__}")


def plain_data_problems(series: SeriesAnalysis) -> list[str]:
    """Non-finite floats (when the series had finite points) and non-plain scalars."""
    problems: list[str] = []
    _walk(series, f"{series.run}:{series.metric}/{series.split}", problems)
    if series.n_finite == 0:
        problems = [problem for problem in problems if "numpy scalar" in problem]
    for name in ARRAY_FIELDS:
        array = getattr(series, name)
        if array.flags.writeable or len(array) != series.n_points:
            problems.append(f"{name} is writable or misaligned")
    curve = series.curve
    if curve is not None and any(
        array.flags.writeable or len(array) != series.n_finite
        for array in (curve.steps, curve.values, curve.trend_values)
    ):
        problems.append("the curve's arrays are writable or misaligned")
    if not np.array_equal(np.isfinite(series.smoothed), np.isfinite(series.values)):
        problems.append("smoothed and raw differ in which points are finite")
    return problems


def run_problems(run: RunAnalysis) -> list[str]:
    """Every problem of every series of a run."""
    problems: list[str] = []
    for series in run.series_analyses:
        problems.extend(plain_data_problems(series))
    if run.schedule is not None:
        _walk(run.schedule, f"{run.run}:schedule", problems)
    return problems
