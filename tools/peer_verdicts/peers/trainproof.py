"""trainproof: ``trainproof doctor --json PATH`` — reports, each with findings by TP-* id.

It is given the staged run folder, except for Lightning: its reader knows the columns ``loss``
/ ``train_loss`` and ``val_loss``, not Lightning's ``train_loss_step`` / ``train_loss_epoch``,
so it is given metrics.csv with ``--map loss=<that column>`` (its documented override).
``TP-NO-LOSS`` ("could not find loss metric") and an ``error`` or empty report list mean it
could not read the run.

Mapping chosen on dev (trainproof 0.22.0, 2026-12-05; benchmarks/results/peers.md has it in
full): ``TP-NAN`` and ``TP-NAN-GRAD`` → diverged, ``TP-DEAD-RUN`` → stuck, ``TP-OVERFIT`` →
overfitting, ``TP-FLAT`` → insufficient_data, ``TP-DIVERGE`` and ``TP-GRAD-SPIKE`` → healthy,
``TP-PASS``, ``TP-THROUGHPUT`` and ``TP-ZERO-LOSS-ONSET`` ignored; precedence diverged >
unstable > overfitting > stuck; no finding → underfitting.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from tools.peer_verdicts import layout as formats
from tools.peer_verdicts.invocation import Invocation
from tools.peer_verdicts.layout import RunLayout
from tools.peer_verdicts.peers.base import (
    Peer,
    PeerReport,
    findings_from,
    json_document,
    unreadable,
)

NO_LOSS = "TP-NO-LOSS"
KNOWN_LOSS_COLUMNS = ("loss", "train_loss", "training_loss")
LIGHTNING_LOSS_COLUMNS = ("train_loss_step", "train_loss_epoch")


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return next(csv.reader(handle), [])


def _lightning_command(metrics: Path) -> list[str]:
    columns = _header(metrics)
    command = ["trainproof", "doctor", "--json", str(metrics)]
    if not any(name in columns for name in KNOWN_LOSS_COLUMNS):
        mapped = next((name for name in LIGHTNING_LOSS_COLUMNS if name in columns), None)
        if mapped is not None:
            command += ["--map", f"loss={mapped}"]
    return command


def commands(layout: RunLayout) -> list[list[str]]:
    """One call: on metrics.csv for Lightning, on the folder otherwise."""
    metrics = layout.first("metrics.csv")
    if layout.format == formats.LIGHTNING_CSV and metrics is not None:
        return [_lightning_command(metrics)]
    return [["trainproof", "doctor", "--json", str(layout.folder)]]


def parse(invocations: Sequence[Invocation]) -> PeerReport:
    """Findings of every report that found a loss; unreadable when none did."""
    invocation = invocations[0]
    document = json_document(invocation)
    if not isinstance(document, dict):
        return unreadable(invocation.stderr or invocation.stdout)
    if document.get("error"):
        return unreadable(str(document["error"]))
    reports = [
        report
        for report in document.get("reports", [])
        if not any(item.get("id") == NO_LOSS for item in report.get("findings", []))
    ]
    if not reports:
        return unreadable("no report with a loss metric")
    items = (item for report in reports for item in report.get("findings", []))
    findings = findings_from(items, "id", "level", "message")
    return PeerReport(findings=findings)


PEER = Peer(
    name="trainproof",
    distribution="trainproof",
    executable="trainproof",
    commands=commands,
    parse=parse,
)
