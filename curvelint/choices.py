"""The closed sets of names a user types or reads: verdicts and severities (defined with their
meaning in :mod:`curvelint.verdicts`), smoothing methods, x axes and bands, each defined once.

This module imports nothing heavy, so ``curvelint --help`` lists every choice from these
definitions without loading numpy or pandas; the library modules that use them
(:mod:`curvelint.diagnosis.findings`, :mod:`curvelint.analysis.settings`,
:mod:`curvelint.report.model`) re-export them.
"""

from __future__ import annotations

from typing import Literal

# Verdicts and severities are defined with what they mean, in curvelint.verdicts (as light).
from curvelint.verdicts import Severity as Severity
from curvelint.verdicts import Verdict as Verdict

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
