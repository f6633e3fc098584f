"""The command line: parse options, call the library, print one-line errors, set exit codes.

Exit codes (the same for every command):
  0  every run read (and, for analyze, none flagged)
  1  a run was flagged by --fail-on, or could not be read
  2  usage error, or nothing to analyze
"""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from curvelint.runs import ReadReport


class ExitCode(IntEnum):
    """Process exit codes, defined once (see the module docstring and the README)."""

    OK = 0
    FLAGGED = 1
    USAGE = 2


EXIT_CODES_HELP = (
    "Exit codes: 0 fine; 1 a run flagged (--fail-on) or unreadable; 2 usage error or nothing "
    "to analyze."
)

app = typer.Typer(
    name="curvelint",
    help="Offline analyzer for training logs (TensorBoard, HF Trainer, Keras CSV). "
    + EXIT_CODES_HELP,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _fail(message: str, code: ExitCode) -> typer.Exit:
    """Print a one-line error to stderr; return the Exit to raise."""
    sys.stderr.write(f"curvelint: error: {message}\n")
    return typer.Exit(int(code))


def _print_read_report(report: ReadReport) -> None:
    from curvelint.frame_summary import summarise_series

    for run in report.runs:
        points = len(run.frame)
        typer.echo(f"{run.name}  [{run.format}]  {points} points")
        for line in summarise_series(run):
            split = f"/{line.split}" if line.split else ""
            bad = f"  ({line.non_finite} non-finite)" if line.non_finite else ""
            typer.echo(
                f"  {line.metric}{split:<7} {line.points:>8} pts  "
                f"steps {line.first_step}–{line.last_step}{bad}"
            )
        for note in run.notes:
            typer.echo(f"  note: {note}")
        for skipped in run.skipped:
            typer.echo(f"  skipped: {skipped}")
    for failed in report.failed:
        typer.echo(f"{failed.name}  [{failed.format}]  unreadable: {failed.error}", err=True)
    for skipped in report.skipped:
        typer.echo(f"skipped: {skipped}", err=True)


def _write_frame(report: ReadReport, destination: Path) -> None:
    from curvelint import schema
    from curvelint.atomic import write_atomically

    frame = schema.concat([run.frame for run in report.runs])
    suffix = destination.suffix.lower()
    if suffix == ".csv":
        write_atomically(destination, lambda path: frame.to_csv(path, index=False))
    elif suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise _fail(
                "writing parquet needs pyarrow: pip install 'curvelint[parquet]'", ExitCode.USAGE
            ) from None
        write_atomically(destination, lambda path: frame.to_parquet(path, index=False))
    else:
        raise _fail(f"--to {destination}: use a .csv or .parquet file name", ExitCode.USAGE)


@app.command()
def frame(
    paths: Annotated[list[Path], typer.Argument(help="Log files or directories to read.")],
    to: Annotated[
        Path | None, typer.Option("--to", help="Also write the frame to FILE.csv or FILE.parquet.")
    ] = None,
) -> None:
    """Read every run under PATHS into the common frame and print what was found."""
    from curvelint.errors import CurvelintError
    from curvelint.runs import read_runs

    try:
        report = read_runs(paths)
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    if not report.runs and not report.failed:
        reason = f" ({report.skipped[0]})" if report.skipped else ""
        raise _fail(
            f"no training logs found under {' '.join(map(str, paths))}{reason}", ExitCode.USAGE
        )
    _print_read_report(report)
    if to is not None:
        _write_frame(report, to)
    raise typer.Exit(int(ExitCode.FLAGGED if report.failed else ExitCode.OK))


def main() -> None:
    """Console entry point."""
    app()
