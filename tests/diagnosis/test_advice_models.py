"""Transformer advice only where the log says the model is one: a Trainer state alone does not
(the Trainer trains other models too); a checkpoint's config.json with a transformer's
``model_type``/``architectures``, a model name, or a tag only a language model logs does.

The Trainer states are real ones from the public corpus (skipped where it is absent), copied
under neutral names so the run's name says nothing. transformers is not installed here, so the
config.json is written as ``PretrainedConfig.save_pretrained`` writes its model fields.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from curvelint.diagnosis import advice
from curvelint.diagnosis.tailoring import KERAS, TRANSFORMERS, AdviceHints, hints_of, tailor
from curvelint.judging import judge_run, run_metadata
from curvelint.runs import Run, read_runs
from tests.conftest import tree_hashes

# A Trainer run whose advice names the learning rate (its train loss rises after epoch 2).
ADVISED = "trainer_state/text-simplification"
# TRL's SFT logs mean_token_accuracy and num_tokens beside the loss.
LANGUAGE_MODEL_RUN = "trainer_state/tinyllama-dheena"
BART_CONFIG = {
    "_name_or_path": "facebook/bart-base",
    "architectures": ["BartForConditionalGeneration"],
    "model_type": "bart",
    "d_model": 768,
}


def _copy(corpus: Path, name: str, target: Path) -> Path:
    source = corpus / name / "trainer_state.json"
    if not source.is_file():
        pytest.skip(f"{name} is not in the corpus")
    target.mkdir(parents=True)
    shutil.copyfile(source, target / "trainer_state.json")
    return target


def _run(folder: Path) -> Run:
    (run,) = read_runs([folder]).runs
    return run


def _advice(folder: Path) -> str:
    judged = judge_run(_run(folder))
    return " ".join(f.recommendation for f in judged.diagnosis.findings if f.recommendation)


def test_a_trainer_run_that_names_no_model_gets_generic_advice(
    corpus: Path, tmp_path: Path
) -> None:
    folder = _copy(corpus, ADVISED, tmp_path / "run-a")
    text = _advice(folder)
    assert "learning rate" in text  # the advice that used to assume a transformer
    assert "transformer" not in text and "num_labels" not in text, text
    run = _run(folder)
    assert not hints_of(judge_run(run).analysis, run_metadata(run)).transformer


def test_a_checkpoint_config_naming_a_transformer_gets_transformer_advice(
    corpus: Path, tmp_path: Path
) -> None:
    folder = _copy(corpus, ADVISED, tmp_path / "run-b")
    (folder / "config.json").write_text(json.dumps(BART_CONFIG, indent=2), encoding="utf-8")
    before = tree_hashes(folder)
    run = _run(folder)
    assert run.metadata["model_type"] == "bart"
    assert run.metadata["architectures"] == ["BartForConditionalGeneration"]
    assert "for a transformer" in _advice(folder)
    assert tree_hashes(folder) == before


def test_a_config_of_another_model_or_a_damaged_one_says_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    folder = _copy(corpus, ADVISED, tmp_path / "run-c")
    (folder / "config.json").write_text('{"model_type": "resnet", "architectures": [1, null]}')
    assert "transformer" not in _advice(folder)
    (folder / "config.json").write_text('{"model_type": "be')  # half-written
    run = _run(folder)
    assert "model_type" not in run.metadata
    assert "transformer" not in _advice(folder)


def test_tags_only_a_language_model_logs_say_transformer(corpus: Path, tmp_path: Path) -> None:
    folder = _copy(corpus, LANGUAGE_MODEL_RUN, tmp_path / "run-d")
    run = _run(folder)
    assert any("token" in tag for tag in run.frame["tag"].astype(str).unique())
    assert hints_of(judge_run(run).analysis, run_metadata(run)).transformer


@pytest.mark.parametrize(
    ("hints", "opening"),
    [
        # the course's case: a transformer at 1e-2 (Adam's 1e-3 is too high already)
        (
            AdviceHints(TRANSFORMERS, True, 0.01),
            "Lower the learning rate: the logged peak 0.01 is 200x",
        ),
        (AdviceHints(KERAS, False, 1e-9), "Raise the learning rate: the logged peak 1e-09"),
        (
            AdviceHints(TRANSFORMERS, True, 3e-5),
            "Check the learning rate (the logged peak is 3e-05",
        ),
        (AdviceHints(KERAS, False, 0.01), "Check the learning rate (the logged peak is 0.01"),
        (AdviceHints(KERAS, False, None), "Check the learning rate (too high a rate"),
    ],
)
def test_a_stuck_run_is_told_which_way_to_move_a_rate_clearly_out_of_range(
    hints: AdviceHints, opening: str
) -> None:
    """A transformer stuck at a peak above 1e-4 is told to lower it, any model stuck at 1e-6
    or less to raise it; in between, where a rate can be too high or too low for the model,
    the advice asks to check it both ways."""
    assert tailor(advice.STUCK, hints).startswith(opening)
