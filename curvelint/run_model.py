"""What reading produces: a :class:`Run` (one run's frame and what its readers said), a
:class:`FailedRun`, and the :class:`ReadReport` of many.

Plain data below :mod:`curvelint.runs` (which reads them), :mod:`curvelint.remote` (which
relabels their paths) and :mod:`curvelint.cache` (which stores them), so none of those needs
another to name a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from curvelint.configuration import Configuration, configuration
from curvelint.frame_columns import FrameColumns
from curvelint.readers.base import Skipped


@dataclass
class Run:
    """One run's points and everything the readers said about it."""

    name: str
    format: str
    frame: pd.DataFrame
    skipped: list[Skipped] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    files: tuple[str, ...] = ()

    @property
    def configuration(self) -> Configuration:
        """The run's settings as logged, from whichever source logged them
        (:mod:`curvelint.configuration`)."""
        return configuration(self.metadata, self.format)


@dataclass
class RunColumns:
    """A :class:`Run` whose frame is not built (:mod:`curvelint.frame_columns`): what
    :func:`curvelint.read` gathers, one frame for all runs instead of one per run."""

    name: str
    format: str
    columns: FrameColumns
    skipped: list[Skipped] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    files: tuple[str, ...] = ()


@dataclass
class FailedRun:
    """A run that could not be read at all, and the one-line reason."""

    name: str
    format: str
    error: str
    traceback: str = ""  # when it failed on a bug (curvelint.isolation), not on a bad log


@dataclass
class ReadReport:
    """Every run found under some paths: those read, those that failed, files skipped."""

    runs: list[Run] = field(default_factory=list)
    failed: list[FailedRun] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
