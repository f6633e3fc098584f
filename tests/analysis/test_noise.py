"""The robust noise level recovers a known deviation and ignores trends and jumps."""

from __future__ import annotations

import numpy as np
import pytest

from curvelint.analysis.noise import describe_noise, noise_level
from tests.synthetic import level_jump, power_law_decay, spike


@pytest.mark.parametrize("seed", range(5))
def test_noise_of_a_decay_is_the_added_noise(seed: int) -> None:
    _, values = power_law_decay(3000, noise=0.02, seed=seed)
    assert noise_level(values) == pytest.approx(0.02, rel=0.1)


def test_jumps_and_spikes_do_not_inflate_the_noise() -> None:
    _, jumped = level_jump(2000, jump=5.0, noise=0.01)
    _, spiked = spike(2000, height=50.0, noise=0.01)
    assert noise_level(jumped) == pytest.approx(0.01, rel=0.1)
    assert noise_level(spiked) == pytest.approx(0.01, rel=0.1)


def test_relative_noise_is_against_the_final_level() -> None:
    _, values = power_law_decay(4000, asymptote=2.0, amplitude=1.0, noise=0.04, seed=1)
    noise = describe_noise(values)
    assert noise is not None
    assert noise.level == pytest.approx(2.0, rel=0.02)
    assert noise.relative == pytest.approx(0.02, rel=0.12)


def test_quantised_values_still_have_a_noise_level() -> None:
    rng = np.random.default_rng(0)
    values = np.round(0.9 + rng.normal(0, 0.002, 500), 2)  # accuracy logged to 2 decimals
    assert noise_level(values) > 0.0


def test_too_short_or_constant() -> None:
    assert describe_noise(np.array([1.0, 2.0])) is None
    assert noise_level(np.full(10, 3.0)) == 0.0
    assert noise_level(np.array([1.0, np.nan, np.inf, 1.0])) == 0.0
