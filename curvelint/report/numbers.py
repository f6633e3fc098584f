"""How numbers read in reports: the shared style of :mod:`curvelint.numbers`, re-exported
where the renderers have always imported it."""

from __future__ import annotations

from curvelint.numbers import (
    format_at,
    format_duration,
    format_evidence,
    format_step,
    format_value,
    percent,
    signed_percent,
)

__all__ = [
    "format_at",
    "format_duration",
    "format_evidence",
    "format_step",
    "format_value",
    "percent",
    "signed_percent",
]
