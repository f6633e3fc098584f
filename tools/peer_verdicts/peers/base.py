"""What every peer adapter provides, and what a parsed peer report holds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tools.peer_verdicts.invocation import Invocation
from tools.peer_verdicts.layout import RunLayout


@dataclass(frozen=True)
class Finding:
    """One finding of a peer: its own check id and severity (the mapping's key is ``code``)."""

    check: str
    severity: str
    message: str

    @property
    def code(self) -> str:
        """``check:severity`` — the finest label a peer gives that a mapping can key on."""
        return f"{self.check}:{self.severity.lower()}"


@dataclass(frozen=True)
class PeerReport:
    """A peer's findings on one run, or why it could not read the run (``unreadable``)."""

    findings: tuple[Finding, ...]
    unreadable: str | None = None

    @property
    def readable(self) -> bool:
        """The peer found a loss curve to judge."""
        return self.unreadable is None


def unreadable(why: str) -> PeerReport:
    """A report for a run the peer could not read (its first line of complaint)."""
    first_line = why.strip().splitlines()[0] if why.strip() else "no output"
    return PeerReport(findings=(), unreadable=first_line[:200])


def findings_from(
    items: Iterable[Mapping[str, Any]], check: str, severity: str, message: str
) -> tuple[Finding, ...]:
    """A peer's JSON findings, each read by the peer's own key names."""
    return tuple(
        Finding(str(item[check]), str(item[severity]), str(item.get(message, ""))) for item in items
    )


def json_document(invocation: Invocation) -> Any | None:
    """The JSON a peer printed on stdout, or None when it printed something else."""
    text = invocation.stdout.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


CommandBuilder = Callable[[RunLayout], list[list[str]]]
Parser = Callable[[Sequence[Invocation]], PeerReport]


@dataclass(frozen=True)
class Peer:
    """A peer tool: its PyPI distribution, the executable, how to run it, how to read it."""

    name: str
    distribution: str
    executable: str
    commands: CommandBuilder
    parse: Parser
