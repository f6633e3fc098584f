"""Train tiny randomly initialised models on the CPU and let the real libraries write the logs.

Both generators (``generate_sample_logs.py`` and ``generate_labelled_runs.py``) describe runs as
:class:`Recipe` objects and call :func:`run_recipe`; this module owns the three ways a log is
written, so the demo data and the labelled set come from the same code:

* ``tensorboard``: a plain PyTorch loop logging with ``torch.utils.tensorboard.SummaryWriter``;
* ``trainer_state``: ``transformers.Trainer`` (its ``trainer_state.json``, optional
  ``checkpoint-N/`` folders and optional TensorBoard ``runs/`` logs);
* ``keras_csv`` / ``keras_tensorboard``: Keras 3 on the torch backend with ``CSVLogger`` or the
  ``TensorBoard`` callback (``train/`` + ``validation/`` TF2 tensor scalars).

Each recipe's *mechanism* (learning rate, model size, data damage…) is what produces its curve
shape; the generators check the written curves afterwards instead of trusting the recipe.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from tools.tiny_data import Data, DataSpec, load_data

# Keras is imported lazily, inside the functions that use it, so these take effect in time.
os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TENSORBOARD, TRAINER, KERAS_CSV, KERAS_TB = (
    "tensorboard",
    "trainer_state",
    "keras_csv",
    "keras_tensorboard",
)
# Logs only: whatever a library leaves beside them (weights, optimizer state) is deleted.
KEPT_TRAINER_FILES = frozenset({"trainer_state.json"})
FORBIDDEN_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".keras")

# Tag spellings of the SummaryWriter runs: real scripts disagree, the analyzer must not care.
TAG_STYLES: dict[str, dict[str, str]] = {
    "slash": {
        "loss": "train/loss",
        "val_loss": "eval/loss",
        "acc": "train/accuracy",
        "val_acc": "eval/accuracy",
        "lr": "train/learning_rate",
    },
    "tutorial": {
        "loss": "Loss/train",
        "val_loss": "Loss/val",
        "acc": "Accuracy/train",
        "val_acc": "Accuracy/val",
        "lr": "LearningRate",
    },
    "flat": {
        "loss": "loss",
        "val_loss": "val_loss",
        "acc": "acc",
        "val_acc": "val_acc",
        "lr": "lr",
    },
}


@dataclass(frozen=True)
class ModelSpec:
    """The network: ``mlp`` (``hidden=()`` is a linear model), ``transformer`` (torch encoder),
    ``bert``/``gpt2`` (transformers configs, Trainer only). ``dead_relu`` initialises hidden
    biases far negative so every ReLU is dead from the start; ``zero_head`` starts the output
    layer at zero (the loss starts exactly at a guess's, ln C); ``fp16`` runs the torch model
    in half precision so large activations overflow to inf."""

    kind: str = "mlp"
    hidden: tuple[int, ...] = (64,)
    activation: str = "relu"
    dropout: float = 0.0
    dead_relu: bool = False
    zero_head: bool = False
    fp16: bool = False
    width: int = 32
    layers: int = 2
    heads: int = 2


@dataclass(frozen=True)
class FitSpec:
    """How the model is trained and how often the log is written.

    ``log_every``/``eval_every`` are in optimizer steps (Keras logs once per epoch whatever
    they say). ``schedule`` is ``constant``, ``step`` (÷10 at 50 % and 75 %; not for the
    Trainer), ``cosine`` or ``linear`` (the Trainer's own default; recipes name it). ``clip``
    None keeps each library's default (the Trainer clips at 1.0), 0 disables clipping.
    ``weight_decay`` is the optimizer's (coupled L2 for SGD/Adam, decoupled for AdamW); ``l2``
    is a Keras kernel regulariser, which Keras reports inside the loss.
    """

    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.0
    weight_decay: float = 0.0
    l2: float = 0.0
    epochs: int = 10
    max_steps: int | None = None
    batch_size: int = 32
    schedule: str = "constant"
    log_every: int = 10
    eval_every: int = 50
    clip: float | None = None
    log_lr: bool = False
    tag_style: str = "slash"
    keep_checkpoints: int = 0
    trainer_tensorboard: bool = False
    eval: bool = True


@dataclass(frozen=True)
class Recipe:
    """One run: where it goes, which verdict it should show, and the mechanism that makes it."""

    name: str
    verdict: str
    fmt: str
    mechanism: str
    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    fit: FitSpec = field(default_factory=FitSpec)
    notes: str = ""
    seed: int = 0


# ---------------------------------------------------------------- torch models


class TinyTransformer(nn.Module):
    """Token embedding + learned positions + a small encoder, mean-pooled into a classifier."""

    def __init__(self, spec: ModelSpec, vocab: int, seq_len: int, n_out: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, spec.width)
        self.position = nn.Parameter(torch.randn(1, seq_len, spec.width) * 0.02)
        layer = nn.TransformerEncoderLayer(
            spec.width, spec.heads, 2 * spec.width, dropout=spec.dropout, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, spec.layers, enable_nested_tensor=False)
        self.head = nn.Linear(spec.width, n_out)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(self.embed(tokens) + self.position)
        return self.head(hidden.mean(dim=1))


def build_mlp(spec: ModelSpec, n_in: int, n_out: int) -> nn.Sequential:
    """Dense layers with the chosen activation; dead-ReLU biases start at -10."""
    activations = {"relu": nn.ReLU, "tanh": nn.Tanh}
    layers: list[nn.Module] = []
    width = n_in
    for size in spec.hidden:
        linear = nn.Linear(width, size)
        if spec.dead_relu:
            nn.init.constant_(linear.bias, -10.0)
        layers += [linear, activations[spec.activation]()]
        if spec.dropout:
            layers.append(nn.Dropout(spec.dropout))
        width = size
    head = nn.Linear(width, n_out)
    if spec.zero_head:
        nn.init.zeros_(head.weight)
    layers.append(head)
    return nn.Sequential(*layers)


def build_torch_model(spec: ModelSpec, data: Data) -> nn.Module:
    """The torch network for ``data`` (one output for a regression)."""
    n_out = data.n_classes or 1
    if spec.kind == "transformer":
        vocab = int(max(data.x_train.max(), data.x_eval.max())) + 1
        return TinyTransformer(spec, vocab, data.n_features, n_out)
    return build_mlp(spec, data.n_features, n_out)


def task_loss(outputs: torch.Tensor, targets: torch.Tensor, task: str) -> torch.Tensor:
    """Cross-entropy for a classifier, MSE for a regression; computed in float32."""
    outputs = outputs.float()
    if task == "regression":
        return nn.functional.mse_loss(outputs.squeeze(-1), targets)
    return nn.functional.cross_entropy(outputs, targets)


def make_optimizer(fit: FitSpec, params: Any) -> torch.optim.Optimizer:
    """SGD (with momentum), Adam or AdamW, as named by the recipe."""
    if fit.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=fit.lr, momentum=fit.momentum, weight_decay=fit.weight_decay
        )
    if fit.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=fit.lr, weight_decay=fit.weight_decay)
    return torch.optim.Adam(params, lr=fit.lr, weight_decay=fit.weight_decay)


def lr_factor(schedule: str, step: int, total: int) -> float:
    """Multiplier of the base learning rate at ``step`` of ``total`` steps."""
    progress = step / max(total, 1)
    if schedule == "step":
        return 1.0 if progress < 0.5 else 0.1 if progress < 0.75 else 0.01
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * progress))
    if schedule == "linear":
        return 1.0 - progress
    return 1.0


def total_steps(fit: FitSpec, n_train: int) -> int:
    """Optimizer steps a recipe runs: ``max_steps`` or whole epochs of batches."""
    per_epoch = math.ceil(n_train / fit.batch_size)
    return fit.max_steps or per_epoch * fit.epochs


def seed_everything(seed: int) -> None:
    """Fix every generator the libraries use; one thread keeps CPU float sums repeatable."""
    torch.manual_seed(seed)
    np.random.seed(seed)  # Keras and sklearn helpers still read the legacy global state
    torch.set_num_threads(1)


# ---------------------------------------------------------------- torch + SummaryWriter


class TorchRun:
    """A plain PyTorch training loop that logs like a hand-written research script.

    Train loss/accuracy are the means over the last ``log_every`` steps; eval metrics are
    computed on the whole eval set every ``eval_every`` steps and at the end.
    """

    def __init__(self, recipe: Recipe, run_dir: Path) -> None:
        from torch.utils.tensorboard import SummaryWriter

        seed_everything(recipe.seed)
        self.recipe, self.fit = recipe, recipe.fit
        self.data = load_data(recipe.data, recipe.seed)
        self.model = build_torch_model(recipe.model, self.data)
        self.dtype = torch.float16 if recipe.model.fp16 else torch.float32
        if recipe.model.fp16:
            self.model = self.model.half()
        self.optimizer = make_optimizer(self.fit, self.model.parameters())
        self.total = total_steps(self.fit, len(self.data.x_train))
        self.tags = TAG_STYLES[self.fit.tag_style]
        self.writer = SummaryWriter(str(run_dir), flush_secs=3600)
        self.window: list[tuple[float, float]] = []
        self.step = 0

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        tensor = torch.from_numpy(array)
        return tensor.to(self.dtype) if tensor.is_floating_point() else tensor

    def _accuracy(self, outputs: torch.Tensor, targets: torch.Tensor) -> float:
        if self.data.task != "classification":
            return float("nan")
        return float((outputs.argmax(-1) == targets).float().mean())

    def _train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = self.fit.lr * lr_factor(self.fit.schedule, self.step, self.total)
        self.model.train()
        outputs = self.model(inputs)
        loss = task_loss(outputs, targets, self.data.task)
        self.optimizer.zero_grad()
        loss.backward()
        if self.fit.clip:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.fit.clip)
        self.optimizer.step()
        self.step += 1
        self.window.append((loss.item(), self._accuracy(outputs.detach(), targets)))

    def _log_train(self) -> None:
        losses, accuracies = zip(*self.window, strict=True)
        self.writer.add_scalar(self.tags["loss"], float(np.mean(losses)), self.step)
        if self.data.task == "classification":
            self.writer.add_scalar(self.tags["acc"], float(np.mean(accuracies)), self.step)
        if self.fit.log_lr:
            self.writer.add_scalar(self.tags["lr"], self.optimizer.param_groups[0]["lr"], self.step)
        self.window.clear()

    @torch.no_grad()
    def _log_eval(self) -> None:
        self.model.eval()
        inputs, targets = self._tensor(self.data.x_eval), torch.from_numpy(self.data.y_eval)
        outputs = self.model(inputs)
        loss = float(task_loss(outputs, targets, self.data.task))
        self.writer.add_scalar(self.tags["val_loss"], loss, self.step)
        if self.data.task == "classification":
            self.writer.add_scalar(
                self.tags["val_acc"], self._accuracy(outputs, targets), self.step
            )

    def _batches(self, generator: torch.Generator) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(len(self.data.x_train), generator=generator).numpy()
        for start in range(0, len(order), self.fit.batch_size):
            index = order[start : start + self.fit.batch_size]
            yield self._tensor(self.data.x_train[index]), torch.from_numpy(self.data.y_train[index])

    def _after_step(self) -> None:
        if self.step % self.fit.log_every == 0 or self.step == self.total:
            self._log_train()
        if self.fit.eval and (self.step % self.fit.eval_every == 0 or self.step == self.total):
            self._log_eval()

    def run(self) -> None:
        """Train for the recipe's steps, then close the writer (which flushes the events)."""
        generator = torch.Generator().manual_seed(self.recipe.seed)
        while self.step < self.total:
            for inputs, targets in self._batches(generator):
                self._train_step(inputs, targets)
                self._after_step()
                if self.step >= self.total:
                    break
        self.writer.close()


# ---------------------------------------------------------------- transformers.Trainer


class LossHead(nn.Module):
    """Wrap a torch network so ``Trainer`` gets the ``{"loss", "logits"}`` it expects."""

    def __init__(self, net: nn.Module, task: str) -> None:
        super().__init__()
        self.net, self.task = net, task

    def forward(self, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        logits = self.net(inputs)
        output = {"logits": logits}
        if labels is not None:
            output["loss"] = task_loss(logits, labels, self.task)
        return output


def build_hf_model(spec: ModelSpec, data: Data) -> nn.Module:
    """A tiny randomly initialised BERT/GPT-2 from a config, or a wrapped torch network."""
    from transformers import BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel

    if spec.kind == "bert":
        config = BertConfig(
            vocab_size=int(data.x_train.max()) + 1,
            hidden_size=spec.width,
            num_hidden_layers=spec.layers,
            num_attention_heads=spec.heads,
            intermediate_size=2 * spec.width,
            max_position_embeddings=data.n_features,
            num_labels=data.n_classes,
            hidden_dropout_prob=spec.dropout,
            attention_probs_dropout_prob=spec.dropout,
        )
        return BertForSequenceClassification(config)
    if spec.kind == "gpt2":
        config = GPT2Config(
            vocab_size=data.n_classes,
            n_embd=spec.width,
            n_layer=spec.layers,
            n_head=spec.heads,
            n_positions=data.n_features,
            resid_pdrop=spec.dropout,
            embd_pdrop=spec.dropout,
            attn_pdrop=spec.dropout,
        )
        return GPT2LMHeadModel(config)
    return LossHead(build_torch_model(spec, data), data.task)


def hf_records(x: np.ndarray, y: np.ndarray, spec: ModelSpec) -> list[dict[str, Any]]:
    """Trainer examples: ``input_ids`` for the transformers models, ``inputs`` otherwise."""
    key = "input_ids" if spec.kind in ("bert", "gpt2") else "inputs"
    return [
        {key: torch.from_numpy(a), "labels": torch.as_tensor(b)} for a, b in zip(x, y, strict=True)
    ]


def accuracy_metric(prediction: Any) -> dict[str, float]:
    """``compute_metrics`` for a classifier: the share of argmax predictions that are right."""
    logits = prediction.predictions
    return {"accuracy": float((np.argmax(logits, axis=-1) == prediction.label_ids).mean())}


def trainer_arguments(recipe: Recipe, run_dir: Path) -> Any:
    """``TrainingArguments`` from the recipe; everything else keeps the Trainer's defaults."""
    from transformers import TrainingArguments

    fit = recipe.fit
    if fit.schedule == "step":
        raise ValueError(f"{recipe.name}: the Trainer has no step-decay schedule")
    optim = {"sgd": "sgd", "adam": "adamw_torch", "adamw": "adamw_torch"}[fit.optimizer]
    return TrainingArguments(
        output_dir=str(run_dir),
        num_train_epochs=fit.epochs,
        max_steps=fit.max_steps or -1,
        per_device_train_batch_size=fit.batch_size,
        per_device_eval_batch_size=512,
        learning_rate=fit.lr,
        weight_decay=fit.weight_decay,
        optim=optim,
        optim_args=f"momentum={fit.momentum}" if fit.optimizer == "sgd" else None,
        lr_scheduler_type=fit.schedule,
        max_grad_norm=1.0 if fit.clip is None else fit.clip,
        logging_steps=fit.log_every,
        eval_strategy="steps" if fit.eval else "no",
        eval_steps=fit.eval_every,
        save_strategy="steps" if fit.keep_checkpoints else "no",
        save_steps=fit.eval_every,
        save_total_limit=fit.keep_checkpoints or None,
        report_to=["tensorboard"] if fit.trainer_tensorboard else "none",
        seed=recipe.seed,
        data_seed=recipe.seed,
        use_cpu=True,
        disable_tqdm=True,
        log_level="error",
        dataloader_num_workers=0,
    )


def train_with_trainer(recipe: Recipe, run_dir: Path) -> None:
    """Train with ``transformers.Trainer``, save its state at the root, keep only logs."""
    from transformers import Trainer, set_seed
    from transformers.trainer_callback import PrinterCallback

    seed_everything(recipe.seed)
    set_seed(recipe.seed)
    data = load_data(recipe.data, recipe.seed)
    trainer = Trainer(
        model=build_hf_model(recipe.model, data),
        args=trainer_arguments(recipe, run_dir),
        train_dataset=hf_records(data.x_train, data.y_train, recipe.model),
        eval_dataset=hf_records(data.x_eval, data.y_eval, recipe.model),
        compute_metrics=accuracy_metric if data.task == "classification" else None,
    )
    trainer.remove_callback(PrinterCallback)
    trainer.train()
    trainer.save_state()
    keep_only_trainer_logs(run_dir)


def keep_only_trainer_logs(run_dir: Path) -> None:
    """Delete weights, optimizer and RNG state: the demo data must be logs only."""
    for checkpoint in run_dir.glob("checkpoint-*"):
        for item in checkpoint.iterdir():
            if item.is_dir():
                shutil.rmtree(item)
            elif item.name not in KEPT_TRAINER_FILES:
                item.unlink()
    for item in run_dir.iterdir():
        if item.is_file() and item.name not in KEPT_TRAINER_FILES:
            item.unlink()


# ---------------------------------------------------------------- Keras 3 (torch backend)


def build_keras_model(spec: ModelSpec, fit: FitSpec, data: Data) -> Any:
    """A Keras ``Sequential`` MLP mirroring :func:`build_mlp` (L2 on every kernel)."""
    import keras

    regulariser = keras.regularizers.L2(fit.l2) if fit.l2 else None
    bias = keras.initializers.Constant(-10.0) if spec.dead_relu else "zeros"
    layers: list[Any] = [keras.Input((data.n_features,))]
    for size in spec.hidden:
        layers.append(
            keras.layers.Dense(
                size,
                activation=spec.activation,
                kernel_regularizer=regulariser,
                bias_initializer=bias,
            )
        )
        if spec.dropout:
            layers.append(keras.layers.Dropout(spec.dropout))
    head_init = "zeros" if spec.zero_head else "glorot_uniform"
    layers.append(
        keras.layers.Dense(
            data.n_classes or 1, kernel_regularizer=regulariser, kernel_initializer=head_init
        )
    )
    return keras.Sequential(layers)


def keras_optimizer(fit: FitSpec) -> Any:
    """The Keras optimizer named by the recipe (``clipnorm`` when ``clip`` is set)."""
    import keras

    extra = {"clipnorm": fit.clip} if fit.clip else {}
    if fit.optimizer == "sgd":
        return keras.optimizers.SGD(fit.lr, momentum=fit.momentum, **extra)
    if fit.optimizer == "adamw":
        return keras.optimizers.AdamW(fit.lr, weight_decay=fit.weight_decay, **extra)
    return keras.optimizers.Adam(fit.lr, **extra)


def keras_callbacks(recipe: Recipe, run_dir: Path) -> list[Any]:
    """The writer callback of the format, plus a step-decay scheduler when asked."""
    import keras

    fit = recipe.fit
    callbacks: list[Any] = []
    if fit.schedule != "constant":
        callbacks.append(
            keras.callbacks.LearningRateScheduler(
                lambda epoch: fit.lr * lr_factor(fit.schedule, epoch, fit.epochs)
            )
        )
    if recipe.fmt == KERAS_TB:
        callbacks.append(
            keras.callbacks.TensorBoard(
                str(run_dir), histogram_freq=0, write_graph=False, update_freq="epoch"
            )
        )
    else:
        callbacks.append(keras.callbacks.CSVLogger(str(run_dir / "training.log")))
    return callbacks


def train_with_keras(recipe: Recipe, run_dir: Path) -> None:
    """Keras 3 ``fit`` with validation data: one logged row per epoch."""
    import keras

    seed_everything(recipe.seed)
    keras.utils.set_random_seed(recipe.seed)
    data = load_data(recipe.data, recipe.seed)
    model = build_keras_model(recipe.model, recipe.fit, data)
    classifier = data.task == "classification"
    model.compile(
        optimizer=keras_optimizer(recipe.fit),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True) if classifier else "mse",
        metrics=["accuracy"] if classifier else [],
    )
    validation = (data.x_eval, data.y_eval) if recipe.fit.eval else None
    model.fit(
        data.x_train,
        data.y_train,
        validation_data=validation,
        epochs=recipe.fit.epochs,
        batch_size=recipe.fit.batch_size,
        shuffle=True,
        verbose=0,
        callbacks=keras_callbacks(recipe, run_dir),
    )


# ---------------------------------------------------------------- entry point


def forbidden_files(run_dir: Path) -> list[Path]:
    """Model or optimizer files left in a run directory (there must be none)."""
    return [p for p in run_dir.rglob("*") if p.suffix in FORBIDDEN_SUFFIXES]


def run_recipe(recipe: Recipe, root: Path) -> Path:
    """Train ``recipe`` into a fresh ``root/<name>`` and return that directory."""
    run_dir = root / recipe.name
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    if recipe.fmt == TENSORBOARD:
        TorchRun(recipe, run_dir).run()
    elif recipe.fmt == TRAINER:
        train_with_trainer(recipe, run_dir)
    elif recipe.fmt in (KERAS_CSV, KERAS_TB):
        train_with_keras(recipe, run_dir)
    else:
        raise ValueError(f"unknown format {recipe.fmt!r}")
    leftovers = forbidden_files(run_dir)
    if leftovers:
        raise RuntimeError(f"{run_dir}: non-log files left behind: {leftovers}")
    return run_dir
