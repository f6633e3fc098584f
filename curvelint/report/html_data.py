"""The data behind the interactive charts of report.html, and how it is embedded safely.

Each panel of each :class:`PlotSpec` becomes one chart, drawn in the browser from exactly the
points the PNG plots (:mod:`curvelint.report.plot_data` decided them). JSON has no NaN or
infinity, so a non-finite value travels as the string ``"NaN"``, ``"Infinity"`` or
``"-Infinity"`` and the page marks it; nothing is dropped.
"""

from __future__ import annotations

import json
import math

import numpy as np

from curvelint.report.colours import OTHER_COLOURS, SPLIT_COLOURS
from curvelint.report.model import Curve, EpochScale, FloatArray, Panel, PlotSpec, RunReport

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
SIGNIFICANT_DIGITS = 7  # enough for any hover value, and a third of the bytes of repr()
EPOCH_POINTS = 400  # of the step → epoch table; epochs are interpolated between them
MAX_EXACT_INTEGER = 2**53  # JavaScript numbers hold whole numbers exactly up to here

# Inside <script>, "</script>" and "<!--" change how the HTML parser reads the rest, and
# U+2028/U+2029 end a line in older JavaScript: all are spelled as JSON escapes instead.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: JsonValue) -> str:
    """JSON that can sit inside a ``<script type="application/json">`` element whatever
    strings it holds (run names and tags come from untrusted logs)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def number(value: float) -> int | float | str:
    """A whole number exactly (a step may pass 10 million); any other finite value rounded to
    7 significant digits; NaN and ±inf as JavaScript spells them (``Number("Infinity")``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) <= MAX_EXACT_INTEGER:
        return int(value)
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def numbers(values: FloatArray) -> list[JsonValue]:
    """Every value of an array, in order, non-finite ones included."""
    return [number(float(value)) for value in values]


def curve_data(curve: Curve, position: int) -> dict[str, JsonValue]:
    """One curve: its raw points (the page smooths them with the slider) and its best point."""
    best: JsonValue = None
    if curve.best is not None:
        x, value, step = curve.best
        best = {"x": number(x), "value": number(value), "step": step}
    return {
        "label": curve.label,
        "metric": curve.metric,
        "style": curve.style,
        "colour": SPLIT_COLOURS.get(curve.split, OTHER_COLOURS[position % len(OTHER_COLOURS)]),
        "x": numbers(curve.x),
        "y": numbers(curve.y),
        "best": best,
    }


def panel_data(panel: Panel, x_label: str) -> dict[str, JsonValue]:
    """One chart: its curves, y scale and marks (change-points, shaded onsets)."""
    limits: JsonValue = None
    if panel.y_limits is not None:
        limits = [number(panel.y_limits[0]), number(panel.y_limits[1])]
    return {
        "title": panel.title,
        "y_label": panel.y_label,
        "x_label": x_label,
        "log_y": panel.log_y,
        "y_limits": limits,
        "note": panel.note,
        "off_scale": panel.off_scale,
        "changepoints": [number(x) for x in panel.changepoints],
        "shades": [
            {"start": number(s.start), "end": number(s.end), "label": s.label} for s in panel.shades
        ],
        "curves": [curve_data(curve, position) for position, curve in enumerate(panel.curves)],
    }


def epoch_data(scale: EpochScale | None) -> JsonValue:
    """Matching steps and epochs (at most ``EPOCH_POINTS``, always the last), so hovering a
    step also tells its epoch, as the PNG's second axis does."""
    if scale is None or len(scale.steps) == 0:
        return None
    keep = np.unique(np.linspace(0, len(scale.steps) - 1, EPOCH_POINTS).round().astype(int))
    return {"steps": numbers(scale.steps[keep]), "epochs": numbers(scale.epochs[keep])}


def plot_data(plot: PlotSpec) -> dict[str, JsonValue]:
    """One figure of the markdown report: its title, epoch scale and one chart per panel."""
    return {
        "title": plot.title,
        "epochs": epoch_data(plot.epoch_scale),
        "panels": [panel_data(panel, panel.x_label or plot.x_label) for panel in plot.panels],
    }


def report_data(report: RunReport) -> dict[str, JsonValue]:
    """Everything the page's script draws for one run."""
    return {"run": report.name, "plots": [plot_data(plot) for plot in report.plots]}
