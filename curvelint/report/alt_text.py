"""What a plot shows, in words: the alt text of report.md's images, so a PR comment where the
PNGs do not load (relative links, an expired artifact) still says what each curve did."""

from __future__ import annotations

import numpy as np

from curvelint.numbers import number
from curvelint.report.model import Curve, Panel, PlotSpec

ALT_LIMIT = 400


def _curve_words(curve: Curve, x_label: str) -> str | None:
    finite = np.isfinite(curve.y)
    if not finite.any():
        return f"{curve.label}: no finite point"
    x, y = curve.x[finite], curve.y[finite]
    start, end = float(y[0]), float(y[-1])
    if number(start) == number(end):
        words = f"{curve.label} stays at {number(end)}"
    else:
        move = "rises" if end > start else "falls"
        words = f"{curve.label} {move} from {number(start)} to {number(end)}"
    if len(x) > 1:
        unit = x_label.split(" (")[0]
        words += f" ({unit} {number(float(x[0]))}–{number(float(x[-1]))})"
    if len(curve.non_finite_x):
        words += f", {len(curve.non_finite_x):,} NaN/inf"
    return words


def _panel_words(panel: Panel, x_label: str) -> list[str]:
    parts = [w for curve in panel.curves if (w := _curve_words(curve, x_label)) is not None]
    parts += [f"shaded: {shade.label}" for shade in panel.shades]
    return parts


def plot_alt_text(plot: PlotSpec) -> str:
    """``loss of run: loss / train falls from 2.21 to 2.11 (epoch 0–34); …``, at most
    :data:`ALT_LIMIT` characters."""
    parts = [w for panel in plot.panels for w in _panel_words(panel, panel.x_label or plot.x_label)]
    text = plot.alt_text + (": " + "; ".join(parts) if parts else "")
    return text if len(text) <= ALT_LIMIT else text[: ALT_LIMIT - 1].rsplit(";", 1)[0] + "…"
