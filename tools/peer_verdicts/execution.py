"""Run one peer on one run folder, through a cache keyed by peer version and folder content."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from tools.peer_verdicts.invocation import Invocation, invoke
from tools.peer_verdicts.layout import describe_run
from tools.peer_verdicts.peers.base import Peer, PeerReport, unreadable
from tools.peer_verdicts.staging import staged_view

# Bump when an adapter's commands change: cached outputs of other commands are then ignored.
ADAPTER_REVISION = "2"


@dataclass(frozen=True)
class Outcome:
    """A peer's parsed report on one run, the run's format and the seconds its calls took."""

    report: PeerReport
    format: str
    seconds: float


def content_hash(folder: Path) -> str:
    """SHA-256 over the folder's relative file names and bytes (any change gives a new key)."""
    digest = hashlib.sha256()
    for path in describe_run(folder).files:
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _cache_path(cache_dir: Path, peer: Peer, version: str, folder: Path) -> Path:
    key = f"{peer.name}\0{version}\0{ADAPTER_REVISION}\0{content_hash(folder)}"
    return cache_dir / peer.name / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def invoke_peer(peer: Peer, folder: Path, bin_dir: Path) -> tuple[str, list[Invocation]]:
    """The run's format and the peer's calls on a staged view of ``folder`` (no cache)."""
    layout = describe_run(folder)
    with staged_view(layout) as staged:
        invocations = [
            invoke([str(bin_dir.resolve() / argv[0]), *argv[1:]], cwd=staged.folder)
            for argv in peer.commands(staged)
        ]
    return layout.format, invocations


def _load(path: Path) -> tuple[str, list[Invocation]] | None:
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    calls = [
        Invocation(
            tuple(call["argv"]), call["returncode"], call["stdout"], call["stderr"], call["seconds"]
        )
        for call in record["invocations"]
    ]
    return str(record["format"]), calls


def run_peer(peer: Peer, version: str, folder: Path, bin_dir: Path, cache_dir: Path) -> Outcome:
    """The peer's report on ``folder`` (from the cache when this version already read it)."""
    if not folder.is_dir():
        return Outcome(unreadable(f"no run folder {folder}"), "missing", 0.0)
    cache_path = _cache_path(cache_dir, peer, version, folder)
    cached = _load(cache_path)
    if cached is None:
        cached = invoke_peer(peer, folder, bin_dir)
        record = {"format": cached[0], "invocations": [asdict(call) for call in cached[1]]}
        _write_atomically(cache_path, json.dumps(record))
    run_format, invocations = cached
    seconds = sum(call.seconds for call in invocations)
    if not invocations:
        return Outcome(unreadable(f"no reader for {run_format}"), run_format, seconds)
    return Outcome(peer.parse(invocations), run_format, seconds)
