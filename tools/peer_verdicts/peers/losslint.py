"""losslint: ``losslint check --format json FILE...`` — one JSON document, findings by check id.

It is given the run's log files by name (its folder scan would also read the event files a
Trainer leaves in runs/, whose hyper-parameter text it cannot parse); each file is its own "run"
and their findings are pooled.

Mapping chosen on dev (losslint 0.4.1, 2026-12-05; benchmarks/results/peers.md has it in full):
``nan_inf`` → diverged, ``divergence`` → unstable (on dev it fires on 6 unstable runs and 4
diverged ones, which nan_inf catches first), ``overfit_onset`` → overfitting, ``stagnation`` and
``loss_spike`` → stuck, ``step_backtrack`` ignored; precedence diverged > unstable >
overfitting > stuck; a run with no finding → insufficient_data (of the dev runs it finds
nothing in, 20 are insufficient_data and 15 healthy).
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


def commands(layout: RunLayout) -> list[list[str]]:
    """One call over all the run's files."""
    if not layout.log_files:
        return []
    return [["losslint", "check", "--format", "json", *map(str, layout.log_files)]]


def parse(invocations: Sequence[Invocation]) -> PeerReport:
    """Findings of every file; unreadable when no file yielded a point of data."""
    invocation = invocations[0]
    document = json_document(invocation)
    if not isinstance(document, dict):
        return unreadable(invocation.stderr or invocation.stdout)
    runs = document.get("runs", [])
    if not any(run.get("points", 0) > 0 for run in runs):
        return unreadable("no points read from any file")
    items = [item for item in document.get("findings", []) if item.get("check") != "parse"]
    findings = findings_from(items, "check", "severity", "message")
    return PeerReport(findings=findings)


PEER = Peer(
    name="losslint",
    distribution="losslint",
    executable="losslint",
    commands=commands,
    parse=parse,
)
