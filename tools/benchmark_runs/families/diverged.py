"""Diverged: the loss leaves for good, to NaN/inf or to a finite level far above any guess."""

from __future__ import annotations

from dataclasses import replace

from tools.benchmark_runs.families.common import (
    BLOBS,
    CANCER,
    CNN,
    DIGITS,
    FRIEDMAN,
    GRU,
    LINEAR,
    LSTM,
    MLP,
    REGRESSION,
    REVERSE,
    SEQ2SEQ,
    TANH_NORM,
    TOKENS,
    TRANSFORMER,
    WINE,
    Template,
    keras,
)  # fmt: skip
from tools.benchmark_runs.spec import Arch, Train
from tools.tiny_data import DataSpec


def _momentum_blowup(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    lr = 10.0 if arch.kind in ("lstm", "gru", "cnn") else 3.0
    return Train("sgd", lr, momentum=0.9, clip=0, epochs=6, batch_size=32)


def _absurd_lr(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("sgd", (300.0, 1000.0, 3000.0)[seed % 3], clip=0, epochs=5, batch_size=32)


def _warmup_peak(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("sgd", 2.5, momentum=0.9, clip=0, schedule="warmup_linear", epochs=8)


def _edge(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    epochs = 120
    return Train("sgd", 1.6, clip=0, epochs=epochs, batch_size=1000, log_every=1, eval_every=5)


TEMPLATES = [
    Template(
        "sgd-momentum-blowup",
        "diverged",
        "SGD lr 3-10 with momentum 0.9 and no clipping: the loss explodes to inf/NaN",
        {
            "dev": [(MLP, DIGITS), (CNN, DIGITS), (MLP, REGRESSION), (LSTM, TOKENS), (MLP, CANCER)],
            "test": [(MLP, WINE), (GRU, TOKENS), (MLP, FRIEDMAN), (CNN, DIGITS)],
        },
        _momentum_blowup,
        secondary="",
    ),
    Template(
        "bounded-absurd-lr",
        "diverged",
        "LayerNorm/tanh network with SGD lr 300-3000, no clipping: a finite explosion to tens of "
        "times ln C that never comes back (activations are bounded: mostly no NaN)",
        {
            "dev": [
                (TRANSFORMER, TOKENS),
                (TANH_NORM, DIGITS),
                (TANH_NORM, BLOBS),
                (Arch("lstm", 32, activation="tanh"), TOKENS),
            ],
            "test": [(GRU, TOKENS), (TANH_NORM, WINE), (SEQ2SEQ, REVERSE), (TRANSFORMER, TOKENS)],
        },
        _absurd_lr,
        check="diverged",
    ),
    Template(
        "warmup-to-high-peak",
        "diverged",
        "warm-up to a peak SGD lr of 2.5 (momentum 0.9, no clipping): trains during warm-up, "
        "then blows up",
        {
            "dev": [(MLP, DIGITS), (MLP, REGRESSION), (CNN, DIGITS)],
            "test": [(MLP, FRIEDMAN), (MLP, WINE)],
        },
        _warmup_peak,
    ),
    Template(
        "edge-of-stability",
        "diverged",
        "full-batch SGD lr 1.6 on a linear regression, past 2/λmax: a geometric blow-up",
        {"dev": [(LINEAR, REGRESSION)], "test": [(LINEAR, FRIEDMAN)]},
        _edge,
    ),
]
_ = (replace, keras)
