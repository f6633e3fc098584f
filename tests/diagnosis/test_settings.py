"""RuleSettings: every threshold validated, with a one-line error naming it."""

from __future__ import annotations

from dataclasses import fields

import pytest

from curvelint.diagnosis.settings import _RANGES, RuleSettings
from curvelint.errors import ConfigError


def test_every_threshold_has_a_range() -> None:
    assert {name for name, _, _ in _RANGES} == {field.name for field in fields(RuleSettings)}


def test_the_defaults_are_valid() -> None:
    RuleSettings()


@pytest.mark.parametrize(("name", "low", "high"), _RANGES)
def test_a_value_out_of_range_is_refused_with_its_name(name: str, low: float, high: float) -> None:
    bad = low - 1 if low > float("-inf") else high + 1
    with pytest.raises(ConfigError, match=rf"^rules\.{name} = .* is out of range; use "):
        RuleSettings().replace(**{name: bad})


def test_a_boolean_is_not_a_number() -> None:
    with pytest.raises(ConfigError, match="min_loss_points"):
        RuleSettings().replace(min_loss_points=True)


def test_replace_keeps_the_other_values() -> None:
    changed = RuleSettings().replace(overfit_min_rise=0.25)
    assert changed.overfit_min_rise == 0.25
    assert changed.min_loss_points == RuleSettings().min_loss_points
