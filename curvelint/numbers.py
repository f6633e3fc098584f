"""How every number reads, in every output: findings' sentences, report.md, index.md, the
terminal table, compare.md, annotations and plot labels.

One home for the style so that nothing prints ``1.14e+04`` beside ``11,400``:

- significant digits, thousands separators from 1,000 up to a billion (``11,400``), scientific
  notation only for the very large and the very small (a learning rate of ``3e-05``);
- steps always with separators (``2,600``), epochs never in scientific notation;
- percentages that never round a change to a lie: no ``-0 %`` for a zero change, no
  ``100 %`` for 99.96 %, no ``0 %`` for 0.04 %.
"""

from __future__ import annotations

import math

import numpy as np

GROUPED_FROM, GROUPED_BELOW = 1e3, 1e9
# Decimals tried, in order, until a share that is not exactly 0 or 100 % stops reading as one.
_MAX_PERCENT_DECIMALS = 4
_NEGLIGIBLE_PERCENT = 0.5 * 10.0**-_MAX_PERCENT_DECIMALS  # rounding noise, not a change


def _non_finite(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return None


def significant(value: float, digits: int) -> str:
    """``digits`` significant digits; ``11,400`` rather than ``1.14e+04``; ``0`` never signed."""
    special = _non_finite(value)
    if special is not None:
        return special
    if value == 0.0:
        return "0"
    magnitude = abs(value)
    if GROUPED_FROM <= magnitude < GROUPED_BELOW:
        exponent = math.floor(math.log10(magnitude))
        rounded = round(value, min(0, digits - 1 - exponent))
        return f"{int(rounded):,}" if rounded == int(rounded) else f"{rounded:,}"
    text = f"{value:.{digits}g}"
    return "0" if text in ("-0", "0") else text


# Sentences and tables show a value with the same digits, so the number a reason quotes is the
# one the reader finds in the table beside it (not 1,220 in the sentence and 1,221 below).
DIGITS = 4


def number(value: float) -> str:
    """A number in a sentence: four significant digits (``0.4071``, ``11,380``, ``3e-05``),
    as in the tables."""
    return significant(value, DIGITS)


def format_value(value: float | None, digits: int = DIGITS) -> str:
    """A value in a table: ``digits`` significant digits; None as an em dash."""
    return "—" if value is None else significant(value, digits)


def format_step(step: int | None) -> str:
    """A step with thousands separators (``12,000``)."""
    return "—" if step is None else f"{step:,}"


def format_at(value: float | None, step: int | None) -> str:
    """``0.5153 @ 2,700``: a value and where it was logged."""
    if value is None:
        return "—"
    if step is None:
        return format_value(value)
    return f"{format_value(value)} @ {format_step(step)}"


def percent(share: float) -> str:
    """``0.657`` -> ``66 %``; ``0.9996`` -> ``99.96 %`` (never ``100 %`` unless it is);
    ``0.0004`` -> ``0.04 %``; ``0.004`` -> ``0.4 %``; ``120.5`` -> ``12,050 %``."""
    special = _non_finite(share)
    if special is not None:
        return f"{special} %"
    value = 100.0 * abs(share)
    if value < _NEGLIGIBLE_PERCENT:
        return "0 %"
    decimals = 1 if value < 10.0 and round(value, 1) != round(value) else 0
    while decimals < _MAX_PERCENT_DECIMALS and _misleads(value, decimals):
        decimals += 1
    if _misleads(value, decimals):  # rounding off the last decimal would still mislead
        scale = 10.0**decimals
        toward = math.floor if value > 50 else math.ceil
        value = toward(value * scale) / scale
    text = f"{value:,.{decimals}f}"
    if float(text.replace(",", "")) == 0.0:
        return "0 %"
    return ("-" if share < 0 else "") + text + " %"


def _misleads(value: float, decimals: int) -> bool:
    """The rounded share reads as exactly 0 or 100 % while the share is not."""
    rounded = round(value, decimals)
    return (rounded == 0.0 and value != 0.0) or (rounded == 100.0 and value != 100.0)


def signed_percent(share: float) -> str:
    """``0.657`` -> ``+66 %``, ``-0.71`` -> ``-71 %``; a zero change is ``0 %``, unsigned."""
    text = percent(abs(share))
    if text == "0 %":
        return text
    return ("+" if share >= 0 else "-") + text


def times(factor: float) -> str:
    """``12.04`` -> ``12x``, ``1.5`` -> ``1.5x``, ``11400`` -> ``11,400x``."""
    special = _non_finite(factor)
    if special is not None:
        return f"{special}x"
    if abs(factor) < 10:
        return f"{significant(factor, 2)}x"
    return f"{factor:,.0f}x"


def epoch_text(epoch: float) -> str:
    """``2`` for a whole epoch, ``0.13`` or ``2.5`` inside one, ``31`` past ten, ``0.000067``
    near the start (an epoch is never in scientific notation)."""
    if epoch >= 10 or (epoch >= 1 and abs(epoch - round(epoch)) < 0.05):
        return f"{epoch:,.0f}"
    if epoch <= 0:
        return "0"
    text = str(np.format_float_positional(epoch, precision=2, unique=False, fractional=False))
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_duration(seconds: float | None) -> str:
    """``2 h 14 min``, ``3 min 20 s``, ``45 s``."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, second = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {second} s" if second else f"{minutes} min"
    hours, minute = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minute} min" if minute else f"{hours} h"
    days, hour = divmod(hours, 24)
    return f"{days} d {hour} h" if hour else f"{days} d"


def format_evidence(value: float | int | str | bool | None) -> str:
    """An evidence value as text (numbers rounded, booleans as yes/no)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return format_value(value)
    return "—" if value is None else str(value)
