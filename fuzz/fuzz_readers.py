"""Coverage-guided fuzzing of every reader with atheris (``make fuzz``; not part of the tests).

Each input is one file for one reader. The first byte picks the reader and what the rest of
the input is: the file's content, written under the name that reader claims; a name inside a
valid log (a TensorBoard tag, a CSV header, a JSON key); or the folder and file names around a
valid log (any bytes but ``/`` and NUL). A reader may return a result or raise
:class:`CurvelintError`; anything else is a crash atheris reports with its input, and so is a
valid log that loses a point to its path's name::

    pip install atheris
    python fuzz/fuzz_readers.py -max_total_time=300 -rss_limit_mb=2048 fuzz/corpus
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.reader_*

with atheris.instrument_imports():
    from curvelint.errors import CurvelintError
    from curvelint.readers import BY_NAME, READERS
    from tests.reader_names import CONTENT, content_path, named_path

_FOLDER = Path(tempfile.mkdtemp(prefix="curvelint-fuzz-"))
CONTENT_MODE, NAME_INSIDE_MODE, PATH_MODE = 0, 1, 2


def _place(reader: str, mode: int, payload: bytes) -> Path:
    """Write the input as ``mode`` says; returns the file to read."""
    if mode == NAME_INSIDE_MODE and reader in CONTENT:
        path, data = content_path(_FOLDER, reader), CONTENT[reader](payload)
    elif mode == PATH_MODE and reader in CONTENT:
        path, data = named_path(_FOLDER, reader, payload), CONTENT[reader](b"loss")
    else:
        path, data = content_path(_FOLDER, reader), payload
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_one_input(data: bytes) -> None:
    if not data:
        return
    reader = READERS[data[0] % len(READERS)].NAME
    mode = (data[0] // len(READERS)) % 3
    shutil.rmtree(_FOLDER, ignore_errors=True)
    path = _place(reader, mode, data[1:])
    try:
        result = BY_NAME[reader].read([path])
    except CurvelintError as error:
        if mode == PATH_MODE and reader in CONTENT:
            raise AssertionError(f"a valid log refused for its path: {error!r}") from None
        if "\n" in str(error).replace(str(path), ""):
            raise AssertionError(f"a multi-line error: {error!r}") from None
        return
    if mode == PATH_MODE and reader in CONTENT and result.frame.empty:
        raise AssertionError(f"a valid log lost its points to its path: {path!r}")
    for skipped in result.skipped:
        if "\n" in str(skipped).replace(str(path), ""):
            raise AssertionError(f"a multi-line note: {skipped!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
