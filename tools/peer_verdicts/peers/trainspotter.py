"""trainspotter: ``trainspotter analyze --output json --format F PATH`` — findings by detector.

It reads one file (or a TensorBoard folder) and only guesses the format from a file's name, so
it is told the format: ``hf`` for trainer_state.json, ``csv`` for a Keras CSVLogger file,
``lightning`` for metrics.csv, ``tensorboard`` for event files (the folder; for Keras' train/
and validation/ folders, the folder too: it picks the run with the most points). MLflow
folders are not among its readers.

Mapping chosen on dev (trainspotter 0.2.6, 2026-12-05; benchmarks/results/peers.md has it in
full): ``divergence`` → diverged, ``overfitting`` → overfitting, ``plateau``, ``eval_noise`` and
``spikes:error`` → stuck, ``spikes:warning`` and ``loss_floor`` → unstable, ``grad_norm`` →
not_converged, ``lr_schedule:info`` → underfitting, ``lr_schedule:warning`` and ``throughput``
→ healthy; precedence diverged > overfitting > unstable > stuck; no finding →
insufficient_data.
"""

from __future__ import annotations

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


def _target(layout: RunLayout) -> tuple[str, Path | None]:
    if layout.format == formats.TRAINER_STATE:
        return "hf", layout.first("trainer_state.json")
    if layout.format == formats.KERAS_CSV:
        return "csv", layout.first(".csv")
    if layout.format == formats.LIGHTNING_CSV:
        return "lightning", layout.first("metrics.csv")
    if layout.format in (formats.TENSORBOARD, formats.KERAS_TENSORBOARD):
        return "tensorboard", layout.folder
    return "", None


def commands(layout: RunLayout) -> list[list[str]]:
    """One call on the run's main file (none for a format it has no reader for)."""
    reader, target = _target(layout)
    if target is None:
        return []
    return [["trainspotter", "analyze", "--output", "json", "--format", reader, str(target)]]


def parse(invocations: Sequence[Invocation]) -> PeerReport:
    """Its findings; unreadable when it printed no JSON report or read no metric."""
    invocation = invocations[0]
    document = json_document(invocation)
    if not isinstance(document, dict):
        return unreadable(invocation.stderr or invocation.stdout)
    if not document.get("run", {}).get("metrics"):
        return unreadable("no metric read")
    findings = findings_from(document.get("findings", []), "detector", "severity", "title")
    return PeerReport(findings=findings)


PEER = Peer(
    name="trainspotter",
    distribution="trainspotter",
    executable="trainspotter",
    commands=commands,
    parse=parse,
)
