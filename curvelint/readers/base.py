"""The one small interface every reader implements, and what a read returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from curvelint.frame_columns import FrameColumns
from curvelint.schema import frame_of


@dataclass(frozen=True)
class Skipped:
    """Something a reader could not use, and why; reports show these so nothing is lost silently.

    ``where`` locates it inside the file (``"byte 1234"``, ``"line 17"``, ``"log_history[3]"``),
    empty when the whole file was skipped. ``count`` is how many records/lines it covers.
    """

    path: str
    where: str
    why: str
    count: int = 1

    def __str__(self) -> str:
        location = f"{self.path}:{self.where}" if self.where else self.path
        plural = f" ({self.count} records)" if self.count > 1 else ""
        return f"{location}: {self.why}{plural}"


@dataclass
class ReadResult:
    """What reading one run's files of one format gives.

    ``frame`` follows :mod:`curvelint.schema`; ``metadata`` holds run-level facts that are not
    curves (``global_step``, ``best_metric``, ``train_runtime``, hparams …); ``notes`` say how the
    data was assembled (a resumed run merged, a restart that rewound the step).
    """

    frame: pd.DataFrame
    skipped: list[Skipped] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class ColumnsRead:
    """A :class:`ReadResult` whose frame is not built yet (:mod:`curvelint.frame_columns`): what
    a reader's optional ``read_columns`` gives, so that a sweep's runs become one frame at the
    end instead of a frame each."""

    columns: FrameColumns
    skipped: list[Skipped] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def result(self) -> ReadResult:
        return ReadResult(frame_of(self.columns), self.skipped, self.metadata, self.notes)


# Metadata key a reader sets to "epoch" when every step of the run counts epochs (a Keras
# CSVLogger row per epoch): reports then say "epoch 15".
STEP_UNIT = "step_unit"
EPOCH_UNIT = "epoch"
# Metadata key listing the tags whose step counts epochs when only some do: Keras' TensorBoard
# callback logs epoch_* at step = epoch beside batch_* and evaluation_*_vs_iterations at the
# optimizer's iteration.
EPOCH_TAGS = "epoch_tags"


def steps_are_epochs(metadata: Mapping[str, Any], tag: str | None = None) -> bool:
    """True when the reader said the step is the epoch: of the whole run, or of ``tag``."""
    if metadata.get(STEP_UNIT) == EPOCH_UNIT:
        return True
    listed = metadata.get(EPOCH_TAGS)
    return tag is not None and isinstance(listed, list | tuple) and tag in listed


class Reader(Protocol):
    """A log format, implemented by a module in :mod:`curvelint.readers` with ``NAME``,
    ``sniff`` and ``read``. ``sniff`` is cheap (name and a few bytes); ``read`` never raises on
    a bad record, only :class:`~curvelint.errors.CurvelintError` when nothing in the files is
    usable."""

    NAME: str

    def sniff(self, path: Path) -> bool:
        """True when ``path`` is a file this reader can read."""
        ...

    def read(self, paths: Sequence[Path]) -> ReadResult:
        """Read the files of one run (in the order given) into one frame."""
        ...
