"""Learning-rate schedules as a multiplier of the base rate, shared by every library's run."""

from __future__ import annotations

import math
from typing import Any

import torch

from tools.benchmark_runs.spec import Train

WARMUP_SHARE = 0.1


def lr_factor(schedule: str, step: int, total: int) -> float:
    """Multiplier at ``step`` of ``total`` (``plateau`` is driven by the eval loss instead)."""
    progress = step / max(total, 1)
    if schedule.startswith("warmup_"):
        if progress < WARMUP_SHARE:
            return (step + 1) / max(1, WARMUP_SHARE * total)
        progress = (progress - WARMUP_SHARE) / (1 - WARMUP_SHARE)
        schedule = schedule.removeprefix("warmup_")
    if schedule == "step":
        return 1.0 if progress < 0.5 else 0.1 if progress < 0.75 else 0.01
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * progress))
    if schedule == "linear":
        return max(0.0, 1.0 - progress)
    return 1.0


def make_optimizer(train: Train, params: Any) -> torch.optim.Optimizer:
    """SGD (with momentum), Adam or AdamW, as the run names it."""
    if train.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=train.lr, momentum=train.momentum, weight_decay=train.weight_decay
        )
    if train.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=train.lr, weight_decay=train.weight_decay or 0.01)
    return torch.optim.Adam(params, lr=train.lr, weight_decay=train.weight_decay)


def plateau(optimizer: torch.optim.Optimizer) -> torch.optim.lr_scheduler.ReduceLROnPlateau:
    """ReduceLROnPlateau as most scripts configure it: ×0.3 after 2 evaluations without gain."""
    return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.3, patience=2)
