"""Generate the labelled runs that measure curvelint's verdict classifier.

Every run is real: a tiny randomly initialised model trained on the CPU, its log written by the
real library (torch ``SummaryWriter``, ``transformers.Trainer``, Keras 3 ``CSVLogger``). Each
verdict is *induced by a known mechanism* (named in ``labels.csv``) and then *checked on the
written curves* by :mod:`curve_checks`; a run that does not clearly show its verdict fails the
generation. Writes ``tests/labelled/runs/<run>/`` and ``tests/labelled/labels.csv``.

Usage (from the repository root, with the generation virtualenv)::

    .venv-gen/bin/python -m tools.generate_labelled_runs [--jobs 2] [--only RUN ...]
"""

from __future__ import annotations

import csv
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tools.generation import Outcome, generate, parse_args, setup_logging, summary_table
from tools.generation import recipe as _recipe
from tools.tiny_data import DataSpec
from tools.tiny_training import KERAS_CSV as KERAS
from tools.tiny_training import TENSORBOARD as TB
from tools.tiny_training import TRAINER as HF
from tools.tiny_training import ModelSpec, Recipe

log = logging.getLogger("generate")
DEFAULT_OUT = "tests/labelled/runs"
LABEL_COLUMNS = ("run", "verdict", "format", "mechanism", "notes")


def run(name: str, verdict: str, *args: object, **fit: object) -> Recipe:
    """A labelled run is named ``<verdict>-<name>`` so the directory says what it shows."""
    return _recipe(f"{verdict}-{name}", verdict, *args, **fit)


def _mlp(*hidden: int, **options: object) -> ModelSpec:
    return ModelSpec(hidden=hidden, **options)


DIGITS, IRIS, WINE = DataSpec("digits"), DataSpec("iris"), DataSpec("wine")
CANCER, MOONS, REGRESSION = DataSpec("breast_cancer"), DataSpec("moons"), DataSpec("regression")
TOKENS2 = DataSpec("tokens", n_classes=2, n_samples=1200)
TOKENS3 = DataSpec("tokens", n_classes=3, n_samples=1200)
LANGUAGE = DataSpec("language", n_samples=1000)
TRANSFORMER = ModelSpec(kind="transformer")
BERT, GPT2 = ModelSpec(kind="bert"), ModelSpec(kind="gpt2")

