"""JSON logs (Trainer state, Keras History dumps, JSON Lines) empty, half-written, nested,
huge, mistyped, duplicated and BOM-prefixed: readable values are kept, the rest is one line."""

from __future__ import annotations

import codecs
import json
import math
import shutil
import tracemalloc
from pathlib import Path

import pytest

from curvelint.readers import json_file, json_lines, keras_history, trainer_state
from curvelint.readers.base import ReadResult
from curvelint.runs import read_runs
from tests.robustness.helpers import (
    SAMPLE_LOGS,
    TALLY,
    one_line,
    read_or_error,
    real_files,
    value_key,
)

STATE_FILES = real_files(lambda p: p.name == "trainer_state.json")


def _state(history: object, **extra: object) -> str:
    return json.dumps({"global_step": 3, "log_history": history, **extra})


def _points(result: ReadResult | str) -> set[tuple[str, int, int | str]]:
    assert not isinstance(result, str), result
    frame = result.frame
    values = [value_key(v) for v in frame["value"].tolist()]
    return set(zip(frame["tag"].astype(str), frame["step"].tolist(), values, strict=True))


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return path


NESTED = "[" * 100_000 + "]" * 100_000
HUGE_INT = "9" * 5_000
BROKEN = {
    "empty": "",
    "whitespace": " \n\t ",
    "half-written": '{"global_step": 3, "log_history": [{"loss": 1.0, "st',
    "deeply nested": NESTED,
    "nested log_history": '{"global_step": 1, "log_history": ' + NESTED + "}",
    "5000-digit integer": '{"global_step": 1, "log_history": [{"loss": ' + HUGE_INT + "}]}",
    "log_history not a list": _state({"loss": 1.0}),
    "log_history a string": _state("abc"),
    "not an object": "[1, 2, 3]",
    "nul bytes": "\x00" * 64,
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
@pytest.mark.parametrize(
    ("reader", "name"),
    [
        (trainer_state, "trainer_state.json"),
        (keras_history, "history.json"),
        (json_lines, "l.jsonl"),
    ],
    ids=["trainer_state", "keras_history", "json_lines"],
)
def test_unusable_json_is_one_line(tmp_path: Path, reader: object, name: str, case: str) -> None:
    path = _write(tmp_path, name, BROKEN[case])
    result = read_or_error(reader, [path], "json: broken")  # type: ignore[arg-type]
    if isinstance(result, str):
        assert str(path) in result
        assert len(result) < 500


@pytest.mark.parametrize(
    ("reader", "name"),
    [(trainer_state, "trainer_state.json"), (keras_history, "history.json")],
    ids=["trainer_state", "keras_history"],
)
def test_a_json_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, reader: object, name: str
) -> None:
    """A (sparse) JSON log one byte over MAX_JSON_BYTES: one line naming the limit, and
    nothing read: parsing it whole would need gigabytes."""
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.write(b'{"global_step": 1, "log_history": [')
        handle.truncate(json_file.MAX_JSON_BYTES + 1)
    tracemalloc.start()
    try:
        result = read_or_error(reader, [path], "json: over the size limit")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, str)
    one_line(result)
    assert str(path) in result and "MAX_JSON_BYTES" in result, result
    assert peak < 2**20 * 16, f"{peak / 2**20:.0f} MiB traced"


def test_a_json_file_just_under_the_limit_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _state([{"loss": 1.0, "step": 1}])
    monkeypatch.setattr(json_file, "MAX_JSON_BYTES", len(text))
    path = _write(tmp_path, "trainer_state.json", text)
    assert _points(read_or_error(trainer_state, [path], "json: at the limit")) == {
        ("loss", 1, value_key(1.0))
    }
    path.write_text(text + " ")
    assert "MAX_JSON_BYTES" in str(read_or_error(trainer_state, [path], "json: over the limit"))


