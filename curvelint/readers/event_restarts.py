"""TensorBoard's purge of orphaned data: the points a restarted job made obsolete, dropped
exactly as ``EventAccumulator(purge_orphaned_data=True)`` drops them.

TensorBoard reads a folder's event files in name order through one accumulator, record by
record (``_MaybePurgeOrphanedData``). Once a ``file_version`` record of version 2 or later has
been seen (every current writer starts its files with one), only a ``SessionLog.START`` record
purges: every point read before it whose step is at or after the record's step, whatever its
tag (``_CheckForRestartAndMaybePurge``; torch's ``SummaryWriter(purge_step=…)`` writes one). A
later file that simply starts over purges nothing: TensorBoard shows both. Before any such
version (old or headless files), a summary record whose step is below the step of the record
before it purges the earlier points of its own tags from its step on; any other record moves
that step (``_CheckForOutOfOrderStepAndMaybePurge``).

A purge at a record is applied to the points that arrived before it: a point is dropped when
some later purge of its tag (or of every tag) has a step at or below the point's step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curvelint.readers.event_reading import (
    FILE_VERSION,
    SESSION_START,
    SUMMARY,
    EventFile,
    EventLog,
)

_VERSION_PREFIX = "brain.Event:"
_PURGE_BY_START = 2.0  # file versions from which SessionLog.START decides
_MOST_REASONS = 3


@dataclass(frozen=True)
class Purge:
    """Points that arrived before ``arrival`` (points of the folder before the record), with
    a step ≥ ``step``, of ``tag`` (``None``: every tag), are orphaned; ``file`` is the index
    of the file whose record says so."""

    arrival: int
    step: int
    tag: str | None
    file: int


@dataclass
class _State:
    """What TensorBoard's accumulator carries from record to record, file to file."""

    file_version: float | None = None
    most_recent_step: int = -1


def parse_file_version(text: str) -> float:
    """As ``tensorboard.backend.event_processing.event_util.ParseFileVersion``."""
    try:
        return float(text.split(_VERSION_PREFIX)[-1])
    except ValueError:
        return -1.0


def essential(log: EventLog) -> EventLog:
    """The records the rules can need. A file that starts with a ``file_version`` of 2 or
    later, and names no lower one, is read by ``SessionLog.START`` alone whatever came before
    it: its START and version records are kept, the rest (one per point) dropped."""
    chosen = essential_records(log.kind, log.versions)
    if chosen is None:
        return log
    return EventLog(
        step=log.step[chosen],
        kind=log.kind[chosen],
        tag=log.tag[chosen],
        position=log.position[chosen],
        versions=renumbered(log.versions, chosen),
    )


def essential_records(kind: np.ndarray, versions: dict[int, str]) -> np.ndarray | None:
    """The indices of the records :func:`essential` keeps; None when it keeps them all."""
    if not len(kind) or kind[0] != FILE_VERSION:
        return None
    if not all(purged_by_start(parse_file_version(text)) for text in versions.values()):
        return None  # (NaN too: TensorBoard then checks rewinds)
    return np.flatnonzero((kind == SESSION_START) | (kind == FILE_VERSION))


def purged_by_start(version: float) -> bool:
    """Files of this version are purged by ``SessionLog.START`` alone (False for NaN)."""
    return version >= _PURGE_BY_START


def renumbered(versions: dict[int, str], chosen: np.ndarray) -> dict[int, str]:
    """``versions`` keyed by their record's index among the ``chosen`` records."""
    renumber = {int(old): new for new, old in enumerate(chosen.tolist())}
    return {renumber[record]: text for record, text in versions.items()}


def purges(files: list[EventFile]) -> list[Purge]:
    """The purges of one folder's files (given in TensorBoard's order: by name)."""
    state = _State()
    found: list[Purge] = []
    offset = 0
    for index, event_file in enumerate(files):
        log = event_file.log
        bounds = [*sorted(log.versions), len(log.step)]
        start = 0
        for bound in bounds:
            _span(event_file, index, offset, start, bound, state, found)
            if bound < len(log.step):
                state.file_version = parse_file_version(log.versions[bound])
            start = bound
        offset += len(event_file.steps)
    return found