# Tables of runs: one run per block, fit options packed (ruff format would explode them).
# fmt: off
DIVERGED = [
    run(
        "tb-regression-sgd-momentum-nan", "diverged", TB,
        "SGD lr 0.3 + momentum 0.9 on an MSE regression MLP: the loss overflows to inf/NaN",
        REGRESSION,
        _mlp(32),
        "loss bounces for ~30 steps, then explodes through inf to NaN",
        optimizer="sgd", lr=0.3, momentum=0.9, epochs=10, log_every=1, eval_every=10,
    ),
    run(
        "tb-linreg-edge-of-stability", "diverged", TB,
        "full-batch SGD lr 0.9, just past 2/λmax of a linear regression: geometric blow-up",
        REGRESSION,
        _mlp(),
        "finite blow-up: loss grows ~10x every 25 steps, no NaN",
        optimizer="sgd", lr=0.9, epochs=150, batch_size=900, log_every=1, eval_every=5,
        tag_style="tutorial",
    ),
    run(
        "tb-digits-fp16-overflow", "diverged", TB,
        "half-precision MLP with inputs scaled x300: activations overflow fp16 (65504) to inf",
        DataSpec("digits", input_scale=300),
        _mlp(128, 128, fp16=True),
        "one huge finite loss, then NaN",
        optimizer="sgd", lr=0.01, momentum=0.9, epochs=10, log_every=5, eval_every=20,
    ),
    run(
        "tb-digits-sgd-momentum-0.99", "diverged", TB,
        "SGD lr 0.5 with momentum 0.99 (effective lr 50) on a digits MLP: explodes, then NaN",
        DIGITS,
        _mlp(64),
        "loss climbs by orders of magnitude, then NaN; lr logged",
        optimizer="sgd", lr=0.5, momentum=0.99, epochs=15, log_every=5, eval_every=20, log_lr=True,
        tag_style="flat",
    ),
    run(
        "hf-regression-sgd-noclip", "diverged", HF,
        "Trainer, SGD lr 1 + momentum 0.9, max_grad_norm=0 on an MSE regression MLP",
        REGRESSION,
        _mlp(32),
        "logging_nan_inf_filter: loss 0.0 beside grad_norm NaN, eval NaN",
        optimizer="sgd", lr=1.0, momentum=0.9, clip=0, epochs=10, log_every=3, eval_every=15,
    ),
    run(
        "hf-gpt2-sgd-lr100", "diverged", HF,
        "Trainer, tiny GPT-2 LM with SGD lr 100 and no clipping",
        LANGUAGE,
        GPT2,
        "first loss ≈ ln 48, then 0.0 (NaN filtered) with grad_norm NaN",
        optimizer="sgd", lr=100, clip=0, epochs=2, batch_size=16, log_every=1, eval_every=10,
        keep_checkpoints=2,
    ),
    run(
        "hf-bert-sgd-lr1e4", "diverged", HF,
        "Trainer, tiny BERT classifier with SGD lr 1e4 and no clipping",
        TOKENS2,
        BERT,
        "finite blow-up: loss 0.69 → 1e4–1e5 and stays there",
        optimizer="sgd", lr=1e4, clip=0, epochs=2, batch_size=16, log_every=1, eval_every=10,
    ),
    run(
        "keras-linreg-edge-of-stability", "diverged", KERAS,
        "Keras, full-batch SGD lr 0.9 on a linear regression (just past 2/λmax)",
        REGRESSION,
        _mlp(),
        "finite geometric blow-up of loss and val_loss",
        optimizer="sgd", lr=0.9, epochs=150, batch_size=900,
    ),
    run(
        "keras-wine-sgd-momentum-0.99", "diverged", KERAS,
        "Keras, SGD lr 0.5 + momentum 0.99 on a wine MLP",
        WINE,
        _mlp(32),
        "loss explodes to ~1e13 then nan in the CSV",
        optimizer="sgd", lr=0.5, momentum=0.99, epochs=60, batch_size=8,
    ),
]

STUCK = [
    run(
        "tb-tokens-transformer-adam-lr0.1", "stuck", TB,
        "Adam lr 0.1 on a small post-LN transformer classifier: collapses to ln C at once",
        TOKENS3,
        TRANSFORMER,
        "loss ≈ ln 3 = 1.10 throughout, accuracy ≈ 1/3",
        optimizer="adam", lr=0.1, epochs=8, batch_size=16, log_every=10, eval_every=40,
    ),
    run(
        "tb-digits-lr1e-9", "stuck", TB,
        "SGD with learning rate 1e-9: the weights never move",
        DIGITS,
        _mlp(64),
        "flat at ≈ ln 10 = 2.30",
        optimizer="sgd", lr=1e-9, epochs=10, log_every=5, eval_every=20, tag_style="tutorial",
    ),
    run(
        "tb-wine-dead-relu", "stuck", TB,
        "hidden biases initialised to -10: every ReLU is dead, only the output bias learns",
        WINE,
        _mlp(64, dead_relu=True),
        "flat at ≈ ln 3, accuracy = majority class",
        optimizer="adam", lr=1e-3, epochs=60, batch_size=16, log_every=3, eval_every=9,
    ),
    run(
        "hf-bert-adam-lr1e-2", "stuck", HF,
        "Trainer, tiny BERT classifier with constant Adam lr 1e-2 (far too high for a transformer)",
        TOKENS2,
        BERT,
        "loss ≈ ln 2 = 0.69 throughout, accuracy ≈ 50 %",
        optimizer="adam", lr=1e-2, epochs=5, batch_size=16, log_every=10, eval_every=40,
    ),
    run(
        "hf-digits-shuffled-labels", "stuck", HF,
        "Trainer, labels randomly permuted w.r.t. inputs, MLP with 4 hidden units",
        DataSpec("digits", shuffle_labels=True),
        _mlp(4),
        "loss stays ≈ ln 10, accuracy ≈ 10 %",
        optimizer="adam", lr=1e-3, epochs=10, log_every=10, eval_every=30,
    ),
    run(
        "hf-bert-lr1e-9", "stuck", HF,
        "Trainer, tiny BERT with learning rate 1e-9 (3 classes)",
        TOKENS3,
        BERT,
        "flat at ≈ ln 3",
        optimizer="adam", lr=1e-9, epochs=3, batch_size=16, log_every=5, eval_every=25,
    ),
    run(
        "keras-digits-lr1e-9", "stuck", KERAS,
        "Keras, SGD with learning rate 1e-9",
        DIGITS,
        _mlp(16),
        "flat at its random-init level (2.88, above ln 10), accuracy 7 %",
        optimizer="sgd", lr=1e-9, epochs=30, batch_size=32,
    ),
    run(
        "keras-moons-dead-relu", "stuck", KERAS,
        "Keras, hidden biases initialised to -10: all ReLUs dead",
        MOONS,
        _mlp(32, dead_relu=True),
        "flat at ln 2 = 0.693",
        optimizer="adam", lr=1e-3, epochs=30, batch_size=32,
    ),
    run(
        "keras-digits-shuffled-labels", "stuck", KERAS,
        "Keras, labels randomly permuted, 4 hidden units, zero-initialised output layer",
        DataSpec("digits", shuffle_labels=True),
        _mlp(4, zero_head=True),
        "train loss ≈ ln 10 (drifts < 3 %), val_loss ≈ ln 10, accuracy ≈ 10 %",
        optimizer="adam", lr=1e-3, epochs=30, batch_size=32,
    ),
]

