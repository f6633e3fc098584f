"""``curvelint analyze``: a report per run, an index and a CI exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from curvelint import cli_help
from curvelint.choices import SmoothingMethod, XAxis
from curvelint.cli_help import HelpCommand, default
from curvelint.shown_paths import shown_path

if TYPE_CHECKING:
    from curvelint.cache import Cache
    from curvelint.dask_executor import DaskExecutor
    from curvelint.pipeline import PipelineOptions, PipelineResult
    from curvelint.report.failing import FailPolicy

from curvelint.cli_app import (
    CacheOption,
    ConfigOption,
    ExecutorOption,
    ExitCode,
    NumClassesOption,
    QuietOption,
    SchedulerOption,
    SettingsOption,
    _cache,
    _executor,
    _fail,
    _overrides,
    app,
)


def _show_progress(quiet: bool, output_format: str) -> bool:
    """A progress bar only for a person watching: stdout a terminal, not CI, not --quiet."""
    import os

    return (
        not quiet and output_format == "table" and sys.stdout.isatty() and not os.environ.get("CI")
    )


def _run_pipeline(
    paths: list[str],
    out: Path,
    options: PipelineOptions,
    jobs: int,
    progress: bool,
    cache: Cache | None = None,
    executor: DaskExecutor | None = None,
) -> PipelineResult:
    from curvelint.pipeline import analyze_paths

    if not progress:
        return analyze_paths(paths, out, options, jobs=jobs, cache=cache, executor=executor)
    from curvelint.report.console import console, progress_bar

    with progress_bar(console()) as bar:
        task = bar.add_task("analyzing", total=None)
        return analyze_paths(
            paths,
            out,
            options,
            jobs=jobs,
            on_start=lambda total: bar.update(task, total=total),
            progress=lambda row: bar.advance(task),
            cache=cache,
            executor=executor,
        )


def _default_jobs() -> int:
    from curvelint.pipeline import default_jobs

    return default_jobs()


def _local_start(paths: list[str]) -> Path | None:
    """Where curvelint.toml is looked for: the first path, when it is local and exists."""
    from curvelint.remote import is_url

    start = Path(paths[0]) if paths and not is_url(paths[0]) else None
    return start if start is not None and start.exists() else None


def _options(
    paths: list[str],
    config_file: Path | None,
    overrides: dict[str, str],
    fail_on: str | None,
    smoothing: str | None,
    x_axis: str,
    main_metric: str | None,
    num_classes: int | None,
    plot: tuple[str, ...] = (),
) -> tuple[PipelineOptions, FailPolicy]:
    """The configuration (file, then --set), with the command-line options on top."""
    from curvelint.config import load_config
    from curvelint.pipeline import pipeline_options
    from curvelint.report.failing import chosen_fail_on, fail_policy

    config = load_config(_local_start(paths), config_file, overrides)
    policy = fail_policy(chosen_fail_on(fail_on, config))
    options = pipeline_options(
        config,
        smoothing=smoothing,
        x_axis=x_axis,
        main_metric=main_metric,
        num_classes=num_classes,
        plot=plot,
    )
    return options, policy


def _print_result(
    result: PipelineResult,
    policy: FailPolicy,
    out: Path,
    *,
    output_format: str,
    quiet: bool,
    github: bool,
) -> None:
    from curvelint.report import github as github_output

    shown = Path(shown_path(out))
    if output_format == "json":
        sys.stdout.write(result.summary_json)
    elif not quiet:
        from curvelint.report.console import console, runs_table

        terminal = console()
        terminal.print(runs_table(result.rows, policy.flags, terminal.width))
        terminal.print(f"Reports: {shown / 'index.md'}", markup=False, highlight=False)
    if github:
        github_output.append_step_summary(result.index_markdown)
        for line in github_output.workflow_annotations(result.rows, policy.flags, shown):
            print(line)


@app.command(
    cls=HelpCommand,
    help=cli_help.ANALYZE_HELP,
    short_help=cli_help.ANALYZE_SHORT,
    epilog=cli_help.ANALYZE_EPILOG,
)
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Log files or folders to analyze, or URLs (s3://…, gs://…).", metavar="PATH"
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder for the reports.")
    ] = Path("curvelint-report"),
    output_format: Annotated[
        Literal["table", "json"],
        typer.Option(
            "--format", help="table: a table of runs on stdout; json: summary.json on stdout."
        ),
    ] = "table",
    quiet: QuietOption = False,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", metavar="VERDICT[,VERDICT…]|LEVEL", help=cli_help.FAIL_ON_HELP),
    ] = None,
    github: Annotated[
        bool,
        typer.Option(
            "--github",
            help="Append the index to $GITHUB_STEP_SUMMARY; print an ::error annotation per "
            "flagged run, a ::warning per other error verdict, and one ::notice counting the rest.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help=default("Runs analyzed in parallel processes.", "the number of cores"),
        ),
    ] = None,
    smoothing: Annotated[
        SmoothingMethod | None,
        typer.Option("--smoothing", help=cli_help.SMOOTHING_HELP),
    ] = None,
    x_axis: Annotated[
        XAxis, typer.Option("--x-axis", help="What the plots' x axis counts.")
    ] = "step",
    main_metric: Annotated[
        str | None,
        typer.Option(
            "--main-metric",
            metavar="METRIC[/SPLIT]",
            help=default(
                "The series the index summarises, e.g. loss/eval or accuracy/eval.",
                "the train loss",
            ),
        ),
    ] = None,
    num_classes: NumClassesOption = None,
    plot: Annotated[
        list[str] | None,
        typer.Option(
            "--plot",
            metavar="METRIC[/SPLIT]",
            help="A panel of metrics.png (repeat for more), e.g. --plot mean_iou --plot "
            "reward/train; replaces the automatic choice (config: plot = [...]).",
        ),
    ] = None,
    config: ConfigOption = None,
    settings: SettingsOption = None,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by",
            metavar="REGEX",
            help=default(
                "Seed groups in the index; 'none': no groups. See `curvelint compare --help`.",
                "names ending in a seed, e.g. -seed3, _s3, /seed_3",
            ),
        ),
    ] = None,
    cache: CacheOption = True,
    html: Annotated[
        bool,
        typer.Option(
            "--html",
            help="Also write an interactive report.html per run, an index.html (zoom, "
            "hover, smoothing slider) and a page per seed group, all of which open offline.",
        ),
    ] = False,
    executor: ExecutorOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    from dataclasses import replace

    from curvelint.errors import CurvelintError
    from curvelint.seed_groups.naming import compile_pattern

    cluster = _executor(executor, scheduler, jobs)
    try:
        options, policy = _options(
            paths,
            config,
            _overrides(settings or []),
            fail_on,
            smoothing,
            x_axis,
            main_metric,
            num_classes,
            tuple(plot or ()),
        )
        compile_pattern(group_by)  # a bad --group-by fails before any work
        options = replace(options, group_by=group_by, report=replace(options.report, html=html))
        result = _run_pipeline(
            paths,
            out,
            options,
            jobs or _default_jobs(),
            _show_progress(quiet, output_format),
            _cache(cache),
            cluster,
        )
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    from curvelint.isolation import failure_lines

    try:
        _print_result(result, policy, out, output_format=output_format, quiet=quiet, github=github)
    except CurvelintError as error:  # a $GITHUB_STEP_SUMMARY that cannot be appended to
        raise _fail(str(error), ExitCode.USAGE) from None
    for line in failure_lines(result.failures, out):
        sys.stderr.write(line + "\n")
    flagged = any(policy.flags(row) for row in result.rows)
    raise typer.Exit(int(ExitCode.FLAGGED if flagged else ExitCode.OK))
