"""CSV logs (Keras CSVLogger, Lightning CSVLogger, step tables) cut, mangled and stretched:
every cell of every whole row is still read, and each problem is one line.

The oracle reads the intact text with :mod:`csv` and Python's :func:`float`.
"""

from __future__ import annotations

import csv
import functools
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from curvelint.readers import keras_csv, lightning_csv, step_table
from curvelint.readers.base import ReadResult
from curvelint.runs import read_runs
from tests.robustness.helpers import (
    TALLY,
    fuzz,
    one_line,
    read_or_error,
    real_files,
    timed,
    value_key,
)

KERAS_FILES = real_files(keras_csv.sniff)
LIGHTNING_FILES = real_files(lightning_csv.sniff)
CutPoint = tuple[str, int, int | str]


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _frame_points(frame: pd.DataFrame) -> set[CutPoint]:
    tags = frame["tag"].astype(str).tolist()
    values = [value_key(v) for v in frame["value"].tolist()]
    return set(zip(tags, frame["step"].tolist(), values, strict=True))


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _keras_oracle(text: str) -> set[CutPoint]:
    """Points of the whole rows of a CSVLogger text: a rewind of the epoch to ``k`` drops the
    earlier rows with epoch >= k (later data wins); a repeated header starts a new table."""
    rows = list(csv.reader(text.splitlines()))
    header: list[str] = []
    kept: list[tuple[int, dict[str, str]]] = []
    for row in rows:
        if row and row[0].strip().lower() == "epoch":
            header = [cell.strip() for cell in row]
            continue
        if not header or len(row) != len(header) or _number(row[0]) is None:
            continue
        epoch = int(float(row[0]))
        kept = [(e, cells) for e, cells in kept if e < epoch]
        kept.append((epoch, dict(zip(header[1:], row[1:], strict=True))))
    points = set()
    for epoch, cells in kept:
        for name, cell in cells.items():
            value = _number(cell)
            if value is not None and name:
                points.add((name, epoch, value_key(value)))
    return points


def _check_points(expected: set[CutPoint], result: ReadResult | str) -> None:
    got = set() if isinstance(result, str) else _frame_points(result.frame)
    lost = expected - got
    TALLY.points_lost += len(lost)
    assert not lost, sorted(lost, key=str)[:5]


def _whole_rows(text: str, cut: int) -> str:
    """The rows that are whole before ``cut``, with their line ending: a row cut right before
    its newline cannot be told from one cut inside its last number, so it is not required."""
    prefix = text[:cut]
    return prefix[: max(prefix.rfind("\n"), prefix.rfind("\r")) + 1]


@functools.cache
def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


pytestmark = pytest.mark.skipif(not KERAS_FILES, reason="no real Keras CSV logs present")


@pytest.mark.parametrize("path", KERAS_FILES, ids=_id)
def test_intact_keras_logs_match_the_oracle(path: Path) -> None:
    result = read_or_error(keras_csv, [path], "keras csv: intact")
    assert not isinstance(result, str)
    assert _frame_points(result.frame) == _keras_oracle(_text(path))


def _cut_keras(path: Path, cut: int, target: Path) -> None:
    text = _text(path)
    target.write_text(text[:cut], encoding="utf-8")
    result = read_or_error(keras_csv, [target], "keras csv: truncated")
    expected = _keras_oracle(_whole_rows(text, cut))
    _check_points(expected, result)


# Reading a CSV costs ~15 ms (pandas): every offset only of the smallest real logs.
SMALLEST = sorted(KERAS_FILES, key=lambda p: p.stat().st_size)[:3]


@pytest.mark.parametrize("path", SMALLEST, ids=_id)
def test_every_truncation_offset_of_the_smallest_logs(path: Path, tmp_path: Path) -> None:
    for cut in range(len(_text(path)) + 1):
        _cut_keras(path, cut, tmp_path / path.name)


