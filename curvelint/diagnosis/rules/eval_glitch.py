"""An eval loss that was NaN/inf at some evaluations and finite again after, while every
training loss stayed finite.

A NaN in training propagates into the weights and the run is lost. One in an evaluation does
not touch the weights, and training went on finite: it may have come from evaluating — an
empty or all-padding batch, a division by zero, a half-precision overflow in the eval pass.
It is still a non-finite loss, so still divergence's evidence (NaN and inf are data), but the
verdict says so and is held with less confidence.
"""

from __future__ import annotations

from curvelint.analysis.results import SeriesAnalysis
from curvelint.diagnosis.context import RunContext
from curvelint.names import EVAL, TEST

# The confidence of a diverged verdict whose only non-finite points are eval glitches.
EVAL_GLITCH_CONFIDENCE = 0.7


def is_eval_glitch(series: SeriesAnalysis) -> bool:
    """An eval (or test) series whose non-finite points were followed by finite ones."""
    event = series.nonfinite
    return series.split in (EVAL, TEST) and event is not None and event.finite_after


def only_eval_glitches(context: RunContext) -> bool:
    """Every non-finite loss point of the run is an eval glitch (and there is one)."""
    broken = [s for s in context.loss_series if s.nonfinite is not None]
    return bool(broken) and all(is_eval_glitch(s) for s in broken)
