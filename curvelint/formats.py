"""What each reader reads, in words, by reader ``NAME`` in the order of
:data:`curvelint.readers.READERS` (a test holds the two together).

The readers themselves import pandas; this table does not, so ``curvelint --help`` and the
messages about unrecognised files can name every format without loading them.
"""

from __future__ import annotations

FORMAT_LABELS: dict[str, str] = {
    "tensorboard": "TensorBoard event files",
    "trainer_state": "Hugging Face Trainer state",
    "mlflow_store": "MLflow file stores",
    "wandb_run": "Weights & Biases runs",
    "lightning_csv": "Lightning CSV logs",
    "step_table": "CSV tables by step",
    "keras_csv": "Keras CSV logs",
    "keras_history": "Keras History JSON",
    "json_lines": "JSON Lines",
}


def formats_read() -> str:
    """Every format, for a sentence: ``TensorBoard event files, …, JSON Lines metric logs``."""
    return ", ".join(FORMAT_LABELS.values())
