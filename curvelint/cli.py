"""The command line: parse options, call the library, print one-line errors, set exit codes.

Exit codes (the same for every command):
  0  every run read (and, for analyze, none flagged)
  1  a run was flagged by --fail-on, or could not be read
  2  usage error, or nothing to analyze
"""

from __future__ import annotations

import os
import sys

import typer

# Each command module registers its command on the shared app when imported.
from curvelint import cli_analyze, cli_compare, cli_frame, cli_mcp
from curvelint.cli_app import ExitCode, app
from curvelint.freed_memory import reuse_freed_memory

try:  # recent typer carries its own copy of click, whose errors it raises
    from typer._click.exceptions import ClickException
except ImportError:  # older typer runs on click itself
    from click.exceptions import ClickException  # type: ignore[assignment]

COMMANDS = (cli_analyze, cli_compare, cli_frame, cli_mcp)
__all__ = ["COMMANDS", "ExitCode", "app", "main"]


def _usage_error(error: ClickException) -> int:
    """Print click's usage error (a bad option or choice, a missing argument) as one line, like
    curvelint's own errors; return its exit code."""
    if type(error).__name__ == "NoArgsIsHelpError":  # `curvelint` alone: the help, as typer does
        error.show()
        return error.exit_code
    context = getattr(error, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    # typer words a bad choice "Invalid value for '--x': Value error, 'y' is not one of …"
    message = " ".join(error.format_message().replace("Value error, ", "").split())
    sys.stderr.write(f"curvelint: error: {message}{hint}\n")
    return error.exit_code


# NumPy asks the kernel for transparent huge pages for every large array; on virtual machines
# the page faults that follow cost more than they save (a 10M-point run: 6.8 s of system time
# with them, 2.2 s without). The command owns its process and its workers (they inherit the
# environment), so it turns them off unless the user chose; ``import curvelint`` in someone
# else's process leaves their NumPy alone. NumPy reads the variable when it is imported, which
# the command line does only after this (``curvelint --help`` imports no NumPy).
HUGE_PAGES = "NUMPY_MADVISE_HUGEPAGE"


def main() -> None:
    """Console entry point: runs the app with every error on one line."""
    os.environ.setdefault(HUGE_PAGES, "0")
    reuse_freed_memory()  # a page fault less for most arrays (see freed_memory)
    from curvelint.interrupts import Stopped, stop_on_signals

    command = typer.main.get_command(app)
    stop_on_signals()  # Ctrl-C exits 130 and SIGTERM 143, in one line, not a traceback
    try:
        code = command.main(prog_name="curvelint", standalone_mode=False)
    except Stopped as stopped:
        sys.stderr.write(f"curvelint: stopped ({stopped}); temporary files removed\n")
        sys.exit(stopped.exit_code)
    except ClickException as error:
        sys.exit(_usage_error(error))
    except typer.Abort:
        sys.stderr.write("curvelint: error: aborted\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
