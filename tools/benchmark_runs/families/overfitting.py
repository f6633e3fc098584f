"""Overfitting: the eval loss bottoms out and climbs while the train loss keeps falling."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    BIG,
    GRU,
    LSTM,
    SEQ2SEQ,
    TRANSFORMER,
    Template,
)  # fmt: skip
from tools.benchmark_runs.spec import Arch, Train
from tools.tiny_data import DataSpec

WIDE_CNN = Arch("cnn", 64)


def _subset(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    epochs = 150 if arch.kind in ("mlp", "cnn") else 60
    return Train(("adam", "adamw")[seed % 2], 1e-3 if arch.kind != "cnn" else 3e-3,
                 epochs=epochs, batch_size=16)  # fmt: skip


def _noise(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 2e-3, epochs=60 if data.n_samples > 1000 else 200, batch_size=32)


def _noisy_fast(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 1e-2, epochs=100, batch_size=4)


TEMPLATES = [
    Template(
        "small-subset",
        "overfitting",
        "30-100 training samples (some with 10-20 % of them mislabelled), a big model, "
        "many epochs, no regularisation",
        {
            "dev": [
                (BIG, DataSpec("digits", n_train=100, label_noise=0.2)),
                (WIDE_CNN, DataSpec("digits", n_train=100, label_noise=0.2)),
                (BIG, DataSpec("breast_cancer", n_train=50, label_noise=0.1)),
                (Arch("transformer", 64, layers=2), DataSpec("tokens", n_train=100, n_classes=3)),
                (Arch("lstm", 64), DataSpec("tokens", n_train=100, n_classes=3)),
            ],
            "test": [
                (Arch("gru", 64), DataSpec("tokens", n_train=100, n_classes=3)),
                (BIG, DataSpec("wine", n_train=30, label_noise=0.1)),
                (SEQ2SEQ, DataSpec("reverse", vocab=12, seq_len=8, n_samples=1200, n_train=80)),
                (WIDE_CNN, DataSpec("digits", n_train=100, label_noise=0.2)),
            ],
        },
        _subset,
    ),
    Template(
        "train-label-noise",
        "overfitting",
        "30 % of the training labels flipped (eval clean), a 2x256 MLP memorises them",
        {
            "dev": [
                (BIG, DataSpec("digits", label_noise=0.3)),
                (BIG, DataSpec("breast_cancer", label_noise=0.3)),
                (BIG, DataSpec("moons", label_noise=0.3, n_samples=400)),
            ],
            "test": [
                (BIG, DataSpec("breast_cancer", label_noise=0.3)),
                (BIG, DataSpec("wine", label_noise=0.3)),
            ],
        },
        _noise,
    ),
    Template(
        "small-subset-noisy-lr",
        "overfitting",
        "small noisy subset with Adam lr 1e-2 and batch 4: overfits, and the eval loss swings",
        {
            "dev": [
                (BIG, DataSpec("digits", n_train=80, label_noise=0.2)),
                (LSTM, DataSpec("tokens", n_train=80, n_classes=3)),
            ],
            "test": [
                (GRU, DataSpec("tokens", n_train=80, n_classes=3)),
                (BIG, DataSpec("wine", n_train=40, label_noise=0.2)),
            ],
        },
        _noisy_fast,
        secondary="unstable",
    ),
]
_ = TRANSFORMER
