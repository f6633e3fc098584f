"""The text sparkline follows the curve, marks NaN/inf and uses a log scale across decades."""

from __future__ import annotations

import numpy as np

from curvelint.report.sparkline import EMPTY, LEVELS, NON_FINITE, WIDTH, sparkline


def test_a_falling_curve_goes_from_the_top_level_to_the_bottom() -> None:
    steps = np.arange(100)
    line = sparkline(steps, 10.0 - steps / 20.0, width=8)
    assert len(line) == 8
    assert line[0] == LEVELS[-1] and line[-1] == LEVELS[0]
    assert [LEVELS.index(c) for c in line] == sorted((LEVELS.index(c) for c in line), reverse=True)


def test_a_bucket_holding_a_nan_or_inf_shows_the_marker() -> None:
    values = np.linspace(1.0, 0.5, 16)
    values[-1] = np.nan
    values[3] = np.inf
    line = sparkline(np.arange(16), values, width=16)
    assert line[-1] == NON_FINITE and line[3] == NON_FINITE
    assert NON_FINITE not in line[4:15]


def test_values_spanning_decades_are_placed_on_a_log_scale() -> None:
    values = np.array([1000.0, 100.0, 10.0, 1.0])
    assert (
        sparkline(np.arange(4), values, width=4) == LEVELS[-1] + LEVELS[5] + LEVELS[2] + LEVELS[0]
    )


def test_a_constant_curve_is_one_middle_level_and_gaps_hold_the_last_value() -> None:
    assert set(sparkline(np.arange(10), np.full(10, 3.0), width=5)) == {LEVELS[4]}
    line = sparkline(np.array([0, 1, 100]), np.array([1.0, 2.0, 3.0]), width=3)
    assert line[1] == line[0] and line[2] == LEVELS[-1]  # 1.0 and 2.0 share bucket 0
    assert EMPTY not in line


def test_every_sparkline_has_the_same_width_and_empty_gives_nothing() -> None:
    for points in (1, 2, 3, 5, 11, 12, 13, 400, 100_000):
        steps = np.arange(points)
        line = sparkline(steps * 7, 1.0 / (steps + 1.0))
        assert len(line) == WIDTH, points
        assert EMPTY not in line
    five = sparkline(np.arange(5), np.array([5.0, 4.0, 3.0, 2.0, 1.0]))
    assert five[0] == LEVELS[-1] and five[-1] == LEVELS[0]
    assert [LEVELS.index(c) for c in five] == sorted((LEVELS.index(c) for c in five), reverse=True)
    assert sparkline(np.zeros(0), np.zeros(0)) == ""
