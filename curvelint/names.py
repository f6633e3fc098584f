"""Canonical metric names: the many spellings of one quantity map to (metric, split).

Logs spell the same curve as ``loss``, ``train/loss``, ``Loss/train``, ``val_loss``,
``eval_loss``, ``epoch_loss`` (Keras' TensorBoard callback) and so on. Analysis and rules
speak only canonical names; the original spelling always stays in the frame's ``tag``.
"""

from __future__ import annotations

import re
from functools import lru_cache

TRAIN, EVAL, TEST, NO_SPLIT = "train", "eval", "test", ""
SPLITS = (TRAIN, EVAL, TEST, NO_SPLIT)


class SeriesNamed:
    """How a curve is written for people and on the command line, for anything with a
    ``metric`` and a ``split`` (report rows, comparisons)."""

    metric: str
    split: str

    @property
    def label(self) -> str:
        """``loss / eval``, or the metric alone when it has no split."""
        return f"{self.metric} / {self.split}" if self.split else self.metric

    @property
    def key(self) -> str:
        """``loss/eval``: the spelling of ``--main-metric``, ``--metric`` and a finding's
        ``series``."""
        return f"{self.metric}/{self.split}" if self.split else self.metric


# Series that are not judged as train/eval curves (optimizer state, bookkeeping).
UNSPLIT_METRICS = frozenset({"learning_rate", "grad_norm", "epoch"})

_SPLIT_WORDS = {
    "train": TRAIN,
    "training": TRAIN,
    "trn": TRAIN,
    "val": EVAL,
    "valid": EVAL,
    "validation": EVAL,
    "eval": EVAL,
    "evaluation": EVAL,
    "dev": EVAL,
    "test": TEST,
    "testing": TEST,
    "predict": TEST,
}

_METRIC_ALIASES = {
    "loss": "loss",
    "losses": "loss",
    "logloss": "loss",
    "cross_entropy": "loss",
    "crossentropy": "loss",
    "acc": "accuracy",
    "accuracy": "accuracy",
    "sparse_categorical_accuracy": "accuracy",
    "categorical_accuracy": "accuracy",
    "binary_accuracy": "accuracy",
    "top1": "accuracy",
    "top_1_accuracy": "accuracy",
    "lr": "learning_rate",
    "learning_rate": "learning_rate",
    "learningrate": "learning_rate",
    "grad_norm": "grad_norm",
    "gradient_norm": "grad_norm",
    "grad_norm_total": "grad_norm",
    "f1": "f1",
    "f1_score": "f1",
    "f1score": "f1",
    "precision": "precision",
    "recall": "recall",
    "auc": "auc",
    "roc_auc": "auc",
    "mae": "mae",
    "mean_absolute_error": "mae",
    "mse": "mse",
    "mean_squared_error": "mse",
    "rmse": "rmse",
    "root_mean_squared_error": "rmse",
    "perplexity": "perplexity",
    "ppl": "perplexity",
    "wer": "wer",
    "cer": "cer",
    "bleu": "bleu",
    "epoch": "epoch",
}

# Every canonical metric name the aliases lead to.
CANONICAL_METRICS = frozenset(_METRIC_ALIASES.values())

# Direction of improvement. Unknown metrics are guessed from their name (see direction()).
LOWER_IS_BETTER = frozenset(
    {"loss", "mae", "mse", "rmse", "perplexity", "wer", "cer", "error", "nll", "mape"}
)
HIGHER_IS_BETTER = frozenset(
    {
        "accuracy",
        "f1",
        "precision",
        "recall",
        "auc",
        "bleu",
        "iou",
        "dice",
        "mcc",
        "map",
        "r2",
        "reward",  # reinforcement learning (GRPO, PPO): the reward should rise
    }
)
_LOWER_HINTS = ("loss", "error", "err", "mae", "mse", "rmse", "perplexity", "wer", "cer", "nll")
_HIGHER_HINTS = ("acc", "f1", "precision", "recall", "auc", "bleu", "rouge", "iou", "dice", "mcc")

_KERAS_EPOCH_PREFIX = re.compile(r"^(epoch|batch)_")
_SEPARATORS = re.compile(r"[/\\.:|]+")
_LR_MONITOR = re.compile(r"^lr_[a-z]")
# YOLOv5's one rate per parameter group: ``x/lr0``, ``x/lr1``, ``x/lr2``.
_PARAM_GROUP_RATE = re.compile(r"^(?:x_)?lr\d+$")
# Detection's mean average precision: ``metrics/mAP_0.5``, ``metrics/mAP50-95(B)``, ``map_50``.
_MEAN_AVERAGE_PRECISION = re.compile(r"(?:^|_)map(?:\d|_|\(|$)")


def _normalise(word: str) -> str:
    return re.sub(r"[\s\-]+", "_", word.strip().lower())


def _canonical_metric(word: str) -> str:
    key = _normalise(word)
    if _LR_MONITOR.match(key) or _PARAM_GROUP_RATE.match(key):
        return "learning_rate"  # Lightning's LearningRateMonitor (lr-Adam, lr-AdamW/pg1), YOLOv5
    return _METRIC_ALIASES.get(key, key)


# Longer tags are not real metric names (a 100 MB CSV header cell): kept as logged, unparsed.
MAX_TAG_LENGTH = 256


