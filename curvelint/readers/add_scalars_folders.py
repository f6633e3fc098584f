"""torch's ``SummaryWriter.add_scalars`` layout: one sub-folder per key, read as one run.

``add_scalars("loss", {"train": a, "val": b}, step)`` (and Lightning's TensorBoardLogger when
a model logs a dict) writes each key with a writer of its own, into ``<logdir>/loss_train/``
and ``<logdir>/loss_val/``, every value tagged ``loss``: the folder is named after the main
tag with ``/`` replaced by ``_``, then ``_<key>``. TensorBoard lists each sub-folder as a run,
but they are the curves of the run whose writer owns ``<logdir>`` (torch writes that writer's
own event file there on construction). Discovery joins such a sub-folder to that run, and the
reader names its series ``<main tag>/<key>`` (``loss/train``, ``loss/val``,
``train_performance/Accuracy``), so the key names the split or completes the metric's name.

A sub-folder counts only when every value in its event files' first records is tagged with
one main tag that fits the folder's name: a sub-folder that is another run (``lr_0.1/``
logging ``loss`` and ``accuracy``) stays a run of its own. Discovery and the reader decide
with the same function, :func:`main_tag`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from curvelint.readers.event_wire import DecodeError, Event, decode_narrow, decode_protobuf
from curvelint.readers.record_framing import HEADER_BYTES, walk

# The first records of a file show the tags its writer logs from the start; an add_scalars
# file holds one tag, so this many bytes (hundreds of records) decide without reading it all.
SCAN_BYTES = 1 << 16


def key_of(folder_name: str, tag: str) -> str:
    """The key ``add_scalars`` gave values tagged ``tag`` written into ``folder_name``;
    ``""`` when the name is not ``<tag, '/' as '_'>_<key>``."""
    prefix = tag.replace("/", "_") + "_"
    if tag and folder_name.startswith(prefix):
        return folder_name[len(prefix) :]
    return ""


def main_tag(files: Sequence[Path]) -> str:
    """The main tag the event files of one sub-folder were written under by ``add_scalars``,
    or ``""`` when they were not (other tags, no values, or a name that does not fit)."""
    tags: set[str] = set()
    for path in files:
        tags.update(_first_tags(path))
        if len(tags) > 1:
            return ""
    if len(tags) != 1 or not files:
        return ""
    (tag,) = tags
    return tag if key_of(files[0].parent.name, tag) else ""


def series_tags(tags: Iterable[str], folder_name: str, main: str) -> list[str]:
    """A file's tags as series names: the main tag becomes ``<main tag>/<key>``."""
    key = key_of(folder_name, main)
    return [f"{tag}/{key}" if tag == main and key else tag for tag in tags]


def _first_tags(path: Path) -> set[str]:
    """The tags of every summary value in the first :data:`SCAN_BYTES` of an event file."""
    try:
        with path.open("rb") as stream:
            buffer = stream.read(SCAN_BYTES)
    except OSError:
        return set()
    framing = walk(buffer)
    tags: set[str] = set()
    for start, length in zip(framing.starts.tolist(), framing.lengths.tolist(), strict=True):
        event = _decoded(buffer, start + HEADER_BYTES, start + HEADER_BYTES + length)
        if event is not None:
            tags.update(value.tag for value in event.values)
    return tags


def _decoded(buffer: bytes, start: int, end: int) -> Event | None:
    event = decode_narrow(buffer, start, end)
    if event is not None:
        return event
    try:
        return decode_protobuf(buffer[start:end])
    except DecodeError:
        return None
