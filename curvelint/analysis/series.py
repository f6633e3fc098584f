"""Cut the long frame into series: one (run, metric, split) curve each, sorted by step.

When one run logs the same canonical curve under several tags (``loss`` and ``train/loss``),
the tag with most points is analysed and the others are named in ``ignored_tags`` (of several
parameter groups' learning rates, the one whose schedule is least spent). When a
step was logged twice (a resumed run re-logging a stretch), the later record wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from curvelint.tag_families import epoch_tags

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SERIES_COLUMNS = ("run", "metric", "split", "tag", "step", "value")
FEW_SERIES = 32  # up to this many series in a frame, each is found by a scan of its key
MOST_SHARED_STEPS = 4  # distinct step arrays a new series' steps are compared with


@dataclass(frozen=True, slots=True)
class SeriesData:
    """The points of one curve, sorted by step, one value per step."""

    run: str
    metric: str
    split: str
    tag: str
    ignored_tags: tuple[str, ...]
    steps: IntArray
    values: FloatArray
    n_duplicate_steps: int


def sort_and_deduplicate(
    steps: npt.ArrayLike, values: npt.ArrayLike
) -> tuple[IntArray, FloatArray, int]:
    """Stable sort by step keeping the last record of a repeated step; also the count dropped."""
    step_array = np.asarray(steps, dtype=np.int64)
    value_array = np.asarray(values, dtype=np.float64)
    if len(step_array) > 1 and not np.all(step_array[1:] >= step_array[:-1]):
        order = np.argsort(step_array, kind="stable")
        step_array, value_array = step_array[order], value_array[order]
    keep = np.append(step_array[1:] != step_array[:-1], True)
    if keep.all():  # no copy of a long series that has no repeated step
        return step_array, value_array, 0
    return step_array[keep], value_array[keep], int(len(keep) - keep.sum())


@dataclass(frozen=True, slots=True)
class _Column:
    """A categorical column as integer codes and the names they stand for."""

    codes: npt.NDArray[np.signedinteger[Any]]
    names: list[str]

    def name(self, row: int) -> str:
        return self.names[int(self.codes[row])]


def _column(frame: pd.DataFrame, column: str) -> _Column:
    categorical = frame[column].array
    if not isinstance(categorical, pd.Categorical):
        categorical = pd.Categorical(frame[column].astype(str))
    # The codes stay in their own small integer type: four int64 copies of a 10M-point
    # frame's columns would be 320 MB for nothing.
    return _Column(categorical.codes, [str(name) for name in categorical.categories])


def series_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns :func:`iterate_series` reads (not copied): a caller that keeps only these
    lets the others go before the series are cut (for a 10M-point run, 80 MB of wall times)."""
    return frame[list(SERIES_COLUMNS)]


def iterate_series(frame: pd.DataFrame) -> Iterator[SeriesData]:
    """Every (run, metric, split) series in ``frame``, ordered by run, metric, split codes."""
    if len(frame) == 0:
        return
    run, metric, split = (_column(frame, name) for name in ("run", "metric", "split"))
    tag = _column(frame, "tag")
    steps = frame["step"].to_numpy(dtype=np.int64)
    values = frame["value"].to_numpy(dtype=np.float64)
    key = _series_key(run, metric, split)
    known_steps: list[IntArray] = []
    for rows in _rows_by_key(key):  # each series' rows ascend: later records come later
        series = _series(rows, (run, metric, split), tag, steps, values)
        yield replace(series, steps=_shared_steps(series.steps, known_steps))


def _shared_steps(steps: IntArray, known: list[IntArray]) -> IntArray:
    """``steps``, or an equal array met before (read-only, as it is shared): a loop that logs
    every metric at every step gives its curves the same steps, held once (for a 10M-point run
    of 10 tags, 72 MB less). The last few distinct arrays are compared, longest first."""
    for candidate in known:
        if len(candidate) == len(steps) and np.array_equal(candidate, steps):
            return candidate
    steps.setflags(write=False)
    known.insert(0, steps)
    known.sort(key=len, reverse=True)
    del known[MOST_SHARED_STEPS:]
    return steps


def _series_key(
    run: _Column, metric: _Column, split: _Column
) -> npt.NDArray[np.signedinteger[Any]]:
    """Each row's (run, metric, split) codes as one number, in that order, in the smallest
    integer type that holds them (a 10M-point run's key column is 20 MB, not 80)."""
    metric_width, split_width = len(metric.names) + 1, len(split.names) + 1
    largest = (len(run.names) + 1) * metric_width * split_width
    dtype = next(t for t in (np.int16, np.int32, np.int64) if largest <= np.iinfo(t).max)
    key: npt.NDArray[np.signedinteger[Any]] = run.codes.astype(dtype)
    key *= metric_width
    key += metric.codes
    key *= split_width
    key += split.codes
    return key