UNSTABLE = [
    run(
        "tb-regression-sgd-momentum-clip", "unstable", TB,
        "SGD lr 0.2 + momentum 0.9 (clipped at 1) on an MSE regression, batch 8",
        REGRESSION,
        _mlp(32),
        "loss bounces 0.6–4 with no trend, never NaN",
        optimizer="sgd", lr=0.2, momentum=0.9, clip=1.0, batch_size=8, max_steps=1000, log_every=5,
        eval_every=20,
    ),
    run(
        "tb-moons-noisy-labels-batch2", "unstable", TB,
        "20 % label noise, batch size 2, SGD lr 0.2 + momentum 0.9, loss logged every step",
        DataSpec("moons", label_noise=0.2),
        _mlp(32),
        "2,000 spiky per-step points, eval jumps",
        optimizer="sgd", lr=0.2, momentum=0.9, clip=1.0, batch_size=2, max_steps=2000, log_every=1,
        eval_every=25, tag_style="flat",
    ),
    run(
        "tb-regression-adam-lr0.1", "unstable", TB,
        "Adam lr 0.1 on an MSE regression MLP, batch 8",
        REGRESSION,
        _mlp(32),
        "after a quick drop the loss oscillates with spikes",
        optimizer="adam", lr=0.1, clip=1.0, batch_size=8, max_steps=800, log_every=5, eval_every=20,
    ),
    run(
        "tb-digits-noisy-adam-lr0.1", "unstable", TB,
        "Adam lr 0.1 on digits with 20 % label noise, batch 8",
        DataSpec("digits", label_noise=0.2),
        _mlp(32),
        "loss and accuracy jump around",
        optimizer="adam", lr=0.1, clip=1.0, batch_size=8, max_steps=600, log_every=5, eval_every=20,
        tag_style="tutorial",
    ),
    run(
        "hf-regression-sgd-momentum", "unstable", HF,
        "Trainer, SGD lr 0.2 + momentum 0.9 on an MSE regression, batch 8",
        REGRESSION,
        _mlp(32),
        "loss and eval_loss bounce without a trend",
        optimizer="sgd", lr=0.2, momentum=0.9, batch_size=8, max_steps=600, log_every=5,
        eval_every=20, schedule="constant",
    ),
    run(
        "hf-moons-noisy-labels-batch2", "unstable", HF,
        "Trainer, 20 % label noise, batch size 2, SGD lr 0.2 + momentum 0.9",
        DataSpec("moons", label_noise=0.2),
        _mlp(32),
        "loss, eval_loss and accuracy bounce",
        optimizer="sgd", lr=0.2, momentum=0.9, batch_size=2, max_steps=600, log_every=5,
        eval_every=20, schedule="constant",
    ),
    run(
        "hf-regression-adam-lr0.1", "unstable", HF,
        "Trainer, Adam lr 0.1 on an MSE regression, batch 8",
        REGRESSION,
        _mlp(32),
        "spiky eval_loss with no lasting trend",
        optimizer="adam", lr=0.1, batch_size=8, max_steps=600, log_every=5, eval_every=20,
        schedule="constant",
    ),
    run(
        "keras-regression-sgd-lr1", "unstable", KERAS,
        "Keras, SGD lr 1 + momentum 0.9 (clipnorm 1) on an MSE regression, batch 64",
        REGRESSION,
        _mlp(32),
        "epoch losses jump up and down around their start",
        optimizer="sgd", lr=1.0, momentum=0.9, clip=1.0, batch_size=64, epochs=60,
    ),
    run(
        "keras-iris-noisy-sgd", "unstable", KERAS,
        "Keras, 20 % label noise, SGD lr 0.3 + momentum 0.9 (clipnorm 1), batch 16",
        DataSpec("iris", label_noise=0.2),
        _mlp(32),
        "val_loss jumps by >50 % between epochs",
        optimizer="sgd", lr=0.3, momentum=0.9, clip=1.0, batch_size=16, epochs=60,
    ),
    run(
        "keras-moons-noisy-sgd-lr1", "unstable", KERAS,
        "Keras, 20 % label noise, SGD lr 1 + momentum 0.9 (clipnorm 1), batch 64",
        DataSpec("moons", label_noise=0.2),
        _mlp(32),
        "loss and accuracy oscillate",
        optimizer="sgd", lr=1.0, momentum=0.9, clip=1.0, batch_size=64, epochs=60,
    ),
]

