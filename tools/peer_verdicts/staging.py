"""A read-only view of a run folder that every peer can read: symlinks, never copies or edits.

Keras' CSVLogger writes ``training.log`` by default; peers that pick a reader by the file's
suffix skip it. To favour the peers, the view names such a file ``training.csv`` (a symlink to
the original bytes). Nothing else changes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.peer_verdicts.layout import RunLayout, _looks_like_keras_csv, describe_run


def _view_name(path: Path) -> str:
    if path.suffix.lower() != ".csv" and _looks_like_keras_csv(path):
        return path.stem + ".csv"
    return path.name


@contextmanager
def staged_view(layout: RunLayout) -> Iterator[RunLayout]:
    """The layout of a temporary folder of symlinks mirroring ``layout``'s run folder."""
    with tempfile.TemporaryDirectory(prefix="peer-run-") as temporary:
        root = Path(temporary) / layout.folder.name
        root.mkdir()
        for path in layout.files:
            relative = path.relative_to(layout.folder)
            target = root / relative.parent / _view_name(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
        yield describe_run(root)
