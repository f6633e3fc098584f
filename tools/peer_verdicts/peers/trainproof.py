"""trainproof: ``trainproof doctor --json FOLDER`` — reports, each with findings by TP-* id.

It is given the staged run folder. ``TP-NO-LOSS`` ("could not find loss metric") and an
``error`` / empty report list mean it could not read the run.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.peer_verdicts.invocation import Invocation
from tools.peer_verdicts.layout import RunLayout
from tools.peer_verdicts.peers.base import Finding, Peer, PeerReport, json_document, unreadable

NO_LOSS = "TP-NO-LOSS"


def commands(layout: RunLayout) -> list[list[str]]:
    """One call on the folder."""
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
    findings = tuple(
        Finding(str(item["id"]), str(item["level"]), str(item.get("message", "")))
        for report in reports
        for item in report.get("findings", [])
    )
    return PeerReport(findings=findings)


PEER = Peer(
    name="trainproof",
    distribution="trainproof",
    executable="trainproof",
    commands=commands,
    parse=parse,
)
