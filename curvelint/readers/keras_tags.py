"""The tag families of Keras' TensorBoard callback, and the unit each one's step counts.

The callback logs ``epoch_<name>`` at step = epoch (under ``train/`` and ``validation/``),
``batch_<name>`` every ``update_freq`` batches at the optimizer's iteration, and
``evaluation_<name>_vs_iterations`` after each validation, also at the iteration. A run may
hold all three, so the unit belongs to the tag, not to the run. When per-iteration tags are
present they are the run's main curves: ``evaluation_loss_vs_iterations`` is the eval loss
(``loss/eval``) on the same axis as ``batch_loss``, and the per-epoch copies of a curve come
after them. The analysis judges the per-iteration tag however few points a sparse
``update_freq`` left it (:mod:`curvelint.tag_families`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from curvelint.names import EVAL, canonical
from curvelint.tag_families import EVALUATION_TAG, epoch_tags, has_iterations

__all__ = ["epoch_tags", "has_iterations", "iterations_first"]


def iterations_first(frame: pd.DataFrame, epoch_family: list[str]) -> pd.DataFrame:
    """``evaluation_<name>_vs_iterations`` renamed ``<name>/eval`` and the per-epoch rows
    placed after the per-iteration ones, so that the curves judged together share a unit."""
    tags = frame["tag"].astype(str).to_numpy()
    metric = frame["metric"].astype(str).to_numpy().copy()
    split = frame["split"].astype(str).to_numpy().copy()
    for tag in set(tags.tolist()):
        found = EVALUATION_TAG.fullmatch(tag)
        if found is not None:
            rows = tags == tag
            metric[rows], split[rows] = canonical(found.group(1), EVAL)
    order = np.argsort(np.isin(tags, epoch_family), kind="stable")
    renamed = frame.assign(metric=pd.Categorical(metric), split=pd.Categorical(split))
    return renamed.iloc[order].reset_index(drop=True)
