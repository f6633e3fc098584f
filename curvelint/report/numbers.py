"""How numbers read in reports: the same spelling in markdown, the terminal and plot labels."""

from __future__ import annotations

import math


def format_value(value: float | None, digits: int = 4) -> str:
    """``digits`` significant digits; NaN and ±inf spelled as logged; None as an em dash."""
    if value is None:
        return "—"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


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
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return format_value(value)
    return "—" if value is None else str(value)
