"""Runs written by ``transformers.Trainer``: ``trainer_state.json`` (and its TensorBoard logs).

The Trainer logs the train loss averaged over ``logging_steps`` and clips gradients at 1.0
unless told otherwise; both matter for what the curves show, so they are kept as they are.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from tools.benchmark_runs import models
from tools.benchmark_runs.data import load
from tools.benchmark_runs.schedules import lr_factor, make_optimizer
from tools.benchmark_runs.spec import BenchRun
from tools.tiny_data import Data
from tools.tiny_training import ModelSpec, build_hf_model, keep_only_trainer_logs, seed_everything

SCHEDULER_TYPES = {
    "constant": "constant",
    "linear": "linear",
    "cosine": "cosine",
    "warmup_linear": "linear",
    "warmup_cosine": "cosine",
    "plateau": "reduce_lr_on_plateau",
}


class WithLoss(nn.Module):
    """Wrap a benchmark network so the Trainer gets the ``{"loss", "logits"}`` it expects."""

    def __init__(self, net: nn.Module, task: str) -> None:
        super().__init__()
        self.net, self.task = net, task

    def forward(self, inputs: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, Any]:
        logits = models.forward(self.net, inputs, labels) if labels is not None else None
        output: dict[str, Any] = {"logits": logits}
        if labels is not None and logits is not None:
            output["loss"] = models.loss_of(logits, labels, self.task)
        return output


def _model(run: BenchRun, data: Data) -> nn.Module:
    if run.arch.kind == "bert":
        spec = ModelSpec(kind="bert", width=run.arch.width, layers=run.arch.layers, heads=2,
                         dropout=run.arch.dropout)  # fmt: skip
        return build_hf_model(spec, data)
    return WithLoss(models.build(run.arch, data), data.task)


def _records(x: np.ndarray, y: np.ndarray, bert: bool) -> list[dict[str, torch.Tensor]]:
    key = "input_ids" if bert else "inputs"
    return [
        {key: torch.from_numpy(a), "labels": torch.as_tensor(b)} for a, b in zip(x, y, strict=True)
    ]


def _accuracy(prediction: Any) -> dict[str, float]:
    logits = prediction.predictions
    return {"accuracy": float((np.argmax(logits, axis=-1) == prediction.label_ids).mean())}


def _arguments(run: BenchRun, run_dir: Path, total: int) -> Any:
    from transformers import TrainingArguments

    train = run.train
    optim = "sgd" if train.optimizer == "sgd" else "adamw_torch"
    weight_decay = train.weight_decay or (0.01 if train.optimizer == "adamw" else 0.0)
    evaluation = "no" if not train.evaluate else "epoch" if not train.eval_every else "steps"
    return TrainingArguments(
        output_dir=str(run_dir),
        num_train_epochs=train.epochs,
        max_steps=train.max_steps or -1,
        per_device_train_batch_size=train.batch_size,
        per_device_eval_batch_size=512,
        learning_rate=train.lr,
        weight_decay=weight_decay,
        optim=optim,
        optim_args=f"momentum={train.momentum}" if train.optimizer == "sgd" else None,
        lr_scheduler_type=SCHEDULER_TYPES.get(train.schedule, "constant"),
        warmup_steps=int(0.1 * total) if train.schedule.startswith("warmup_") else 0,
        max_grad_norm=1.0 if train.clip is None else train.clip,
        logging_steps=train.log_every,
        eval_strategy=evaluation,
        eval_steps=train.eval_every or None,
        save_strategy="no",
        report_to=["tensorboard"] if train.tb_logs else "none",
        seed=run.seed,
        data_seed=run.seed,
        use_cpu=True,
        disable_tqdm=True,
        log_level="error",
        dataloader_num_workers=0,
    )


def train(run: BenchRun, run_dir: Path) -> None:
    """Train with ``transformers.Trainer``; keep only its logs."""
    from transformers import Trainer, set_seed
    from transformers.trainer_callback import PrinterCallback

    seed_everything(run.seed)
    set_seed(run.seed)
    data = load(run.data, run.seed)
    model = _model(run, data)
    bert = run.arch.kind == "bert"
    total = run.train.max_steps or run.train.epochs * math.ceil(
        len(data.x_train) / run.train.batch_size
    )
    optimizers: tuple[Any, Any] = (None, None)
    if run.train.schedule == "step":  # the Trainer has no step decay: hand it a LambdaLR
        optimizer = make_optimizer(run.train, model.parameters())
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: lr_factor("step", step, total)
        )
        optimizers = (optimizer, schedule)
    trainer = Trainer(
        model=model,
        args=_arguments(run, run_dir, total),
        train_dataset=_records(data.x_train, data.y_train, bert),
        eval_dataset=_records(data.x_eval, data.y_eval, bert),
        compute_metrics=_accuracy if data.task != "regression" else None,
        optimizers=optimizers,
    )
    trainer.remove_callback(PrinterCallback)
    trainer.train()
    trainer.save_state()
    keep_only_trainer_logs(run_dir)
