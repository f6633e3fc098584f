"""Advice in the run's own terms: the knobs of the library that wrote the log (Trainer
arguments, Keras callbacks, Lightning flags), transformer learning rates only for transformers,
and the learning rate the run actually logged.

The rules name a recommendation by its generic text in :mod:`curvelint.diagnosis.advice`;
:func:`tailor` rewrites the ones that name a library's settings or a learning rate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from curvelint.analysis.results import RunAnalysis
from curvelint.diagnosis import advice
from curvelint.numbers import number, times

TRANSFORMERS, KERAS, LIGHTNING, OTHER = "transformers", "keras", "lightning", "other"
_FORMAT_FRAMEWORKS = {
    "trainer_state": TRANSFORMERS,
    "keras_csv": KERAS,
    "keras_history": KERAS,
    "keras_history_csv": KERAS,
    "lightning_csv": LIGHTNING,
}
# Words in a run's name, tags, parameters or model fields (the ``model_type`` and
# ``architectures`` of a checkpoint's config.json) that say the model is a transformer. The
# Trainer alone does not: it trains CNNs, tabular models and trading bots as well.
_TRANSFORMER_WORDS = re.compile(
    r"bert|gpt|\bt5|llama|whisper|wav2vec|\bvit\b|vit[-_]|roberta|bart|deberta|mistral|qwen|"
    r"gemma|phi-?\d|transformer|\blora\b|\bsft\b|\bdpo\b|electra|xlm|marian|opus-mt|bloom|"
    r"falcon|trocr|\bllm\b",
    re.IGNORECASE,
)
# Tags only a language model logs: tokens seen (the Trainer, TRL), per-token accuracy (TRL's
# SFT), the chosen/rejected rewards and log-probabilities of preference training (DPO, ORPO).
_TRANSFORMER_TAGS = re.compile(
    r"num_input_tokens_seen|num_tokens|mean_token_accuracy|rewards/(chosen|rejected|margins)|"
    r"logps/|logits/(chosen|rejected)",
    re.IGNORECASE,
)
# Run-level fields that may name the model: a checkpoint path, a config's model fields.
_MODEL_FIELDS = (
    "run_name",
    "experiment_name",
    "best_model_checkpoint",
    "model_type",
    "architectures",
    "model_name",
    "model_name_or_path",
)


@dataclass(frozen=True)
class AdviceHints:
    """What the advice may assume about a run: who wrote the log, whether the model is a
    transformer, the largest learning rate it logged."""

    framework: str = OTHER
    transformer: bool = False
    peak_learning_rate: float | None = None


@dataclass(frozen=True)
class _Knobs:
    clip: str
    early_stopping: str
    evaluate_more: str
    log_more: str
    warmup: str


_KNOBS = {
    TRANSFORMERS: _Knobs(
        clip="max_grad_norm=1.0",
        early_stopping=(
            "EarlyStoppingCallback(early_stopping_patience=3) with load_best_model_at_end=True"
        ),
        evaluate_more="eval_strategy='steps' with a smaller eval_steps",
        log_more="a smaller logging_steps / eval_steps",
        warmup="warmup_ratio=0.06 or warmup_steps",
    ),
    KERAS: _Knobs(
        clip="clipnorm=1.0 on the optimizer",
        early_stopping="keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)",
        evaluate_more="validation_data with validation_freq=1",
        log_more="a callback that logs every few batches as well as every epoch",
        warmup="a learning-rate schedule that ramps up over the first epoch",
    ),
    LIGHTNING: _Knobs(
        clip="Trainer(gradient_clip_val=1.0)",
        early_stopping=(
            "EarlyStopping(monitor='val_loss', patience=3) with ModelCheckpoint(save_top_k=1)"
        ),
        evaluate_more="a smaller val_check_interval",
        log_more="a smaller log_every_n_steps",
        warmup="a warm-up in configure_optimizers (a LambdaLR ramp)",
    ),
    OTHER: _Knobs(
        clip="clip the gradient norm at 1.0",
        early_stopping="early stopping that restores the best checkpoint",
        evaluate_more="evaluation every epoch or every few hundred steps",
        log_more="logging every few steps and validation every epoch",
        warmup="a warm-up over the first few hundred steps",
    ),
}


def hints_of(analysis: RunAnalysis, metadata: Mapping[str, Any]) -> AdviceHints:
    """The hints a run's format, names and logged learning rate give."""
    framework = _FORMAT_FRAMEWORKS.get(str(metadata.get("format", "")), OTHER)
    words = " ".join(
        [analysis.run, *(str(value) for value in _named_values(metadata))]
        + [s.tag for s in analysis.series_analyses]
    )
    tags = (s.tag for s in analysis.series_analyses)
    transformer = bool(_TRANSFORMER_WORDS.search(words)) or any(
        _TRANSFORMER_TAGS.search(tag) for tag in tags
    )
    return AdviceHints(framework, transformer, _peak_learning_rate(analysis))


def _named_values(metadata: Mapping[str, Any]) -> list[object]:
    """The run name, model fields, tags and parameters: where a model's name shows."""
    found: list[object] = [metadata.get(key) or "" for key in _MODEL_FIELDS]
    for key in ("tags", "params", "hparams", "config"):
        value = metadata.get(key)
        if isinstance(value, Mapping):
            found += [f"{name}={item}" for name, item in list(value.items())[:200]]
    return found


