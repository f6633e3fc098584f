"""Runs written by Keras 3 (torch backend): ``CSVLogger`` or the ``TensorBoard`` callback.

Keras logs once per epoch: the train loss is the epoch's running mean, the validation loss the
end-of-epoch score. Schedules are a ``LearningRateScheduler`` (per epoch) or
``ReduceLROnPlateau``, as Keras scripts use them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tools.benchmark_runs.data import load
from tools.benchmark_runs.schedules import lr_factor
from tools.benchmark_runs.spec import KERAS_TB, Arch, BenchRun, Train
from tools.tiny_data import Data
from tools.tiny_training import seed_everything

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _body(arch: Arch, data: Data) -> list[Any]:
    """The layers between the input and the output head."""
    import keras

    tokens = data.x_train.dtype.kind == "i"
    w = arch.width
    if arch.kind in ("linear", "mlp"):
        layers: list[Any] = []
        for _ in range(arch.layers if arch.kind == "mlp" else 0):
            bias = keras.initializers.Constant(-10.0) if arch.dead else "zeros"
            layers.append(keras.layers.Dense(w, activation=arch.activation, bias_initializer=bias))
            if arch.norm:
                layers.append(keras.layers.LayerNormalization())
            if arch.dropout:
                layers.append(keras.layers.Dropout(arch.dropout))
        return layers
    if tokens:
        vocab = int(max(data.x_train.max(), data.x_eval.max())) + 1
        prefix: list[Any] = [keras.layers.Embedding(vocab, w)]
    elif data.n_features == 64:
        prefix = [keras.layers.Reshape((8, 8) if arch.kind != "cnn" else (8, 8, 1))]
    else:
        prefix = [keras.layers.Reshape((data.n_features, 1))]
    if arch.kind == "cnn":
        conv = (
            keras.layers.Conv2D if (not tokens and data.n_features == 64) else keras.layers.Conv1D
        )
        pool = (
            keras.layers.GlobalAveragePooling2D
            if conv is keras.layers.Conv2D
            else keras.layers.GlobalAveragePooling1D
        )
        return [
            *prefix,
            conv(w, 3, padding="same", activation=arch.activation),
            conv(w, 3, padding="same", activation=arch.activation),
            pool(),
            keras.layers.Dropout(arch.dropout),
        ]
    cell = keras.layers.LSTM if arch.kind == "lstm" else keras.layers.GRU
    return [*prefix, cell(w), keras.layers.Dropout(arch.dropout)]


def _optimizer(train: Train) -> Any:
    import keras

    extra = {"clipnorm": train.clip} if train.clip else {}
    if train.optimizer == "sgd":
        return keras.optimizers.SGD(
            train.lr, momentum=train.momentum, weight_decay=train.weight_decay or None, **extra
        )
    if train.optimizer == "adamw":
        return keras.optimizers.AdamW(train.lr, weight_decay=train.weight_decay or 0.01, **extra)
    return keras.optimizers.Adam(train.lr, weight_decay=train.weight_decay or None, **extra)


def _callbacks(run: BenchRun, run_dir: Path) -> list[Any]:
    import keras

    train = run.train
    callbacks: list[Any] = []
    if train.schedule == "plateau":
        callbacks.append(keras.callbacks.ReduceLROnPlateau(factor=0.3, patience=2))
    elif train.schedule != "constant":
        callbacks.append(
            keras.callbacks.LearningRateScheduler(
                lambda epoch: train.lr * lr_factor(train.schedule, epoch, train.epochs)
            )
        )
    if run.fmt == KERAS_TB:
        callbacks.append(
            keras.callbacks.TensorBoard(
                str(run_dir), histogram_freq=0, write_graph=False, update_freq="epoch"
            )
        )
    else:
        callbacks.append(keras.callbacks.CSVLogger(str(run_dir / "training.log")))
    return callbacks


def train(run: BenchRun, run_dir: Path) -> None:
    """Keras ``fit`` with validation data: one logged row per epoch."""
    import keras

    seed_everything(run.seed)
    keras.utils.set_random_seed(run.seed)
    data = load(run.data, run.seed)
    classifier = data.task != "regression"
    head_init = "zeros" if run.arch.zero_head else "glorot_uniform"
    model = keras.Sequential(
        [
            keras.Input(data.x_train.shape[1:], dtype=str(data.x_train.dtype)),
            *_body(run.arch, data),
            keras.layers.Dense(data.n_classes or 1, kernel_initializer=head_init),
        ]
    )
    model.compile(
        optimizer=_optimizer(run.train),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True) if classifier else "mse",
        metrics=["accuracy"] if classifier else [],
    )
    model.fit(
        data.x_train,
        data.y_train,
        validation_data=(data.x_eval, data.y_eval) if run.train.evaluate else None,
        epochs=run.train.epochs,
        batch_size=run.train.batch_size,
        shuffle=True,
        verbose=0,
        callbacks=_callbacks(run, run_dir),
    )
