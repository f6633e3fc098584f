"""The tag families of Keras' TensorBoard callback, from their names alone: ``epoch_*`` counts
epochs, ``batch_*`` and ``evaluation_*_vs_iterations`` count iterations. The readers say which
unit each tag's step counts; the analysis needs the same answer to keep curves of one unit
together, so it lives below both (see :mod:`curvelint.readers.keras_tags`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

EPOCH_PREFIX = "epoch_"
BATCH_PREFIX = "batch_"
EVALUATION_TAG = re.compile(r"evaluation_(\w+)_vs_iterations")


def _is_iteration_tag(tag: str) -> bool:
    return tag.startswith(BATCH_PREFIX) or EVALUATION_TAG.fullmatch(tag) is not None


def epoch_tags(tags: Iterable[str]) -> list[str]:
    """The ``epoch_*`` tags when every tag is one of the callback's (else none: a torch run
    that happens to log ``epoch_loss`` keeps its steps)."""
    names = set(tags)
    epochs = sorted(tag for tag in names if tag.startswith(EPOCH_PREFIX))
    others = names.difference(epochs)
    return epochs if epochs and all(_is_iteration_tag(tag) for tag in others) else []


def has_iterations(tags: Iterable[str]) -> bool:
    """True when the callback also logged per batch (``update_freq`` set)."""
    return any(tag.startswith(BATCH_PREFIX) for tag in tags)
