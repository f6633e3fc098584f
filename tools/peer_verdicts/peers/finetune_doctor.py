"""finetune-doctor: ``finetune-doctor diagnose -f json FOLDER`` — findings by check id.

It reads Hugging Face Trainer runs only (its documentation: an output folder, a checkpoint or
a trainer_state.json), so it is run on trainer_state runs and every other format is
unreadable for it without a call.

Mapping chosen on dev (finetune-doctor 0.2.2, 2026-12-05; benchmarks/results/peers.md has it in
full): ``gradients:critical`` → diverged, ``overfitting:critical`` → overfitting,
``overfitting:info`` → healthy, ``loss_spikes`` → unstable, ``stopped_improving`` → stuck,
``no_eval:warning`` → insufficient_data, the rest ignored; precedence diverged > unstable >
overfitting > stuck; no finding → not_converged.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def commands(layout: RunLayout) -> list[list[str]]:
    """One call on the trainer_state.json (none for other formats)."""
    state = layout.first("trainer_state.json")
    if layout.format != formats.TRAINER_STATE or state is None:
        return []
    return [["finetune-doctor", "diagnose", "-f", "json", "--fail-on", "never", str(state)]]


def parse(invocations: Sequence[Invocation]) -> PeerReport:
    """Its findings; unreadable when it printed no JSON report."""
    invocation = invocations[0]
    document = json_document(invocation)
    if not isinstance(document, dict) or "findings" not in document:
        return unreadable(invocation.stderr or invocation.stdout)
    findings = findings_from(document["findings"], "check", "severity", "title")
    return PeerReport(findings=findings)


PEER = Peer(
    name="finetune-doctor",
    distribution="finetune-doctor",
    executable="finetune-doctor",
    commands=commands,
    parse=parse,
)
