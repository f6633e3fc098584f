"""Runs written by PyTorch Lightning's ``CSVLogger`` (``lightning_logs/version_0/metrics.csv``).

Lightning logs the *current* batch's loss every ``log_every_n_steps`` (not a mean), and
``on_epoch=True`` adds its epoch mean as ``train_loss_epoch``; validation runs each epoch.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, TensorDataset

from tools.benchmark_runs import models
from tools.benchmark_runs.data import load
from tools.benchmark_runs.schedules import lr_factor, make_optimizer, plateau
from tools.benchmark_runs.spec import BenchRun
from tools.tiny_training import seed_everything


def _module(run: BenchRun, total: int) -> Any:
    import pytorch_lightning as pl

    data = load(run.data, run.seed)

    class Module(pl.LightningModule):  # type: ignore[misc]
        """The benchmark network with its loss, metrics and schedule."""

        def __init__(self) -> None:
            super().__init__()
            self.net = models.build(run.arch, data)

        def _shared(self, batch: Any) -> tuple[torch.Tensor, float]:
            inputs, targets = batch
            outputs = models.forward(self.net, inputs, targets)
            loss = models.loss_of(outputs, targets, data.task)
            return loss, models.accuracy_of(outputs.detach(), targets, data.task)

        def training_step(self, batch: Any, _index: int) -> torch.Tensor:
            loss, accuracy = self._shared(batch)
            self.log("train_loss", loss, on_step=True, on_epoch=run.train.on_epoch)
            if data.task != "regression":
                self.log("train_acc", accuracy, on_step=True, on_epoch=False)
            return loss

        def validation_step(self, batch: Any, _index: int) -> None:
            loss, accuracy = self._shared(batch)
            self.log("val_loss", loss, on_epoch=True)
            if data.task != "regression":
                self.log("val_acc", accuracy, on_epoch=True)

        def configure_optimizers(self) -> Any:
            optimizer = make_optimizer(run.train, self.parameters())
            if run.train.schedule == "plateau":
                scheduler = {"scheduler": plateau(optimizer), "monitor": "val_loss"}
            else:
                schedule = torch.optim.lr_scheduler.LambdaLR(
                    optimizer, lambda step: lr_factor(run.train.schedule, step, total)
                )
                scheduler = {"scheduler": schedule, "interval": "step"}
            return {"optimizer": optimizer, "lr_scheduler": scheduler}

    return Module(), data


def train(run: BenchRun, run_dir: Path) -> None:
    """Fit with a ``CSVLogger`` (and a ``LearningRateMonitor`` on odd seeds)."""
    import pytorch_lightning as pl
    from pytorch_lightning.callbacks import LearningRateMonitor
    from pytorch_lightning.loggers import CSVLogger

    seed_everything(run.seed)
    pl.seed_everything(run.seed, verbose=False)
    train_spec = run.train
    probe = load(run.data, run.seed)
    per_epoch = math.ceil(len(probe.x_train) / train_spec.batch_size)
    total = train_spec.max_steps or per_epoch * train_spec.epochs
    module, data = _module(run, total)
    generator = torch.Generator().manual_seed(run.seed)
    train_loader = DataLoader(
        TensorDataset(torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)),
        batch_size=train_spec.batch_size, shuffle=True, generator=generator,
    )  # fmt: skip
    eval_loader = DataLoader(
        TensorDataset(torch.from_numpy(data.x_eval), torch.from_numpy(data.y_eval)),
        batch_size=512,
    )
    callbacks = [LearningRateMonitor("step")] if run.seed % 2 else []
    trainer = pl.Trainer(
        max_epochs=train_spec.epochs if not train_spec.max_steps else -1,
        max_steps=train_spec.max_steps or -1,
        logger=CSVLogger(str(run_dir), name="lightning_logs", version=0),
        log_every_n_steps=train_spec.log_every,
        gradient_clip_val=train_spec.clip or None,
        val_check_interval=train_spec.eval_every or None,
        check_val_every_n_epoch=None if train_spec.eval_every else 1,
        limit_val_batches=1.0 if train_spec.evaluate else 0,
        num_sanity_val_steps=0,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        devices=1,
        deterministic=True,
        callbacks=callbacks,
    )
    trainer.fit(module, train_loader, eval_loader)
