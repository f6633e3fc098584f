"""The Keras CSVLogger reader: NA vs nan, restarts, repeated headers, separators, damage."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from curvelint.errors import UnreadableError
from curvelint.readers import keras_csv
from tests.conftest import corpus_files, tree_hashes

MISSING = {"", "na", "n/a", "none", "null", "<na>"}


def _write(tmp_path: Path, text: str, name: str = "training.log", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _series(path: Path, metric: str, split: str) -> list[tuple[int, float]]:
    frame = keras_csv.read([path]).frame
    rows = frame[(frame["metric"] == metric) & (frame["split"] == split)]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


def _independent_point_count(path: Path) -> int:
    """Logged cells after 'later rows win', counted with the csv module and dicts."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    separator = keras_csv.detect_separator(lines[0])
    rows_by_epoch: dict[float, dict[str, str]] = {}
    header: list[str] = []
    last_epoch = -math.inf
    for row in csv.reader(lines, delimiter=separator, skipinitialspace=True):
        if row and row[0].strip().lower() == "epoch":
            header = [c.strip() for c in row]
            continue
        if not row:
            continue
        epoch = float(row[0])
        if epoch <= last_epoch:
            rows_by_epoch = {e: r for e, r in rows_by_epoch.items() if e < epoch}
        last_epoch = epoch
        rows_by_epoch[epoch] = dict(zip(header[1:], row[1:], strict=False))
    count = 0
    for row in rows_by_epoch.values():
        for cell in row.values():
            cell = cell.strip().lower()
            if cell in MISSING:
                continue
            try:
                float(cell)
            except ValueError:
                continue
            count += 1
    return count


def test_na_is_missing_but_nan_and_inf_are_data(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "epoch,loss,val_loss,lr\n0,1.0,NA,0.001\n1,nan,inf,0.001\n2,-inf,Infinity,\n3,NaN,-inf,1e-4\n",
    )
    loss = _series(path, "loss", "train")
    assert loss[0] == (0, 1.0) and math.isnan(loss[1][1]) and loss[2] == (2, -math.inf)
    assert math.isnan(loss[3][1])
    assert _series(path, "loss", "eval") == [(1, math.inf), (2, math.inf), (3, -math.inf)]
    assert _series(path, "learning_rate", "") == [(0, 0.001), (1, 0.001), (3, 1e-4)]


def test_restarted_epochs_later_rows_win_with_a_note(tmp_path: Path) -> None:
    path = _write(tmp_path, "epoch,loss\n0,5\n1,4\n2,3\n0,2.5\n1,2.0\n")
    assert _series(path, "loss", "train") == [(0, 2.5), (1, 2.0)]
    assert any("superseded" in note for note in keras_csv.read([path]).notes)


def test_repeated_and_changed_headers(tmp_path: Path) -> None:
    path = _write(tmp_path, "epoch,loss\n0,1.0\n1,0.9\nepoch,loss,val_loss\n2,0.8,0.85\n")
    result = keras_csv.read([path])
    assert _series(path, "loss", "train") == [(0, 1.0), (1, 0.9), (2, 0.8)]
    assert _series(path, "loss", "eval") == [(2, 0.85)]
    assert any("header repeats" in note for note in result.notes)


@pytest.mark.parametrize(
    "text",
    [
        "epoch,loss\n0,1.0\n1,0.9\nEpoch,loss\n2,0.8\n",  # the header's spelling changes
        "epoch,loss,epoch_time\n0,1.0,3\n1,0.9,3\nepoch,loss,epoch_time\n2,0.8,3\n",
        'Epoch,loss\n0,1.0\n1,0.9\n"EPOCH",loss\n2,0.8\n',
        "Epoch,loss,EPOCH\n0,1.0,7\n1,0.9,7\nepoch,loss\n2,0.8\n",
    ],
)
def test_a_header_repeated_in_another_spelling_or_beside_a_similar_column(
    tmp_path: Path, text: str
) -> None:
    path = _write(tmp_path, text)
    assert _series(path, "loss", "train") == [(0, 1.0), (1, 0.9), (2, 0.8)]
    assert any("header repeats 1 time" in note for note in keras_csv.read([path]).notes)


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_custom_separators(tmp_path: Path, separator: str) -> None:
    text = f"epoch{separator}accuracy{separator}loss\n0{separator}0.5{separator}0.7\n"
    path = _write(tmp_path, text)
    assert _series(path, "accuracy", "train") == [(0, 0.5)]


def test_crlf_bom_and_latin1(tmp_path: Path) -> None:
    crlf = _write(tmp_path, "\ufeffepoch,loss\r\n0,1.5\r\n1,1.25\r\n", name="a.csv")
    assert _series(crlf, "loss", "train") == [(0, 1.5), (1, 1.25)]
    latin = _write(tmp_path, "epoch,loss,caf\xe9\n0,1.5,2\n", name="b.csv", encoding="latin-1")
    assert keras_csv.read([latin]).frame["tag"].astype(str).tolist() == ["loss", "café"]


def test_ragged_rows_and_garbage_cells_are_skipped_with_reasons(tmp_path: Path) -> None:
    path = _write(tmp_path, "epoch,loss,acc\n0,1.0,0.5\n1,0.9,0.6,extra\n2,abc\n3,0.7,0.8\n")
    result = keras_csv.read([path])
    loss = result.frame[result.frame["metric"] == "loss"]["value"].tolist()
    assert loss == [1.0, 0.7]
    reasons = " ".join(s.why for s in result.skipped)
    assert "more fields" in reasons and "non-numeric" in reasons


@pytest.mark.parametrize("text", ["epoch,loss\n", "loss,acc\n1,2\n", "", "epoch,loss\nx,1\n"])
def test_unusable_files_raise_one_line_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(UnreadableError) as raised:
        keras_csv.read([_write(tmp_path, text)])
    assert "\n" not in str(raised.value)


def test_sniff_rejects_non_csvlogger_tables(tmp_path: Path) -> None:
    assert keras_csv.sniff(_write(tmp_path, "epoch,loss\n0,1\n", name="log.csv"))
    assert not keras_csv.sniff(_write(tmp_path, "loss,acc\n1,2\n", name="hist.csv"))
    assert not keras_csv.sniff(
        _write(tmp_path, "epoch,step,train_loss\n0,1,2\n", name="metrics.csv")
    )
    assert keras_csv.looks_like_metrics_without_epoch(tmp_path / "hist.csv")


def test_every_corpus_csv_reads_or_is_skipped(corpus: Path) -> None:
    files = corpus_files(corpus, "keras_csv")
    before = {f: tree_hashes(f) for f in files}
    read = 0
    for path in files:
        if not keras_csv.sniff(path):
            assert keras_csv.looks_like_metrics_without_epoch(path), path
            continue
        result = keras_csv.read([path])
        read += 1
        assert len(result.frame) == _independent_point_count(path), path
    assert read == 26
    assert {f: tree_hashes(f) for f in files} == before
