"""Stuck: the loss never leaves its start or a random guess's loss; accuracy stays at chance."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    BLOBS,
    CANCER,
    CIRCLES,
    CNN,
    DIGITS,
    GRU,
    IRIS,
    LSTM,
    MLP,
    MOONS,
    REVERSE,
    SEQ2SEQ,
    TOKENS,
    TRANSFORMER,
    WINE,
    Template,
)  # fmt: skip
from tools.benchmark_runs.spec import Arch, Train
from tools.tiny_data import DataSpec

DEAD = Arch("mlp", 64, dead=True)
NARROW = Arch("mlp", 4, zero_head=True)
DEEP = Arch("mlp", 32, layers=3)


def _tiny_lr(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train(("sgd", "adam")[seed % 2], 1e-9, epochs=8)


def _dead(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 1e-3, epochs=15, batch_size=16)


def _shuffled(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 1e-3, epochs=12, batch_size=32)


def _collapse(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    lr = 0.1 if arch.kind == "transformer" else 1.0
    schedule = ("linear", "cosine", "constant")[seed % 3]
    return Train(("adam", "adamw")[seed % 2], lr, clip=0, schedule=schedule, epochs=8)


def _shuffle(spec: DataSpec) -> DataSpec:
    return DataSpec(spec.name, shuffle_labels=True, n_classes=spec.n_classes)


TEMPLATES = [
    Template(
        "lr-1e-9",
        "stuck",
        "learning rate 1e-9: the weights never move",
        {
            "dev": [(MLP, DIGITS), (CNN, DIGITS), (LSTM, TOKENS), (TRANSFORMER, TOKENS)],
            "test": [(GRU, TOKENS), (MLP, WINE), (SEQ2SEQ, REVERSE)],
        },
        _tiny_lr,
    ),
    Template(
        "dead-relu",
        "stuck",
        "hidden biases start at -10: every ReLU is dead, only the output bias learns",
        {
            "dev": [(DEAD, DIGITS), (DEAD, MOONS), (DEAD, BLOBS), (DEAD, CANCER)],
            "test": [(DEAD, WINE), (DEAD, CIRCLES)],
        },
        _dead,
    ),
    Template(
        "shuffled-labels",
        "stuck",
        "training labels permuted (no information), 4 hidden units, output layer starts at 0",
        {
            "dev": [
                (NARROW, _shuffle(DIGITS)),
                (NARROW, _shuffle(IRIS)),
                (NARROW, _shuffle(MOONS)),
            ],
            "test": [(NARROW, _shuffle(CIRCLES)), (NARROW, _shuffle(WINE))],
        },
        _shuffled,
    ),
    Template(
        "collapse-after-blowup",
        "stuck",
        "Adam lr 0.1-1 without clipping: the first steps blow the loss up, then the model "
        "collapses to a constant prediction (loss at ln C, accuracy at a class frequency)",
        {
            "dev": [
                (DEEP, DIGITS),
                (DEEP, BLOBS),
                (TRANSFORMER, TOKENS),
                (LSTM, TOKENS),
                (CNN, DIGITS),
            ],
            "test": [(GRU, TOKENS), (DEEP, WINE), (CNN, DIGITS), (TRANSFORMER, TOKENS)],
        },
        _collapse,
    ),
]