def test_huge_numbers_are_data_and_huge_steps_are_not_steps(tmp_path: Path) -> None:
    history = (
        '[{"loss": 1e999, "step": 1}, {"loss": -1e999, "step": 2}, {"loss": 1e308, "step": 3},'
        ' {"loss": ' + "9" * 400 + ', "step": 4}, {"loss": 5e-324, "step": 5},'
        ' {"loss": 1.0, "step": 1e300}, {"loss": 1.0, "step": ' + "9" * 30 + "},"
        ' {"loss": 2.0, "step": 6, "epoch": ' + "9" * 400 + "}]"
    )
    path = _write(
        tmp_path, "trainer_state.json", '{"global_step": 6, "log_history": ' + history + "}"
    )
    result = read_or_error(trainer_state, [path], "json: huge numbers")
    assert not isinstance(result, str)
    loss = result.frame[result.frame["tag"] == "loss"]
    assert list(zip(loss["step"], map(value_key, loss["value"]), strict=True)) == [
        (1, value_key(math.inf)),
        (2, value_key(-math.inf)),
        (3, value_key(1e308)),
        (4, value_key(math.inf)),
        (5, value_key(5e-324)),
        (6, value_key(2.0)),
    ]
    (bad,) = result.skipped  # the two entries whose step is beyond int64
    assert bad.count == 2
    lines = _write(
        tmp_path,
        "l.jsonl",
        "\n".join(
            [
                '{"step": 1, "loss": ' + "9" * 400 + "}",
                '{"step": 1e300, "loss": 1}',
                '{"step": ' + "9" * 30 + ', "loss": 1}',
                '{"step": 2, "loss": 1e999}',
            ]
        )
        + "\n",
    )
    table = read_or_error(json_lines, [lines], "json: huge numbers")
    assert _points(table) == {("loss", 1, value_key(math.inf)), ("loss", 2, value_key(math.inf))}
    assert not isinstance(table, str) and [s.count for s in table.skipped] == [2]
    history_dump = _write(tmp_path, "history.json", '{"loss": [1e999, ' + "9" * 400 + ", 0.5]}")
    assert len(_points(read_or_error(keras_history, [history_dump], "json: huge numbers"))) == 3


def test_non_numeric_values_cost_only_themselves(tmp_path: Path) -> None:
    history = [
        {"loss": "abc", "grad_norm": 1.5, "step": 1},
        {"loss": 0.5, "grad_norm": None, "step": 2},
        {"loss": [1], "grad_norm": {"x": 1}, "step": 3},
        {"loss": True, "grad_norm": 2.5, "step": 4},
        "not an entry",
        {"loss": 0.25, "step": "five"},
    ]
    path = _write(tmp_path, "trainer_state.json", _state(history))
    result = read_or_error(trainer_state, [path], "json: non-numeric values")
    assert _points(result) == {
        ("grad_norm", 1, value_key(1.5)),
        ("loss", 2, value_key(0.5)),
        ("grad_norm", 4, value_key(2.5)),
        ("loss", 4, value_key(0.25)),  # a step that is not a number inherits the one before
    }
    assert not isinstance(result, str)
    assert sum(s.count for s in result.skipped) >= 5
    dump = _write(tmp_path, "history.json", '{"loss": [1.0, "abc", null, 0.5], "acc": "x"}')
    points = _points(read_or_error(keras_history, [dump], "json: non-numeric values"))
    assert points == {("loss", 0, value_key(1.0)), ("loss", 3, value_key(0.5))}


def test_duplicate_keys_take_the_last_value_as_json_does(tmp_path: Path) -> None:
    text = '{"global_step": 1, "log_history": [{"loss": 1.0, "loss": 2.0, "step": 1}]}'
    path = _write(tmp_path, "trainer_state.json", text)
    assert _points(read_or_error(trainer_state, [path], "json: duplicate keys")) == {
        ("loss", 1, value_key(2.0))
    }
    lines = _write(
        tmp_path, "l.jsonl", '{"step": 1, "loss": 1.0, "loss": 3.0}\n{"step": 2, "loss": 4}\n'
    )
    assert ("loss", 1, value_key(3.0)) in _points(
        read_or_error(json_lines, [lines], "json: duplicate keys")
    )


