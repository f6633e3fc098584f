"""How numbers read in a finding's sentence: the shared style of :mod:`curvelint.numbers`
(three significant digits, signed percentages), re-exported where the rules import it so the
tests can build the expected text with the same functions."""

from __future__ import annotations

from curvelint.numbers import epoch_text, format_step, number, percent, signed_percent, times

__all__ = ["epoch_text", "format_step", "number", "percent", "signed_percent", "times"]
