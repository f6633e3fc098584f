"""The log of an event file's records for TensorBoard's restart rules, kept small.

A modern event file (it starts with a ``file_version`` of 2 or later) is purged by
``SessionLog.START`` records alone (:func:`curvelint.readers.event_restarts.essential`), so
of its 10M summary records none needs remembering: while the file keeps reading that way, each
segment keeps only its START and version records. Should a later version record say
otherwise, :attr:`RecordLog.lost` is set and the file is read again with every record kept.
"""

from __future__ import annotations

import numpy as np

from curvelint.readers.event_reading import (
    FILE_VERSION,
    SESSION_START,
    EventLog,
    RecordLog,
)
from curvelint.readers.event_restarts import (
    essential,
    essential_records,
    parse_file_version,
    purged_by_start,
    renumbered,
)


def add_segment(
    log: RecordLog, step: np.ndarray, kind: np.ndarray, tag: np.ndarray, points: np.ndarray
) -> None:
    """Append one segment's decoded records (``points``: each one's candidate points)."""
    count = len(kind)
    numbers = log.count + np.arange(count, dtype=np.int64)
    first_point = log.points_before + np.cumsum(points, dtype=np.int64) - points
    log.points_before += int(points.sum())
    log.count += count
    if log.first_kind is None and count:
        log.first_kind = int(kind[0])
    if log.compact and _read_by_start(log):
        chosen = np.flatnonzero((kind == SESSION_START) | (kind == FILE_VERSION))
        step, kind, tag = step[chosen], kind[chosen], tag[chosen]
        first_point, numbers = first_point[chosen], numbers[chosen]
        log.compacted = True
    elif log.compacted:
        log.lost = True
    log.step.append(step)
    log.kind.append(kind)
    log.tag.append(tag)
    log.first_point.append(first_point)
    log.numbers.append(numbers)


def _read_by_start(log: RecordLog) -> bool:
    return log.first_kind == FILE_VERSION and all(
        purged_by_start(parse_file_version(text)) for text in log.versions.values()
    )


def joined(log: RecordLog, keep: np.ndarray) -> EventLog:
    """The records the restart rules need, with their positions among the ``keep`` points."""
    if not log.count:
        return EventLog()
    kind = np.concatenate(log.kind)
    first_point = np.concatenate(log.first_point)
    dropped = np.flatnonzero(~keep)
    position = first_point - np.searchsorted(dropped, first_point)
    if log.compacted:
        return EventLog(
            step=np.concatenate(log.step),
            kind=kind,
            tag=np.concatenate(log.tag),
            position=position,
            versions=renumbered(log.versions, np.concatenate(log.numbers)),
        )
    full = EventLog(
        step=np.concatenate(log.step),
        kind=kind,
        tag=np.concatenate(log.tag),
        position=position,
        more_tags=log.more_tags,
        versions=log.versions,
    )
    return essential(full) if essential_records(kind, log.versions) is not None else full