@pytest.mark.parametrize(
    "bom",
    [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE],
    ids=["utf8", "utf16le", "utf16be"],
)
def test_byte_order_marks(tmp_path: Path, bom: bytes) -> None:
    encoding = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le"}.get(bom, "utf-16-be")
    text = _state([{"loss": 1.0, "step": 1}, {"loss": 0.5, "step": 2}])
    path = _write(tmp_path, "trainer_state.json", bom + text.encode(encoding))
    result = read_or_error(trainer_state, [path], "json: BOM")
    assert _points(result) == {("loss", 1, value_key(1.0)), ("loss", 2, value_key(0.5))}
    lines = _write(
        tmp_path, "l.jsonl", codecs.BOM_UTF8 + b'{"step": 1, "loss": 1}\n{"step": 2, "loss": 2}\n'
    )
    assert len(_points(read_or_error(json_lines, [lines], "json: BOM"))) == 2


def test_half_written_lines_cost_only_themselves(tmp_path: Path) -> None:
    lines = [json.dumps({"step": step, "loss": 1 / (step + 1)}) for step in range(6)]
    text = "\n".join(lines)
    for cut in range(len(text) + 1):
        path = _write(tmp_path, "l.jsonl", text[:cut])
        result = read_or_error(json_lines, [path], "json lines: truncated")
        whole = text[:cut].count("\n") + (1 if text[:cut].endswith("}") else 0)
        if isinstance(result, str):
            assert whole == 0
            continue
        expected = {("loss", s, value_key(1 / (s + 1))) for s in range(whole)}
        lost = expected - _points(result)
        TALLY.points_lost += len(lost)
        assert not lost


@pytest.mark.skipif(not STATE_FILES, reason="no real Trainer states present")
@pytest.mark.parametrize("path", STATE_FILES[:12], ids=lambda p: p.parent.name)
def test_cuts_of_real_trainer_states_are_one_line(path: Path, tmp_path: Path) -> None:
    """A lone half-written state cannot be parsed: one line, never a traceback."""
    data = path.read_bytes()
    end = len(data.rstrip())  # a cut in the trailing newline leaves valid JSON
    target = tmp_path / "trainer_state.json"
    for cut in sorted({1, end // 3, end // 2, end - 2, end - 1}):
        target.write_bytes(data[:cut])
        result = read_or_error(trainer_state, [target], "trainer state: truncated")
        assert isinstance(result, str) and str(target) in result


def test_a_half_written_root_state_falls_back_to_its_checkpoint(tmp_path: Path) -> None:
    """A Trainer killed while saving: the checkpoint's complete state is read, point for point."""
    source = SAMPLE_LOGS / "hf_bert_overfitting"
    if not (source / "checkpoint-400" / "trainer_state.json").is_file():
        pytest.skip("sample_logs/hf_bert_overfitting is not present")
    run = tmp_path / "hf_bert_overfitting"
    shutil.copytree(source, run)
    state = run / "trainer_state.json"
    state.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    checkpoint = read_or_error(
        trainer_state, [run / "checkpoint-400" / "trainer_state.json"], "trainer state: intact"
    )
    report = read_runs([tmp_path])
    (read,) = report.runs
    expected = _points(checkpoint)
    got = set(
        zip(
            read.frame["tag"].astype(str),
            read.frame["step"].tolist(),
            [value_key(v) for v in read.frame["value"].tolist()],
            strict=True,
        )
    )
    assert expected <= got or read.format == "tensorboard"
    assert any("not valid JSON" in str(s) for s in read.skipped)
    for line in [str(s) for s in read.skipped] + read.notes:
        one_line(line)
