"""Insufficient data: too few logged points to judge anything."""

from __future__ import annotations

from tools.benchmark_runs.families.common import (
    CANCER,
    CNN,
    DIGITS,
    FRIEDMAN,
    GRU,
    IRIS,
    LSTM,
    MLP,
    MOONS,
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


def _few(fmt: str, arch: Arch, data: DataSpec, seed: int) -> Train:
    if keras(fmt):
        return Train("adam", 1e-3, epochs=1 + seed % 3, batch_size=32)
    steps, every = ((20, 10), (30, 10), (25, 25), (40, 20))[seed % 4]
    return Train("adam", 1e-3, max_steps=steps, log_every=every, eval_every=steps,
                 schedule=("constant", "linear")[seed % 2])  # fmt: skip


TEMPLATES = [
    Template(
        "few_points",
        "insufficient_data",
        "stopped after 20-40 steps (or 1-3 Keras epochs): 1-3 logged points",
        {
            "dev": [
                (MLP, DIGITS),
                (CNN, DIGITS),
                (LSTM, TOKENS),
                (TRANSFORMER, TOKENS),
                (MLP, REGRESSION),
                (MLP, MOONS),
                (MLP, IRIS),
                (MLP, CANCER),
            ],
            "test": [
                (GRU, TOKENS),
                (MLP, WINE),
                (SEQ2SEQ, REVERSE),
                (MLP, FRIEDMAN),
                (CNN, DIGITS),
            ],
        },
        _few,
    ),
]
