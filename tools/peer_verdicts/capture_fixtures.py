"""Rewrite tests/fixtures/peers/: real peer outputs on a few dev runs, for the parsing tests.

    python -m tools.peer_verdicts.capture_fixtures

Each fixture is one peer's call on one labelled run: its arguments, exit code, stdout and
stderr, with the temporary staged folder written ``<staged>`` and the repository ``<repo>``.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from curvelint.atomic import write_text_atomically
from tools.peer_verdicts.execution import invoke_peer
from tools.peer_verdicts.labels import REPO
from tools.peer_verdicts.peers import PEERS_BY_NAME

DEV_RUNS = Path("tests/benchmark/dev/runs")
FIXTURES = REPO / "tests" / "fixtures" / "peers"
CASES = (
    ("losslint", "diverged-tb-bounded-absurd-lr-transformer-tokens-s5"),
    ("losslint", "overfitting-kcsv-small-subset-mlp-digits-s122"),
    ("runmedic", "diverged-tb-bounded-absurd-lr-transformer-tokens-s5"),
    ("runmedic", "overfitting-pl-small-subset-mlp-digits-s124"),
    ("trainproof", "diverged-hf-bounded-absurd-lr-transformer-tokens-s6"),
    ("trainproof", "diverged-pl-bounded-absurd-lr-transformer-tokens-s9"),
    ("trainproof", "overfitting-pl-small-subset-mlp-digits-s124"),
    ("trainproof", "diverged-ktb-bounded-absurd-lr-mlp-digits-s8"),
    ("trainspotter", "overfitting-hf-small-subset-mlp-digits-s121"),
    ("trainspotter", "diverged-ktb-bounded-absurd-lr-mlp-digits-s8"),
    ("finetune-doctor", "overfitting-hf-small-subset-mlp-digits-s121"),
)
_STAGED = re.compile(re.escape(tempfile.gettempdir()) + r"/peer-run-[^/\s\"']+")


def _scrub(text: str) -> str:
    return _STAGED.sub("<staged>", text).replace(str(REPO), "<repo>")


def main() -> int:
    """Run each case's peer from .venv-peers and write its fixture."""
    bin_dir = REPO / ".venv-peers" / "bin"
    for peer_name, run in CASES:
        run_format, calls = invoke_peer(PEERS_BY_NAME[peer_name], REPO / DEV_RUNS / run, bin_dir)
        (call,) = calls
        record = {
            "peer": peer_name,
            "run": str(DEV_RUNS / run),
            "format": run_format,
            "argv": [_scrub(argument) for argument in call.argv[1:]],
            "returncode": call.returncode,
            "stdout": _scrub(call.stdout),
            "stderr": _scrub(call.stderr),
        }
        path = FIXTURES / f"{peer_name}--{run}.json"
        write_text_atomically(path, json.dumps(record, indent=1) + "\n")
        sys.stdout.write(f"{path.relative_to(REPO)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