@lru_cache(maxsize=4096)
def canonical(tag: str, folder_split: str = NO_SPLIT) -> tuple[str, str]:
    """Map a logged tag to ``(metric, split)``.

    ``folder_split`` is the split implied by where the tag was found (Keras' TensorBoard
    callback writes ``epoch_loss`` under ``train/`` and ``validation/``); a split named in
    the tag itself wins. Unknown names are kept, lower-cased with spaces as underscores.
    """
    if len(tag) > MAX_TAG_LENGTH:
        return tag, folder_split or TRAIN
    parts = [p for p in _SEPARATORS.split(tag.strip()) if p]
    if len(parts) == 1 and " " in parts[0].strip():
        spoken = _without_split_phrase(parts[0]) if _phrase_split(parts[0]) else parts[0]
        parts = [p for p in _SEPARATORS.split(spoken) if p]
    split = NO_SPLIT
    remaining: list[str] = []
    for part in parts:
        word = _normalise(part)
        if word in _SPLIT_WORDS and split == NO_SPLIT and len(parts) > 1:
            split = _SPLIT_WORDS[word]
        else:
            remaining.append(part)
    name = "_".join(_normalise(p) for p in remaining) if remaining else _normalise(tag)
    name = _KERAS_EPOCH_PREFIX.sub("", name) or name
    if split == NO_SPLIT:
        name, split = _strip_split_affix(name)
    metric = _canonical_metric(name)
    if split == NO_SPLIT:
        split = folder_split
    if metric in UNSPLIT_METRICS:
        split = NO_SPLIT
    elif split == NO_SPLIT:
        split = TRAIN
    return metric, split


# Words that tie a split into a phrase: "MAE on validation", "loss for the training set".
_PHRASE_GLUE = frozenset({"on", "in", "for", "of", "the", "at", "over", "during", "set", "data"})


def _phrase_split(phrase: str) -> str:
    """The split a spoken tag names (``MAE on validation after epoch`` -> eval), else ``""``."""
    words = _normalise(phrase).split("_")
    return next((_SPLIT_WORDS[word] for word in words if word in _SPLIT_WORDS), NO_SPLIT)


def _without_split_phrase(phrase: str) -> str:
    """``MAE on validation after epoch`` -> ``MAE after epoch/validation``: the split word and
    the glue words before it leave the name, which then reads as the metric's own words."""
    words = phrase.split()
    found = [i for i, word in enumerate(words) if _normalise(word) in _SPLIT_WORDS]
    if not found:
        return phrase  # the split word is glued to another ("eval_Macro F1"): not a phrase
    index = found[0]
    start = index
    while start > 1 and _normalise(words[start - 1]) in _PHRASE_GLUE:
        start -= 1
    end = index + 1
    while end < len(words) and _normalise(words[end]) in _PHRASE_GLUE - {"on", "in", "at"}:
        end += 1
    kept = words[:start] + words[end:]
    return " ".join(kept) + "/" + words[index] if kept else phrase


def _strip_split_affix(name: str) -> tuple[str, str]:
    """``val_loss`` -> (loss, eval); ``loss_train`` -> (loss, train); ``ptl_val_loss`` -> eval."""
    tokens = name.split("_")
    if len(tokens) < 2:
        return name, NO_SPLIT
    for index, token in enumerate(tokens):
        if token in _SPLIT_WORDS:
            rest = tokens[:index] + tokens[index + 1 :]
            return "_".join(rest), _SPLIT_WORDS[token]
    return name, NO_SPLIT


# A reinforcement-learning agent's return per episode, by the names trainers log it under
# (``episode_reward``, ``total_reward``, ``mean_reward_100``, Stable-Baselines' ``ep_rew_mean``,
# ``episodic_return``) — not a preference trainer's ``rewards/chosen`` family.
_EPISODE_RETURN = re.compile(
    r"^(?:(?:episode|episodic|ep|total|mean|avg|average)_)+(?:reward|return|rew)(?:_(?:mean|\d+))?$"
)


def is_episode_return(metric: str) -> bool:
    """The metric is an agent's return per episode: it should rise as the agent learns."""
    return bool(_EPISODE_RETURN.match(metric))


def direction(metric: str) -> int:
    """-1 when lower is better, +1 when higher is better, 0 when neither (lr, grad_norm)."""
    if metric in LOWER_IS_BETTER:
        return -1
    if metric in HIGHER_IS_BETTER or is_episode_return(metric):
        return 1
    if metric in UNSPLIT_METRICS:
        return 0
    if any(hint in metric for hint in _LOWER_HINTS):
        return -1
    if any(hint in metric for hint in _HIGHER_HINTS) or _MEAN_AVERAGE_PRECISION.search(metric):
        return 1
    return 0


def is_loss(metric: str) -> bool:
    """Loss-like: lower is better and the name says loss (``loss``, ``sft_loss``, ``ctc_loss``)."""
    return metric == "loss" or metric.endswith("_loss") or metric.startswith("loss_")


def folder_split(directory_name: str) -> str:
    """The split a directory name implies (``train/``, ``validation/``, ``eval/``), else ``""``.

    Keras' TensorBoard callback and TF Estimators put each split's event files in such a folder.
    """
    return _SPLIT_WORDS.get(_normalise(directory_name), NO_SPLIT)