OVERFITTING = [
    run(
        "tb-digits-50-samples", "overfitting", TB,
        "50 training samples, 2x256 MLP, Adam, 300 epochs, no regularisation",
        DataSpec("digits", n_train=50),
        _mlp(256, 256),
        "eval loss bottoms early then climbs",
        optimizer="adam", lr=1e-3, epochs=300, batch_size=16, log_every=10, eval_every=20,
    ),
    run(
        "tb-cancer-label-noise", "overfitting", TB,
        "30 % label noise in the training set only, 2x256 MLP, Adam, 150 epochs",
        DataSpec("breast_cancer", label_noise=0.3),
        _mlp(256, 256),
        "train loss → 0 (memorises the noise), eval loss rises 5x",
        optimizer="adam", lr=3e-3, epochs=150, log_every=20, eval_every=40, tag_style="flat",
    ),
    run(
        "tb-tokens-transformer-100-samples", "overfitting", TB,
        "100 training sequences, transformer width 64, Adam, 150 epochs",
        DataSpec("tokens", n_train=100, n_classes=3),
        ModelSpec(kind="transformer", width=64),
        "eval loss rises from epoch ~10 while train → 0",
        optimizer="adam", lr=1e-3, epochs=150, batch_size=16, log_every=10, eval_every=20,
    ),
    run(
        "hf-bert-64-samples", "overfitting", HF,
        "Trainer, tiny BERT on 64 training sequences for 100 epochs, constant lr",
        DataSpec("tokens", n_train=64, n_classes=2, n_samples=800),
        BERT,
        "eval_loss climbs from the first evaluation, train loss → 0",
        optimizer="adam", lr=1e-3, epochs=100, batch_size=16, log_every=10, eval_every=20,
        schedule="constant",
    ),
    run(
        "hf-digits-noise-subset", "overfitting", HF,
        "Trainer, 200 digits with 30 % label noise, 2x256 MLP, 60 epochs at constant lr",
        DataSpec("digits", n_train=200, label_noise=0.3),
        _mlp(256, 256),
        "eval_loss U-shaped, eval_accuracy drifts down",
        optimizer="adam", lr=1e-3, epochs=60, batch_size=16, log_every=10, eval_every=20,
        schedule="constant",
        keep_checkpoints=2,
    ),
    run(
        "keras-digits-label-noise", "overfitting", KERAS,
        "Keras, 30 % label noise in training only, 2x256 MLP, 60 epochs",
        DataSpec("digits", label_noise=0.3),
        _mlp(256, 256),
        "val_loss turns up after ~10 epochs",
        optimizer="adam", lr=1e-3, epochs=60, batch_size=32,
    ),
    run(
        "keras-cancer-60-samples", "overfitting", KERAS,
        "Keras, 60 training samples with 20 % label noise, 2x256 MLP, 150 epochs",
        DataSpec("breast_cancer", n_train=60, label_noise=0.2),
        _mlp(256, 256),
        "val_loss climbs steadily while loss → 0",
        optimizer="adam", lr=1e-3, epochs=150, batch_size=16,
    ),
]

