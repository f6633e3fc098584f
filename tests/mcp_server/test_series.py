"""Shrinking a curve for a client: at most N points, its extremes and its NaN/inf kept."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curvelint.analysis import analyze_series
from curvelint.mcp_server.series import MIN_POINTS, kept_indices, series_document


def test_short_series_are_returned_whole() -> None:
    values = np.array([3.0, np.nan, 1.0])
    assert kept_indices(values, 10).tolist() == [0, 1, 2]


def test_a_nan_tail_costs_two_points_and_the_curve_keeps_the_rest() -> None:
    values = np.concatenate([np.sin(np.arange(1000) / 30.0), [np.inf], np.full(5000, np.nan)])
    kept = kept_indices(values, 40)
    assert len(kept) <= 40
    assert {1000, 1001, 6000} <= set(kept.tolist())  # the inf, the first and last NaN
    assert np.count_nonzero(np.isnan(values[kept])) == 2
    assert np.count_nonzero(kept < 1000) >= 30  # the finite curve gets the budget


def test_a_lone_spike_and_the_first_of_each_non_finite_kind_survive() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=200_000)
    values[::7] = np.nan
    values[77_777] = 50.0
    values[5] = np.inf
    values[150_001] = -np.inf
    kept = set(kept_indices(values, 100).tolist())
    assert len(kept) <= 100
    assert {77_777, 5, 150_001, 0, 199_999} <= kept


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True, width=64),
            st.sampled_from([np.nan, np.inf, -np.inf]),
        ),
        min_size=1,
        max_size=400,
    ),
    st.integers(min_value=MIN_POINTS, max_value=60),
)
def test_the_bound_holds_and_the_extremes_are_kept(raw: list[float], limit: int) -> None:
    values = np.array(raw, dtype=np.float64)
    kept = kept_indices(values, limit)
    assert len(kept) <= limit
    assert np.all(np.diff(kept) > 0)
    finite = np.isfinite(values)
    if finite.any() and len(values) > limit:
        kept_values = values[kept]
        assert np.nanmax(np.where(finite, values, np.nan)) in kept_values
        assert np.nanmin(np.where(finite, values, np.nan)) in kept_values
    for kind in (np.isnan, np.isposinf, np.isneginf):
        if kind(values).any():
            assert int(np.argmax(kind(values))) in kept


def test_the_document_carries_the_library_smoothing_and_counts() -> None:
    steps = np.arange(0, 3000, 3)
    values = 1.0 / (1.0 + steps / 100.0) + 0.01 * np.sin(steps)
    values[-50:] = np.nan
    series = analyze_series(steps, values, metric="loss", split="train", run="r")
    document = series_document(series, 100, "centered_time_ema")
    assert document["returned_points"] == len(document["steps"]) <= 100
    assert document["points"] == 1000
    assert document["non_finite"]["nan"] == {"count": 50, "first_step": int(steps[-50])}
    position = {int(step): i for i, step in enumerate(series.steps)}
    for step, smoothed in zip(document["steps"], document["smoothed"], strict=True):
        expected = series.smoothed[position[step]]
        assert smoothed == ("nan" if np.isnan(expected) else float(expected))
    assert document["direction"] == "lower is better"
