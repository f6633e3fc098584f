"""Decoded records → candidate points, in record order, and the log of every record that
TensorBoard's restart rules read (:class:`~curvelint.readers.event_reading.EventLog`).

Runs of batch-decoded records are sliced, not copied one by one; the few records decoded one
by one are spliced in between.
"""

from __future__ import annotations

import numpy as np

from curvelint.freed_memory import release_freed_memory
from curvelint.readers.event_batch import Batch
from curvelint.readers.event_reading import (
    FILE_VERSION,
    OTHER_RECORD,
    SESSION_START,
    SUMMARY,
    Points,
    Problem,
    Reading,
)
from curvelint.readers.event_record_log import add_segment
from curvelint.readers.event_values import NO_VALUE, OTHER, SIMPLE, TENSOR
from curvelint.readers.event_values import SESSION_START as START_STATUS
from curvelint.readers.event_wire import Event

_GRAPH_RECORDS = frozenset({"graph_def", "meta_graph_def"})


def collect(
    reading: Reading, batch: Batch, starts: np.ndarray, events: list[tuple[int, Event]]
) -> None:
    """Turn one segment's decoded records into candidate points, in record order, and log
    every record for the restart rules."""
    count = len(starts)
    handled = batch.handled[:count]
    layout_tags = np.array([reading.tag(layout.tag) for layout in batch.layouts], dtype=np.int32)
    layout_tensor = np.array([layout.tensor for layout in batch.layouts], dtype=bool)
    for layout, tag in zip(batch.layouts, layout_tags.tolist(), strict=True):
        if layout.first_record < count:  # layouts seen only past a corrupt record are noise
            record, offset = layout.first_record, int(starts[layout.first_record])
            reading.metadata(reading.records_before + record, tag, layout.plugin, offset)
    pieces = _Pieces()
    by_index = dict(events)
    previous = 0
    for index in [*np.flatnonzero(~handled).tolist(), count]:
        if index > previous:
            layouts = batch.layout[previous:index]
            run = slice(previous, index)
            pieces.add_run(
                layout_tags[layouts],
                layout_tensor[layouts],
                batch.step[run],
                batch.wall_time[run],
                batch.value[run],
            )
        event = by_index.get(index)
        if event is not None:
            record = reading.records_before + index
            _note_event(reading, event)
            _add_event(reading, record, int(starts[index]), event, pieces)
        previous = index + 1
    reading.parts.append(pieces.points())
    _log_records(reading, batch, layout_tags, events, count)
    reading.records_before += count
    reading.result.records += int(handled.sum()) + len(events)


def _log_records(
    reading: Reading,
    batch: Batch,
    layout_tags: np.ndarray,
    events: list[tuple[int, Event]],
    count: int,
) -> None:
    """Append one segment's records to the record log: a batch-decoded record is a summary of
    one point; a record decoded one by one says what it is."""
    handled = batch.handled[:count]
    decoded = handled.copy()
    step = batch.step[:count].copy()
    kind = np.full(count, SUMMARY, dtype=np.int8)
    tag = np.full(count, -1, dtype=np.int32)
    tag[handled] = layout_tags[batch.layout[:count][handled]]
    points = handled.astype(np.int32)
    log = reading.records
    decoded[[index for index, _ in events]] = True
    numbers = log.count + np.cumsum(decoded) - 1  # each record's index in the file's log
    for index, event in events:
        step[index], kind[index] = event.step, _kind(event)
        tags = [reading.tag_index[value.tag] for value in event.values]
        tag[index] = tags[0] if tags else -1
        points[index] = sum(value.kind in (SIMPLE, TENSOR) for value in event.values)
        number = int(numbers[index])
        if len(tags) > 1:
            log.more_tags[number] = tuple(tags[1:])
        if kind[index] == FILE_VERSION:
            log.versions[number] = event.file_version
    add_segment(log, step[decoded], kind[decoded], tag[decoded], points[decoded])