UNDERFITTING = [
    run(
        "tb-digits-one-hidden-unit", "underfitting", TB,
        "MLP with a single hidden unit on 10-class digits (far too small)",
        DIGITS,
        _mlp(1),
        "loss drops from 2.3 to ~1.5 and flattens; train ≈ eval",
        optimizer="adam", lr=1e-2, epochs=40, log_every=10, eval_every=20,
    ),
    run(
        "tb-digits-weight-decay", "underfitting", TB,
        "SGD + momentum with coupled weight decay 0.3 (very strong L2) on a digits MLP",
        DIGITS,
        _mlp(64),
        "loss 2.2 → 1.5 in two epochs, then flat; train ≈ eval",
        optimizer="sgd", lr=0.1, momentum=0.9, weight_decay=0.3, batch_size=128, epochs=40,
        log_every=5, eval_every=10, tag_style="tutorial",
    ),
    run(
        "tb-blobs-linear", "underfitting", TB,
        "a linear model on 3 classes made of 2 clusters each (not linearly separable)",
        DataSpec("blobs", n_classes=3, n_samples=1500),
        _mlp(),
        "loss 1.1 → 0.9 within 2 epochs, then flat; accuracy 56 %",
        optimizer="adam", lr=1e-2, epochs=20, log_every=10, eval_every=20, tag_style="flat",
    ),
    run(
        "hf-digits-one-hidden-unit", "underfitting", HF,
        "Trainer, MLP with a single hidden unit on 10-class digits (default linear decay)",
        DIGITS,
        _mlp(1),
        "loss and eval_loss level off around 1.5 (ln 10 = 2.3), accuracy ~30 %",
        optimizer="adam", lr=1e-2, epochs=30, log_every=10, eval_every=30,
        schedule="linear",
    ),
    run(
        "hf-bert-width4", "underfitting", HF,
        "Trainer, BERT far too small: hidden size 4, 1 layer, 1 head (3 classes)",
        TOKENS3,
        ModelSpec(kind="bert", width=4, layers=1, heads=1),
        "loss 1.1 → ~0.67 then flat, accuracy ~60 %",
        optimizer="adam", lr=1e-3, epochs=8, batch_size=16, log_every=10, eval_every=30,
    ),
    run(
        "keras-digits-l2", "underfitting", KERAS,
        "Keras, L2(0.05) kernel regularisers on a digits MLP",
        DIGITS,
        _mlp(64),
        "loss and val_loss flat at ~1.2 after 3 epochs",
        optimizer="adam", lr=1e-2, l2=0.05, epochs=30, batch_size=64,
    ),
    run(
        "keras-circles-one-unit", "underfitting", KERAS,
        "Keras, one hidden unit on concentric circles (needs a ring boundary)",
        DataSpec("circles"),
        _mlp(1),
        "loss creeps from 0.69 to ~0.6 and flattens",
        optimizer="adam", lr=1e-2, epochs=60, batch_size=64,
    ),
    run(
        "keras-blobs-linear", "underfitting", KERAS,
        "Keras, a linear softmax model on 3 classes made of 2 clusters each",
        DataSpec("blobs", n_classes=3, n_samples=1500),
        _mlp(),
        "loss and val_loss flat at ~0.91 from epoch 2, accuracy ~56 %",
        optimizer="adam", lr=1e-2, epochs=30, batch_size=32,
    ),
]

