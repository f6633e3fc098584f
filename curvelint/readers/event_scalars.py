"""The end of reading an event file: keep the scalar points (simple values, and tensors of
tags whose first metadata names the ``scalars`` plugin, as EventAccumulator reads them), count
the other summaries, report tensors that are not one number, and give each logged record its
position among the points kept."""

from __future__ import annotations

import numpy as np

from curvelint.readers.event_points import concatenate
from curvelint.readers.event_reading import (
    EventFile,
    Points,
    Problem,
    Reading,
)
from curvelint.readers.event_record_log import joined

SCALARS_PLUGIN = "scalars"


def finish(reading: Reading) -> None:
    """Keep scalar points only: simple values, and tensors of tags the scalars plugin owns."""
    result = reading.result
    if not reading.parts:
        return
    points = concatenate(reading.parts)
    plugins = [reading.first_plugin.get(tag, (0, ""))[1] for tag in range(len(result.tags))]
    scalar_tags = np.array([plugin == SCALARS_PLUGIN for plugin in plugins], dtype=bool)
    if result.skipped:  # records were lost: some tag's first record may be among them
        _read_orphans_as_scalars(reading, points, scalar_tags)
    keep = ~points.tensor
    if len(scalar_tags):
        keep |= scalar_tags[points.tag]
    _count_other_summaries(reading, points.tag[~keep], plugins)
    problems = [p for p in reading.problems if scalar_tags[p.tag]]
    if problems:
        _skip_problems(reading, problems)
    if points.problem is not None:
        keep &= ~points.problem
    if not keep.all():
        points = Points(*(column[keep] for column in _columns(points)))
    result.log = joined(reading.records, keep)
    _sort_tags(result, points.tag)
    result.steps, result.wall_times, result.values = points.step, points.wall_time, points.value


def _read_orphans_as_scalars(reading: Reading, points: Points, scalar_tags: np.ndarray) -> None:
    """After damage: a tag left without any metadata whose values are all one-number
    tensors lost its first record (TF2 writers send metadata with it only); its intact later
    values are read as scalars rather than lost, and a note says so."""
    count = len(reading.result.tags)
    orphans = np.array([tag not in reading.first_plugin for tag in range(count)], dtype=bool)
    tensors = np.bincount(points.tag[points.tensor], minlength=count)
    orphans &= tensors > 0
    if points.problem is not None:
        orphans &= np.bincount(points.tag[points.problem], minlength=count) == 0
    for tag in np.flatnonzero(orphans).tolist():
        scalar_tags[tag] = True
        reading.result.notes.append(
            f"{reading.path.name}: {int(tensors[tag])} tensor value(s) of "
            f"{reading.result.tags[tag]!r} carry no metadata (the record that did is damaged): "
            "read as scalars"
        )


def _columns(points: Points) -> tuple[np.ndarray, ...]:
    return points.tag, points.tensor, points.step, points.wall_time, points.value


def _sort_tags(result: EventFile, codes: np.ndarray) -> None:
    """Tags in sorted order, whichever decoder met them first (as other readers do)."""
    order = sorted(range(len(result.tags)), key=result.tags.__getitem__)
    if order == list(range(len(order))):
        result.codes = codes
        return
    new_code = np.empty(len(order), dtype=np.int32)
    new_code[order] = np.arange(len(order), dtype=np.int32)
    result.tags = [result.tags[index] for index in order]
    result.codes = new_code[codes] if len(order) else codes
    log = result.log
    tagged = log.tag >= 0
    log.tag[tagged] = new_code[log.tag[tagged]]
    log.more_tags = {
        record: tuple(int(new_code[tag]) for tag in tags) for record, tags in log.more_tags.items()
    }


def _count_other_summaries(reading: Reading, dropped: np.ndarray, plugins: list[str]) -> None:
    """Tensors that are not scalars (histograms, images, text…), counted by plugin."""
    if not len(dropped):
        return
    counts = np.bincount(dropped, minlength=len(plugins))
    for tag in np.flatnonzero(counts).tolist():
        reading.result.summaries[plugins[tag] or "tensor without plugin"] += int(counts[tag])


def _skip_problems(reading: Reading, problems: list[Problem]) -> None:
    """One Skipped entry per (tag, problem) for scalars-plugin tensors that are not a number."""
    grouped: dict[tuple[int, str], list[int]] = {}
    for problem in problems:
        grouped.setdefault((problem.tag, problem.why), []).append(problem.offset)
    for (tag, why), offsets in grouped.items():
        name = reading.result.tags[tag]
        reading.skip(offsets[0], f"scalar tensor {name!r} is not one number: {why}", len(offsets))
