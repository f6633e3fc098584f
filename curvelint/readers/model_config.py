"""The model a Hugging Face checkpoint holds, from the ``config.json`` the Trainer saves beside
its ``trainer_state.json``: ``model_type`` and ``architectures`` only (advice for transformers
is given when the log says the model is one, not because the Trainer wrote it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curvelint.errors import CurvelintError
from curvelint.readers.json_file import load_json_file

CONFIG_FILE = "config.json"
MAX_NAME = 100  # a longer "model type" is not one
MAX_ARCHITECTURES = 8


def model_fields(folder: Path) -> dict[str, Any]:
    """``{"model_type": "bert", "architectures": ["BertForSequenceClassification"]}`` from
    ``folder/config.json``; empty when there is none or it says neither (never an error: the
    curves are read all the same)."""
    path = folder / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        config = load_json_file(path)
    except (CurvelintError, OSError):
        return {}
    if not isinstance(config, dict):
        return {}
    found: dict[str, Any] = {}
    model_type = config.get("model_type")
    if isinstance(model_type, str) and 0 < len(model_type) <= MAX_NAME:
        found["model_type"] = model_type
    architectures = config.get("architectures")
    if isinstance(architectures, list):
        names = [a for a in architectures[:MAX_ARCHITECTURES] if isinstance(a, str)]
        names = [name for name in names if 0 < len(name) <= MAX_NAME]
        if names:
            found["architectures"] = names
    return found