def _kind(event: Event) -> int:
    if event.what == "summary":
        return SUMMARY
    if event.what == "file_version":
        return FILE_VERSION
    if event.what == "session_log" and event.session_status == START_STATUS:
        return SESSION_START
    return OTHER_RECORD


class _Pieces:
    """Point columns built from array runs and single points, concatenated once."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, ...]] = []
        self.pending: list[tuple[int, bool, int, float, float]] = []
        self.problems: list[int] = []
        self.count = 0

    def add_run(self, *columns: np.ndarray) -> None:
        self._flush()
        self.runs.append(columns)
        self.count += len(columns[0])

    def add_point(self, tag: int, tensor: bool, step: int, wall_time: float, value: float) -> None:
        self.pending.append((tag, tensor, step, wall_time, value))

    def mark_problem(self) -> None:
        """The point about to be added is a tensor that is not one number."""
        self.problems.append(self.count + len(self.pending))

    def _flush(self) -> None:
        if not self.pending:
            return
        tags, tensors, steps, wall_times, values = zip(*self.pending, strict=True)
        self.runs.append(
            (
                np.array(tags, dtype=np.int32),
                np.array(tensors, dtype=bool),
                np.array(steps, dtype=np.int64),
                np.array(wall_times, dtype=np.float64),
                np.array(values, dtype=np.float64),
            )
        )
        self.count += len(self.pending)
        self.pending = []

    def points(self) -> Points:
        self._flush()
        if not self.runs:
            empty = (np.int32, bool, np.int64, np.float64, np.float64)
            return Points(*(np.zeros(0, dtype=dtype) for dtype in empty))
        if len(self.runs) == 1:
            columns = list(self.runs[0])
        else:
            columns = [np.concatenate(parts) for parts in zip(*self.runs, strict=True)]
        problem = None
        if self.problems:
            problem = np.zeros(self.count, dtype=bool)
            problem[self.problems] = True
        return Points(columns[0], columns[1], columns[2], columns[3], columns[4], problem)


def _add_event(reading: Reading, record: int, offset: int, event: Event, pieces: _Pieces) -> None:
    for value in event.values:
        tag = reading.tag(value.tag)
        reading.metadata(record, tag, value.plugin, offset)
        if value.kind not in (SIMPLE, TENSOR):
            continue
        if value.problem:
            reading.problems.append(Problem(offset, tag, value.problem))
            pieces.mark_problem()
        pieces.add_point(tag, value.kind == TENSOR, event.step, event.wall_time, value.number)


def _note_event(reading: Reading, event: Event) -> None:
    """Facts that are not points: file version, graphs, hparams, other summaries."""
    result = reading.result
    if event.file_version and not result.file_version:
        result.file_version = event.file_version
    if event.what in _GRAPH_RECORDS:
        result.graph = True
    for value in event.values:
        if value.content:
            result.hparams.append(value.content)
        if value.kind == OTHER:
            result.summaries["TF1 histogram/image/audio"] += 1
        elif value.kind == NO_VALUE and value.plugin:
            result.summaries[value.plugin] += 1


def concatenate(parts: list[Points]) -> Points:
    """The parts joined; ``parts`` is emptied as it goes, so that a column's pieces are freed
    (and given back to the system) as soon as it is joined: the points of a 10M-point file are
    never held twice."""
    if len(parts) == 1:
        return parts.pop()
    problem = None
    if any(part.problem is not None for part in parts):
        problem = np.concatenate(
            [np.zeros(len(p.tag), bool) if p.problem is None else p.problem for p in parts]
        )
    names = ("tag", "tensor", "step", "wall_time", "value")
    columns = {}
    for name in names:
        columns[name] = np.concatenate([getattr(part, name) for part in parts])
        for part in parts:
            setattr(part, name, _EMPTY)
        release_freed_memory()  # the pieces' pages, for the next column (see freed_memory)
    parts.clear()
    return Points(**columns, problem=problem)


_EMPTY = np.zeros(0)
