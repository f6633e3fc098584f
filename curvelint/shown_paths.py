"""How a path the user gave appears in everything curvelint prints and writes.

As typed, never as an absolute path of this machine: on CI that is the runner's checkout,
which means nothing to a reader of a pull request and leaks how the runner is laid out. A URL
stays the URL and a relative path stays as typed; an absolute path is shown relative to the
argument given, i.e. starting with that argument's last component (``/home/ci/work/logs`` is
``logs``, and a file under it ``logs/run-1/events.out.tfevents…``), the name its runs are
known by. The rule does not depend on the working folder, so cached reports stay right
wherever curvelint is run from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath


def shown_path(path: str | PurePath) -> str:
    """``path`` as reports and messages show it (see the module docstring)."""
    text = str(path)
    candidate = PurePath(text)
    if not candidate.is_absolute():
        return text  # relative as typed, or a URL (``s3://…`` is no absolute path)
    return candidate.name or text


def shown_paths(paths: Iterable[str | PurePath]) -> str:
    """Several arguments, shown one after another as a command line would list them."""
    return " ".join(shown_path(path) for path in paths)
