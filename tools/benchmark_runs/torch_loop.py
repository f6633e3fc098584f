"""A hand-written PyTorch loop that logs with ``torch.utils.tensorboard.SummaryWriter``.

Train metrics are the mean over the last ``log_every`` steps (every step when 1); the eval
set is scored every ``eval_every`` steps (each epoch when 0) and at the end.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from tools.benchmark_runs import models
from tools.benchmark_runs.data import load
from tools.benchmark_runs.schedules import lr_factor, make_optimizer, plateau
from tools.benchmark_runs.spec import BenchRun
from tools.tiny_training import TAG_STYLES, seed_everything


class TorchLoop:
    """One run's model, optimizer and writer; :meth:`run` trains and closes the writer."""

    def __init__(self, run: BenchRun, run_dir: Path) -> None:
        from torch.utils.tensorboard import SummaryWriter

        seed_everything(run.seed)
        self.run_spec, self.train = run, run.train
        self.data = load(run.data, run.seed)
        self.model = models.build(run.arch, self.data)
        self.optimizer = make_optimizer(self.train, self.model.parameters())
        self.plateau = plateau(self.optimizer) if self.train.schedule == "plateau" else None
        per_epoch = math.ceil(len(self.data.x_train) / self.train.batch_size)
        self.per_epoch = per_epoch
        self.total = self.train.max_steps or per_epoch * self.train.epochs
        self.tags = TAG_STYLES[self.train.tag_style]
        self.writer = SummaryWriter(str(run_dir), flush_secs=3600)
        self.window: list[tuple[float, float, float]] = []
        self.step = 0

    def _train_step(self, inputs: torch.Tensor, targets: torch.Tensor) -> None:
        if self.plateau is None:
            factor = lr_factor(self.train.schedule, self.step, self.total)
            for group in self.optimizer.param_groups:
                group["lr"] = self.train.lr * factor
        self.model.train()
        outputs = models.forward(self.model, inputs, targets)
        loss = models.loss_of(outputs, targets, self.data.task)
        self.optimizer.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(self.model.parameters(), self.train.clip or math.inf)
        self.optimizer.step()
        self.step += 1
        accuracy = models.accuracy_of(outputs.detach(), targets, self.data.task)
        self.window.append((loss.item(), accuracy, float(norm)))

    def _log_train(self) -> None:
        losses, accuracies, norms = (np.array(column) for column in zip(*self.window, strict=True))
        self.writer.add_scalar(self.tags["loss"], float(losses.mean()), self.step)
        if self.data.task != "regression":
            self.writer.add_scalar(self.tags["acc"], float(accuracies.mean()), self.step)
        if self.run_spec.seed % 2:  # half the runs also log what many scripts log
            self.writer.add_scalar(self.tags["lr"], self.optimizer.param_groups[0]["lr"], self.step)
            self.writer.add_scalar("train/grad_norm", float(norms.mean()), self.step)
        self.window.clear()

    @torch.no_grad()
    def _log_eval(self) -> None:
        self.model.eval()
        inputs, targets = torch.from_numpy(self.data.x_eval), torch.from_numpy(self.data.y_eval)
        outputs = models.forward(self.model, inputs, targets)
        loss = float(models.loss_of(outputs, targets, self.data.task))
        self.writer.add_scalar(self.tags["val_loss"], loss, self.step)
        if self.data.task != "regression":
            accuracy = models.accuracy_of(outputs, targets, self.data.task)
            self.writer.add_scalar(self.tags["val_acc"], accuracy, self.step)
        if self.plateau is not None:
            self.plateau.step(loss if math.isfinite(loss) else math.inf)

    def _after_step(self) -> None:
        if self.step % self.train.log_every == 0 or self.step == self.total:
            self._log_train()
        every = self.train.eval_every or self.per_epoch
        if self.train.evaluate and (self.step % every == 0 or self.step == self.total):
            self._log_eval()

    def run(self) -> None:
        """Train for the run's steps, then close the writer (which flushes the events)."""
        generator = torch.Generator().manual_seed(self.run_spec.seed)
        x, y = self.data.x_train, self.data.y_train
        while self.step < self.total:
            order = torch.randperm(len(x), generator=generator).numpy()
            for start in range(0, len(order), self.train.batch_size):
                index = order[start : start + self.train.batch_size]
                self._train_step(torch.from_numpy(x[index]), torch.from_numpy(y[index]))
                self._after_step()
                if self.step >= self.total:
                    break
        self.writer.close()


def train(run: BenchRun, run_dir: Path) -> None:
    """Write ``run`` as SummaryWriter event files in ``run_dir``."""
    TorchLoop(run, run_dir).run()
