"""The first non-finite value of a series: when a run blew up and what it looked like before."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from curvelint.analysis.results import NonFiniteEvent, NonFiniteKind

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _kind(value: float) -> NonFiniteKind:
    if np.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def first_nonfinite(steps: IntArray, values: FloatArray) -> NonFiniteEvent | None:
    """The first NaN/±inf, the last finite value before it, and whether finite values follow."""
    bad = ~np.isfinite(values)
    if not np.any(bad):
        return None
    index = int(np.argmax(bad))
    before = np.flatnonzero(~bad[:index])
    previous = int(before[-1]) if len(before) else None
    return NonFiniteEvent(
        step=int(steps[index]),
        index=index,
        kind=_kind(float(values[index])),
        value_before=float(values[previous]) if previous is not None else None,
        step_before=int(steps[previous]) if previous is not None else None,
        count=int(bad.sum()),
        finite_after=bool(np.any(~bad[index + 1 :])),
    )
