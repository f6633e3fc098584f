"""A large file read front to back without holding all of it: the loaded prefix, at the file's
own offsets.

Reading a 10M-point event file into one ``bytes`` would hold its 550 MB while its points are
collected. Here the file is read into anonymous memory in windows just ahead of where the
reader is, and the pages behind it are given back to the system (``madvise``), so the reader
keeps using plain offsets into one buffer while only a window of it is resident. The memory is
anonymous, not a map of the file: a log that is truncated while it is read cannot crash the
process (as a shrinking ``mmap`` would, with SIGBUS); its read simply ends early.
"""

from __future__ import annotations

import io
import mmap
from pathlib import Path

WINDOW_BYTES = 64 << 20  # files up to this size are read whole; larger ones a window at a time
# Private anonymous memory whose pages can be given back: Linux and the BSDs, not Windows.
AVAILABLE = all(hasattr(mmap, name) for name in ("MAP_PRIVATE", "MAP_ANONYMOUS", "MADV_DONTNEED"))


class FileWindow:
    """The first :attr:`loaded` bytes of a file, as one buffer; more on :meth:`load`."""

    def __init__(self, path: Path, size: int) -> None:
        self._file: io.BufferedReader = path.open("rb")
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
        self._memory = mmap.mmap(-1, max(size, 1), flags=flags)
        self.size = size
        self.loaded = 0
        self._released = 0
        self.complete = size == 0

    def buffer(self) -> memoryview:
        """The loaded prefix (offsets are the file's own)."""
        return memoryview(self._memory)[: self.loaded]

    def load(self, upto: int) -> memoryview:
        """Read on until at least ``upto`` bytes are loaded (or the file ends); the new prefix."""
        target = min(max(upto, self.loaded + WINDOW_BYTES), self.size)
        view = memoryview(self._memory)
        while self.loaded < target:
            count = self._file.readinto(view[self.loaded : target])
            if not count:  # the file shrank while being read: it ends here
                self.size = self.loaded
                break
            self.loaded += count
        view.release()
        if self.loaded >= self.size:
            self.complete = True
            self._file.close()
        return self.buffer()

    def load_all(self) -> memoryview:
        """Everything (to scan ahead past damage)."""
        return self.load(self.size)

    def release(self, below: int) -> None:
        """Give back the pages before offset ``below``: the reader never returns to them."""
        end = below // mmap.PAGESIZE * mmap.PAGESIZE
        if end > self._released:
            self._memory.madvise(mmap.MADV_DONTNEED, self._released, end - self._released)
            self._released = end

    def close(self) -> None:
        """Close the file (the memory goes with the last view of it)."""
        self._file.close()
