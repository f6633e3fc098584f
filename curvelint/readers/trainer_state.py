"""Hugging Face ``Trainer`` state files (``trainer_state.json``).

Every ``log_history`` entry becomes points: training entries (``loss``, ``grad_norm``,
``learning_rate``…), evaluation entries (``eval_*`` keys, split ``eval``), prediction entries
(``predict_*``/``test_*``, split ``test``). The final summary entry (``train_runtime``,
``train_loss``…) is run metadata, not a curve. The Trainer writes bare ``NaN``/``Infinity``
tokens, which :mod:`json` reads as floats; they are kept exactly. With
``logging_nan_inf_filter`` (the Trainer's default) a diverged run can show ``"loss": 0.0``
beside ``"grad_norm": NaN``: both are kept as logged, for the rules to judge.

A run is one output directory; its root state and ``checkpoint-N/`` states describe the same
training, so only the most complete one (highest ``global_step``) is read.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from curvelint.errors import UnreadableError
from curvelint.readers.base import ReadResult, Skipped
from curvelint.readers.json_file import load_json_file
from curvelint.readers.model_config import model_fields
from curvelint.schema import build_frame

NAME = "trainer_state"
FILE_NAME = "trainer_state.json"

RUN_METADATA_KEYS = (
    "global_step",
    "max_steps",
    "num_train_epochs",
    "logging_steps",
    "eval_steps",
    "save_steps",
    "train_batch_size",
    "best_metric",
    "best_global_step",
    "best_model_checkpoint",
    "epoch",
    "total_flos",
)
# Keys of the Trainer's closing entry: they summarise the run, they are not a curve.
SUMMARY_KEYS = frozenset(
    {"train_runtime", "train_samples_per_second", "train_steps_per_second", "total_flos"}
)
AXIS_KEYS = frozenset({"step", "epoch"})
_SNIFF_BYTES = 4096
# Steps are stored as int64: a step outside that range is damage, not a step.
_STEP_LIMIT = 2**63
_CHECKPOINT_DIR = re.compile(r"^checkpoint-(\d+)$")


def sniff(path: Path) -> bool:
    """A ``trainer_state.json`` by name, or any JSON file whose start mentions ``log_history``."""
    if path.name == FILE_NAME:
        return True
    if path.suffix != ".json":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return b'"log_history"' in head and b'"global_step"' in head


def run_directory(path: Path) -> Path:
    """The Trainer's output directory: the state's folder, or its parent for ``checkpoint-N/``."""
    parent = path.parent
    return parent.parent if _CHECKPOINT_DIR.match(parent.name) else parent


def file_order(path: Path) -> tuple[int, int]:
    """Root state first, then checkpoints newest first (ties in global_step go to the first)."""
    match = _CHECKPOINT_DIR.match(path.parent.name)
    return (1, -int(match.group(1))) if match else (0, 0)


@dataclass
class _Columns:
    """Column buffers for the points of one state file; tags are codes into ``names``."""

    names: dict[str, int] = field(default_factory=dict)
    codes: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    epochs: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def code(self, tag: str) -> int:
        return self.names.setdefault(tag, len(self.names))


def _load_state(path: Path) -> dict[str, Any]:
    """Parse one state file; raise :class:`UnreadableError` with a one-line reason."""
    state = load_json_file(path)
    if not isinstance(state, dict) or "log_history" not in state:
        raise UnreadableError(f"{path}: not a Hugging Face Trainer state (no log_history)")
    if not isinstance(state["log_history"], list):
        raise UnreadableError(f"{path}: log_history is not a list")
    return state


def _global_step(state: dict[str, Any]) -> int:
    value = state.get("global_step")
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return int(value)
    steps = [e.get("step") for e in state["log_history"] if isinstance(e, dict)]
    numeric = [int(s) for s in steps if isinstance(s, int | float) and not isinstance(s, bool)]
    return max(numeric, default=-1)


def _entry_kind(keys: tuple[str, ...]) -> str:
    if any(key.startswith("eval_") for key in keys):
        return "eval"
    if any(key.startswith(("predict_", "test_")) for key in keys):
        return "test"
    if SUMMARY_KEYS.intersection(keys) or ("train_loss" in keys and "loss" not in keys):
        return "summary"
    return "train"


def _as_number(value: object) -> float | None:
    kind = type(value)
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is bool or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer beyond float range: as json reads 1e999
        return math.inf if value > 0 else -math.inf


def _entry_step(entry: dict[str, Any]) -> int | None:
    step = _as_number(entry.get("step"))
    if step is None or not math.isfinite(step):
        return None
    return int(step)


def _read_entries(path: Path, history: list[Any], result: ReadResult) -> _Columns:
    """Walk log_history once; entries sharing a key set (most of them) share their layout."""
    columns = _Columns()
    non_numeric: Counter[str] = Counter()
    bad_entries: list[int] = []
    layouts: dict[tuple[str, ...], tuple[str, list[tuple[str, int]]]] = {}
    inherited = 0
    last_step: int | None = None
    for index, entry in enumerate(history):
        if not isinstance(entry, dict):
            bad_entries.append(index)
            continue
        step = _entry_step(entry)
        if step is not None and abs(step) >= _STEP_LIMIT:  # not a step: damage
            bad_entries.append(index)
            continue
        if step is None and last_step is not None:
            step, inherited = last_step, inherited + 1  # predict_* entries carry no step
        if step is None:
            bad_entries.append(index)
            continue
        last_step = step
        keys = tuple(entry)
        layout = layouts.get(keys)
        if layout is None:
            layout = layouts[keys] = _layout(keys, columns)
        kind, fields = layout
        if kind == "summary":
            result.metadata.update({k: v for k, v in entry.items() if k not in AXIS_KEYS})
            continue
        _add_entry(columns, entry, step, fields, non_numeric)
    _report_entry_problems(path, result, bad_entries, non_numeric, inherited)
    return columns


def _layout(keys: tuple[str, ...], columns: _Columns) -> tuple[str, list[tuple[str, int]]]:
    """An entry shape's kind and its value keys with their tag codes."""
    return _entry_kind(keys), [(key, columns.code(key)) for key in keys if key not in AXIS_KEYS]