NOT_CONVERGED = [
    run(
        "tb-digits-sgd-lr1e-3", "not_converged", TB,
        "plain SGD lr 1e-3 on a digits MLP for 20 epochs: far too slow",
        DIGITS,
        _mlp(64),
        "loss falls in a straight line to the last step",
        optimizer="sgd", lr=1e-3, epochs=20, log_every=10, eval_every=20,
    ),
    run(
        "tb-tokens-transformer-two-epochs", "not_converged", TB,
        "small transformer stopped after 2 epochs",
        TOKENS3,
        TRANSFORMER,
        "loss and eval loss still falling steeply at the end",
        optimizer="adam", lr=3e-4, epochs=2, batch_size=16, log_every=5, eval_every=10,
    ),
    run(
        "tb-regression-sgd-lr3e-4", "not_converged", TB,
        "SGD lr 3e-4 on an MSE regression MLP",
        REGRESSION,
        _mlp(64),
        "slow steady decline, nowhere near a plateau",
        optimizer="sgd", lr=3e-4, epochs=30, log_every=20, eval_every=20, tag_style="tutorial",
    ),
    run(
        "hf-bert-lr3e-4-short", "not_converged", HF,
        "Trainer, tiny BERT with constant lr 3e-4 stopped after 3 epochs",
        TOKENS2,
        BERT,
        "loss leaves ln 2 late and is falling steeply at the last step",
        optimizer="adam", lr=3e-4, epochs=3, batch_size=16, log_every=10, eval_every=20,
        schedule="constant",
    ),
    run(
        "hf-gpt2-lr3e-4-two-epochs", "not_converged", HF,
        "Trainer, tiny GPT-2 LM with constant lr 3e-4 stopped after 2 epochs",
        LANGUAGE,
        GPT2,
        "loss falls in a straight line from ≈ ln 48 = 3.9",
        optimizer="adam", lr=3e-4, epochs=2, batch_size=16, log_every=5, eval_every=10,
        schedule="constant",
    ),
    run(
        "hf-wine-sgd-low-lr", "not_converged", HF,
        "Trainer, constant SGD lr 3e-3 on a wine MLP",
        WINE,
        _mlp(32),
        "straight-line decline of loss and eval_loss",
        optimizer="sgd", lr=3e-3, epochs=40, batch_size=16, log_every=5, eval_every=15,
        schedule="constant",
        keep_checkpoints=2,
    ),
    run(
        "keras-cancer-sgd-low-lr", "not_converged", KERAS,
        "Keras, SGD lr 3e-4 on a breast-cancer MLP",
        CANCER,
        _mlp(32),
        "loss and val_loss still falling at the last epoch",
        optimizer="sgd", lr=3e-4, epochs=40, batch_size=32,
    ),
    run(
        "keras-digits-adam-3e-5", "not_converged", KERAS,
        "Keras, Adam lr 3e-5 for 25 epochs on digits",
        DIGITS,
        _mlp(64),
        "linear decline, accuracy still climbing",
        optimizer="adam", lr=3e-5, epochs=25, batch_size=32,
    ),
]

