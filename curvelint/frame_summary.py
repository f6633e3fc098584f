"""Plain-data summary of a read: what ``curvelint frame`` prints, computed once here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curvelint.runs import Run


@dataclass(frozen=True)
class SeriesLine:
    """One metric × split of a run."""

    metric: str
    split: str
    points: int
    non_finite: int
    first_step: int
    last_step: int


def summarise_series(run: Run) -> list[SeriesLine]:
    """Per metric × split: points, non-finite count and step range."""
    lines = []
    grouped = run.frame.groupby(["metric", "split"], observed=True, sort=True)
    for (metric, split), group in grouped:
        steps = group["step"].to_numpy()
        non_finite = int((~np.isfinite(group["value"].to_numpy())).sum())
        lines.append(
            SeriesLine(
                str(metric), str(split), len(group), non_finite, int(steps.min()), int(steps.max())
            )
        )
    return lines
