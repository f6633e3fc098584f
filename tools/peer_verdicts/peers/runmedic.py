"""runmedic: ``runmedic diagnose --json FOLDER`` — a JSON list of runs, each with findings.

It is given the staged run folder (a Keras ``training.log`` shown as ``training.csv``, which
its tabular loader reads); the findings of every run it finds there (Keras' train/ and
validation/ event folders are two) are pooled.

Mapping chosen on dev (runmedic 0.1.1, 2026-12-05; benchmarks/results/peers.md has it in full):
``non_finite`` → diverged, ``no_learning`` → stuck, ``overfitting`` → overfitting,
``divergence`` and ``constant_lr_plateau`` → unstable, ``loss_spikes:info`` → overfitting,
``loss_spikes:warning``, ``grad_spikes`` and ``val_below_train`` → healthy; precedence
diverged > stuck > underfitting > unstable > overfitting; no finding → insufficient_data (of the
dev runs it finds nothing in, 23 are insufficient_data and 11 healthy).
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.peer_verdicts.invocation import Invocation
from tools.peer_verdicts.layout import RunLayout
from tools.peer_verdicts.peers.base import (
    Peer,
    PeerReport,
    findings_from,
    json_document,
    unreadable,
)

LOSS_ROLES = ("train_loss", "val_loss")


def commands(layout: RunLayout) -> list[list[str]]:
    """One call on the folder."""
    return [["runmedic", "diagnose", "--json", str(layout.folder)]]


def parse(invocations: Sequence[Invocation]) -> PeerReport:
    """Findings of every run found; unreadable when none of them has a loss series."""
    invocation = invocations[0]
    document = json_document(invocation)
    if not isinstance(document, list):
        return unreadable(invocation.stderr or invocation.stdout)
    runs = [run for run in document if any(run.get("roles", {}).get(r) for r in LOSS_ROLES)]
    if not runs:
        return unreadable("no loss series recognised")
    items = (item for run in runs for item in run.get("findings", []))
    findings = findings_from(items, "check", "severity", "title")
    return PeerReport(findings=findings)


PEER = Peer(
    name="runmedic",
    distribution="runmedic",
    executable="runmedic",
    commands=commands,
    parse=parse,
)
