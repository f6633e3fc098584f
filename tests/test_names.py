"""Canonical names: every spelling the issue lists maps to the right (metric, split)."""

from __future__ import annotations

import pytest

from curvelint.names import canonical, direction, folder_split, is_loss

SPELLINGS = [
    ("loss", "", ("loss", "train")),
    ("train_loss", "", ("loss", "train")),
    ("train/loss", "", ("loss", "train")),
    ("Loss/train", "", ("loss", "train")),
    ("training_loss", "", ("loss", "train")),
    ("val_loss", "", ("loss", "eval")),
    ("eval_loss", "", ("loss", "eval")),
    ("eval/loss", "", ("loss", "eval")),
    ("loss/val", "", ("loss", "eval")),
    ("validation_loss", "", ("loss", "eval")),
    ("valid_loss", "", ("loss", "eval")),
    ("epoch_loss", "eval", ("loss", "eval")),
    ("epoch_loss", "train", ("loss", "train")),
    ("acc", "", ("accuracy", "train")),
    ("val_acc", "", ("accuracy", "eval")),
    ("accuracy", "", ("accuracy", "train")),
    ("sparse_categorical_accuracy", "", ("accuracy", "train")),
    ("val_categorical_accuracy", "", ("accuracy", "eval")),
    ("epoch_categorical_accuracy", "eval", ("accuracy", "eval")),
    ("lr", "", ("learning_rate", "")),
    ("learning_rate", "", ("learning_rate", "")),
    ("train/learning_rate", "", ("learning_rate", "")),
    ("epoch_learning_rate", "train", ("learning_rate", "")),
    ("lr-Adam", "", ("learning_rate", "")),
    # YOLOv5 logs one rate per parameter group; YOLOv8's results.csv spells them lr/pg0.
    ("x/lr0", "", ("learning_rate", "")),
    ("x/lr2", "", ("learning_rate", "")),
    ("lr/pg1", "", ("learning_rate", "")),
    ("grad_norm", "", ("grad_norm", "")),
    ("train/grad_norm", "", ("grad_norm", "")),
    ("test_loss", "", ("loss", "test")),
    ("predict_loss", "", ("loss", "test")),
    ("eval_f1", "", ("f1", "eval")),
    ("MAE on validation after epoch", "", ("mae_after_epoch", "eval")),
    ("loss on the validation set", "", ("loss", "eval")),
    ("accuracy on test data", "", ("accuracy", "test")),
    ("MAE loss per step", "", ("mae_loss_per_step", "train")),
    ("train/epoch", "", ("epoch", "")),
    # A Trainer's compute_metrics key with a space after the eval_ prefix (a real ViT run's
    # "eval_Macro F1" crashed the reader: the split word is glued, not a spoken phrase).
    ("eval_Macro F1", "", ("macro_f1", "eval")),
    ("eval_Weighted Precision", "", ("weighted_precision", "eval")),
    ("train_Macro F1", "", ("macro_f1", "train")),
]


@pytest.mark.parametrize(("tag", "folder", "expected"), SPELLINGS)
def test_common_spellings_map_to_one_metric(
    tag: str, folder: str, expected: tuple[str, str]
) -> None:
    assert canonical(tag, folder) == expected


def test_unknown_names_are_kept_readably() -> None:
    assert canonical("rewards/chosen") == ("rewards_chosen", "train")
    assert canonical("eval_rouge-1") == ("rouge_1", "eval")


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("loss", -1),
        ("accuracy", 1),
        ("learning_rate", 0),
        ("out_caps_loss", -1),
        ("rouge_1", 1),
        # Detection's mean average precision, as YOLOv5 and YOLOv8 name it; not any "map".
        ("metrics_map_0_5", 1),
        ("metrics_map50_95(b)", 1),
        ("heatmap_loss", -1),
        ("bitmap_size", 0),
    ],
)
def test_direction(metric: str, expected: int) -> None:
    assert direction(metric) == expected


def test_is_loss() -> None:
    assert is_loss("loss") and is_loss("sft_loss") and not is_loss("accuracy")


def test_folder_split() -> None:
    assert folder_split("validation") == "eval"
    assert folder_split("train") == "train"
    assert folder_split("runs") == ""
