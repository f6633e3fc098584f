"""One module per log format, each with ``NAME``, ``sniff(path)`` and ``read(paths)``.

A new format is one module and one line in :data:`READERS`; the reader contract tests then
cover it. Order matters only for sniffing: the first reader that claims a file gets it.
"""

from __future__ import annotations

from curvelint.readers import (
    history_table,
    json_lines,
    keras_csv,
    keras_history,
    lightning_csv,
    mlflow_sqlite,
    mlflow_store,
    step_table,
    tensorboard,
    trainer_state,
    wandb_run,
)
from curvelint.readers.base import Reader, ReadResult, Skipped

READERS: tuple[Reader, ...] = (
    tensorboard,
    trainer_state,
    mlflow_store,
    mlflow_sqlite,
    wandb_run,
    lightning_csv,
    step_table,
    keras_csv,
    history_table,
    keras_history,
    json_lines,
)
BY_NAME: dict[str, Reader] = {reader.NAME: reader for reader in READERS}

__all__ = ["BY_NAME", "READERS", "ReadResult", "Reader", "Skipped"]
