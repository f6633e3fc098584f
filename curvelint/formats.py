"""What each reader reads, in words, by reader ``NAME`` in the order of
:data:`curvelint.readers.READERS` (a test holds the two together).

The readers themselves import pandas; this table does not, so ``curvelint --help`` and the
messages about unrecognised files can name every format without loading them.
"""

from __future__ import annotations

FORMAT_LABELS: dict[str, str] = {
    "tensorboard": "TensorBoard event files",
    "trainer_state": "Hugging Face Trainer state",
    "mlflow_store": "MLflow file store",
    "mlflow_sqlite": "MLflow SQLite store",
    "wandb_run": "Weights & Biases run files",
    "lightning_csv": "PyTorch Lightning CSVLogger",
    "step_table": "table by step (CSV)",
    "keras_csv": "Keras CSVLogger",
    "keras_history_csv": "Keras History table (CSV)",
    "keras_history": "Keras History JSON",
    "json_lines": "JSON lines",
}

# Formats whose file is one run's whole log: one without a point is a run that logged nothing
# (a Trainer state holding only its final summary, a CSV log holding only its header).
ONE_RUN_LOGS = frozenset({"trainer_state", "keras_csv", "lightning_csv"})


def formats_read() -> str:
    """Every format, for a sentence: ``TensorBoard event files, …, JSON Lines metric logs``."""
    return ", ".join(FORMAT_LABELS.values())
