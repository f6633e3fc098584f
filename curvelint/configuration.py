"""How a run was configured, as its logs say: one flat ``{name: text}`` mapping per run.

Each reader keeps the configuration it finds under its own metadata key; this module is the one
place that knows them all, so reports and comparisons see every source the same way:

* ``hparams``: the TensorBoard hparams plugin (``SummaryWriter.add_hparams``, the hparams API,
  Lightning's TensorBoardLogger) and Lightning's ``hparams.yaml``;
* ``params``: MLflow params (file store and SQLite store);
* ``config``: W&B config (``config.yaml`` or the run's records);
* the Trainer state's settings (``max_steps``, ``num_train_epochs``, ``logging_steps``,
  ``eval_steps``, ``save_steps``, ``train_batch_size``). ``training_args.bin`` is a pickle and
  is never read.

Nested mappings become dotted names (``optimizer.lr``). Values are log text, so they are
untrusted: each is cut to :data:`MAX_TEXT` characters here, and renderers escape them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 200  # characters of a name or a value kept
MAX_KEYS = 500  # names kept per run; the count of the rest is kept
MAX_DEPTH = 8  # nesting flattened; deeper mappings are shown as JSON text
TRAINER_SETTINGS = (
    "max_steps",
    "num_train_epochs",
    "logging_steps",
    "eval_steps",
    "save_steps",
    "train_batch_size",
)
# metadata key → what it is called in a report, in the order sources are merged.
SOURCES = {
    "hparams": "hparams",
    "params": "MLflow params",
    "config": "W&B config",
}
HPARAMS_BY_FORMAT = {"tensorboard": "TensorBoard hparams", "lightning_csv": "hparams.yaml"}
TRAINER_SOURCE = "Trainer state"


@dataclass(frozen=True)
class Configuration:
    """A run's settings by name (sorted, at most :data:`MAX_KEYS`), how many more there were,
    and which sources they came from."""

    values: tuple[tuple[str, str], ...] = ()
    omitted: int = 0
    sources: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The settings as a mapping (without the omitted ones)."""
        return dict(self.values)


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value_text(value: Any) -> str:
    """A setting as text: integral floats without ``.0`` (TensorBoard stores every number as a
    double), NaN/inf by name, sequences and deep mappings as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, str | int):
        return str(value)
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (ValueError, RecursionError):
        return str(type(value).__name__)


def _flatten(mapping: Mapping[Any, Any], prefix: str, out: dict[str, str], depth: int) -> None:
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and depth < MAX_DEPTH:
            _flatten(value, f"{name}.", out, depth + 1)
        else:
            out.setdefault(name, value_text(value))


def configuration(metadata: Mapping[str, Any], format_name: str = "") -> Configuration:
    """The run's configuration from its metadata (see the module docstring); ``format_name``
    only names the source of ``hparams`` (TensorBoard or ``hparams.yaml``)."""
    found: dict[str, str] = {}
    sources: list[str] = []
    settings = {key: metadata[key] for key in TRAINER_SETTINGS if key in metadata}
    if settings:
        _flatten(settings, "", found, 0)
        sources.append(TRAINER_SOURCE)
    for key, label in SOURCES.items():
        source = metadata.get(key)
        if isinstance(source, Mapping) and source:
            _flatten(source, "", found, 0)
            is_hparams = key == "hparams"
            sources.append(HPARAMS_BY_FORMAT.get(format_name, label) if is_hparams else label)
    ordered = sorted((shorten(name), shorten(text)) for name, text in found.items())
    return Configuration(tuple(ordered[:MAX_KEYS]), max(0, len(ordered) - MAX_KEYS), tuple(sources))


def shared(configurations: Sequence[Configuration]) -> Configuration:
    """What every configuration says alike (a seed group's settings: the seed drops out)."""
    if not configurations:
        return Configuration()
    first, rest = configurations[0], [c.as_dict() for c in configurations[1:]]
    values = tuple((n, v) for n, v in first.values if all(r.get(n) == v for r in rest))
    sources = tuple(dict.fromkeys(s for c in configurations for s in c.sources))
    return Configuration(values, 0, sources)


def differences(
    base: Configuration, head: Configuration
) -> list[tuple[str, str | None, str | None]]:
    """``(name, base value, head value)`` for every setting that differs or is only on one
    side (``None`` there), sorted by name."""
    left, right = base.as_dict(), head.as_dict()
    names = sorted(set(left) | set(right))
    return [(n, left.get(n), right.get(n)) for n in names if left.get(n) != right.get(n)]
