"""Check a cache entry's archive before numpy reads it, so a planted entry cannot make
curvelint allocate more memory than the entry's file holds.

Entries are ``.npz`` archives that :mod:`curvelint.cache` writes with every member stored,
never compressed. A compressed member was not written by curvelint, and a small one can
inflate to gigabytes (a zip bomb); a member whose ``.npy`` header announces more data than the
member holds would make numpy allocate the announced array first. Either makes the entry
invalid before any array is read.
"""

from __future__ import annotations

import zipfile
from typing import IO

import numpy as np


class UnsafeArchive(Exception):
    """The archive could make numpy allocate more than the file holds."""


def check_archive(handle: IO[bytes], file_size: int) -> None:
    """Raise :class:`UnsafeArchive` unless every member is stored uncompressed, the members
    fit in the file, and each ``.npy`` header announces no more data than its member holds.
    ``handle`` is rewound afterwards."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > file_size:
                raise UnsafeArchive("members larger than the file")
            for member in members:
                _check_member(archive, member)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as error:
        raise UnsafeArchive(f"not an entry ({error})") from None
    finally:
        handle.seek(0)


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    if member.compress_type != zipfile.ZIP_STORED or member.compress_size != member.file_size:
        raise UnsafeArchive(f"{member.filename}: compressed (curvelint stores entries as is)")
    with archive.open(member) as data:
        version = np.lib.format.read_magic(data)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(data)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(data)
        else:
            raise UnsafeArchive(f"{member.filename}: .npy version {version}")
        header = data.tell()
    elements = 1
    for length in shape:
        elements *= int(length)
    if dtype.hasobject or elements * dtype.itemsize > member.file_size - header:
        raise UnsafeArchive(f"{member.filename}: announces more data than it holds")
