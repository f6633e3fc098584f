"""Trend fits with known answers: asymptotes, projections, improvement shares."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.analysis.results import TrendFit
from curvelint.analysis.settings import AnalysisSettings
from curvelint.analysis.trend import fit_trend
from tests.synthetic import constant, power_law_decay, saturating_accuracy

SETTINGS = AnalysisSettings()


def _fit(steps: np.ndarray, values: np.ndarray, direction: int) -> TrendFit:
    fitted = fit_trend(steps.astype(np.float64), values, direction=direction, settings=SETTINGS)
    assert isinstance(fitted, TrendFit), fitted
    return fitted


@pytest.mark.parametrize("seed", range(8))
def test_power_law_asymptote_within_ten_percent(seed: int) -> None:
    steps, values = power_law_decay(3000, asymptote=0.5, amplitude=2.0, exponent=0.5, seed=seed)
    fit = _fit(steps, values, -1)
    assert fit.asymptote == pytest.approx(0.5, rel=0.1)


@pytest.mark.parametrize(("asymptote", "exponent"), [(1.2, 0.8), (0.05, 1.0), (3.0, 0.6)])
def test_power_law_asymptote_for_other_shapes(asymptote: float, exponent: float) -> None:
    steps, values = power_law_decay(
        2000, asymptote=asymptote, amplitude=2.0, exponent=exponent, noise=0.005, every=5
    )
    assert _fit(steps, values, -1).asymptote == pytest.approx(asymptote, rel=0.1)


def test_projection_interval_covers_the_true_curve_at_twice_the_steps() -> None:
    steps, values = power_law_decay(3000, asymptote=0.5, amplitude=2.0, exponent=0.5, seed=2)
    fit = _fit(steps, values, -1)
    truth = 0.5 + 2.0 * (2 * 2999 + 1.0) ** -0.5
    assert fit.projection_step == 2 * 2999
    assert fit.projection == pytest.approx(truth, rel=0.02)
    assert fit.projection_interval is not None
    assert fit.projection_interval.low <= fit.projection <= fit.projection_interval.high
    assert fit.asymptote_interval is not None
    assert fit.asymptote_interval.low <= fit.asymptote <= fit.asymptote_interval.high


def test_saturating_accuracy_ceiling_and_improvement_sign() -> None:
    steps, values = saturating_accuracy(2000, ceiling=0.92, start=0.1, rate=5.0)
    fit = _fit(steps, values, 1)
    assert fit.asymptote == pytest.approx(0.92, rel=0.02)
    assert fit.improvement_total == pytest.approx(0.92 - 0.1 - 0.82 * np.exp(-5.0), rel=0.05)
    truth_last_10 = 0.82 * (np.exp(-4.5) - np.exp(-5.0)) / (0.82 * (1 - np.exp(-5.0)))
    assert fit.improvement_last_10 == pytest.approx(truth_last_10, abs=0.01)
    assert fit.improvement_last_10 is not None and fit.improvement_last_20 is not None
    assert fit.improvement_last_20 > fit.improvement_last_10


def test_improvement_of_a_loss_is_positive_when_it_falls() -> None:
    steps, values = power_law_decay(1000, seed=4)
    fit = _fit(steps, values, -1)
    assert fit.improvement_total > 0
    assert fit.improvement_last_10 is not None
    assert 0 < fit.improvement_last_10 < fit.improvement_last_20 < 0.1  # type: ignore[operator]


def test_still_falling_linearly_has_large_late_share() -> None:
    steps = np.arange(500)
    values = 2.0 - 0.002 * steps + np.random.default_rng(0).normal(0, 0.01, 500)
    fit = _fit(steps, values, -1)
    assert fit.improvement_last_10 == pytest.approx(0.1, abs=0.03)
    assert fit.improvement_last_20 == pytest.approx(0.2, abs=0.04)


def test_evaluate_reproduces_fitted_values() -> None:
    steps, values = power_law_decay(800, seed=5)
    fit = _fit(steps, values, -1)
    ends = fit.evaluate(np.array([steps[0], steps[-1]]))
    assert ends[0] == pytest.approx(fit.fitted_first)
    assert ends[1] == pytest.approx(fit.fitted_last)


def test_constant_series_fits_a_constant() -> None:
    steps, values = constant(100, value=1.5)
    fit = _fit(steps, values, -1)
    assert fit.model == "constant"
    assert fit.asymptote == 1.5
    assert fit.projection == 1.5
    assert fit.improvement_last_10 is None


def test_reasons_instead_of_fits() -> None:
    assert isinstance(fit_trend(np.arange(4.0), np.ones(4), direction=-1, settings=SETTINGS), str)
    same_step = fit_trend(np.zeros(10), np.arange(10.0), direction=-1, settings=SETTINGS)
    assert isinstance(same_step, str)


def test_outliers_do_not_move_the_asymptote() -> None:
    steps, values = power_law_decay(2000, seed=6)
    values[np.random.default_rng(1).choice(2000, 40, replace=False)] += 3.0
    assert _fit(steps, values, -1).asymptote == pytest.approx(0.5, rel=0.1)


@pytest.mark.parametrize("seed", range(4))
def test_both_solvers_reach_the_same_robust_fit(seed: int) -> None:
    steps, values = power_law_decay(2000, seed=seed)
    values[::97] += 1.0  # outliers: the robust loss must ignore them in both
    fits = [
        fit_trend(
            steps.astype(np.float64),
            values,
            direction=-1,
            settings=SETTINGS.replace(trend_solver=solver),
        )
        for solver in ("least_squares", "gauss_newton")
    ]
    assert all(isinstance(fit, TrendFit) for fit in fits)
    first, second = (fit for fit in fits if isinstance(fit, TrendFit))
    assert first.asymptote == pytest.approx(0.5, rel=0.1)
    assert second.asymptote == pytest.approx(first.asymptote, rel=0.02)
    assert second.projection == pytest.approx(first.projection, rel=0.01)
