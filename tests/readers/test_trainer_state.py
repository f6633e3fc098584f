"""The Trainer-state reader: every log_history entry, NaN tokens, checkpoints, damage."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from curvelint.errors import UnreadableError
from curvelint.readers import trainer_state
from tests.conftest import corpus_files, tree_hashes

SUMMARY_MARKERS = ("train_runtime", "total_flos")


def _state(history: list[dict[str, Any]], global_step: int) -> dict[str, Any]:
    """A state shaped like TrainerState.save_to_json's output."""
    return {
        "best_metric": None,
        "epoch": 1.0,
        "global_step": global_step,
        "log_history": history,
        "logging_steps": 10,
        "max_steps": 100,
        "num_train_epochs": 1,
    }


def _write(path: Path, state: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The Trainer writes json.dumps(..., indent=2, sort_keys=True): NaN as a bare token.
    path.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
    return path


def _independent_point_count(path: Path) -> int:
    """Numeric values in non-summary entries, counted with plain json and no curvelint code."""
    history = json.loads(path.read_text(encoding="utf-8-sig"))["log_history"]
    count = 0
    for entry in history:
        if not isinstance(entry, dict) or any(k in entry for k in SUMMARY_MARKERS):
            continue
        for key, value in entry.items():
            if key in ("step", "epoch") or isinstance(value, bool):
                continue
            count += isinstance(value, int | float)
    return count


def test_nan_and_infinity_tokens_are_kept_with_the_hidden_divergence_pattern(
    tmp_path: Path,
) -> None:
    history = [
        {"epoch": 0.1, "grad_norm": 1.5, "learning_rate": 5e-5, "loss": 2.3, "step": 10},
        {"epoch": 0.2, "grad_norm": math.nan, "learning_rate": 5e-5, "loss": 0.0, "step": 20},
        {"epoch": 0.2, "eval_loss": math.inf, "eval_runtime": 1.0, "step": 20},
        {"epoch": 0.3, "train_loss": 1.1, "train_runtime": 12.5, "total_flos": 1.0, "step": 20},
    ]
    path = _write(tmp_path / "out" / "trainer_state.json", _state(history, 20))
    assert "NaN" in path.read_text() and "Infinity" in path.read_text()
    result = trainer_state.read([path])
    frame = result.frame
    grad = frame[frame["metric"] == "grad_norm"]["value"].tolist()
    assert grad[0] == 1.5 and math.isnan(grad[1])
    loss = frame[(frame["metric"] == "loss") & (frame["split"] == "train")]
    assert loss["value"].tolist() == [2.3, 0.0]
    eval_loss = frame[(frame["metric"] == "loss") & (frame["split"] == "eval")]
    assert eval_loss["value"].tolist() == [math.inf]
    assert eval_loss["step"].tolist() == [20]
    # The closing summary is metadata, not a curve.
    assert result.metadata["train_runtime"] == 12.5
    assert result.metadata["global_step"] == 20
    assert "train_runtime" not in set(frame["tag"].astype(str))
    assert len(frame) == _independent_point_count(path)


def test_most_complete_state_is_read_once(tmp_path: Path) -> None:
    old = [{"epoch": 0.1, "loss": 2.0, "step": 10}]
    new = [*old, {"epoch": 0.2, "loss": 1.0, "step": 20}]
    checkpoint = _write(tmp_path / "checkpoint-20" / "trainer_state.json", _state(new, 20))
    root = _write(tmp_path / "trainer_state.json", _state(old, 10))
    result = trainer_state.read([root, checkpoint])
    assert result.frame["step"].tolist() == [10, 20]
    assert set(result.frame["source"].astype(str)) == {str(checkpoint)}
    assert any("most complete" in note for note in result.notes)


def test_half_written_state_falls_back_and_is_reported(tmp_path: Path) -> None:
    good = _write(
        tmp_path / "checkpoint-10" / "trainer_state.json", _state([{"loss": 1.0, "step": 10}], 10)
    )
    text = json.dumps(_state([{"loss": 1.0, "step": 10}, {"loss": 0.5, "step": 20}], 20))
    broken = tmp_path / "trainer_state.json"
    broken.write_text(text[: len(text) // 2])
    result = trainer_state.read([broken, good])
    assert result.frame["value"].tolist() == [1.0]
    assert any("not valid JSON" in s.why for s in result.skipped)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("{", "not valid JSON"),
        ('{"balance": 3}', "no log_history"),
        ('{"log_history": {"a": 1}}', "not a list"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_unusable_states_raise_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "trainer_state.json"
    path.write_text(content)
    with pytest.raises(UnreadableError, match=message) as raised:
        trainer_state.read([path])
    assert "\n" not in str(raised.value)


def test_bad_entries_and_values_are_skipped_not_fatal(tmp_path: Path) -> None:
    history: list[Any] = [
        {"loss": 1.0, "step": 1},
        "garbage",
        {"loss": "abc", "grad_norm": 2.0, "step": 2},
        {"eval_loss": 0.5, "epoch": 1.0},  # no step: takes the previous entry's
        {"loss": None, "step": 3, "flag": True},
    ]
    result = trainer_state.read([_write(tmp_path / "trainer_state.json", _state(history, 3))])
    frame = result.frame
    assert frame["value"].tolist() == [1.0, 2.0, 0.5]
    assert frame["step"].tolist() == [1, 2, 2]
    reasons = " ".join(s.why for s in result.skipped)
    assert "'loss'" in reasons and "not an object" in reasons and "'flag'" in reasons


def test_early_stopping_patience_is_metadata(tmp_path: Path) -> None:
    state = _state([{"loss": 1.0, "step": 1}], 1)
    state["stateful_callbacks"] = {
        "EarlyStoppingCallback": {"args": {"early_stopping_patience": 3}, "attributes": {}}
    }
    result = trainer_state.read([_write(tmp_path / "trainer_state.json", state)])
    assert result.metadata["early_stopping_patience"] == 3


def test_every_corpus_state_reads_or_is_refused_with_a_reason(corpus: Path) -> None:
    files = corpus_files(corpus, "trainer_state")
    before = {f: tree_hashes(f) for f in files}
    read = refused = 0
    for path in files:
        if not trainer_state.sniff(path):
            continue  # __init__.py holding JSON: not a Trainer state by name
        try:
            result = trainer_state.read([path])
        except UnreadableError as error:
            assert "\n" not in str(error)
            refused += 1
            continue
        read += 1
        assert len(result.frame) == _independent_point_count(path), path
    assert read >= 50 and refused == 1  # the trading-bot state.json has no log_history
    assert {f: tree_hashes(f) for f in files} == before
