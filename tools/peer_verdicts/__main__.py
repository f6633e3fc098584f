"""python -m tools.peer_verdicts SET_DIR... — the peers' verdict accuracy on labelled runs."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from curvelint.atomic import write_text_atomically
from tools.peer_verdicts.evaluation import Environment, evaluate_peer
from tools.peer_verdicts.labels import REPO, LabelsError, load_set
from tools.peer_verdicts.peers import PEERS, PEERS_BY_NAME
from tools.peer_verdicts.render import render_markdown
from tools.peer_verdicts.versions import installed_versions


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.peer_verdicts", description=__doc__)
    parser.add_argument("sets", nargs="+", type=Path, help="labelled set folders")
    parser.add_argument("--peers", nargs="+", choices=sorted(PEERS_BY_NAME), default=None)
    parser.add_argument("--jobs", type=int, default=2, choices=(1, 2))
    parser.add_argument("--venv", type=Path, default=REPO / ".venv-peers")
    parser.add_argument("--cache-dir", type=Path, default=REPO / ".peer-cache")
    parser.add_argument(
        "--tune-on", default="dev", help="name of the set the mappings are chosen on"
    )
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Score the peers and print (or write) the Markdown report."""
    arguments = _arguments(argv)
    try:
        sets = [load_set(folder) for folder in arguments.sets]
    except LabelsError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    names = [labelled.name for labelled in sets]
    if arguments.tune_on not in names:
        sys.stderr.write(f"error: no set named {arguments.tune_on!r} among {names}\n")
        return 2
    chosen = [PEERS_BY_NAME[name] for name in arguments.peers] if arguments.peers else list(PEERS)
    versions = installed_versions(
        arguments.venv / "bin" / "python", [peer.distribution for peer in chosen]
    )
    missing = [peer.name for peer in chosen if peer.distribution not in versions]
    environment = Environment(arguments.venv / "bin", arguments.cache_dir, arguments.jobs)
    evaluations = []
    for peer in chosen:
        if peer.name in missing:
            continue
        sys.stderr.write(f"running {peer.name} {versions[peer.distribution]}…\n")
        evaluations.append(
            evaluate_peer(peer, versions[peer.distribution], sets, arguments.tune_on, environment)
        )
    if not evaluations:
        sys.stderr.write(f"error: no peer installed in {arguments.venv} (make peers)\n")
        return 2
    preamble = [
        "# Peer tools' verdicts on curvelint's labelled runs",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d} with "
        f"`python -m tools.peer_verdicts` (`make peers`). Peers: "
        + ", ".join(f"{e.peer} {e.version}" for e in evaluations)
        + (f"; not installed: {', '.join(missing)}" if missing else "")
        + ".",
    ]
    text = render_markdown(evaluations, names, preamble)
    if arguments.out:
        write_text_atomically(arguments.out, text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
