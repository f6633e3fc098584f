"""Hostile names wherever a log carries one: a TensorBoard tag, a CSV header, a JSON key, an
MLflow metric file, and the folder and file names around every reader's log. A valid log is
read whatever its names (the points all there, a tag that is not UTF-8 shown escaped); a name
inside a text file that breaks its format costs a one-line error at most."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curvelint.readers import BY_NAME
from curvelint.readers.base import ReadResult
from tests.reader_names import CONTENT, content_path, named_path
from tests.robustness.helpers import TALLY, fuzz, read_or_error

HOSTILE = [
    b"loss\xff",
    b"\xff\xfe",
    b"\n::error title=forged::gotcha",
    b"x\r\n::warning::y",
    b"https://evil.example/login",
    b"www.evil.example",
    b"[a](javascript:alert(1))",
    b"<img src=x onerror=alert(1)>",
    b"a|b",
    b'a,"b',
    b"\x1b[31mred",
    b"\xe2\x80\xae" + b"gnp.exe",
    b"..",
    b"-rf",
    b"\t",
    b"loss" * 60,
]
NAMES = st.one_of(st.sampled_from(HOSTILE), st.binary(min_size=1, max_size=80))
POINTS = {
    "tensorboard": 3,
    "trainer_state": 3,
    "keras_history": 3,
    "json_lines": 3,
    "keras_csv": 2,
    "keras_history_csv": 2,
    "step_table": 2,
    "lightning_csv": 2,
    "mlflow_store": 2,
}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("reader", sorted(CONTENT))
@fuzz(40)
@given(name=NAMES)
def test_names_in_paths_never_cost_a_point(
    tmp_path_factory: pytest.TempPathFactory, reader: str, name: bytes
) -> None:
    root = tmp_path_factory.mktemp("path")
    path = _write(named_path(root, reader, name), CONTENT[reader](b"loss"))
    result = read_or_error(BY_NAME[reader], [path], "names: in paths")
    assert isinstance(result, ReadResult), result
    lost = POINTS[reader] - len(result.frame)
    TALLY.points_lost += max(lost, 0)
    assert lost == 0


@pytest.mark.parametrize("reader", sorted(CONTENT))
@fuzz(40)
@given(name=NAMES)
def test_names_inside_logs_are_read_or_one_line(
    tmp_path_factory: pytest.TempPathFactory, reader: str, name: bytes
) -> None:
    root = tmp_path_factory.mktemp("inside")
    path = _write(content_path(root, reader), CONTENT[reader](name))
    read_or_error(BY_NAME[reader], [path], "names: inside logs")


@fuzz(80)
@given(name=NAMES)
def test_any_tensorboard_tag_is_read_escaped(
    tmp_path_factory: pytest.TempPathFactory, name: bytes
) -> None:
    """Tags are bytes to protobuf: whatever they hold, the points are read under the tag
    with the bytes that are not UTF-8 escaped."""
    root = tmp_path_factory.mktemp("tag")
    path = _write(content_path(root, "tensorboard"), CONTENT["tensorboard"](name))
    result = read_or_error(BY_NAME["tensorboard"], [path], "names: tensorboard tags")
    assert isinstance(result, ReadResult), result
    TALLY.points_lost += max(3 - len(result.frame), 0)
    tags = result.frame["tag"].astype(str).unique().tolist()
    assert tags == [name.decode("utf-8", errors="backslashreplace")]
    assert len(result.frame) == 3
