"""Small data sets for the generators: scikit-learn's bundled ones and synthetic tokens.

Nothing is downloaded: every set is either shipped inside scikit-learn or synthesised from a
seed, so the logs can be regenerated offline and identically. The knobs (subset size, label
noise, shuffled labels, input scale) are the *mechanisms* that induce a verdict; they live here
so that the torch, Trainer and Keras runs of one recipe see exactly the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

TABULAR = ("digits", "iris", "wine", "breast_cancer", "moons", "circles", "blobs", "regression")
TOKENS = "tokens"
LANGUAGE = "language"


@dataclass(frozen=True)
class DataSpec:
    """Which data a run trains on, and how it is damaged to induce a condition.

    ``n_train`` keeps only the first n training samples (overfitting); ``label_noise`` flips
    that fraction of the *training* labels only (overfitting, instability);
    ``shuffle_labels`` permutes them so they carry no information (stuck); ``input_scale``
    multiplies the inputs (overflow). ``n_classes``, ``vocab`` and ``seq_len`` only matter for
    the synthetic sets; ``signal`` is the share of token positions drawn from the class's
    token group (the rest are random), i.e. how easy the token task is.
    """

    name: str = "digits"
    n_train: int | None = None
    label_noise: float = 0.0
    shuffle_labels: bool = False
    input_scale: float = 1.0
    n_classes: int = 2
    vocab: int = 48
    seq_len: int = 16
    n_samples: int = 1200
    signal: float = 0.35


@dataclass(frozen=True)
class Data:
    """Train and eval arrays of one task.

    ``task`` is ``classification``, ``regression`` (MSE, ``n_classes`` 0) or ``language``
    (next-token prediction, ``n_classes`` is the vocabulary: a guess's loss is ln of it).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_eval: np.ndarray
    y_eval: np.ndarray
    n_classes: int
    task: str

    @property
    def n_features(self) -> int:
        """Width of a tabular input row (sequence length for token data)."""
        return int(self.x_train.shape[1])

    @property
    def majority_rate(self) -> float:
        """Eval accuracy of always answering the most frequent class: a stuck model's score."""
        if self.task != "classification":
            return float("nan")
        return float(np.bincount(self.y_eval, minlength=self.n_classes).max() / len(self.y_eval))


def _sklearn_arrays(spec: DataSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets of a tabular set (regression targets standardised)."""
    seed = int(rng.integers(1 << 31))
    loaders = {
        "digits": lambda: datasets.load_digits(return_X_y=True),
        "iris": lambda: datasets.load_iris(return_X_y=True),
        "wine": lambda: datasets.load_wine(return_X_y=True),
        "breast_cancer": lambda: datasets.load_breast_cancer(return_X_y=True),
        "moons": lambda: datasets.make_moons(spec.n_samples, noise=0.2, random_state=seed),
        "circles": lambda: datasets.make_circles(
            spec.n_samples, noise=0.1, factor=0.5, random_state=seed
        ),
        "blobs": lambda: datasets.make_classification(
            spec.n_samples,
            n_features=20,
            n_informative=8,
            n_classes=spec.n_classes,
            n_clusters_per_class=2,
            random_state=seed,
        ),
        "regression": lambda: _regression(spec.n_samples, rng),
    }
    x, y = loaders[spec.name]()
    return np.asarray(x, dtype=np.float32), np.asarray(y)


def _regression(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A smooth nonlinear target of 8 features plus a little noise."""
    x = rng.normal(size=(n, 8))
    y = np.sin(x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.3 * x[:, 3] + 0.1 * rng.normal(size=n)
    return x, (y - y.mean()) / y.std()


def _token_arrays(spec: DataSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Token sequences whose class is the token group that occurs most often.

    Tokens 0–3 are reserved; token t ≥ 4 belongs to group ``(t - 4) % n_classes``. A share
    ``signal`` of each sequence's positions come from its class's group, so a small
    transformer can learn the rule but it is not trivial from one position.
    """
    labels = rng.integers(spec.n_classes, size=spec.n_samples)
    tokens = rng.integers(4, spec.vocab, size=(spec.n_samples, spec.seq_len))
    boosted = rng.random((spec.n_samples, spec.seq_len)) < spec.signal
    group_base = (
        4
        + labels[:, None]
        + spec.n_classes
        * rng.integers((spec.vocab - 4) // spec.n_classes, size=(spec.n_samples, spec.seq_len))
    )
    tokens = np.where(boosted, group_base, tokens)
    return tokens.astype(np.int64), labels


def _language_arrays(spec: DataSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of arithmetic progressions modulo the vocabulary: a learnable LM task.

    The target of a language model is its input, so ``y`` is the same array.
    """
    starts = rng.integers(spec.vocab, size=(spec.n_samples, 1))
    strides = rng.integers(1, 6, size=(spec.n_samples, 1))
    tokens = (starts + strides * np.arange(spec.seq_len)[None, :]) % spec.vocab
    noise = rng.random(tokens.shape) < 0.1
    tokens = np.where(noise, rng.integers(spec.vocab, size=tokens.shape), tokens)
    return tokens.astype(np.int64), tokens.astype(np.int64)


def _damage_labels(y: np.ndarray, spec: DataSpec, n_classes: int, rng: np.random.Generator):
    """Apply the label mechanisms to the training labels only (eval labels stay clean)."""
    y = y.copy()
    if spec.shuffle_labels:
        y = rng.permutation(y)
    if spec.label_noise:
        flip = rng.random(len(y)) < spec.label_noise
        y[flip] = rng.integers(n_classes, size=int(flip.sum()))
    return y


def load_data(spec: DataSpec, seed: int = 0) -> Data:
    """Build the train/eval split of ``spec`` deterministically from ``seed``."""
    rng = np.random.default_rng(seed)
    if spec.name == TOKENS:
        x, y = _token_arrays(spec, rng)
    elif spec.name == LANGUAGE:
        x, y = _language_arrays(spec, rng)
    else:
        x, y = _sklearn_arrays(spec, rng)
    task = {"regression": "regression", LANGUAGE: "language"}.get(spec.name, "classification")
    n_classes = {"regression": 0, LANGUAGE: spec.vocab}.get(task, int(y.max()) + 1)
    stratify = y if task == "classification" else None
    x_train, x_eval, y_train, y_eval = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    if spec.name in TABULAR:
        scaler = StandardScaler().fit(x_train)
        x_train = scaler.transform(x_train).astype(np.float32) * spec.input_scale
        x_eval = scaler.transform(x_eval).astype(np.float32) * spec.input_scale
    if spec.n_train is not None:
        x_train, y_train = x_train[: spec.n_train], y_train[: spec.n_train]
    if task == "classification":
        y_train = _damage_labels(y_train, spec, n_classes, rng)
    target_type = np.float32 if task == "regression" else np.int64
    return Data(
        x_train, y_train.astype(target_type), x_eval, y_eval.astype(target_type), n_classes, task
    )
