"""Spikes: single points or short runs far from the rolling median, on every finite point.

A centred rolling median follows any monotone stretch exactly (the median of a monotone
window is its centre), so a steep early decay leaves no residual while an excursion shorter
than half the window stands out. Residuals are scaled by a local robust noise level (median
absolute residual per bucket, interpolated), because a loss is often far noisier early on
than late; the scale is floored at a share of the global noise and of the curve's range so flat,
quantised or very smooth stretches do not turn every wiggle into a spike. On short series
the window shrinks to a quarter of the points, so the median still follows the curve.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from scipy.ndimage import median_filter

from curvelint.analysis.buckets import bucket_medians, bucket_size
from curvelint.analysis.noise import MAD_TO_DEVIATION
from curvelint.analysis.results import Spike
from curvelint.analysis.settings import AnalysisSettings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_SCALE_FLOOR_SHARE = 0.25  # local scale never below this share of the global noise
_RANGE_FLOOR_SHARE = 0.002  # ... nor below this share of the curve's 5-95 % range
_MIN_WINDOWS_PER_SERIES = 4
_RECOVERY_LOOKAHEAD_SHARE = 0.1  # look for the recovery in the next 10 % of points


def _odd_window(window: int, length: int) -> int:
    """``window``, shrunk on short series so the median still follows the curve."""
    limit = max(3, length // _MIN_WINDOWS_PER_SERIES)
    limit -= 1 - limit % 2
    return min(window, limit)


def local_scale(residuals: FloatArray, window: int, floor: float) -> FloatArray:
    """Robust deviation of ``residuals`` around each point, from bucket medians of ``|r|``."""
    size = bucket_size(len(residuals), max(1, len(residuals) // max(1, window)))
    positions = np.arange(len(residuals), dtype=np.float64)
    centres, medians = bucket_medians(positions, np.abs(residuals), size)
    scale = MAD_TO_DEVIATION * np.interp(positions, centres, medians)
    return np.maximum(scale, max(floor, 1e-300))


def detect_spikes(
    steps: IntArray,
    values: FloatArray,
    *,
    noise: float,
    direction: int,
    settings: AnalysisSettings,
) -> tuple[Spike, ...]:
    """Spikes among finite ``values`` (``steps`` aligned); indices refer to the full arrays."""
    finite_index = np.flatnonzero(np.isfinite(values))
    y = values[finite_index]
    if len(y) < 5 or noise <= 0.0:
        return ()
    baseline = median_filter(y, size=_odd_window(settings.spike_window, len(y)), mode="nearest")
    residuals = y - baseline
    low, high = np.quantile(y, [0.05, 0.95])
    floor = max(_SCALE_FLOOR_SHARE * noise, _RANGE_FLOOR_SHARE * float(high - low))
    scale = local_scale(residuals, settings.spike_scale_window, floor)
    z = residuals / scale
    flagged = np.abs(z) > settings.spike_z
    if not np.any(flagged):
        return ()
    edges = np.diff(np.concatenate([[0], flagged.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    peaks = np.array(
        [
            start + int(np.argmax(np.abs(z[start:end])))
            for start, end in zip(starts, ends, strict=True)
        ]
    )
    order = np.argsort(-np.abs(z[peaks]), kind="stable")[: settings.max_spikes]
    spikes = [
        _spike(
            int(peaks[i]), int(starts[i]), int(ends[i]), y, baseline, scale, z, direction, settings
        )
        for i in np.sort(order)
    ]
    return tuple(_with_positions(spike, finite_index, steps) for spike in spikes)


def _spike(
    peak: int,
    start: int,
    end: int,
    y: FloatArray,
    baseline: FloatArray,
    scale: FloatArray,
    z: FloatArray,
    direction: int,
    settings: AnalysisSettings,
) -> Spike:
    """One spike in finite-index space (``index`` is the finite index, fixed up later)."""
    sign = 1.0 if z[peak] > 0 else -1.0
    level = float(baseline[peak])
    band = settings.spike_recovery_noise_units * float(scale[peak])
    lookahead = max(settings.spike_window, math.ceil(_RECOVERY_LOOKAHEAD_SHARE * len(y)))
    after = y[end : end + lookahead]
    back = np.flatnonzero(sign * (after - level) <= band)
    recovery = end + int(back[0]) if len(back) else None
    worse = None if direction == 0 else (sign > 0) == (direction < 0)
    return Spike(
        step=0,
        index=peak,
        value=float(y[peak]),
        baseline=level,
        size_noise_units=float(z[peak]),
        size_relative=float((y[peak] - level) / abs(level)) if level != 0.0 else None,
        n_points=end - start,
        worse=worse,
        recovered=recovery is not None,
        recovery_step=recovery,
    )


def _with_positions(spike: Spike, finite_index: IntArray, steps: IntArray) -> Spike:
    """Turn finite-space indices into indices and steps of the full series."""
    index = int(finite_index[spike.index])
    recovery = spike.recovery_step
    return replace(
        spike,
        step=int(steps[index]),
        index=index,
        recovery_step=int(steps[finite_index[recovery]]) if recovery is not None else None,
    )
