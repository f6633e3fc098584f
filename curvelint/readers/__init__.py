"""One module per log format, each with ``NAME``, ``sniff(path)`` and ``read(paths)``.

A new format is one module and one line in :data:`READERS`; the reader contract tests then
cover it. Order matters only for sniffing: the first reader that claims a file gets it.
"""

from __future__ import annotations

from curvelint.readers import keras_csv, tensorboard, trainer_state
from curvelint.readers.base import Reader, ReadResult, Skipped

READERS: tuple[Reader, ...] = (tensorboard, trainer_state, keras_csv)
BY_NAME: dict[str, Reader] = {reader.NAME: reader for reader in READERS}

__all__ = ["BY_NAME", "READERS", "ReadResult", "Reader", "Skipped"]
