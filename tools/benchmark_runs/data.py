"""The benchmark's data sets: tiny_data's, plus three that only the benchmark uses.

``friedman`` (scikit-learn's Friedman #1 regression), ``hard_blobs`` (a make_classification task
with 20 % flipped labels in train *and* eval: a converged model still sits near half of ln C)
and ``reverse`` (token sequences whose target is the sequence reversed: a seq2seq task whose
guess loss is ln of the vocabulary). Everything is synthesised or bundled: nothing downloads.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from tools.tiny_data import Data, DataSpec, load_data

SEQ2SEQ = "reverse"
EXTRA = ("friedman", "hard_blobs", SEQ2SEQ)


def _tabular(x: np.ndarray, y: np.ndarray, spec: DataSpec, seed: int, task: str) -> Data:
    stratify = y if task == "classification" else None
    x_train, x_eval, y_train, y_eval = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    scaler = StandardScaler().fit(x_train)
    x_train = scaler.transform(x_train).astype(np.float32) * spec.input_scale
    x_eval = scaler.transform(x_eval).astype(np.float32) * spec.input_scale
    if spec.n_train is not None:
        x_train, y_train = x_train[: spec.n_train], y_train[: spec.n_train]
    if task == "regression":
        return Data(x_train, y_train.astype(np.float32), x_eval, y_eval.astype(np.float32), 0, task)
    n_classes = int(y.max()) + 1
    return Data(x_train, y_train.astype(np.int64), x_eval, y_eval.astype(np.int64), n_classes, task)


def _reverse(spec: DataSpec, seed: int) -> Data:
    """Sequences of ``seq_len`` tokens from ``vocab``; the target is the reversed sequence."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(spec.vocab, size=(spec.n_samples, spec.seq_len)).astype(np.int64)
    targets = tokens[:, ::-1].copy()
    if spec.label_noise:
        flip = rng.random(targets.shape) < spec.label_noise
        targets[flip] = rng.integers(spec.vocab, size=int(flip.sum()))
    cut = int(0.75 * spec.n_samples)
    n_train = min(cut, spec.n_train or cut)
    return Data(
        tokens[:n_train], targets[:n_train], tokens[cut:], tokens[cut:, ::-1].copy(),
        spec.vocab, "language",
    )  # fmt: skip


def load(spec: DataSpec, seed: int) -> Data:
    """The train/eval arrays of ``spec``, deterministic in ``seed``."""
    if spec.name == SEQ2SEQ:
        return _reverse(spec, seed)
    rng = np.random.default_rng(seed)
    if spec.name == "friedman":
        x, y = datasets.make_friedman1(spec.n_samples, n_features=8, noise=0.3, random_state=seed)
        return _tabular(x, (y - y.mean()) / y.std(), spec, seed, "regression")
    if spec.name == "hard_blobs":
        x, y = datasets.make_classification(
            spec.n_samples, n_features=12, n_informative=6, n_classes=spec.n_classes,
            flip_y=0.2, class_sep=0.8, random_state=int(rng.integers(1 << 31)),
        )  # fmt: skip
        return _tabular(x, y, spec, seed, "classification")
    return load_data(replace(spec), seed)


def majority_rate(data: Data) -> float:
    """Eval accuracy of always answering the most frequent class (NaN unless a classifier)."""
    return data.majority_rate
