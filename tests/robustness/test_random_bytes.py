"""Random bytes and random token soup under every reader's file name: each read returns a
result or one :class:`CurvelintError` line, and ``read_runs`` over all of them never raises."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curvelint.readers import READERS, wandb_records
from curvelint.readers.base import Reader
from curvelint.runs import read_runs
from tests.reader_paths import FILE_NAMES
from tests.robustness.helpers import TALLY, fuzz, one_line, read_or_error, timed

TOKENS = {
    "json": [
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        '"',
        '"loss"',
        '"step"',
        '"log_history"',
        '"global_step"',
        '"epoch"',
        '"_step"',
        "NaN",
        "Infinity",
        "-Infinity",
        "1e999",
        "-1",
        "0",
        "3.5",
        "9" * 40,
        "null",
        "true",
        '"abc"',
        "\n",
        "\r\n",
        " ",
        "\ufeff",
        "\\u0000",
        '"\\ud800"',
    ],
    "csv": [
        "epoch",
        "step",
        "loss",
        "val_loss",
        ",",
        ";",
        "\t",
        "|",
        "\n",
        "\r\n",
        "\r",
        '"',
        "nan",
        "NA",
        "inf",
        "-inf",
        "1e999",
        "0",
        "1",
        "2",
        "0.5",
        "-3",
        "abc",
        "\x00",
        "\xe9",
        "9" * 40,
        " ",
    ],
    "mlflow": ["1700000000000", " ", "0.5", "nan", "inf", "3", "-1", "\n", "x", "1e999", "9" * 30],
}
TEXT_KIND = {
    "trainer_state": "json",
    "keras_history": "json",
    "json_lines": "json",
    "lightning_csv": "csv",
    "step_table": "csv",
    "keras_csv": "csv",
    "mlflow_store": "mlflow",
}


def _place(root: Path, reader: Reader, data: bytes) -> Path:
    path = root / FILE_NAMES[reader.NAME]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _soup(kind: str) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(TOKENS[kind]), max_size=60).map(
        lambda tokens: "".join(tokens).encode("utf-8", "surrogatepass")
    )


def test_every_reader_has_a_file_name() -> None:
    assert set(FILE_NAMES) == {reader.NAME for reader in READERS}


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.NAME)
@fuzz(40)
@given(data=st.binary(max_size=4096))
def test_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, reader: Reader, data: bytes
) -> None:
    path = _place(tmp_path_factory.mktemp("bytes"), reader, data)
    read_or_error(reader, [path], "random bytes")


@pytest.mark.parametrize(
    "reader", [r for r in READERS if r.NAME in TEXT_KIND], ids=lambda r: r.NAME
)
@fuzz(60)
@given(data=st.data())
def test_random_token_soup(
    tmp_path_factory: pytest.TempPathFactory, reader: Reader, data: st.DataObject
) -> None:
    """Text made of the format's own tokens gets much further into a parser than noise."""
    payload = data.draw(_soup(TEXT_KIND[reader.NAME]), label="text")
    path = _place(tmp_path_factory.mktemp("soup"), reader, payload)
    read_or_error(reader, [path], "token soup")


def _wandb_block(payloads: list[bytes]) -> bytes:
    out = bytearray(struct.pack("<4sHB", wandb_records.FILE_IDENT, wandb_records.FILE_MAGIC, 0))
    for payload in payloads:
        crc = zlib.crc32(payload, zlib.crc32(bytes([wandb_records.FULL])))
        out += struct.pack("<IHB", crc, len(payload), wandb_records.FULL) + payload
    return bytes(out)


@fuzz(60)
@given(
    payloads=st.lists(st.binary(max_size=200), max_size=8),
    noise=st.binary(max_size=300),
    cut=st.integers(0, 4000),
)
def test_wandb_files_with_a_valid_header_and_random_records(
    tmp_path_factory: pytest.TempPathFactory, payloads: list[bytes], noise: bytes, cut: int
) -> None:
    """Past the ``:W&B`` header: checksummed random payloads (protobuf sees them), noise,
    and a cut anywhere."""
    pytest.importorskip("wandb")
    from curvelint.readers import wandb_run

    data = (_wandb_block(payloads) + noise)[: max(cut, 7)]
    path = _place(tmp_path_factory.mktemp("wandb"), wandb_run, data)
    read_or_error(wandb_run, [path], "wandb: random records")


@fuzz(25)
@given(blobs=st.lists(st.binary(max_size=512), min_size=len(READERS), max_size=len(READERS)))
def test_read_runs_over_a_tree_of_random_files(
    tmp_path_factory: pytest.TempPathFactory, blobs: list[bytes]
) -> None:
    """Every reader's file at once, under discovery: nothing escapes read_runs, every
    message is one line."""
    root = tmp_path_factory.mktemp("tree")
    for reader, blob in zip(READERS, blobs, strict=True):
        _place(root, reader, blob)
    with timed("random tree", str(root)):
        try:
            report = read_runs([root])
        except Exception:
            TALLY.crashes += 1
            raise
    for failed in report.failed:
        one_line(failed.error)
    for skipped in report.skipped:
        one_line(str(skipped))
