"""The command line's shared parts: the app, its exit codes, one-line errors, the options
several commands take. Each command lives in its own module (cli_analyze, cli_compare,
cli_frame, cli_mcp); :mod:`curvelint.cli` puts them together.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from curvelint import cli_help

if TYPE_CHECKING:
    from curvelint.cache import Cache
    from curvelint.dask_executor import DaskExecutor


class ExitCode(IntEnum):
    """Process exit codes, defined once (see the module docstring and the README)."""

    OK = 0
    FLAGGED = 1
    USAGE = 2


app = typer.Typer(
    name="curvelint",
    help=cli_help.APP_HELP,
    epilog=cli_help.APP_EPILOG,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _fail(message: str, code: ExitCode) -> typer.Exit:
    """Print a one-line error to stderr; return the Exit to raise."""
    from curvelint.report.escape import terminal_text

    sys.stderr.write(f"curvelint: error: {terminal_text(message)}\n")
    return typer.Exit(int(code))


CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Reuse what was parsed (and, for analyze, rendered) before when the files and "
        "options are unchanged; kept in $CURVELINT_CACHE_DIR, else $XDG_CACHE_HOME/curvelint "
        "or ~/.cache/curvelint, up to $CURVELINT_CACHE_MAX_MB megabytes (1024 unless set; 0: "
        "no cache).",
    ),
]

ExecutorOption = Annotated[
    Literal["local", "dask"],
    typer.Option(
        "--executor",
        help="local: processes on this machine (--jobs); dask: one task per run on the Dask "
        "cluster at --scheduler (pip install 'curvelint[dask]'; docs/scale.md).",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", metavar="ADDRESS", help="The Dask scheduler, tcp://HOST:8786."),
]


def _executor(name: str, scheduler: str | None, jobs: int | None = None) -> DaskExecutor | None:
    """The cluster to run on, or None for this machine; a bad combination (or ``--jobs``
    below 1) is a usage error."""
    if jobs is not None and jobs < 1:
        raise _fail(f"--jobs {jobs}: use 1 or more", ExitCode.USAGE)
    if name == "local":
        if scheduler is not None:
            raise _fail("--scheduler needs --executor dask", ExitCode.USAGE)
        return None
    if not scheduler:
        raise _fail("--executor dask needs --scheduler tcp://HOST:8786", ExitCode.USAGE)
    from curvelint.dask_executor import DaskError, DaskExecutor, check_installed

    try:
        check_installed()
    except DaskError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    return DaskExecutor(scheduler)


# Options that analyze and compare share, declared once.
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
NumClassesOption = Annotated[
    int | None,
    typer.Option(
        "--num-classes",
        metavar="N",
        help="Classes of a classifier: judges the loss against chance (ln N).",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from this file instead of the nearest curvelint.toml (or "
        "pyproject.toml) at or above the first path given.",
    ),
]
SettingsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", metavar="KEY=VALUE", help="Override one setting, e.g. rules.overfit_min_rise=0.2."
    ),
]


def _cache(use: bool) -> Cache | None:
    """The user's cache, unless --no-cache (or a size limit of 0) turns it off."""
    if not use:
        return None
    from curvelint.cache import Cache

    return Cache.from_environment()


def _overrides(settings: list[str]) -> dict[str, str]:
    """``--set KEY=VALUE`` pairs as a dict; a pair without ``=`` is a usage error."""
    pairs: dict[str, str] = {}
    for item in settings:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise _fail(
                f"--set {item!r}: use KEY=VALUE, e.g. --set rules.overfit_min_rise=0.2",
                ExitCode.USAGE,
            )
        pairs[key.strip()] = value
    return pairs