def _peak_learning_rate(analysis: RunAnalysis) -> float | None:
    series = analysis.series("learning_rate", "")
    if series is None:
        return None
    finite = series.values[np.isfinite(series.values)]
    peak = float(np.max(finite)) if len(finite) else 0.0
    return peak if peak > 0 else None


def learning_rate_advice(hints: AdviceHints) -> str:
    """Lower the learning rate, with the logged peak and a range that suits the model."""
    logged = (
        f"the logged peak learning rate is {number(hints.peak_learning_rate)}; "
        if hints.peak_learning_rate is not None
        else ""
    )
    if hints.transformer:
        return (
            f"{logged}for a transformer, a learning rate between 1e-5 and 5e-5 (1e-4 at most) "
            "usually works"
        )
    return f"{logged}try a learning rate 3 to 10 times lower"


def _diverged(hints: AdviceHints, knobs: _Knobs) -> str:
    return (
        f"Lower the learning rate ({learning_rate_advice(hints)}), clip gradients "
        f"({knobs.clip}) and add a warm-up; a NaN from the first steps is usually data: "
        + (advice.CHECK_LABELS if hints.transformer else "check the labels and the inputs for NaN")
        + "."
    )


# A stuck run's logged peak learning rate that is clearly the cause: above this for a
# transformer (the course's case: Adam's 1e-3 on BERT stalls the loss at ln C), or at or below
# this for any model (the weights barely move).
TRANSFORMER_RATE_TOO_HIGH = 1e-4
RATE_TOO_LOW = 1e-6


def _stuck_rate(hints: AdviceHints) -> str:
    """What to do with the learning rate of a stuck run: lower or raise it when the logged peak
    is clearly out of range, else check it both ways."""
    peak = hints.peak_learning_rate
    if peak is not None and hints.transformer and peak > TRANSFORMER_RATE_TOO_HIGH:
        return (
            f"Lower the learning rate: the logged peak {number(peak)} is "
            f"{times(peak / 5e-5)} the 5e-5 that usually works for a transformer (1e-5 to 5e-5); "
            "too high a rate keeps the loss from falling"
        )
    if peak is not None and peak <= RATE_TOO_LOW:
        usual = "1e-5 to 5e-5 for a transformer" if hints.transformer else "Adam's default is 1e-3"
        return (
            f"Raise the learning rate: the logged peak {number(peak)} barely moves the weights "
            f"({usual})"
        )
    logged = f"the logged peak is {number(peak)}: " if peak is not None else ""
    usual = (
        "; for a transformer, 1e-5 to 5e-5 usually works"
        if hints.transformer
        else "; Adam's default is 1e-3"
    )
    return (
        f"Check the learning rate ({logged}too high a rate stalls the loss, too low a rate "
        f"barely moves it{usual})"
    )


def _stuck(hints: AdviceHints, knobs: _Knobs) -> str:
    return (
        _stuck_rate(hints)
        + "; "
        + advice.OVERFIT_ONE_BATCH
        + "; make sure the labels match the inputs."
    )


_BUILDERS: dict[str, Callable[[AdviceHints, _Knobs], str]] = {
    advice.DIVERGED: _diverged,
    advice.STUCK: _stuck,
    advice.OVERFITTING: lambda hints, knobs: (
        f"Stop at the best checkpoint ({knobs.early_stopping}); add regularisation (dropout, "
        "weight decay), augment the data, or use a smaller model."
    ),
    advice.INSUFFICIENT_DATA: lambda hints, knobs: (
        f"Log more often ({knobs.log_more}) and train for longer before judging the run."
    ),
    advice.LOSS_SPIKE: lambda hints, knobs: (
        f"Clip gradients ({knobs.clip}), add a learning-rate warm-up, or lower the learning "
        f"rate ({learning_rate_advice(hints)}); check the batch at the spike for bad samples."
    ),
    advice.EXPLODING_GRAD_NORM: lambda hints, knobs: (
        f"Clip gradients ({knobs.clip}) and lower the learning rate "
        f"({learning_rate_advice(hints)}) before the loss follows."
    ),
    advice.UNSTABLE: lambda hints, knobs: (
        f"Lower the learning rate ({learning_rate_advice(hints)}), increase the batch size "
        f"for steadier gradients, clip gradients ({knobs.clip}), and check the data "
        "preprocessing for inconsistent samples."
    ),
    advice.EARLY_STOPPING: lambda hints, knobs: (
        f"Use early stopping that keeps the best checkpoint ({knobs.early_stopping}) and "
        "save the remaining steps."
    ),
    advice.NO_WARMUP: lambda hints, knobs: (
        f"Add a learning-rate warm-up ({knobs.warmup}) so the first updates are small."
    ),
    advice.SPARSE_EVAL: lambda hints, knobs: (
        f"Evaluate more often ({knobs.evaluate_more}) so overfitting shows when it starts."
    ),
}


def tailor(recommendation: str, hints: AdviceHints) -> str:
    """The recommendation in the run's own terms (unchanged when it names no setting)."""
    builder = _BUILDERS.get(recommendation)
    return builder(hints, _KNOBS[hints.framework]) if builder else recommendation
