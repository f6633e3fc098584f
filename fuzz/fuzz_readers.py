"""Coverage-guided fuzzing of every reader with atheris (``make fuzz``; not part of the tests).

Each input is one file for one reader: the first byte picks the reader, the rest is the
file's content, written under the name that reader claims. A reader may return a result or
raise :class:`CurvelintError`; anything else is a crash atheris reports with its input::

    pip install atheris
    python fuzz/fuzz_readers.py -max_total_time=300 -rss_limit_mb=2048 fuzz/corpus
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.reader_paths
from tests.reader_paths import FILE_NAMES

with atheris.instrument_imports():
    from curvelint.errors import CurvelintError
    from curvelint.readers import READERS

_FOLDER = Path(tempfile.mkdtemp(prefix="curvelint-fuzz-"))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    reader = READERS[data[0] % len(READERS)]
    path = _FOLDER / FILE_NAMES[reader.NAME]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[1:])
    try:
        result = reader.read([path])
    except CurvelintError as error:
        if "\n" in str(error):
            raise AssertionError(f"a multi-line error: {error!r}") from None
        return
    for skipped in result.skipped:
        if "\n" in str(skipped):
            raise AssertionError(f"a multi-line note: {skipped!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
