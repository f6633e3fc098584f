"""Which log format a run folder holds and which of its files a peer should be pointed at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TRAINER_STATE = "trainer_state"
KERAS_CSV = "keras_csv"
LIGHTNING_CSV = "lightning_csv"
TENSORBOARD = "tensorboard"
KERAS_TENSORBOARD = "keras_tensorboard"
MLFLOW = "mlflow"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class RunLayout:
    """A run folder, its format and its log files (sorted, relative order stable)."""

    folder: Path
    format: str
    files: tuple[Path, ...]

    @property
    def log_files(self) -> tuple[Path, ...]:
        """The files that hold the format's curves (a Trainer's runs/ event files left out)."""
        if self.format == TRAINER_STATE:
            wanted = [path for path in self.files if path.name == "trainer_state.json"]
        elif self.format == KERAS_CSV:
            wanted = [path for path in self.files if _looks_like_keras_csv(path)]
        elif self.format == LIGHTNING_CSV:
            wanted = [path for path in self.files if path.name == "metrics.csv"]
        elif self.format in (TENSORBOARD, KERAS_TENSORBOARD):
            wanted = [path for path in self.files if _is_event_file(path)]
        else:
            wanted = list(self.files)
        return tuple(wanted)

    def first(self, name_suffix: str) -> Path | None:
        """The first of the log files whose name ends with ``name_suffix``."""
        return next((path for path in self.log_files if path.name.endswith(name_suffix)), None)


def _is_event_file(path: Path) -> bool:
    return "tfevents" in path.name


def _looks_like_keras_csv(path: Path) -> bool:
    """CSVLogger files start with an ``epoch,`` header whatever their name (often training.log)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return head.startswith(b"epoch,") or head.startswith(b"epoch;")


def _format_of(files: list[Path]) -> str:
    names = {path.name for path in files}
    parts = {part for path in files for part in path.parts}
    if "mlruns" in parts or "meta.yaml" in names:
        return MLFLOW
    if "trainer_state.json" in names:
        return TRAINER_STATE
    if "metrics.csv" in names and any("version_" in part for part in parts):
        return LIGHTNING_CSV
    events = [path for path in files if _is_event_file(path)]
    if events:
        keras_dirs = {"train", "validation"}
        return KERAS_TENSORBOARD if keras_dirs & {p.parent.name for p in events} else TENSORBOARD
    if any(_looks_like_keras_csv(path) for path in files):
        return KERAS_CSV
    if "metrics.csv" in names:
        return LIGHTNING_CSV
    return UNKNOWN


def describe_run(folder: Path) -> RunLayout:
    """The layout of one run folder (every regular file below it, hidden ones left out)."""
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.parts[-2:])
    )
    return RunLayout(folder=folder, format=_format_of(files), files=tuple(files))
