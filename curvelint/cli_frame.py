"""``curvelint frame``: every run's points as one table, summarised or written to a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from curvelint import cli_help
from curvelint.cli_help import HelpCommand, default
from curvelint.shown_paths import shown_paths

if TYPE_CHECKING:
    from curvelint.runs import ReadReport

from curvelint.cli_app import (
    CacheOption,
    ExecutorOption,
    ExitCode,
    SchedulerOption,
    _cache,
    _executor,
    _fail,
    app,
)


def _print_read_report(report: ReadReport) -> None:
    from curvelint.frame_summary import report_lines

    out, errors = report_lines(report)
    for line in out:
        typer.echo(line)
    for line in errors:
        typer.echo(line, err=True)


def _write_frame(report: ReadReport, destination: Path) -> None:
    from curvelint import schema
    from curvelint.errors import CurvelintError
    from curvelint.frame_output import write_frame

    try:
        write_frame(schema.concat([run.frame for run in report.runs]), destination)
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None


@app.command(
    cls=HelpCommand,
    help=cli_help.FRAME_HELP,
    short_help=cli_help.FRAME_SHORT,
    epilog=cli_help.FRAME_EPILOG,
)
def frame(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Log files or folders to read, or URLs (s3://…, gs://…).", metavar="PATH"
        ),
    ],
    to: Annotated[
        Path | None,
        typer.Option(
            "--to", metavar="FILE", help="Also write the frame to FILE.csv or FILE.parquet."
        ),
    ] = None,
    cache: CacheOption = True,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help=default("Runs read in parallel processes.", "the number of cores"),
        ),
    ] = None,
    executor: ExecutorOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    from curvelint.errors import CurvelintError
    from curvelint.runs import read_runs

    cluster = _executor(executor, scheduler, jobs)

    try:
        report = read_runs(paths, cache=_cache(cache), jobs=jobs, executor=cluster)
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    if not report.runs and not report.failed:
        reason = f" ({report.skipped[0]})" if report.skipped else ""
        raise _fail(f"no training logs found under {shown_paths(paths)}{reason}", ExitCode.USAGE)
    _print_read_report(report)
    if to is not None:
        _write_frame(report, to)
    raise typer.Exit(int(ExitCode.FLAGGED if report.failed else ExitCode.OK))
