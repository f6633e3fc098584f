"""Underfitting: both losses fall a little, then flatten high and close to each other."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    BLOBS,
    BLOBS4,
    DIGITS,
    LINEAR,
    MLP,
    TOKENS,
    Template,
)  # fmt: skip
from tools.benchmark_runs.spec import LIGHTNING, TENSORBOARD, TRAINER, Arch, Train
from tools.tiny_data import DataSpec

ONE_UNIT = Arch("mlp", 1)


def _small(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train(("adam", "adamw")[seed % 2], 1e-2, epochs=30, batch_size=32,
                 schedule=("constant", "cosine", "plateau")[seed % 3])  # fmt: skip


def _decay(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("sgd", 0.1, momentum=0.9, weight_decay=0.3, batch_size=64, epochs=60)


def _linear(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 1e-2, epochs=25, batch_size=32, schedule=("constant", "step")[seed % 2])


def _tiny_rnn(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 1e-2, epochs=30, batch_size=32)


TEMPLATES = [
    Template(
        "one-hidden-unit",
        "underfitting",
        "a single hidden unit for a 3-10 class task",
        {
            "dev": [(ONE_UNIT, DIGITS), (ONE_UNIT, BLOBS4)],
            "test": [
                (ONE_UNIT, DataSpec("wine", label_noise=0.0)),
                (ONE_UNIT, DataSpec("circles")),
            ],
        },
        _small,
    ),
    Template(
        "strong-weight-decay",
        "underfitting",
        "SGD + momentum with weight decay 0.3 (far too strong): the weights cannot grow",
        {"dev": [(MLP, DIGITS), (Arch("mlp", 32), DIGITS)], "test": [(MLP, DataSpec("wine"))]},
        _decay,
        formats=(TENSORBOARD, TRAINER, LIGHTNING),
    ),
    Template(
        "linear-on-clusters",
        "underfitting",
        "a linear model on classes made of two clusters each (not linearly separable)",
        {"dev": [(LINEAR, BLOBS), (LINEAR, BLOBS4)], "test": [(LINEAR, BLOBS)]},
        _linear,
    ),
    Template(
        "tiny-rnn",
        "underfitting",
        "a recurrent network of width 1 on a 3-class token task",
        {"dev": [(Arch("lstm", 1), TOKENS)], "test": [(Arch("gru", 1), TOKENS)]},
        _tiny_rnn,
    ),
]
