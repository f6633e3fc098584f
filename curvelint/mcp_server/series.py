"""One curve shrunk for a client's context: at most N points that keep its shape and its
failures, with the smoothed curve curvelint draws.

Per bucket of consecutive points the lowest and highest finite values are kept (as the plots
keep them, :func:`curvelint.analysis.minmax_buckets`, so no spike vanishes). A stretch of
consecutive NaN (or inf, or -inf) is marked by its first and last point, so a divergence stays
visible without a tail of NaN filling the answer; when a bucket holds several stretches, only
its first and last marks are kept. The first NaN, inf and -inf are always
kept. The buckets are as many as fit within the bound. Counts of every kind
of non-finite value, and where each starts, are given in full beside the points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from curvelint.analysis import SeriesAnalysis
from curvelint.analysis.buckets import bucket_size
from curvelint.report.json_output import JsonObject, json_number

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Per bucket: lowest, highest, first and last NaN/inf stretch end; then the series' two ends
# and the first NaN, inf and -inf: what one bucket can hold.
MIN_POINTS = 4 + 2 + 3


def stretch_ends(values: FloatArray) -> BoolArray:
    """The first and last point of every stretch of consecutive NaN, inf or -inf."""
    kinds = np.select([np.isnan(values), np.isposinf(values), np.isneginf(values)], [1, 2, 3], 0)
    changes = np.flatnonzero(np.diff(kinds) != 0)
    ends = np.zeros(len(values), dtype=bool)
    ends[np.concatenate([[0], changes + 1, changes, [len(values) - 1]])] = True
    ends &= kinds != 0
    return ends


def _bucket_marks(values: FloatArray, size: int) -> BoolArray:
    """The points to keep when the series is cut into buckets of ``size`` points."""
    count = len(values)
    padding = -count % size
    finite = np.pad(np.isfinite(values), (0, padding), constant_values=False).reshape(-1, size)
    padded = np.pad(values, (0, padding), constant_values=np.nan).reshape(-1, size)
    offsets = np.arange(0, count + padding, size)
    keep = np.zeros(count + padding, dtype=bool)
    with_finite = finite.any(axis=1)
    lowest = np.argmin(np.where(finite, padded, np.inf), axis=1)
    highest = np.argmax(np.where(finite, padded, -np.inf), axis=1)
    keep[(offsets + lowest)[with_finite]] = True
    keep[(offsets + highest)[with_finite]] = True
    non_finite = np.pad(stretch_ends(values), (0, padding), constant_values=False)
    non_finite = non_finite.reshape(-1, size)
    with_non_finite = non_finite.any(axis=1)
    first = np.argmax(non_finite, axis=1)
    last = size - 1 - np.argmax(non_finite[:, ::-1], axis=1)
    keep[(offsets + first)[with_non_finite]] = True
    keep[(offsets + last)[with_non_finite]] = True
    keep = keep[:count]
    keep[[0, count - 1]] = True
    return keep


def _first_of_each_kind(values: FloatArray) -> IntArray:
    """Where the first NaN, the first inf and the first -inf are (where a run went wrong)."""
    masks = (np.isnan(values), np.isposinf(values), np.isneginf(values))
    return np.array([int(np.argmax(mask)) for mask in masks if mask.any()], dtype=np.int64)


def kept_indices(values: FloatArray, max_points: int) -> IntArray:
    """Indices of at most ``max_points`` (at least :data:`MIN_POINTS`) points of ``values``:
    the most buckets whose marks fit (a binary search; one bucket always fits)."""
    count = len(values)
    if count <= max_points:
        return np.arange(count, dtype=np.int64)
    firsts = _first_of_each_kind(values)

    def marks(buckets: int) -> BoolArray:
        keep = _bucket_marks(values, bucket_size(count, buckets))
        keep[firsts] = True
        return keep

    fitting, low, high = marks(1), 2, count
    while low <= high:
        middle = (low + high) // 2
        keep = marks(middle)
        if int(keep.sum()) <= max_points:
            fitting, low = keep, middle + 1
        else:
            high = middle - 1
    return np.flatnonzero(fitting).astype(np.int64)


def _non_finite(values: FloatArray, steps: IntArray) -> JsonObject:
    kinds = {
        "nan": np.isnan(values),
        "inf": np.isposinf(values),
        "-inf": np.isneginf(values),
    }
    return {
        kind: {
            "count": int(mask.sum()),
            "first_step": int(steps[mask][0]) if mask.any() else None,
        }
        for kind, mask in kinds.items()
    }


def _numbers(array: npt.NDArray[Any]) -> list[Any]:
    return [json_number(float(value)) for value in array]


def series_document(series: SeriesAnalysis, max_points: int, smoothing: str) -> JsonObject:
    """The curve for a client: key numbers, the kept points and the smoothed curve at them."""
    kept = kept_indices(series.values, max_points)
    return {
        "run": series.run,
        "metric": series.metric,
        "split": series.split,
        "tag": series.tag,
        "direction": {-1: "lower is better", 1: "higher is better"}.get(series.direction, "none"),
        "points": series.n_points,
        "finite_points": series.n_finite,
        "first_step": series.first_step,
        "last_step": series.last_step,
        "last_value": json_number(series.last_value),
        "best_value": json_number(series.best_value),
        "best_step": series.best_step,
        "non_finite": _non_finite(series.values, series.steps),
        "changepoint_steps": [point.step for point in series.changepoints],
        "returned_points": len(kept),
        "downsampled": len(kept) < series.n_points,
        "smoothing": smoothing,
        "steps": [int(step) for step in series.steps[kept]],
        "values": _numbers(series.values[kept]),
        "smoothed": _numbers(series.smoothed[kept]),
    }
