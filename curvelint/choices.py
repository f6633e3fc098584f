"""The closed sets of names a user types or reads: verdicts, severities, smoothing methods and
x axes, each defined once here.

This module imports nothing heavy, so ``curvelint --help`` lists every choice from these
definitions without loading numpy or pandas; the library modules that use them
(:mod:`curvelint.diagnosis.findings`, :mod:`curvelint.analysis.settings`,
:mod:`curvelint.report.model`) re-export them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Verdict(StrEnum):
    """The primary verdict of a run, in precedence order (the first that holds wins)."""

    DIVERGED = "diverged"
    STUCK = "stuck"
    UNSTABLE = "unstable"
    OVERFITTING = "overfitting"
    UNDERFITTING = "underfitting"
    NOT_CONVERGED = "not_converged"
    HEALTHY = "healthy"
    INSUFFICIENT_DATA = "insufficient_data"


class Severity(StrEnum):
    """How much a finding matters: ``error`` fails a run, ``warning`` deserves a look."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SmoothingMethod = Literal["centered_time_ema", "time_ema", "debiased_ema", "none"]
SMOOTHING_METHODS: tuple[SmoothingMethod, ...] = (
    "centered_time_ema",
    "time_ema",
    "debiased_ema",
    "none",
)

XAxis = Literal["step", "epoch", "time"]
X_AXES: tuple[XAxis, ...] = ("step", "epoch", "time")

Band = Literal["minmax", "interval"]  # how compare draws a seed group's spread
BANDS: tuple[Band, ...] = ("minmax", "interval")
