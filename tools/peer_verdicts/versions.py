"""The installed version of each peer in the peers' virtualenv."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

_PROGRAM = """
import importlib.metadata as metadata, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
print(json.dumps(found))
"""


def installed_versions(python: Path, distributions: Sequence[str]) -> dict[str, str]:
    """``{distribution: version}`` for those installed in the virtualenv of ``python``."""
    done = subprocess.run(  # noqa: S603 - our own virtualenv's interpreter
        [str(python), "-c", _PROGRAM, *distributions],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: dict[str, str] = json.loads(done.stdout)
    return found