def _rows_by_key(key: npt.NDArray[np.signedinteger[Any]]) -> Iterator[IntArray]:
    """The rows of each key, ascending, keys in ascending order. A run has a few series: then
    each is found by a scan of the key column, and no order of all rows (8 bytes a row: 80 MB
    for a 10M-point run, held while every series is cut) is built."""
    if len(key) and int(key.min()) >= 0 and int(key.max()) < len(key):
        present = np.flatnonzero(np.bincount(key))
        if len(present) <= FEW_SERIES:
            for value in present.tolist():
                yield np.flatnonzero(key == value)
            return
    order = _stable_order(key)
    yield from np.split(order, _group_ends(key, order))


def _group_ends(key: npt.NDArray[np.signedinteger[Any]], order: IntArray) -> IntArray:
    """Where each key's rows end in ``order`` (but the last): counted when keys are few."""
    if len(key) and int(key.max()) < len(key):
        counts = np.bincount(key)
        return np.cumsum(counts[counts > 0])[:-1]
    sorted_key = key[order]
    return np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1


def _stable_order(key: npt.NDArray[np.signedinteger[Any]]) -> IntArray:
    """Row order grouping equal keys, rows ascending within a key. A frame rarely holds more
    than 65,536 series, and numpy sorts 16-bit integers stably by radix in linear time: the
    interleaved tags of a 10M-point run are grouped in a fraction of a comparison sort's time."""
    if len(key) < 2 or np.all(key[1:] >= key[:-1]):
        return np.arange(len(key))
    if int(key.max()) <= np.iinfo(np.uint16).max:
        return np.argsort(key.astype(np.uint16), kind="stable")
    return np.argsort(key, kind="stable")


LEARNING_RATE = "learning_rate"


def _rate_spent(rates: FloatArray) -> float:
    """How far a parameter group's rate fell from its peak (1 - last / peak; 0 when it never
    fell): of several groups' rates (YOLOv5's ``x/lr0..2``), the one least spent is the
    schedule, so a run is over only when every group's rate is — a bias group's warm-up
    starts at 10x the rate and would make any run look decayed."""
    finite = rates[np.isfinite(rates)]
    peak = float(finite.max()) if len(finite) else 0.0
    return 1.0 - float(finite[-1]) / peak if peak > 0 else 0.0


def _series(
    rows: IntArray,
    names: tuple[_Column, _Column, _Column],
    tag: _Column,
    steps: IntArray,
    values: FloatArray,
) -> SeriesData:
    """One series from its frame rows (in frame order, so "last record wins" means later)."""
    codes = tag.codes[rows]
    counts = np.bincount(codes, minlength=len(tag.names))
    tag_codes = np.flatnonzero(counts)
    if len(tag_codes) == 1:  # the usual case: one tag, no mask to build
        ranking, kept = [0], rows
    else:
        first_rows = [int(np.argmax(codes == code)) for code in tag_codes]
        # Keras logging per batch and per epoch: the per-iteration curve is the one judged
        # (beside the per-iteration eval), however sparse update_freq made it.
        per_epoch = set(epoch_tags(tag.names[int(code)] for code in tag_codes))
        spent = (
            [_rate_spent(values[rows[codes == code]]) for code in tag_codes]
            if names[1].name(int(rows[0])) == LEARNING_RATE
            else [0.0] * len(tag_codes)
        )
        ranking = sorted(
            range(len(tag_codes)),
            key=lambda i: (
                tag.names[int(tag_codes[i])] in per_epoch,
                -counts[tag_codes[i]],
                spent[i],
                first_rows[i],
            ),
        )
        kept = rows[codes == tag_codes[ranking[0]]]
    chosen = int(tag_codes[ranking[0]])
    sorted_steps, sorted_values, duplicates = sort_and_deduplicate(steps[kept], values[kept])
    first = int(rows[0])
    run, metric, split = (column.name(first) for column in names)
    return SeriesData(
        run=run,
        metric=metric,
        split=split,
        tag=tag.names[chosen],
        ignored_tags=tuple(tag.names[int(tag_codes[i])] for i in ranking[1:]),
        steps=sorted_steps,
        values=sorted_values,
        n_duplicate_steps=duplicates,
    )
