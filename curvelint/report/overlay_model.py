"""What an overlay plot shows (curves of several runs or seed groups on shared axes), decided
by :mod:`curvelint.report.overlay_data` and the compare command, and only read by
:mod:`curvelint.report.overlays`, which draws it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from curvelint.report.model import Curve

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Band:
    """A shaded range around a curve (the seeds' min–max or the 95 % interval of their mean)."""

    x: FloatArray
    low: FloatArray
    high: FloatArray
    label: str


@dataclass(frozen=True)
class PlotLine:
    """One curve as drawn: the report's curve (its label is the legend's), colour, dashes and
    an optional band."""

    curve: Curve
    colour: str
    line_style: str
    band: Band | None = None
    x_label: str = "step"  # what its x counts ("epoch (as logged)" for a per-epoch log)


@dataclass(frozen=True)
class OverlayPanel:
    """One set of axes holding curves of several runs or groups."""

    title: str
    y_label: str
    lines: tuple[PlotLine, ...]
    log_y: bool
    y_limits: tuple[float, float] | None = None  # leaves out an early transient
    off_scale: str | None = None  # says what the y limits cut off


@dataclass(frozen=True)
class OverlayPlot:
    """One PNG of overlaid curves."""

    file_name: str
    title: str
    alt_text: str
    x_label: str
    panels: tuple[OverlayPanel, ...]
    columns: int = 1
