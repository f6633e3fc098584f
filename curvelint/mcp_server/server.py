"""The MCP server: the :mod:`tools` registered with the official SDK's ``MCPServer``, on stdio.

The SDK owns the protocol: while it serves, file descriptor 1 is the JSON-RPC stream only
(anything else writing to stdout lands on stderr), and a tool's exception becomes an error
result. A :class:`CurvelintError` is the expected kind (a path outside the roots, an unknown
run, an unreadable log): the client gets its one-line message. Anything else is a bug: the SDK
logs its traceback on stderr and the client gets only the tool's name. Tools run one at a time
(a lock), as the command line would run them.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from curvelint import __version__
from curvelint.errors import CurvelintError
from curvelint.mcp_server.tools import DEFAULT_MAX_POINTS, Tools, to_json
from curvelint.report.escape import clean_text, shorten
from curvelint.report.json_output import JsonObject

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True)
ERROR_LIMIT = 1000

PathArgument = Annotated[
    str,
    Field(description="A log file or folder inside the server's roots (relative: to the first)."),
]
RunName = Annotated[
    str, Field(description="A run's name as the analyze tool lists it (its 'run' field).")
]


def instructions(tools: Tools) -> str:
    """What the client's model reads about this server."""
    return (
        "curvelint diagnoses ML training runs from their logs (TensorBoard, Hugging Face "
        "Trainer, Keras CSV, Lightning, MLflow, W&B): a verdict per run (healthy, overfitting, "
        "diverged, ...) with its reason and evidence. Start with analyze_path on a folder, then "
        "read run_report or get_series for one run, or compare_runs for two. Readable paths: "
        f"{tools.roots.describe()}."
    )


def _answer(lock: threading.Lock, compute: Callable[[], JsonObject]) -> dict[str, Any]:
    with lock:
        try:
            document = compute()
        except CurvelintError as error:
            raise ToolError(shorten(clean_text(to_json(str(error))), ERROR_LIMIT)) from None
    answer: dict[str, Any] = to_json(document)
    return answer


def build_server(tools: Tools) -> MCPServer:
    """An MCP server offering ``tools``."""
    server: MCPServer = MCPServer(
        "curvelint", version=__version__, instructions=instructions(tools), log_level="WARNING"
    )
    lock = threading.Lock()

    @server.tool(annotations=READ_ONLY)
    def analyze_path(
        path: PathArgument,
        main_metric: Annotated[
            str | None,
            Field(description="The series each run is summarised by, e.g. loss/eval."),
        ] = None,
        num_classes: Annotated[
            int | None, Field(description="Classes of a classifier: judges the loss.")
        ] = None,
    ) -> dict[str, Any]:
        """Analyse every run under a path: per run its verdict, the reason, the key numbers of
        its main series and its findings; what was skipped; counts of verdicts."""
        return _answer(lock, lambda: tools.analyze(path, main_metric, num_classes))

    @server.tool(annotations=READ_ONLY)
    def run_report(
        path: PathArgument,
        run: Annotated[
            str | None,
            Field(description="The run's name (may be omitted when the path holds one run)."),
        ] = None,
    ) -> dict[str, Any]:
        """The full report of one run (its report.json): verdict, reason, every series with
        final and best values, findings with evidence and recommendations, notes, skips."""
        return _answer(lock, lambda: tools.run_report(path, run))

    @server.tool(annotations=READ_ONLY)
    def get_series(
        path: PathArgument,
        run: RunName,
        metric: Annotated[str, Field(description="Canonical metric name, e.g. loss, accuracy.")],
        split: Annotated[
            str, Field(description="train, eval, test, or empty (learning_rate, grad_norm).")
        ] = "train",
        max_points: Annotated[
            int, Field(description="At most this many points (extremes and NaN/inf kept).")
        ] = DEFAULT_MAX_POINTS,
    ) -> dict[str, Any]:
        """One curve of one run, downsampled to max_points keeping its extremes and NaN/inf,
        with the smoothed curve curvelint draws (NaN/inf are the strings "nan", "inf")."""
        return _answer(lock, lambda: tools.series(path, run, metric, split, max_points))

    @server.tool(annotations=READ_ONLY)
    def compare_runs(
        base: Annotated[str, Field(description="The reference: a run or a folder of runs.")],
        head: Annotated[str, Field(description="The run(s) judged against base.")],
        metrics: Annotated[
            list[str] | None, Field(description="Only these curves, e.g. ['loss/eval'].")
        ] = None,
        fail_if_worse: Annotated[
            str | None,
            Field(description="Also a regression: worse than base by more than this, e.g. 5%."),
        ] = None,
    ) -> dict[str, Any]:
        """Compare head against base (runs matched by name; seed groups averaged): verdict
        moves, best and final values with their noise margins, and the regressions found."""
        return _answer(lock, lambda: tools.compare(base, head, metrics, fail_if_worse))

    return server


def serve(tools: Tools) -> None:
    """Serve ``tools`` over stdio until the client closes the connection; the reports are
    rendered into a private temporary folder, removed at the end."""
    with tempfile.TemporaryDirectory(prefix="curvelint-mcp-") as workspace:
        build_server(replace(tools, workspace=Path(workspace))).run("stdio")