def _add_entry(
    columns: _Columns,
    entry: dict[str, Any],
    step: int,
    fields: list[tuple[str, int]],
    non_numeric: Counter[str],
) -> None:
    epoch = _as_number(entry.get("epoch"))
    epoch_value = math.nan if epoch is None else epoch
    for key, code in fields:
        value = _as_number(entry[key])
        if value is None:
            non_numeric[key] += 1
            continue
        columns.codes.append(code)
        columns.steps.append(step)
        columns.epochs.append(epoch_value)
        columns.values.append(value)


def _report_entry_problems(
    path: Path,
    result: ReadResult,
    bad_entries: list[int],
    non_numeric: Counter[str],
    inherited: int,
) -> None:
    if inherited:
        result.notes.append(
            f"{inherited} log_history entries without a step took the step of the entry before"
        )
    if bad_entries:
        where = f"log_history[{bad_entries[0]}]"
        why = "entry is not an object with a numeric step"
        result.skipped.append(Skipped(str(path), where, why, len(bad_entries)))
    for key, count in sorted(non_numeric.items()):
        why = f"non-numeric values for {key!r} ignored"
        result.skipped.append(Skipped(str(path), "log_history", why, count))


def _choose_state(paths: Sequence[Path], result: ReadResult) -> tuple[Path, dict[str, Any]]:
    """The most complete state: highest global_step; ties go to the first path given."""
    best: tuple[int, Path, dict[str, Any]] | None = None
    for path in paths:
        try:
            state = _load_state(path)
        except UnreadableError as error:
            result.skipped.append(Skipped(str(path), "", str(error).split(": ", 1)[-1]))
            continue
        step = _global_step(state)
        if best is None or step > best[0]:
            best = (step, path, state)
    if best is None:
        reasons = "; ".join(str(s) for s in result.skipped)
        raise UnreadableError(f"no readable trainer_state.json: {reasons}")
    others = [str(p) for p in paths if p != best[1]]
    if others:
        result.notes.append(
            f"read {best[1]} (global_step {best[0]}), the most complete of {len(paths)} "
            "Trainer states of this run; the others hold the same history up to their step"
        )
    return best[1], best[2]


def read(paths: Sequence[Path]) -> ReadResult:
    """Read the most complete of a run's Trainer states (root and ``checkpoint-N`` copies)."""
    result = ReadResult(frame=build_frame(tag=[], step=[], value=[], source=""))
    path, state = _choose_state(paths, result)
    result.metadata.update({k: state[k] for k in RUN_METADATA_KEYS if k in state})
    result.metadata.update(model_fields(path.parent))
    patience = _early_stopping_patience(state)
    if patience is not None:
        result.metadata["early_stopping_patience"] = patience
    columns = _read_entries(path, state["log_history"], result)
    result.frame = build_frame(
        tag=pd.Categorical.from_codes(
            np.asarray(columns.codes, dtype=np.int32),
            categories=pd.Index(list(columns.names), dtype=object),
        ),
        step=np.asarray(columns.steps, dtype=np.int64),
        value=np.asarray(columns.values, dtype=np.float64),
        epoch=np.asarray(columns.epochs, dtype=np.float64),
        source=str(path),
    )
    return result


def _early_stopping_patience(state: dict[str, Any]) -> int | None:
    """The patience of an ``EarlyStoppingCallback`` the Trainer saved in its state, if any."""
    callbacks = state.get("stateful_callbacks")
    if not isinstance(callbacks, dict):
        return None
    early = callbacks.get("EarlyStoppingCallback")
    if isinstance(early, list):
        early = early[0] if early else None
    if not isinstance(early, dict):
        return None
    args = early.get("args")
    patience = args.get("early_stopping_patience") if isinstance(args, dict) else None
    return patience if isinstance(patience, int) and not isinstance(patience, bool) else None
