"""A loss that runs away below zero has no floor: diverged, not still improving. Real torch
runs logged with ``SummaryWriter``: a flipped sign (gradient ascent on the squared error)
runs away thousands of times its start's size, finite all the way; a Gaussian likelihood with
a learned variance goes negative too, but settles near its noise floor (not diverged)."""

from __future__ import annotations

from pathlib import Path

from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.judging import judge_run
from curvelint.report.evidence_labels import LABELS, WORDS
from curvelint.runs import read_runs
from tests.readers.writers import require, run_writer

OBJECTIVE = """
import sys
import torch
from torch.utils.tensorboard import SummaryWriter

torch.manual_seed(0)
x = torch.randn(256, 4)
y = x @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 0.1 * torch.randn(256)
model = torch.nn.Linear(4, 1)
log_var = torch.zeros(1, requires_grad=True)
if "@MODE@" == "sign":
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
else:
    optimizer = torch.optim.Adam([*model.parameters(), log_var], lr=0.05)
writer = SummaryWriter(sys.argv[1])
for step in range(200):
    error = model(x).squeeze(1) - y
    if "@MODE@" == "sign":  # the objective's sign flipped: gradient ascent on the error
        loss = -(error**2).mean()
    else:  # Gaussian negative log-likelihood, negative once the fit beats unit variance
        loss = (0.5 * log_var + error**2 / (2 * log_var.exp())).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    writer.add_scalar("train/loss", loss.item(), step)
writer.close()
"""


def _diagnose(tmp_path: Path, mode: str) -> Diagnosis:
    require("torch")
    require("tensorboard")
    run_writer(OBJECTIVE.replace("@MODE@", mode), tmp_path / mode)
    (run,) = read_runs([tmp_path / mode]).runs
    return judge_run(run).diagnosis


def test_a_loss_with_a_flipped_sign_runs_away_below_zero_and_diverged(tmp_path: Path) -> None:
    diagnosis = _diagnose(tmp_path, "sign")
    assert diagnosis.verdict is Verdict.DIVERGED, diagnosis.reason
    finding = diagnosis.findings[0]
    assert finding.evidence["cause"] == "runaway_below_zero"
    assert float(finding.evidence["growth_of_start"]) >= 100  # type: ignore[arg-type]
    assert float(finding.evidence["final_level"]) < 0  # type: ignore[arg-type]
    assert diagnosis.reason.startswith("loss/train ran away below zero")
    assert "sign" in finding.recommendation
    assert set(finding.evidence) <= set(LABELS) and finding.evidence["cause"] in WORDS


def test_a_likelihood_that_settles_below_zero_did_not_diverge(tmp_path: Path) -> None:
    diagnosis = _diagnose(tmp_path, "nll")
    assert diagnosis.verdict is not Verdict.DIVERGED, diagnosis.reason
    assert not any(f.evidence.get("cause") == "runaway_below_zero" for f in diagnosis.findings)
