"""Generic step tables: JSON Lines and CSV with a step column, overrides, conservative sniffing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from curvelint.discover import discover
from curvelint.errors import UnreadableError
from curvelint.readers import json_lines, keras_csv, keras_history, step_table, trainer_state
from tests.conftest import corpus_files, tree_hashes


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _series(frame: pd.DataFrame, tag: str) -> list[tuple[int, float]]:
    rows = frame[frame["tag"] == tag]
    return list(zip(rows["step"].tolist(), rows["value"].tolist(), strict=True))


LOG = (
    '{"step": 0, "loss": 2.0, "lr": 0.1, "epoch": 0.0}\n'
    '{"step": 10, "loss": NaN, "eval": {"loss": 1.9, "accuracy": 0.5}, "epoch": 0.5}\n'
    '{"step": 20, "loss": Infinity, "note": "resumed", "epoch": 1.0}\n'
    '{"step": 30, "loss": -Infinity, "lr": null}\n'
)


def test_json_lines_points_nan_inf_nesting_and_missing_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, "metrics.jsonl", LOG)
    before = tree_hashes(path)
    assert json_lines.sniff(path)
    result = json_lines.read([path])
    frame = result.frame
    loss = _series(frame, "loss")
    assert loss[0] == (0, 2.0) and math.isnan(loss[1][1])
    assert loss[2:] == [(20, math.inf), (30, -math.inf)]
    assert _series(frame, "eval/loss") == [(10, 1.9)]
    assert _series(frame, "lr") == [(0, 0.1)]
    eval_rows = frame[frame["tag"] == "eval/accuracy"]
    assert eval_rows["metric"].tolist() == ["accuracy"] and eval_rows["split"].tolist() == ["eval"]
    assert frame[frame["tag"] == "loss"]["epoch"].tolist()[:3] == [0.0, 0.5, 1.0]
    assert [(s.where, s.why) for s in result.skipped] == [
        ("line 3", "non-numeric values in 'note' ignored")
    ]
    independent = sum(
        1
        for line in LOG.splitlines()
        for key, value in _flat(json.loads(line)).items()
        if key not in {"step", "epoch"} and isinstance(value, float | int)
    )
    assert len(frame) == independent
    assert tree_hashes(path) == before


def _flat(record: dict[str, object], prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


@pytest.mark.parametrize("key", ["_step", "global_step", "iteration", "epoch"])
def test_each_step_key_is_recognised(tmp_path: Path, key: str) -> None:
    path = _write(
        tmp_path, "log.jsonl", f'{{"{key}": 3, "loss": 1.0}}\n{{"{key}": 4, "loss": 0.5}}\n'
    )
    assert json_lines.sniff(path)
    assert _series(json_lines.read([path]).frame, "loss") == [(3, 1.0), (4, 0.5)]


def test_wandb_history_export_uses_step_and_timestamp(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "history.jsonl",
        '{"_step": 0, "_runtime": 5, "_timestamp": 1700000000.5, "train/loss": 1.0}\n'
        '{"_step": 1, "_runtime": 6, "_timestamp": 1700000001.5, "train/loss": 0.9}\n',
    )
    frame = json_lines.read([path]).frame
    assert frame["wall_time"].tolist() == [1700000000.5, 1700000001.5]
    assert set(frame["tag"].astype(str)) == {"train/loss"}


def test_overrides_choose_the_step_column_and_metrics(tmp_path: Path) -> None:
    path = _write(tmp_path, "log.jsonl", '{"step": 1, "it": 100, "loss": 1, "acc": 0.5}\n')
    result = step_table.read_table(path, step_column="it", metrics=["loss"])
    assert _series(result.frame, "loss") == [(100, 1.0)] and len(result.frame) == 1
    with pytest.raises(UnreadableError, match="no step column 'nope'"):
        step_table.read_table(path, step_column="nope")
    with pytest.raises(UnreadableError, match="no column"):
        step_table.read_table(path, metrics=["missing"])


def test_damaged_lines_are_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "log.jsonl",
        '{"step": 0, "loss": 1}\n[1, 2]\n{"loss": 5}\n{"step": 2, "loss": 0.5}\n{"step": 3, "lo',
    )
    result = json_lines.read([path])
    assert _series(result.frame, "loss") == [(0, 1.0), (2, 0.5)]
    found = {(s.where, s.why, s.count) for s in result.skipped}
    assert ("line 5", "last line has no line end: possibly cut mid-write", 1) in found
    assert ("line 2", "not a JSON object", 1) in found
    assert ("line 3", "rows without an integer 'step' skipped", 1) in found


@pytest.mark.parametrize("text", ["", "\n\n", "not json at all\n", '{"loss": 1}\n'])
def test_unusable_json_lines_raise_one_line_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(UnreadableError) as raised:
        json_lines.read([_write(tmp_path, "log.jsonl", text)])
    assert "\n" not in str(raised.value)


def test_sniffing_leaves_other_json_alone(tmp_path: Path) -> None:
    claimed_by_nobody = {
        "config.json": '{"model": "bert", "step": 3, "layers": 12}\n',
        "single.json": '{"step": 1, "loss": 2.0}',
        "wandb-summary.json": '{"_step": 9, "loss": 0.1, "_runtime": 3}',
        "no_step.jsonl": '{"loss": 1}\n{"loss": 2}\n',
        "strings.jsonl": '{"step": 1, "name": "x"}\n',
        "list.jsonl": "[1, 2, 3]\n",
        "binary.jsonl": "\x00\x01\x02{",
        "data.json": '{"data": [1, 2, 3]}',
    }
    for name, text in claimed_by_nobody.items():
        path = _write(tmp_path, name, text)
        assert not json_lines.sniff(path), name
        assert not keras_history.sniff(path), name
        assert not trainer_state.sniff(path), name
    lines = _write(tmp_path, "two.json", '{"step": 1, "loss": 2.0}\n{"step": 2, "loss": 1.0}\n')
    assert json_lines.sniff(lines)


def test_a_first_line_longer_than_the_sniffed_head_is_still_recognised(tmp_path: Path) -> None:
    record = {"step": 0, **{f"metric_{i}": float(i) for i in range(600)}}
    path = _write(tmp_path, "wide.jsonl", json.dumps(record) + "\n")
    assert json_lines.sniff(path)
    assert len(json_lines.read([path]).frame) == 600


CSV_LOG = "step,epoch,loss,val_loss,note\n1,0,1.0,,a\n2,0,nan,,b\n3,1,inf,0.9,c\n4,1,,-inf,d\n"


def test_csv_with_a_step_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "train_log.csv", CSV_LOG)
    assert step_table.sniff(path) and not keras_csv.sniff(path)
    result = step_table.read([path])
    loss = _series(result.frame, "loss")
    assert loss[0] == (1, 1.0) and math.isnan(loss[1][1]) and loss[2] == (3, math.inf)
    assert _series(result.frame, "val_loss") == [(3, 0.9), (4, -math.inf)]
    assert result.frame[result.frame["tag"] == "loss"]["epoch"].tolist() == [0.0, 0.0, 1.0]
    assert [s.why for s in result.skipped] == ["non-numeric values in 'note' ignored"]
    override = step_table.read_table(path, step_column="epoch", metrics=["loss"])
    assert [s for s, _ in _series(override.frame, "loss")] == [0, 0, 1]


def test_csv_iteration_column_beats_the_keras_reader(tmp_path: Path) -> None:
    path = _write(tmp_path, "log.csv", "epoch,iteration,loss\n0,100,1.0\n0,200,0.5\n")
    found = discover([path])
    assert [r.format for r in found.runs] == ["step_table"]
    assert _series(step_table.read([path]).frame, "loss") == [(100, 1.0), (200, 0.5)]


def test_csv_sniff_is_conservative(tmp_path: Path) -> None:
    assert not step_table.sniff(_write(tmp_path, "a.csv", "step,loss\n"))
    assert not step_table.sniff(_write(tmp_path, "b.csv", "step,loss\nfirst,1\n"))
    assert not step_table.sniff(_write(tmp_path, "c.csv", "name,value\nx,1\n"))
    assert not step_table.sniff(_write(tmp_path, "d.txt", "step,loss\n1,2\n"))
    assert not step_table.sniff(_write(tmp_path, "e.csv", "step\n1\n"))


def test_corpus_keras_and_lightning_files_are_not_taken_by_the_generic_readers(
    corpus: Path,
) -> None:
    files = corpus_files(corpus, "keras_csv") + corpus_files(corpus, "trainer_state")
    for path in files:
        assert not step_table.sniff(path), path
        assert not json_lines.sniff(path), path
        assert not keras_history.sniff(path), path


def test_discovery_groups_each_generic_log_as_its_own_run(tmp_path: Path) -> None:
    (tmp_path / "exp_a").mkdir()
    (tmp_path / "exp_b").mkdir()
    _write(tmp_path / "exp_a", "metrics.jsonl", '{"step": 0, "loss": 1.0}\n')
    _write(tmp_path / "exp_a", "config.json", '{"lr": 0.1}')
    _write(tmp_path / "exp_b", "log.csv", "global_step,loss\n0,1.0\n")
    found = discover([tmp_path])
    assert [(r.name, r.format) for r in found.runs] == [
        ("exp_a", "json_lines"),
        ("exp_b", "step_table"),
    ]


def test_steps_near_the_int64_limits_are_read_exactly(tmp_path: Path) -> None:
    """int64 steps (a step counter in nanoseconds, a hashed id) are steps up to 2**63 - 1;
    beyond float64's exact integers they are read from the digits, not rounded."""
    steps = [2**63 - 1, 2**63 - 2, 2**53 + 1, -(2**63), 2**63, -(2**63) - 1]
    lines = [json.dumps({"step": step, "loss": float(index)}) for index, step in enumerate(steps)]
    path = _write(tmp_path, "log.jsonl", "\n".join(lines) + "\n")
    result = json_lines.read([path])
    assert _series(result.frame, "loss") == [
        (2**63 - 1, 0.0),
        (2**63 - 2, 1.0),
        (2**53 + 1, 2.0),
        (-(2**63), 3.0),
    ]
    (beyond,) = result.skipped  # 2**63 and -2**63 - 1 are not int64
    assert beyond.where == "line 5" and beyond.count == 2
    table = _write(tmp_path, "steps.csv", f"step,loss\n{2**63 - 1},0.5\n{2**53 + 1},0.25\n")
    assert _series(step_table.read([table]).frame, "loss") == [(2**63 - 1, 0.5), (2**53 + 1, 0.25)]
