"""Give memory that was freed back to the system, so a process's size follows what it holds.

glibc's ``malloc`` keeps memory freed in the middle of its heap for later use instead of
returning it, and arrays of a few hundred kilobytes live in that heap: reading a 10M-point event
file makes 290 MB of them (one set per chunk of records) and frees them as they are joined into
the file's columns, which are new allocations. Without giving those pages back, the process
holds both at once (the peak of a 10M-point ``analyze``). ``malloc_trim`` returns them; it is
glibc's (elsewhere: musl, macOS, Windows, this does nothing). Dask's workers do the same for the
same reason.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
from typing import Any


@functools.cache
def _malloc_trim() -> Callable[[int], Any] | None:
    try:
        libc = ctypes.CDLL(None)  # the C library the process runs on
    except (OSError, TypeError):  # TypeError: Windows wants a name
        return None
    trim: Callable[[int], Any] | None = getattr(libc, "malloc_trim", None)
    return trim


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the system; False where that cannot be done."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
