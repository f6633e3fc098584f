"""``curvelint mcp``: curvelint as a Model Context Protocol server for AI assistants."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass

from curvelint.cli_app import CacheOption, ExitCode, _cache, _fail, app

MCP_HELP = """Serve curvelint to AI assistants: a Model Context Protocol server on stdin/stdout.

Tools: analyze_path (the verdict of every run under a path), run_report (one run's
report.json), get_series (one curve, downsampled, with its smoothing) and compare_runs
(compare.json). Clients may read only inside ROOTS (folders, or URLs such as s3://bucket/runs)
and nothing is written there. Needs the extra: pip install 'curvelint[mcp]'. Register it in a
client as the command `curvelint mcp /path/to/runs` (see the README).
"""
MCP_INSTALL_HINT = "curvelint mcp needs the MCP SDK: pip install 'curvelint[mcp]'"


@app.command(name="mcp", help=MCP_HELP)
def mcp_command(
    roots: Annotated[
        list[str],
        typer.Argument(help="The folders (or URLs) clients may read.", metavar="ROOTS..."),
    ],
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Runs analyzed in parallel processes.")
    ] = 1,
    cache: CacheOption = True,
) -> None:
    from curvelint.errors import CurvelintError
    from curvelint.mcp_server.roots import Roots

    if jobs < 1:
        raise _fail(f"--jobs {jobs}: use 1 or more", ExitCode.USAGE)
    try:
        served = Roots.from_arguments(roots)
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    try:
        from curvelint.mcp_server.server import serve
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "mcp":
            raise
        raise _fail(MCP_INSTALL_HINT, ExitCode.USAGE) from None
    from curvelint.mcp_server.tools import Tools

    serve(Tools(served, _cache(cache), jobs))