HEALTHY = [
    run(
        "tb-digits-step-decay", "healthy", TB,
        "Adam lr 3e-3 with step decay (÷10 at 50 % and 75 %) on digits",
        DIGITS,
        _mlp(64),
        "fast fall, flat tail, eval close to train; lr schedule logged",
        optimizer="adam", lr=3e-3, epochs=30, schedule="step", log_every=10, eval_every=20,
        log_lr=True,
    ),
    run(
        "tb-moons-cosine", "healthy", TB,
        "Adam lr 1e-2 with cosine decay on two moons, 2x32 MLP",
        MOONS,
        _mlp(32, 32),
        "falls, flattens at ~0.08, train ≈ eval",
        optimizer="adam", lr=1e-2, epochs=30, schedule="cosine", log_every=5, eval_every=15,
        log_lr=True, tag_style="flat",
    ),
    run(
        "tb-tokens-transformer-cosine", "healthy", TB,
        "small transformer, Adam 1e-3 with cosine decay on an easy token task",
        DataSpec("tokens", n_classes=3, n_samples=2000, signal=0.6),
        TRANSFORMER,
        "loss 0.9 → 0.01, eval flat at 0.02, accuracy 99 %",
        optimizer="adam", lr=1e-3, epochs=6, batch_size=32, log_every=10, eval_every=20,
        schedule="cosine",
    ),
    run(
        "tb-regression-cosine", "healthy", TB,
        "Adam lr 3e-3 with cosine decay on an MSE regression",
        REGRESSION,
        _mlp(64),
        "MSE 0.9 → 0.05, flat tail",
        optimizer="adam", lr=3e-3, epochs=40, schedule="cosine", log_every=5, eval_every=20,
        tag_style="tutorial",
    ),
    run(
        "hf-bert-cosine", "healthy", HF,
        "Trainer, tiny BERT on an easier 3-class token task (3,000 samples), cosine decay",
        DataSpec("tokens", n_classes=3, n_samples=3000, signal=0.5),
        BERT,
        "loss 1.1 → 0.1, eval_loss flattens beside it, accuracy 98 %",
        optimizer="adam", lr=1e-3, epochs=3, batch_size=32, log_every=10, eval_every=20,
        schedule="cosine",
    ),
    run(
        "hf-cancer-weight-decay", "healthy", HF,
        "Trainer, breast-cancer MLP with AdamW weight decay 0.01 and the default linear decay",
        CANCER,
        _mlp(32),
        "fast fall, flat tail, small gap",
        optimizer="adamw", lr=3e-3, weight_decay=0.01, epochs=20, batch_size=32, log_every=5,
        eval_every=20,
        schedule="linear",
    ),
    run(
        "hf-wine-adam", "healthy", HF,
        "Trainer, wine MLP, Adam lr 3e-3 with the default linear decay",
        WINE,
        _mlp(32),
        "smooth fall to ~0.03, eval tracks train",
        optimizer="adam", lr=3e-3, epochs=30, batch_size=16, log_every=5, eval_every=15,
        schedule="linear",
    ),
    run(
        "keras-iris-step-decay", "healthy", KERAS,
        "Keras, Adam lr 1e-2 with step decay (LearningRateScheduler) on iris",
        IRIS,
        _mlp(16),
        "falls, then flat; learning_rate column shows the steps",
        optimizer="adam", lr=1e-2, epochs=80, batch_size=16, schedule="step",
    ),
    run(
        "keras-wine-adam", "healthy", KERAS,
        "Keras, Adam lr 3e-3 on wine, 60 epochs",
        WINE,
        _mlp(16),
        "smooth fall to ~0.01, val_loss tracks loss",
        optimizer="adam", lr=3e-3, epochs=60, batch_size=16,
    ),
]

INSUFFICIENT = [
    run(
        "tb-digits-three-points", "insufficient_data", TB,
        "torch loop stopped after 30 steps: 3 train points, 1 eval point",
        DIGITS,
        _mlp(64),
        "too short to judge",
        optimizer="adam", lr=1e-3, max_steps=30, log_every=10, eval_every=30,
    ),
    run(
        "tb-regression-two-points", "insufficient_data", TB,
        "torch loop of 20 steps logging every 10, no evaluation",
        REGRESSION,
        _mlp(32),
        "two train points, no eval",
        optimizer="adam", lr=1e-3, max_steps=20, log_every=10, eval=False, tag_style="flat",
    ),
    run(
        "tb-moons-one-point", "insufficient_data", TB,
        "torch loop of 25 steps logging every 25: a single train and eval point",
        MOONS,
        _mlp(16),
        "one point each",
        optimizer="adam", lr=1e-2, max_steps=25, log_every=25, eval_every=25,
    ),
    run(
        "hf-bert-large-logging-steps", "insufficient_data", HF,
        "Trainer with logging_steps=100 on a 200-step run: 2 loss entries, 1 evaluation",
        TOKENS2,
        BERT,
        "two log_history loss entries and one eval entry",
        optimizer="adam", lr=1e-3, max_steps=200, batch_size=16, log_every=100, eval_every=200,
        schedule="linear",
    ),
    run(
        "hf-digits-one-eval", "insufficient_data", HF,
        "Trainer stopped after 30 steps (logging_steps 10): 3 losses, 1 evaluation",
        DIGITS,
        _mlp(32),
        "three loss entries, one eval",
        optimizer="adam", lr=1e-3, max_steps=30, log_every=10, eval_every=30,
        schedule="linear",
    ),
    run(
        "keras-iris-two-epochs", "insufficient_data", KERAS,
        "Keras fit for 2 epochs",
        IRIS,
        _mlp(16),
        "two CSV rows",
        optimizer="adam", lr=1e-2, epochs=2, batch_size=16,
    ),
    run(
        "keras-digits-one-epoch", "insufficient_data", KERAS,
        "Keras fit for a single epoch",
        DIGITS,
        _mlp(64),
        "one CSV row",
        optimizer="adam", lr=1e-3, epochs=1, batch_size=32,
    ),
]

