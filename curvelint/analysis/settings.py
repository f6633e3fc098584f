"""Every tunable number of the analysis, in one place, so a config file can override any of them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from curvelint.choices import SMOOTHING_METHODS as SMOOTHING_METHODS
from curvelint.choices import SmoothingMethod as SmoothingMethod
from curvelint.errors import ConfigError

TREND_FAMILIES = ("power_law", "exponential", "log_power")
TrendSolver = Literal["least_squares", "gauss_newton"]
TREND_SOLVERS: tuple[TrendSolver, ...] = ("least_squares", "gauss_newton")


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """Thresholds and sizes used by :func:`curvelint.analysis.analyze_frame`.

    Noise-relative thresholds are in units of the series' robust noise level, so the same
    settings suit a loss of 10,000 and an accuracy of 0.9.
    """

    # Smoothing (display only: judgement never reads the smoothed curve).
    smoothing: SmoothingMethod = "centered_time_ema"
    ema_weight: float = 0.6  # TensorBoard's slider default for "debiased_ema"
    time_constant_fraction: float = 0.02  # time EMA's time constant, fraction of the step span

    # Final level: the median of this share of the last points (at least 3); see levels.
    final_window_share: float = 0.1

    # Long series: trend fits and change-points read equal-count bucket medians above these.
    trend_max_points: int = 120
    changepoint_max_points: int = 300

    # Trend fit and projection (on values clipped to a fence this many IQRs wide, see fences).
    outlier_fence_iqr: float = 10.0
    trend_min_points: int = 8
    trend_families: tuple[str, ...] = TREND_FAMILIES
    # "least_squares": scipy.optimize.least_squares(loss="soft_l1"); "gauss_newton": the same
    # objective by batched reweighted Gauss-Newton steps, about 2 ms less per fitted series.
    trend_solver: TrendSolver = "least_squares"
    bootstrap_samples: int = 64
    bootstrap_seed: int = 0
    interval_level: float = 0.9
    projection_factor: float = 2.0
    tail_fractions: tuple[float, float] = (0.1, 0.2)

    # Change-points: penalty = penalty_factor * noise² * ln(n); noise floored to a share of range.
    changepoint_min_points: int = 20
    changepoint_penalty_factor: float = 4.0
    changepoint_noise_floor: float = 0.01
    min_segment_points: int = 5
    min_segment_fraction: float = 0.03

    # Segment labels.
    plateau_noise_units: float = 2.0
    plateau_relative_change: float = 0.02
    spike_segment_max_fraction: float = 0.25

    # Spikes: robust z-score of a point against a rolling median.
    spike_z: float = 6.0
    spike_window: int = 21
    spike_scale_window: int = 201
    spike_recovery_noise_units: float = 3.0
    max_spikes: int = 100  # the largest ones, when a noisy series has more

    # Learning-rate schedule.
    lr_drop_ratio: float = 0.8
    lr_stable_ratio: float = 0.95
    lr_warmup_ratio: float = 0.5
    lr_never_decayed_ratio: float = 0.95
    lr_explain_fraction: float = 0.03

    def __post_init__(self) -> None:
        if self.smoothing not in SMOOTHING_METHODS:
            raise ConfigError(
                f"smoothing {self.smoothing!r} is unknown; use one of {list(SMOOTHING_METHODS)}"
            )
        if self.trend_solver not in TREND_SOLVERS:
            raise ConfigError(
                f"trend_solver {self.trend_solver!r} is unknown; use one of {list(TREND_SOLVERS)}"
            )
        unknown = set(self.trend_families) - set(TREND_FAMILIES)
        if unknown or not self.trend_families:
            raise ConfigError(
                f"trend_families {list(self.trend_families)} must be a non-empty subset of "
                f"{list(TREND_FAMILIES)}"
            )
        for name, low, high in _RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                raise ConfigError(f"{name} = {value} is out of range; use {low} to {high}")
        if self.spike_window % 2 == 0 or self.spike_scale_window % 2 == 0:
            raise ConfigError("spike_window and spike_scale_window must be odd")
        if not all(0.0 < share < 1.0 for share in self.tail_fractions):
            raise ConfigError(f"tail_fractions {self.tail_fractions} must lie between 0 and 1")

    def replace(self, **changes: object) -> AnalysisSettings:
        """A copy with some values changed, validated like the original."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        values.update(changes)
        return AnalysisSettings(**values)


_INFINITY = float("inf")
_RANGES: tuple[tuple[str, float, float], ...] = (
    ("ema_weight", 0.0, 0.999),
    ("time_constant_fraction", 0.0, 1.0),
    ("trend_max_points", 20, 1_000_000),
    ("changepoint_max_points", 20, 1_000_000),
    ("final_window_share", 0.0, 0.5),
    ("outlier_fence_iqr", 1.0, _INFINITY),
    ("trend_min_points", 5, 1_000_000),
    ("bootstrap_samples", 0, 10_000),
    ("interval_level", 0.5, 0.999),
    ("projection_factor", 1.0, 1_000.0),
    ("changepoint_min_points", 6, 1_000_000),
    ("changepoint_penalty_factor", 0.0, _INFINITY),
    ("changepoint_noise_floor", 0.0, 1.0),
    ("min_segment_points", 2, 1_000_000),
    ("min_segment_fraction", 0.0, 0.5),
    ("plateau_noise_units", 0.0, _INFINITY),
    ("plateau_relative_change", 0.0, _INFINITY),
    ("spike_segment_max_fraction", 0.0, 1.0),
    ("spike_z", 1.0, _INFINITY),
    ("spike_window", 3, 100_001),
    ("spike_scale_window", 3, 1_000_001),
    ("spike_recovery_noise_units", 0.0, _INFINITY),
    ("max_spikes", 0, 1_000_000),
    ("lr_drop_ratio", 0.0, 1.0),
    ("lr_stable_ratio", 0.0, 1.0),
    ("lr_warmup_ratio", 0.0, 1.0),
    ("lr_never_decayed_ratio", 0.0, 1.0),
    ("lr_explain_fraction", 0.0, 0.5),
)
