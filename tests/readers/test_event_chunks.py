"""A large event file is decoded a chunk of records at a time and the chunks' points joined
column by column, each column's pieces given back to the system as soon as it is joined
(:mod:`curvelint.freed_memory`): what comes out is what one chunk gives, for a file torch's
``SummaryWriter`` wrote, whole or cut off mid-record by a crash."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from curvelint.readers import event_file, event_points
from curvelint.readers.event_file import EventFile, read_event_file
from curvelint.readers.tensorboard import read


def _torch_file(folder: Path) -> Path:
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(folder), max_queue=100_000, flush_secs=3600)
    for step in range(700):
        loss = math.nan if step == 350 else (math.inf if step == 351 else 1.0 / (step + 1))
        writer.add_scalar("train/loss", loss, step)
        writer.add_scalar("lr", 0.1 * 0.99**step, step)
        if step % 7 == 0:
            writer.add_scalar("eval/accuracy", step / 700.0, step)
    writer.close()
    (path,) = folder.glob("events.out.tfevents.*")
    return path


def _assert_same(chunked: EventFile, whole: EventFile) -> None:
    assert chunked.tags == whole.tags and chunked.records == whole.records
    for name in ("codes", "steps", "wall_times", "values"):
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))
    assert chunked.skipped == whole.skipped


@pytest.mark.parametrize("cut", [0, 37])
def test_chunks_join_to_what_one_chunk_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: int
) -> None:
    pytest.importorskip("torch")
    path = _torch_file(tmp_path / "run")
    if cut:  # the writer crashed mid-record
        path.write_bytes(path.read_bytes()[:-cut])
    whole = read_event_file(path)
    released: list[bool] = []
    monkeypatch.setattr(event_file, "CHUNK_RECORDS", 64)
    monkeypatch.setattr(event_points, "release_freed_memory", lambda: released.append(True) or True)
    chunked = read_event_file(path)
    assert len(released) == 5  # once per column joined
    _assert_same(chunked, whole)
    assert np.isnan(whole.values).sum() == 1 and np.isinf(whole.values).sum() == 1
    assert bool(whole.skipped) == bool(cut)


def test_a_torch_run_without_epochs_holds_one_nan_for_them(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    frame = read([_torch_file(tmp_path / "run")]).frame
    epochs = frame["epoch"].to_numpy()
    assert len(epochs) == 1500 and np.isnan(epochs).all() and epochs.strides == (0,)
