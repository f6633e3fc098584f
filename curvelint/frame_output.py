"""``curvelint frame --to FILE``: the frame written atomically as CSV or parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from curvelint.atomic import write_atomically
from curvelint.errors import CurvelintError
from curvelint.report.escape import clean_text
from curvelint.report.output import OutputError
from curvelint.shown_paths import shown_path

PARQUET_HINT = "writing parquet needs pyarrow: pip install 'curvelint[parquet]'"


def write_frame(frame: pd.DataFrame, destination: Path) -> None:
    """Write ``frame`` to ``destination`` (.csv or .parquet); every failure is one line."""
    suffix = destination.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise CurvelintError(f"--to {shown_path(destination)}: use a .csv or .parquet file name")
    if destination.is_dir():
        raise OutputError(f"--to {shown_path(destination)} is a folder: give a file name to write")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise CurvelintError(PARQUET_HINT) from None
    try:
        if suffix == ".csv":
            write_atomically(destination, lambda path: frame.to_csv(path, index=False))
        else:
            write_atomically(destination, lambda path: frame.to_parquet(path, index=False))
    except OSError as error:
        why = clean_text(error.strerror or type(error).__name__)
        raise OutputError(f"--to {shown_path(destination)}: cannot write it ({why})") from None
