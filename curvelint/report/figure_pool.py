"""Figures kept between plots: a worker draws hundreds of plots of a few shapes.

Creating a figure, its axes and their ticks is a third of a plot's time in matplotlib (each tick
is five artists copied property by property), and the same few shapes come back for every run
of a sweep. A figure lent by :func:`FigurePool.borrowed` is given back after its PNG is encoded
and put back to the state it was created in: every artist drawn is removed (an epoch axis
too); scales, limits, positions, property cycles and the texts of titles, labels and offsets
are restored. The ticks stay, and so does the renderer with its cache of text sizes. A figure
whose state cannot be restored this way (an artist left over) is dropped, and the next plot of
its shape gets a new one. Tests render plots both ways, in several orders, and compare bytes.
The per-run plots (:mod:`~curvelint.report.plots`) and the overlays of seed groups and compare
(:mod:`~curvelint.report.overlays`) borrow from the same pool under keys that keep them apart.

The pool is shared by the threads of a process: a figure is lent to one caller at a time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import TickHelper
from matplotlib.transforms import Bbox
from matplotlib.typing import ColorType

MAX_KEPT = 8  # shapes of figure kept idle per process (a run draws at most a few)

Grid = np.ndarray
FigureMaker = Callable[[], tuple[Figure, Grid]]


@dataclass(frozen=True)
class _TextState:
    text: Text
    font: FontProperties
    colour: ColorType
    visible: bool

    def restore(self) -> None:
        self.text.set_text("")
        self.text.set_fontproperties(self.font.copy())
        self.text.set_color(self.colour)
        self.text.set_visible(self.visible)


@dataclass(frozen=True)
class _AxesState:
    axes: Axes
    position: Bbox
    children: int
    texts: tuple[_TextState, ...]
    # The axis each locator and formatter measures: axes sharing x share them, and
    # "as many ticks as fit" depends on which axes they were made for.
    helper_axes: tuple[Axis | None, ...]


@dataclass(frozen=True)
class KeptFigure:
    """A figure, its grid of axes, and what each axes looked like when it was created."""

    figure: Figure
    grid: Grid
    axes: tuple[_AxesState, ...]


def _text_state(text: Text) -> _TextState:
    return _TextState(text, text.get_fontproperties().copy(), text.get_color(), text.get_visible())


def _own_texts(axes: Axes) -> list[Text]:
    """The titles (the axes' text children), the axis labels and the offset texts."""
    titles = [child for child in axes.get_children() if isinstance(child, Text)]
    axis_texts = [
        text for axis in (axes.xaxis, axes.yaxis) for text in (axis.label, axis.get_offset_text())
    ]
    return [*titles, *axis_texts]


def _helpers(axes: Axes) -> list[TickHelper]:
    return [
        helper
        for axis in (axes.xaxis, axes.yaxis)
        for helper in (
            axis.get_major_locator(),
            axis.get_minor_locator(),
            axis.get_major_formatter(),
            axis.get_minor_formatter(),
        )
    ]


def _axis_of(helper: TickHelper) -> Axis | None:
    return helper.axis if isinstance(helper.axis, Axis) else None


def keep(figure: Figure, grid: Grid) -> KeptFigure:
    """Record a newly made figure's state, to restore it after each plot."""
    states = tuple(
        _AxesState(
            axes,
            axes.get_position(original=True).frozen(),
            len(axes.get_children()),
            tuple(_text_state(text) for text in _own_texts(axes)),
            tuple(_axis_of(helper) for helper in _helpers(axes)),
        )
        for axes in grid.flat
    )
    return KeptFigure(figure, grid, states)


def _restore_axes(state: _AxesState) -> bool:
    """Remove what was drawn on the axes and restore it; False when that cannot be done."""
    axes = state.axes
    drawn = [*axes.child_axes, *axes.lines, *axes.patches, *axes.texts, *axes.collections]
    drawn += axes.images
    for artist in drawn:
        artist.remove()
    legend = axes.get_legend()
    if legend is not None:
        legend.remove()
    axes.set_xscale("linear")
    axes.set_yscale("linear")
    axes.relim()
    axes.set_xlim(0.0, 1.0, auto=True)
    axes.set_ylim(0.0, 1.0, auto=True)
    axes.ignore_existing_data_limits = True
    axes.set_prop_cycle(None)
    axes.set_position(state.position)
    for helper, axis in zip(_helpers(axes), state.helper_axes, strict=True):
        if axis is not None:
            helper.set_axis(axis)
    for text in state.texts:
        text.restore()
    return len(axes.get_children()) == state.children


def restore(kept: KeptFigure) -> bool:
    """Put a figure back as it was made; False when it must be dropped instead."""
    if not all(_restore_axes(state) for state in kept.axes):
        return False
    for text in list(kept.figure.texts):  # the figure title
        text.remove()
    return not kept.figure.texts and not kept.figure.legends


class FigurePool:
    """Idle figures by shape, the most recently used kept when there are too many."""

    def __init__(self, limit: int = MAX_KEPT) -> None:
        self._idle: OrderedDict[Hashable, KeptFigure] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> KeptFigure | None:
        with self._lock:
            return self._idle.pop(key, None)

    def give_back(self, key: Hashable, kept: KeptFigure) -> None:
        if not restore(kept):
            return
        with self._lock:
            self._idle[key] = kept
            self._idle.move_to_end(key)
            while len(self._idle) > self._limit:
                self._idle.popitem(last=False)

    @contextmanager
    def borrowed(self, key: Hashable, make: FigureMaker) -> Iterator[tuple[Figure, Grid]]:
        """A figure of shape ``key`` (made by ``make`` when none is idle) for one plot; it
        returns to the pool when the block ends normally and is dropped on an exception."""
        kept = self.take(key) or keep(*make())
        yield kept.figure, kept.grid
        self.give_back(key, kept)


POOL = FigurePool()
