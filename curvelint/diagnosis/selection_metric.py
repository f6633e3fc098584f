"""Which eval curve the Trainer picked its best checkpoint by.

``trainer_state.json`` records the best value (``best_metric``) and where it was
(``best_global_step``, ``best_model_checkpoint``), but not the name of the
``metric_for_best_model`` that chose it: that is a ``TrainingArguments`` field. The eval curve
whose value at that step is exactly ``best_metric`` is the one the user selects by — WER for a
Whisper fine-tune, F1 for a tagger, the eval loss by default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from curvelint.analysis.results import RunAnalysis, SeriesAnalysis
from curvelint.names import EVAL, TEST

CHECKPOINT = re.compile(r"checkpoint-(\d+)\s*$")


def kept_checkpoint_step(metadata: Mapping[str, Any]) -> int | None:
    """The step of the checkpoint the Trainer kept as best (None when it names none)."""
    found = CHECKPOINT.search(str(metadata.get("best_model_checkpoint") or ""))
    return int(found.group(1)) if found else None


def best_step(metadata: Mapping[str, Any]) -> int | None:
    """Where the Trainer's best evaluation was: ``best_global_step``, else the kept
    checkpoint's step."""
    step = metadata.get("best_global_step")
    if isinstance(step, int) and not isinstance(step, bool):
        return step
    return kept_checkpoint_step(metadata)


def selection_series(analysis: RunAnalysis, metadata: Mapping[str, Any]) -> SeriesAnalysis | None:
    """The eval series whose value logged at the best step is the Trainer's ``best_metric``
    (None when the log does not say both, or no series matches)."""
    best, step = metadata.get("best_metric"), best_step(metadata)
    if not isinstance(best, int | float) or isinstance(best, bool) or step is None:
        return None
    for series in analysis.series_analyses:
        curve = series.curve
        if series.split not in (EVAL, TEST) or curve is None:
            continue
        at = np.flatnonzero(curve.steps == step)
        if len(at) and math.isclose(curve.logged(float(curve.values[at[-1]])), float(best)):
            return series
    return None