@pytest.mark.parametrize("path", KERAS_FILES, ids=_id)
def test_truncation_inside_and_at_the_end_of_lines(path: Path, tmp_path: Path) -> None:
    text = _text(path)
    ends = [index for index, character in enumerate(text) if character == "\n"]
    chosen = ends if len(ends) <= 12 else ends[:4] + ends[-4:] + ends[:: max(1, len(ends) // 4)]
    for end in chosen:
        for cut in (end, end + 1, max(0, end - 1), max(0, end - 3)):
            _cut_keras(path, cut, tmp_path / path.name)


@fuzz(120)
@given(data=st.data())
def test_mangled_bytes_cost_at_most_their_rows(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Overwrite a few bytes (any byte, non-UTF-8 too): rows they do not touch keep every
    cell (unless a damaged epoch rewinds; the rows after it are then checked)."""
    path = data.draw(st.sampled_from(KERAS_FILES), label="file")
    raw = bytearray(path.read_bytes())
    touched: set[int] = set()
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[at] = data.draw(st.sampled_from([0xFF, 0xC3, 0x00, 0x2C, 0x0A, 0x22, 0x41]))
        touched.add(at)
    target = tmp_path_factory.mktemp("mangled") / path.name
    target.write_bytes(bytes(raw))
    result = read_or_error(keras_csv, [target], "keras csv: mangled bytes")
    original = path.read_bytes()
    lines, offset = [], 0
    for line in original.splitlines(keepends=True):
        if not any(offset <= at < offset + len(line) for at in touched):
            lines.append(line)
        offset += len(line)
    if lines and original.splitlines(keepends=True)[0] == lines[0] and not isinstance(result, str):
        untouched = b"".join(lines).decode("utf-8-sig")
        rewinds = "rewind" in " ".join(result.notes) or "restarts" in " ".join(result.notes)
        if not rewinds:
            _check_points(_keras_oracle(untouched), result)


# --------------------------------------------------------------------------- crafted cases

SPELLINGS = {
    # cell: what it must become — a value, "missing" (not a point) or "garbage" (skipped)
    "nan": math.nan,
    "NaN": math.nan,
    "NAN": math.nan,
    "-nan": math.nan,
    "+nan": math.nan,
    "inf": math.inf,
    "Inf": math.inf,
    "INF": math.inf,
    "-inf": -math.inf,
    "+inf": math.inf,
    "Infinity": math.inf,
    "-Infinity": -math.inf,
    "infinity": math.inf,
    "1e999": math.inf,
    "-1e999": -math.inf,
    "": "missing",
    "NA": "missing",
    "na": "missing",
    "N/A": "missing",
    "n/a": "missing",
    "<NA>": "missing",
    "null": "missing",
    "NULL": "missing",
    "None": "missing",
    " ": "missing",
    "1.#INF": "garbage",
    "1.#QNAN": "garbage",
    "#N/A": "garbage",
    "abc": "garbage",
}


@pytest.mark.parametrize("reader", [keras_csv, step_table, lightning_csv], ids=lambda r: r.NAME)
def test_na_nan_and_inf_in_every_spelling(tmp_path: Path, reader: object) -> None:
    step_name = "epoch" if reader is keras_csv else "step"
    lines = [f"{step_name},loss,acc"]
    for index, cell in enumerate(SPELLINGS):
        lines.append(f"{index},{cell},{index / 100}")
    folder = tmp_path / "version_0"
    folder.mkdir()
    target = folder / ("metrics.csv" if reader is lightning_csv else "log.csv")
    target.write_text("\n".join(lines) + "\n")
    result = read_or_error(reader, [target], "csv: NA/nan/inf spellings")  # type: ignore[arg-type]
    assert not isinstance(result, str), result
    frame = result.frame
    loss = frame[frame["tag"] == "loss"].set_index("step")["value"]
    acc = frame[frame["tag"] == "acc"]
    assert len(acc) == len(SPELLINGS)  # the other column of every row is kept
    garbage = 0
    for index, (cell, meaning) in enumerate(SPELLINGS.items()):
        if meaning == "missing":
            assert index not in loss.index, cell
        elif meaning == "garbage":
            assert index not in loss.index, cell
            garbage += 1
        else:
            assert index in loss.index, cell
            assert isinstance(meaning, float)
            assert value_key(loss[index]) == value_key(meaning), cell
    (skip,) = [s for s in result.skipped if "loss" in s.why]
    assert skip.count == garbage


@pytest.mark.parametrize("reader", [keras_csv, step_table], ids=lambda r: r.NAME)
def test_crlf_reads_like_lf(tmp_path: Path, reader: object) -> None:
    step_name = "epoch" if reader is keras_csv else "step"
    rows = [f"{step_name},loss,val_loss"] + [f"{i},{1 / (i + 1)},{2 / (i + 1)}" for i in range(9)]
    lf, crlf = tmp_path / "lf.csv", tmp_path / "crlf.csv"
    lf.write_bytes(("\n".join(rows) + "\n").encode())
    crlf.write_bytes(("\r\n".join(rows) + "\r\n").encode())
    a = read_or_error(reader, [lf], "csv: LF")  # type: ignore[arg-type]
    b = read_or_error(reader, [crlf], "csv: CRLF")  # type: ignore[arg-type]
    assert not isinstance(a, str) and not isinstance(b, str)
    assert _frame_points(a.frame) == _frame_points(b.frame) and len(a.frame) == 18


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        (keras_csv, "epoch,loss\n"),
        (keras_csv, "epoch,loss"),
        (keras_csv, "epoch,loss\r\n"),
        (keras_csv, "\ufeffepoch;loss;acc\n"),
        (step_table, "step,loss\n"),
        (step_table, "step,loss"),
        (lightning_csv, "epoch,step,train_loss\n"),
    ],
)
def test_a_header_only_is_an_empty_run_or_one_line(
    tmp_path: Path, reader: object, text: str
) -> None:
    folder = tmp_path / "version_0"
    folder.mkdir()
    target = folder / ("metrics.csv" if reader is lightning_csv else "log.csv")
    target.write_text(text, encoding="utf-8")
    result = read_or_error(reader, [target], "csv: header only")  # type: ignore[arg-type]
    assert isinstance(result, str) or result.frame.empty
    report = read_runs([tmp_path])
    assert not report.runs
    for line in [f.error for f in report.failed] + [str(s) for s in report.skipped]:
        one_line(line)


def test_ragged_rows_keep_every_whole_row(tmp_path: Path) -> None:
    rows = ["epoch,loss,acc"]
    expected = set()
    for epoch in range(12):
        if epoch in (3, 7):
            rows.append(f"{epoch},0.5,0.1,surplus,fields")
        elif epoch == 5:
            rows.append(f"{epoch},0.5")
            expected.add(("loss", epoch, value_key(0.5)))  # a short row: its cells are data
        else:
            rows.append(f"{epoch},{1 / (epoch + 1)},{epoch / 12}")
            expected |= {("loss", epoch, value_key(1 / (epoch + 1)))}
            expected |= {("acc", epoch, value_key(epoch / 12))}
    target = tmp_path / "training.log"
    target.write_text("\n".join(rows) + "\n")
    result = read_or_error(keras_csv, [target], "csv: ragged rows")
    assert not isinstance(result, str)
    _check_points(expected, result)
    assert _frame_points(result.frame) == expected
    (skip,) = result.skipped
    assert skip.count == 2 and "more fields" in skip.why
    steps = tmp_path / "steps.csv"
    steps.write_text("\n".join(rows).replace("epoch,", "step,", 1) + "\n")
    table = read_or_error(step_table, [steps], "csv: ragged rows")
    assert not isinstance(table, str)
    assert _frame_points(table.frame) == expected - {("loss", 5, value_key(0.5))}
    assert sum(s.count for s in table.skipped) == 3


def test_repeated_headers(tmp_path: Path) -> None:
    first = ["epoch,loss", "0,1.0", "1,0.5"]
    second = ["epoch,loss,acc", "2,0.25,0.7", "3,0.125,0.8"]
    target = tmp_path / "training.log"
    target.write_text("\n".join(first + second) + "\n")
    result = read_or_error(keras_csv, [target], "csv: repeated header")
    assert not isinstance(result, str)
    assert _frame_points(result.frame) == _keras_oracle(target.read_text())
    steps = tmp_path / "steps.csv"
    steps.write_text("step,loss\n0,1\n1,2\nstep,loss\n2,3\n")
    table = read_or_error(step_table, [steps], "csv: repeated header")
    assert not isinstance(table, str) and len(table.frame) == 3
    assert [s.count for s in table.skipped] == [1]


def test_non_utf8_bytes_keep_the_other_cells(tmp_path: Path) -> None:
    target = tmp_path / "training.log"
    target.write_bytes(b"epoch,loss,acc\xe9\n0,1.0,0.5\n1,\xff\xfe,0.6\n2,0.25,0.7\n")
    result = read_or_error(keras_csv, [target], "csv: non-UTF-8 bytes")
    assert not isinstance(result, str)
    points = _frame_points(result.frame)
    assert ("loss", 0, value_key(1.0)) in points and ("loss", 2, value_key(0.25)) in points
    assert {step for tag, step, _ in points if tag.startswith("acc")} == {0, 1, 2}
    assert [s.count for s in result.skipped] == [1]


HUGE_LINE = 100 * 1024 * 1024

_HUGE_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from curvelint.runs import read_runs
start = time.perf_counter()
report = read_runs([Path(sys.argv[1])])
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "runs": {run.name: len(run.frame) for run in report.runs},
    "failed": [f.error for f in report.failed],
    "lines": [str(s) for run in report.runs for s in run.skipped]
    + [str(s) for s in report.skipped],
}))
"""


@pytest.mark.parametrize("kind", ["keras_cell", "keras_header", "step_cell", "jsonl_line"])
def test_a_100_mb_line_is_read_around_in_bounded_time(tmp_path: Path, kind: str) -> None:
    """One line of 100 MB (a pasted blob, a runaway print): the other rows are read, the
    process stays alive; time and peak memory are measured for the summary, not asserted
    (the timeout only catches a hang)."""
    root = tmp_path / "logs"
    root.mkdir()
    blob = "9" * HUGE_LINE
    if kind == "keras_cell":
        text = "epoch,loss\n0,1.0\n1," + blob + "\n2,0.25\n"
        # A number too large for a float reads as inf, as float() and the JSON readers do.
        name, expected = "training.log", 3
    elif kind == "keras_header":
        text = "epoch,loss," + "x" * HUGE_LINE + "\n0,1.0,2\n1,0.5,3\n"
        name, expected = "training.log", 4
    elif kind == "step_cell":
        text = "step,loss\n0,1.0\n1,0.5\n2," + "a" * HUGE_LINE + "\n3,0.1\n"
        name, expected = "steps.csv", 3
    else:
        text = (
            '{"step": 0, "loss": 1.0}\n{"step": 1, "loss": "'
            + "z" * HUGE_LINE
            + '"}\n{"step": 2, "loss": 0.5}\n'
        )
        name, expected = "log.jsonl", 2
    (root / name).write_text(text)
    del text, blob
    with timed("csv/jsonl: 100 MB line", kind):
        completed = subprocess.run(
            [sys.executable, "-c", _HUGE_SCRIPT, str(root)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "error"},
        )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    import json

    outcome = json.loads(completed.stdout)
    TALLY.peak_memory[f"100 MB line ({kind}), max RSS"] = outcome["max_rss"]
    TALLY.time(outcome["seconds"], f"100 MB line ({kind}) read in a subprocess")
    assert not outcome["failed"], outcome["failed"]
    assert list(outcome["runs"].values()) == [expected], outcome
    for line in outcome["lines"]:
        one_line(line)
        assert len(line) < 2_000, "a note must not quote the 100 MB line"
