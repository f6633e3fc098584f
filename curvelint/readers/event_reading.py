"""What reading one event file gives (:class:`EventFile`, with its :class:`EventLog` of
records for TensorBoard's restart rules) and the state kept while it is read
(:class:`Reading`: the tag table, each tag's first metadata, the points collected so far)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curvelint.readers.base import Skipped
from curvelint.readers.record_framing import Buffer, record_intact

# EventLog.kind: what a record is, as far as TensorBoard's purge of orphaned data cares.
SUMMARY, SESSION_START, FILE_VERSION, OTHER_RECORD = 0, 1, 2, 3


@dataclass
class EventLog:
    """Every decoded record of a file, in order: its step, its kind (:data:`SUMMARY`…), the
    code of its first value's tag (-1: none) and ``position``, how many of the file's points
    came before it. ``more_tags`` holds the other tags of records with several values and
    ``versions`` the text of ``file_version`` records, both by record index."""

    step: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    tag: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    position: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    more_tags: dict[int, tuple[int, ...]] = field(default_factory=dict)
    versions: dict[int, str] = field(default_factory=dict)


@dataclass
class EventFile:
    """The scalar points of one event file (columns in logged order) and facts about it.

    ``codes`` index ``tags``. ``records`` counts records decoded as events: 0 means the file
    is not an event file at all. ``summaries`` counts non-scalar values by plugin or kind.
    """

    path: Path
    tags: list[str] = field(default_factory=list)
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    wall_times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    records: int = 0
    file_version: str = ""
    graph: bool = False
    summaries: Counter[str] = field(default_factory=Counter)
    hparams: list[bytes] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    log: EventLog = field(default_factory=EventLog)


@dataclass
class Points:
    """Candidate points of one walked segment, before tags are resolved to scalars or not."""

    tag: np.ndarray
    tensor: np.ndarray
    step: np.ndarray
    wall_time: np.ndarray
    value: np.ndarray
    problem: np.ndarray | None = None  # tensors that are not one number; None: there are none


@dataclass(frozen=True)
class Problem:
    """A tensor value that is not one number; reported if its tag turns out to be a scalar."""

    offset: int
    tag: int
    why: str


@dataclass
class RecordLog:
    """The :class:`EventLog` columns of the segments read so far, joined when reading ends
    (:mod:`curvelint.readers.event_record_log`): ``first_point`` is the index of each record's
    first candidate point, ``numbers`` its index among the file's records. With ``compact``,
    while the file reads as one whose restarts only ``SessionLog.START`` decides, only those
    and the version records are kept (``compacted``); ``lost`` says a later record showed
    that the dropped ones were needed after all (the file is then read again, uncut)."""

    step: list[np.ndarray] = field(default_factory=list)
    kind: list[np.ndarray] = field(default_factory=list)
    tag: list[np.ndarray] = field(default_factory=list)
    first_point: list[np.ndarray] = field(default_factory=list)
    numbers: list[np.ndarray] = field(default_factory=list)
    more_tags: dict[int, tuple[int, ...]] = field(default_factory=dict)
    versions: dict[int, str] = field(default_factory=dict)
    count: int = 0
    points_before: int = 0
    first_kind: int | None = None
    compact: bool = True
    compacted: bool = False
    lost: bool = False


@dataclass
class Reading:
    """State while one file is read: tag table, first metadata per tag, collected points."""

    path: Path
    buffer: Buffer
    decoder: str
    verify: bool
    result: EventFile
    tag_index: dict[str, int] = field(default_factory=dict)
    first_plugin: dict[int, tuple[int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    parts: list[Points] = field(default_factory=list)
    records: RecordLog = field(default_factory=RecordLog)
    records_before: int = 0
    damaged_metadata: set[int] = field(default_factory=set)  # offsets, reported once

    def tag(self, name: str) -> int:
        index = self.tag_index.get(name)
        if index is None:
            index = self.tag_index[name] = len(self.result.tags)
            self.result.tags.append(name)
        return index

    def metadata(self, record: int, tag: int, plugin: str | None, offset: int) -> None:
        """Remember the plugin of a tag's first metadata (by record order).

        That one record decides how every later value of its tag is read, so its checksums
        are checked even without ``verify``: metadata from a damaged record is not trusted.
        """
        if plugin is None:
            return
        known = self.first_plugin.get(tag)
        if known is not None and record >= known[0]:
            return
        if not record_intact(self.buffer, offset):
            if offset not in self.damaged_metadata:
                self.damaged_metadata.add(offset)
                self.skip(offset, "record fails its checksum: the tag metadata in it is ignored")
            return
        self.first_plugin[tag] = (record, plugin)

    def skip(self, offset: int, why: str, count: int = 1) -> None:
        self.result.skipped.append(Skipped(str(self.path), f"byte {offset}", why, count))
