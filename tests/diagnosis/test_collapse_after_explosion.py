"""A run that learned, then exploded when its learning rate jumped, and sat wrecked at its
untrained level to the end is diverged, not "unstable" (learning undone): a real torch MLP on
ten Gaussian classes, Adam, whose step schedule multiplies the rate by 100 at epoch 30 (the
factor written upside down): the loss jumps to 20x its start, then sits on ln 10 with the
accuracy at chance. The same run without the jump is not diverged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.diagnosis import Verdict
from curvelint.report.evidence_labels import LABELS
from tests.diagnosis.helpers import diagnose_curves, judge_torch_script

SCRIPT = """
import sys, torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter
torch.manual_seed(0)
centres = torch.randn(10, 16)
labels = torch.arange(600) % 10
x = centres[labels] + torch.randn(600, 16)
train_x, train_y, val_x, val_y = x[:480], labels[:480], x[480:], labels[480:]
model = nn.Sequential(
    nn.Linear(16, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
gamma = float(sys.argv[2])
schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30, gamma=gamma)
loss_fn = nn.CrossEntropyLoss()
writer = SummaryWriter(sys.argv[1])
for epoch in range(60):
    model.train()
    losses = []
    for i in range(0, 480, 32):
        optimizer.zero_grad()
        loss = loss_fn(model(train_x[i:i + 32]), train_y[i:i + 32])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits = model(val_x)
        writer.add_scalar("val/loss", loss_fn(logits, val_y).item(), epoch)
        writer.add_scalar("val/accuracy", (logits.argmax(1) == val_y).float().mean().item(), epoch)
    writer.add_scalar("train/loss", sum(losses) / len(losses), epoch)
    writer.add_scalar("lr", optimizer.param_groups[0]["lr"], epoch)
    schedule.step()
writer.close()
"""


@pytest.mark.parametrize(("gamma", "diverged"), [(100.0, True), (1.0, False)])
def test_a_run_wrecked_by_a_rate_jump_is_diverged(
    tmp_path: Path, gamma: float, diverged: bool
) -> None:
    diagnosis = judge_torch_script(SCRIPT.replace("float(sys.argv[2])", repr(gamma)), tmp_path)
    assert (diagnosis.verdict is Verdict.DIVERGED) is diverged
    if diverged:
        finding = diagnosis.findings[0]
        assert finding.evidence["cause"] == "collapse_after_explosion"
        assert "then the loss exploded to" in diagnosis.reason
        assert set(finding.evidence) <= set(LABELS)


def test_a_loss_still_swinging_after_its_spike_is_not_this() -> None:
    """Erratic training (a regression under SGD with too much momentum): the loss fell, then
    swings between half and three times its start to the end — no wrecked model sitting still."""
    rng = np.random.default_rng(3)
    steps = np.arange(100)
    fall = 1.0 * np.exp(-steps / 8) + 0.4
    swings = np.where(steps > 50, rng.uniform(0.5, 3.0, 100), 1.0)
    loss = np.where(steps > 50, swings, fall)
    diagnosis = diagnose_curves({"train/loss": (steps, loss)})
    causes = {finding.evidence.get("cause") for finding in diagnosis.findings}
    assert "collapse_after_explosion" not in causes