# fmt: on

RECIPES: list[Recipe] = [
    *DIVERGED,
    *STUCK,
    *UNSTABLE,
    *OVERFITTING,
    *UNDERFITTING,
    *NOT_CONVERGED,
    *HEALTHY,
    *INSUFFICIENT,
]


def write_labels(outcomes: Sequence[Outcome], path: Path) -> None:
    """``labels.csv``: one row per run; notes = what to see + what was measured."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for outcome in outcomes:
            recipe = outcome.recipe
            notes = f"{recipe.notes}; measured: {outcome.summary}"
            writer.writerow((recipe.name, recipe.verdict, recipe.fmt, recipe.mechanism, notes))


def write_readme(outcomes: Sequence[Outcome], path: Path) -> None:
    """``tests/labelled/README.md``: what the set is, its columns, its spread, how to remake it."""
    lines = [
        "# Labelled runs",
        "",
        "Real training runs for measuring curvelint's verdict classifier",
        "(`python -m curvelint.evaluate tests/labelled`). Each run is a tiny randomly initialised",
        "model trained on the CPU whose log was written by the real library; its verdict was",
        "induced by the mechanism named in `labels.csv` and then checked on the written curves",
        "(`tools/curve_checks.py`: clear cases only, and no run meets two verdicts' definitions).",
        "",
        "`labels.csv` columns: `run` (folder under `runs/`), `verdict`, `format`",
        "(`tensorboard`: torch `SummaryWriter`; `trainer_state`: `transformers.Trainer`;",
        "`keras_csv`: Keras 3 `CSVLogger`), `mechanism` (what induced the verdict) and `notes`",
        "(what to see, then the measured first→last values).",
        "",
        "```",
        distribution(outcomes),
        "```",
        "",
        "Regenerate (from the repository root; deterministic curves, ~6 min on 2 cores):",
        "",
        "```sh",
        "python3 -m venv .venv-gen",
        ".venv-gen/bin/pip install torch==2.13.0",
        ".venv-gen/bin/pip install -r tools/requirements-generate.txt",
        ".venv-gen/bin/python -m tools.generate_labelled_runs",
        "```",
        "",
    ]
    path.write_text("\n".join(lines))


def distribution(outcomes: Sequence[Outcome]) -> str:
    """Runs per verdict x format, for the end of the log and the report."""
    counts = Counter((o.recipe.verdict, o.recipe.fmt) for o in outcomes)
    formats = sorted({o.recipe.fmt for o in outcomes})
    lines = [f"{'verdict':<18}" + "".join(f"{f:>15}" for f in formats) + f"{'total':>8}"]
    for verdict in dict.fromkeys(o.recipe.verdict for o in outcomes):
        row = [counts[verdict, f] for f in formats]
        lines.append(f"{verdict:<18}" + "".join(f"{n:>15}" for n in row) + f"{sum(row):>8}")
    return "\n".join(lines)


def main() -> int:
    """Generate, check, write ``labels.csv``; exit 1 when a run does not show its label."""
    setup_logging()
    args = parse_args(__doc__.splitlines()[0], DEFAULT_OUT)
    outcomes = generate(RECIPES, args.out, args)
    write_labels(outcomes, args.out.parent / "labels.csv")
    write_readme(outcomes, args.out.parent / "README.md")
    print(summary_table(outcomes))  # noqa: T201
    print(distribution(outcomes))  # noqa: T201
    failed = [o.recipe.name for o in outcomes if not o.ok]
    if failed:
        log.error("%d run(s) do not show their label: %s", len(failed), ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