def _span(
    event_file: EventFile,
    index: int,
    offset: int,
    start: int,
    stop: int,
    state: _State,
    found: list[Purge],
) -> None:
    """The purges of records ``start:stop``, all read under one file version."""
    if start >= stop:
        return
    log = event_file.log
    if state.file_version and state.file_version >= _PURGE_BY_START:
        for record in (np.flatnonzero(log.kind[start:stop] == SESSION_START) + start).tolist():
            found.append(
                Purge(offset + int(log.position[record]), int(log.step[record]), None, index)
            )
        return
    steps = log.step[start:stop]
    before = np.concatenate(([state.most_recent_step], steps[:-1]))
    rewinds = np.flatnonzero((log.kind[start:stop] == SUMMARY) & (steps < before))
    if not len(rewinds):
        state.most_recent_step = int(steps[-1])
        return
    state.most_recent_step = int(before[rewinds[0]])
    for record in range(start + int(rewinds[0]), stop):
        step = int(log.step[record])
        if log.kind[record] == SUMMARY and step < state.most_recent_step:
            arrival = offset + int(log.position[record])
            for tag in _record_tags(event_file, record):
                found.append(Purge(arrival, step, tag, index))
        else:
            state.most_recent_step = step


def _record_tags(event_file: EventFile, record: int) -> list[str]:
    log = event_file.log
    first = int(log.tag[record])
    codes = ([first] if first >= 0 else []) + list(log.more_tags.get(record, ()))
    return [event_file.tags[code] for code in codes]


def orphaned(files: list[EventFile], found: list[Purge]) -> list[np.ndarray]:
    """Per file, a mask of the points the purges drop."""
    steps = np.concatenate([f.steps for f in files]) if files else np.zeros(0, np.int64)
    dropped = np.zeros(len(steps), dtype=bool)
    if not len(steps):
        return [np.zeros(0, dtype=bool) for _ in files]
    every = [purge for purge in found if purge.tag is None]
    if every:
        dropped |= _dropped(np.arange(len(steps)), steps, every)
    by_tag: dict[str, list[Purge]] = {}
    for purge in found:
        if purge.tag is not None:
            by_tag.setdefault(purge.tag, []).append(purge)
    if by_tag:
        names = np.concatenate(
            [np.asarray(f.tags, dtype=object)[f.codes] for f in files if len(f.codes)]
        )
        order = np.argsort(names, kind="stable")
        sorted_names = names[order]
        for tag, tag_purges in by_tag.items():
            low = np.searchsorted(sorted_names, tag, side="left")
            high = np.searchsorted(sorted_names, tag, side="right")
            arrivals = order[low:high]  # in arrival order: the sort is stable
            dropped[arrivals] |= _dropped(arrivals, steps[arrivals], tag_purges)
    bounds = np.cumsum([0, *(len(f.steps) for f in files)])
    return [dropped[bounds[i] : bounds[i + 1]] for i in range(len(files))]


def _dropped(arrivals: np.ndarray, steps: np.ndarray, found: list[Purge]) -> np.ndarray:
    """Points dropped by some purge after their arrival whose step is ≤ theirs."""
    purge_arrivals = np.array([purge.arrival for purge in found], dtype=np.int64)
    purge_steps = np.array([purge.step for purge in found], dtype=np.int64)
    order = np.argsort(purge_arrivals, kind="stable")
    purge_arrivals, purge_steps = purge_arrivals[order], purge_steps[order]
    lowest_after = np.minimum.accumulate(purge_steps[::-1])[::-1]
    first_after = np.searchsorted(purge_arrivals, arrivals, side="right")
    later = first_after < len(purge_arrivals)
    result = np.zeros(len(arrivals), dtype=bool)
    result[later] = steps[later] >= lowest_after[first_after[later]]
    return result


def describe(files: list[EventFile], found: list[Purge]) -> str:
    """The purges in a few words, for the notes."""
    reasons = []
    for purge in found:
        where = files[purge.file].path.name
        if purge.tag is None:
            reason = f"SessionLog.START at step {purge.step:,} in {where}"
        else:
            reason = f"{purge.tag!r} rewinds to step {purge.step:,} in {where} (no file_version)"
        if reason not in reasons:
            reasons.append(reason)
    more = len(reasons) - _MOST_REASONS
    return "; ".join(reasons[:_MOST_REASONS]) + (f"; and {more} more" if more > 0 else "")
