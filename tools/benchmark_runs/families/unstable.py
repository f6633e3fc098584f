"""Unstable: finite, erratic, no lasting trend (spikes, swings, a loss that never settles)."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    CNN,
    DIGITS,
    FRIEDMAN,
    GRU,
    LSTM,
    MLP,
    REGRESSION,
    TOKENS,
    Template,
    keras,
)  # fmt: skip
from tools.benchmark_runs.spec import LIGHTNING, TENSORBOARD, TRAINER, Arch, Train
from tools.tiny_data import DataSpec


def _noisy(name: str, **extra: object) -> DataSpec:
    return DataSpec(name, label_noise=0.2, **extra)  # type: ignore[arg-type]


def _sgd_clipped(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    if keras(fmt):  # per-epoch means hide batch noise: Keras needs the bigger swings
        return Train("sgd", 1.0, momentum=0.9, clip=1.0, batch_size=64, epochs=60)
    return Train("sgd", (0.3, 0.5, 1.0)[seed % 3], momentum=0.9, clip=1.0, batch_size=8, epochs=12)


def _sgd_regression(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    if keras(fmt):
        return Train("sgd", 1.0, momentum=0.9, clip=1.0, batch_size=64, epochs=60)
    return Train("sgd", 0.2, momentum=0.9, clip=1.0, batch_size=8, max_steps=1000)


def _thirty_x(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 0.03 if arch.kind in ("lstm", "gru") else 0.1, clip=0, batch_size=8,
                 epochs=6)  # fmt: skip


def _batch2(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("sgd", 0.2, momentum=0.9, clip=1.0, batch_size=2, epochs=8)


TEMPLATES = [
    Template(
        "noisy-sgd-high-lr",
        "unstable",
        "20 % label noise, SGD lr 0.3-1 with momentum 0.9 (clipped at 1), batch 8 (Keras: lr 1, "
        "batch 64)",
        {
            "dev": [(MLP, _noisy("moons")), (MLP, _noisy("iris")), (MLP, _noisy("digits"))],
            "test": [(MLP, _noisy("circles")), (MLP, _noisy("wine"))],
        },
        _sgd_clipped,
    ),
    Template(
        "sgd-momentum-regression",
        "unstable",
        "SGD lr 0.2 (Keras: 1, batch 64) + momentum 0.9, clipped at 1, on an MSE regression",
        {"dev": [(MLP, REGRESSION)], "test": [(MLP, FRIEDMAN)]},
        _sgd_regression,
    ),
    Template(
        "30x-lr-no-clip",
        "unstable",
        "30-100x the usual Adam lr (0.03-0.1), no clipping, batch 8: per-batch chaos "
        "(hidden by averaged logging), eval swings",
        {
            "dev": [(MLP, _noisy("digits")), (CNN, DIGITS), (LSTM, TOKENS)],
            "test": [(GRU, TOKENS), (CNN, _noisy("digits"))],
        },
        _thirty_x,
        formats=(TENSORBOARD, TRAINER, LIGHTNING),
    ),
    Template(
        "batch2-label-noise",
        "unstable",
        "batch size 2 with 20 % label noise, SGD lr 0.2 + momentum 0.9",
        {
            "dev": [
                (MLP, _noisy("moons", n_samples=300)),
                (MLP, _noisy("blobs", n_classes=3, n_samples=300)),
            ],
            "test": [(MLP, _noisy("circles", n_samples=300))],
        },
        _batch2,
        formats=(TENSORBOARD, TRAINER, LIGHTNING),
    ),
]
