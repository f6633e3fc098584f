"""Keras ``History.history`` dumps: ``json.dump(model.fit(...).history, f)``.

The file is one JSON object mapping each metric to a list with one value per epoch
(``{"loss": [...], "val_loss": [...]}``); step and epoch are the 0-based list index. A list
shorter than the longest one comes from ``validation_freq=k``: when its length divides the
longest, value ``i`` belongs to epoch ``(i + 1) * k - 1`` (when Keras validated), else to epoch
``i``; the notes say which. An ``"epoch"`` list, when present, gives the epochs instead.
``NaN``/``Infinity`` tokens are data. ``null`` entries are not logged points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from curvelint.errors import UnreadableError
from curvelint.names import UNSPLIT_METRICS, canonical, direction
from curvelint.readers import metric_table
from curvelint.readers.base import EPOCH_UNIT, STEP_UNIT, ReadResult, Skipped
from curvelint.readers.json_file import load_json_file
from curvelint.schema import build_frame, concat, empty_frame

NAME = "keras_history"
SUFFIX = ".json"
EPOCH_KEY = "epoch"
_SNIFF_BYTES = 1024
_FIRST_KEY = re.compile(rb'^\s*\{\s*"([^"\\]{1,200})"\s*:\s*\[\s*(?:-?\d|-?Infinity|NaN|null|\])')


def sniff(path: Path) -> bool:
    """A ``.json`` object whose first key is a known metric (loss, accuracy, lr…) mapped to a
    list of numbers: enough to leave configs and other JSON alone."""
    if path.suffix.lower() != SUFFIX:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    match = _FIRST_KEY.match(head)
    if match is None:
        return False
    metric, _ = canonical(match.group(1).decode("utf-8", errors="replace"))
    return direction(metric) != 0 or metric in UNSPLIT_METRICS


def _load(path: Path) -> dict[str, object]:
    history = load_json_file(path)
    if not isinstance(history, dict):
        raise UnreadableError(f"{path}: not a Keras history (not a JSON object)")
    return history


def _epochs_for(length: int, longest: int, explicit: np.ndarray | None) -> np.ndarray:
    if explicit is not None and length == len(explicit):
        return explicit
    if length and longest % length == 0:
        every = longest // length
        return np.arange(1, length + 1, dtype=np.int64) * every - 1
    return np.arange(length, dtype=np.int64)


def _placement_note(key: str, length: int, longest: int) -> str:
    if length and longest % length == 0:
        every = longest // length
        how = f"one every {every} epochs (as Keras' validation_freq={every} logs)"
    else:
        how = "at the first epochs (its alignment is unknown)"
    return f"{key!r} has {length} of {longest} values: placed {how}"


def _explicit_epochs(history: dict[str, object]) -> np.ndarray | None:
    epochs = history.get(EPOCH_KEY)
    if not isinstance(epochs, list):
        return None
    values, logged, _ = metric_table.numbers(epochs)
    if not logged.all() or not np.all(values == np.round(values)):
        return None
    if np.any(np.abs(values) >= metric_table.STEP_LIMIT):
        return None
    return values.astype(np.int64)


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one history dump (a run is one file)."""
    if len(paths) != 1:
        raise UnreadableError(f"a Keras history run is one file, got {len(paths)}")
    path = paths[0]
    history = _load(path)
    result = ReadResult(frame=empty_frame(), metadata={STEP_UNIT: EPOCH_UNIT})  # per epoch
    lists = {k: v for k, v in history.items() if isinstance(v, list) and k != EPOCH_KEY}
    others = sorted(k for k in history if k not in lists and k != EPOCH_KEY)
    if others:
        why = f"keys without a list of values ignored: {others}"
        result.skipped.append(Skipped(str(path), "", why, len(others)))
    if not lists:
        raise UnreadableError(f"{path}: no metric lists: not a Keras History.history dump")
    longest = max(len(v) for v in lists.values())
    explicit = _explicit_epochs(history)
    frames = []
    for key, cells in lists.items():
        values, logged, bad = metric_table.numbers(cells)
        if bad.any():
            where = f"{key}[{int(np.flatnonzero(bad)[0])}]"
            result.skipped.append(Skipped(str(path), where, "non-numeric values", int(bad.sum())))
        epochs = _epochs_for(len(cells), longest, explicit)
        if len(cells) < longest and (explicit is None or len(cells) != len(explicit)):
            result.notes.append(_placement_note(key, len(cells), longest))
        frames.append(
            build_frame(
                tag=[key] * int(logged.sum()),
                step=epochs[logged],
                epoch=epochs[logged].astype(np.float64),
                value=values[logged],
                source=str(path),
            )
        )
    result.frame = concat(frames)
    return result
