"""Healthy: fell, flattened, eval close to train and not rising, including the boundaries."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    CANCER,
    CIRCLES,
    CNN,
    DIGITS,
    EASY_TOKENS,
    FRIEDMAN,
    HARD,
    IRIS,
    LSTM,
    MLP,
    MLP2,
    MOONS,
    REGRESSION,
    TRANSFORMER,
    WINE,
    Template,
)  # fmt: skip
from tools.benchmark_runs.spec import LIGHTNING, TENSORBOARD, TRAINER, Arch, Train
from tools.tiny_data import DataSpec

DROPOUT = Arch("mlp", 128, layers=2, dropout=0.5)
SCHEDULES = ("cosine", "step", "warmup_cosine", "plateau", "warmup_linear", "linear")


def _decayed(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train(("adam", "adamw")[seed % 2], 3e-3, epochs=30, batch_size=32,
                 schedule=SCHEDULES[seed % len(SCHEDULES)])  # fmt: skip


def _sequence(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adamw", 2e-3, epochs=8, batch_size=32, schedule="warmup_cosine")


def _hard(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 3e-3, epochs=15, batch_size=32, schedule=("cosine", "linear")[seed % 2])


def _dropout(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 1e-3, epochs=20, batch_size=32, schedule="cosine")


TEMPLATES = [
    Template(
        "adam-decay",
        "healthy",
        "Adam/AdamW lr 3e-3 with a decaying schedule on an easy task",
        {
            "dev": [
                (MLP, DIGITS),
                (MLP, IRIS),
                (MLP, CANCER),
                (MLP2, MOONS),
                (CNN, DIGITS),
                (MLP, REGRESSION),
            ],
            "test": [(MLP, WINE), (MLP2, CIRCLES), (MLP, FRIEDMAN), (CNN, DIGITS)],
        },
        _decayed,
    ),
    Template(
        "sequence-warmup-cosine",
        "healthy",
        "sequence model with warm-up + cosine decay on an easy token task",
        {
            "dev": [(TRANSFORMER, EASY_TOKENS), (LSTM, EASY_TOKENS)],
            "test": [(Arch("gru", 32), EASY_TOKENS)],
        },
        _sequence,
        formats=(TENSORBOARD, TRAINER, LIGHTNING),
    ),
    Template(
        "hard-task-plateau",
        "healthy",
        "a hard task (20 % of labels random in train and eval) converged: the loss plateaus near "
        "half of ln C after the learning rate decayed, eval at its minimum",
        {
            "dev": [(Arch("mlp", 16), HARD), (Arch("mlp", 8, layers=2), HARD)],
            "test": [(Arch("mlp", 16, activation="tanh"), HARD)],
        },
        _hard,
        check="healthy_plateau",
    ),
    Template(
        "dropout-eval-below-train",
        "healthy",
        "dropout 0.5: the eval loss sits below the train loss and still drifts down a little",
        {"dev": [(DROPOUT, DIGITS), (DROPOUT, CANCER)], "test": [(DROPOUT, WINE)]},
        _dropout,
        check="healthy_plateau",
    ),
]
