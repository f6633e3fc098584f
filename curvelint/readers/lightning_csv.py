"""PyTorch Lightning ``CSVLogger`` logs: ``lightning_logs/version_N/metrics.csv``.

Lightning writes one row per logging call, keyed by the global ``step`` (and ``epoch``): train
and validation metrics land on different rows and an empty cell means "not logged there". A
metric logged with ``on_step=True, on_epoch=True`` appears twice, as ``train_loss_step`` (the
per-step curve, read as ``train_loss``) and ``train_loss_epoch`` (its epoch mean, a separate
curve) — the other way round when the per-step column has no more points than the epoch
means (one batch sampled per epoch is noise around the mean); both tags stay as logged.
``test_*`` rows are the ``test`` split. ``hparams.yaml`` beside the file is read safely as
metadata. A version folder is one run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from curvelint.errors import UnreadableError
from curvelint.readers import metric_table, step_table
from curvelint.readers.base import ReadResult
from curvelint.readers.metadata_files import read_yaml_mapping
from curvelint.schema import empty_frame

NAME = "lightning_csv"
FILE_NAME = "metrics.csv"
HPARAMS_FILE = "hparams.yaml"
STEP_COLUMN = "step"
_STEP_SUFFIX, _EPOCH_SUFFIX = "_step", "_epoch"


def _header(path: Path) -> list[str]:
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return []
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    return [field.strip().strip('"') for field in first.split(",")]


def sniff(path: Path) -> bool:
    """A ``metrics.csv`` whose header has a ``step`` column (Keras' CSVLogger has none)."""
    return path.name == FILE_NAME and STEP_COLUMN in _header(path)


def run_directory(path: Path) -> Path:
    """The ``version_N`` folder: its event files (a TensorBoardLogger beside) are companions."""
    return path.parent


def metric_naming(columns: Mapping[str, Sequence[object]]) -> dict[str, str]:
    """``X_step`` → ``X`` when ``X_epoch`` is logged too: Lightning's on_step+on_epoch pair —
    unless the per-step column holds no more points than the epoch means (one batch sampled
    per epoch, when ``log_every_n_steps`` is about an epoch long): then the epoch mean is the
    curve, and the lone batches only its noise."""
    naming = {}
    for column in columns:
        base = column.removesuffix(_STEP_SUFFIX)
        twin = base + _EPOCH_SUFFIX
        if not column.endswith(_STEP_SUFFIX) or column == _STEP_SUFFIX or twin not in columns:
            continue
        if _logged(columns[column]) > _logged(columns[twin]):
            naming[column] = base
        else:
            naming[twin] = base
    return naming


def _logged(cells: Sequence[object]) -> int:
    """How many cells hold a point, as the table reader counts them (NaN and inf included)."""
    return int(metric_table.numbers(cells)[1].sum())


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one version folder's ``metrics.csv`` (and its ``hparams.yaml``)."""
    if len(paths) != 1:
        raise UnreadableError(f"a Lightning CSVLogger run is one metrics.csv, got {len(paths)}")
    path = paths[0]
    result = ReadResult(frame=empty_frame())
    table = step_table.read_csv_table(path, result)
    if STEP_COLUMN not in table.columns:
        raise UnreadableError(f"{path}: no 'step' column: not a Lightning CSVLogger log")
    roles = metric_table.choose_roles(table.columns, step_column=STEP_COLUMN, source=path)
    naming = metric_naming(table.columns)
    result.frame = metric_table.table_frame(table, roles, path, result, naming)
    hparams_path = path.parent / HPARAMS_FILE
    if hparams_path.is_file():
        hparams = read_yaml_mapping(hparams_path, result.notes)
        if hparams:
            result.metadata["hparams"] = hparams
    if naming:
        pairs = ", ".join(sorted(naming))
        result.notes.append(f"{path.name}: columns {pairs} read as their metric's curve")
    return result
