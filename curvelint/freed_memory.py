"""How the C heap reuses and gives back freed memory, so that a large log costs neither a
fault on every page it touches again nor the memory it already let go.

glibc's ``malloc`` serves an array of 128 kB or more from fresh pages of its own (until a free
raises that limit) and gives the top of its heap back as soon as 128 kB of it are free: the
analysis of a 10M-point run allocates and frees gigabytes of 8 MB arrays, and every page of
them was then touched anew, a page fault each (1.2 million, 2 s of system time on a VM). The
command line sets both limits once (:func:`reuse_freed_memory`): arrays below 32 MB are served
from the heap, which keeps up to 128 MB free for reuse; half the faults and the system time go.

The other side: ``malloc`` keeps memory freed in the middle of its heap, so the process holds
what it freed. Reading a 10M-point event file makes 290 MB of small arrays (one set per chunk
of records) and frees them while joining them into the file's columns, which are new
allocations; :func:`release_freed_memory` (glibc's ``malloc_trim``) gives their pages back
between columns, so both are not held at once. Dask's workers trim for the same reason.

Both are glibc's; elsewhere (musl, macOS, Windows) they do nothing.
"""

from __future__ import annotations

import ctypes
import functools
import os
from typing import Any

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)
HEAP_SETTINGS = {
    # environment variable (read by glibc when a process starts): (mallopt parameter, bytes)
    "MALLOC_MMAP_THRESHOLD_": (_M_MMAP_THRESHOLD, 32 << 20),
    "MALLOC_TRIM_THRESHOLD_": (_M_TRIM_THRESHOLD, 128 << 20),
}


@functools.cache
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(None)  # the C library the process runs on
    except (OSError, TypeError):  # TypeError: Windows wants a name
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the system; False where that cannot be done."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def reuse_freed_memory() -> None:
    """Keep freed memory in the heap for reuse (see above), in this process and, through the
    environment, in the processes it starts; a setting the user made is left alone. For the
    command line, which owns its process: ``import curvelint`` changes nothing."""
    libc = _libc()
    for variable, (parameter, value) in HEAP_SETTINGS.items():
        if variable in os.environ:
            continue
        os.environ[variable] = str(value)
        if libc is not None:
            libc.mallopt(parameter, value)
