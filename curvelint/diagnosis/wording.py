"""How numbers read in a finding's sentence: three significant digits, signed percentages.

One home for the format, so that every message reads alike and the tests can build the
expected text with the same functions.
"""

from __future__ import annotations

import math


def number(value: float) -> str:
    """``0.40712`` -> ``0.407``, ``12345.6`` -> ``1.23e+04``; NaN and inf as words."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0.0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    return f"{value:.3g}"


def percent(share: float) -> str:
    """``0.657`` -> ``66 %``; small shares keep a decimal (``0.4 %``)."""
    value = 100.0 * share
    if abs(value) < 10.0 and round(value, 1) != round(value):
        return f"{value:.1f} %"
    return f"{value:.0f} %"


def signed_percent(share: float) -> str:
    """``0.657`` -> ``+66 %``, ``-0.71`` -> ``-71 %``."""
    text = percent(abs(share))
    return ("+" if share >= 0 else "-") + text


def times(factor: float) -> str:
    """``12.04`` -> ``12x``, ``1.5`` -> ``1.5x``."""
    return f"{factor:.2g}x" if factor < 10 else f"{factor:.0f}x"
