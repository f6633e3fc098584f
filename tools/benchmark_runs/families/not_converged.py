"""Not converged: both losses are still falling clearly when the run ends."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    CANCER,
    CNN,
    DIGITS,
    FRIEDMAN,
    GRU,
    LSTM,
    MLP,
    REGRESSION,
    REVERSE,
    SEQ2SEQ,
    TOKENS,
    TRANSFORMER,
    WINE,
    Template,
    keras,
)  # fmt: skip
from tools.benchmark_runs.spec import Arch, Train
from tools.tiny_data import DataSpec


def _sgd_slow(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    lr = {"breast_cancer": 3e-4, "wine": 3e-3}.get(data.name, 1e-3)
    return Train("sgd", lr, epochs=20, batch_size=32)


def _stopped(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    lr = 1e-3 if arch.kind in ("gru", "lstm") and not keras(fmt) else 3e-4
    return Train("adam", lr, epochs=3 if arch.kind != "seq2seq" else 4, batch_size=16)


def _adam_tiny(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    return Train("adam", 3e-4 if arch.kind == "cnn" else 3e-5, epochs=25, batch_size=32)


TEMPLATES = [
    Template(
        "sgd-low-lr",
        "not_converged",
        "plain SGD lr 3e-4-3e-3 for too few epochs",
        {
            "dev": [(MLP, DIGITS), (MLP, CANCER), (MLP, REGRESSION), (CNN, DIGITS)],
            "test": [(MLP, WINE), (MLP, FRIEDMAN)],
        },
        _sgd_slow,
    ),
    Template(
        "stopped-early",
        "not_converged",
        "a sequence model stopped after 3 epochs at Adam lr 3e-4-1e-3, constant schedule",
        {
            "dev": [(TRANSFORMER, TOKENS), (LSTM, TOKENS)],
            "test": [(GRU, TOKENS), (SEQ2SEQ, REVERSE)],
        },
        _stopped,
    ),
    Template(
        "adam-3e-5",
        "not_converged",
        "Adam lr 3e-5 (3e-4 for a CNN) for 25 epochs: a straight-line decline",
        {"dev": [(MLP, DIGITS), (MLP, DataSpec("moons"))], "test": [(CNN, DIGITS)]},
        _adam_tiny,
    ),
]
