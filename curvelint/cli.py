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
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

if TYPE_CHECKING:
    from curvelint.cache import Cache
    from curvelint.compare.model import Comparison
    from curvelint.compare.write import Written
    from curvelint.pipeline import PipelineOptions, PipelineResult
    from curvelint.report.failing import FailPolicy
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
    from curvelint.report.escape import terminal_text

    sys.stderr.write(f"curvelint: error: {terminal_text(message)}\n")
    return typer.Exit(int(code))


CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Reuse what was parsed (and, for analyze, rendered) before when the files and "
        "options are unchanged; kept in $CURVELINT_CACHE_DIR, else $XDG_CACHE_HOME/curvelint "
        "or ~/.cache/curvelint, up to $CURVELINT_CACHE_MAX_MB (default 1024; 0: off).",
    ),
]

# Options that analyze and compare share, declared once.
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
NumClassesOption = Annotated[
    int | None,
    typer.Option("--num-classes", help="Classes of a classifier: judges the loss against chance."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Read settings from this file instead of curvelint.toml."),
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


@app.command()
def frame(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Log files or folders to read, or URLs (s3://…, gs://…).", metavar="PATHS..."
        ),
    ],
    to: Annotated[
        Path | None, typer.Option("--to", help="Also write the frame to FILE.csv or FILE.parquet.")
    ] = None,
    cache: CacheOption = True,
) -> None:
    """Read every run under PATHS into the common frame and print what was found."""
    from curvelint.errors import CurvelintError
    from curvelint.runs import read_runs

    try:
        report = read_runs(paths, cache=_cache(cache))
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


ANALYZE_HELP = f"""Analyze every run under PATHS and write a report per run into --out.

Writes DIR/<run>/report.md, its PNG plots and report.json, DIR/index.md (one row per run)
and DIR/summary.json (with --html also DIR/<run>/report.html, DIR/index.html and the scripts
they load in DIR/assets/). DIR must be new, empty, or an earlier curvelint report (it is then
replaced cleanly; files curvelint did not write are never touched).

{EXIT_CODES_HELP}
"""


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


def _check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise _fail(f"{option} {value!r}: use one of {', '.join(choices)}", ExitCode.USAGE)


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
) -> PipelineResult:
    from curvelint.pipeline import analyze_paths

    if not progress:
        return analyze_paths(paths, out, options, jobs=jobs, cache=cache)
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
) -> tuple[PipelineOptions, FailPolicy]:
    """The configuration (file, then --set), with the command-line options on top."""
    from curvelint.config import load_config
    from curvelint.pipeline import pipeline_options
    from curvelint.report.failing import chosen_fail_on, fail_policy

    config = load_config(_local_start(paths), config_file, overrides)
    policy = fail_policy(chosen_fail_on(fail_on, config))
    options = pipeline_options(
        config, smoothing=smoothing, x_axis=x_axis, main_metric=main_metric, num_classes=num_classes
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

    if output_format == "json":
        sys.stdout.write(result.summary_json)
    elif not quiet:
        from curvelint.report.console import console, runs_table

        terminal = console()
        terminal.print(runs_table(result.rows, policy.flags, terminal.width))
        terminal.print(f"Reports: {out / 'index.md'}", markup=False, highlight=False)
    if github:
        github_output.append_step_summary(result.index_markdown)
        for line in github_output.workflow_annotations(result.rows, policy.flags, out):
            print(line)


@app.command(help=ANALYZE_HELP)
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Log files or folders to analyze, or URLs (s3://…, gs://…).", metavar="PATHS..."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports.")] = Path(
        "curvelint-report"
    ),
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="table: a table of runs on stdout; json: summary.json on stdout."
        ),
    ] = "table",
    quiet: QuietOption = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="VERDICT[,VERDICT…]",
            help="Exit 1 when a run gets one of these verdicts (default: diverged), or has a "
            "finding of this severity (error, warning), or never. Unreadable runs always fail.",
        ),
    ] = None,
    github: Annotated[
        bool,
        typer.Option(
            "--github",
            help="Append the index to $GITHUB_STEP_SUMMARY and print ::error/::warning "
            "annotations for flagged runs.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Runs analyzed in parallel processes (default: cores)."),
    ] = None,
    smoothing: Annotated[
        str | None,
        typer.Option(
            "--smoothing",
            help="Display smoothing: centered_time_ema (default), time_ema, debiased_ema, none.",
        ),
    ] = None,
    x_axis: Annotated[
        str, typer.Option("--x-axis", help="Plot against step (default), epoch or time.")
    ] = "step",
    main_metric: Annotated[
        str | None,
        typer.Option(
            "--main-metric",
            metavar="METRIC[/SPLIT]",
            help="The series the index summarises, e.g. loss/eval or accuracy/eval "
            "(default: the train loss).",
        ),
    ] = None,
    num_classes: NumClassesOption = None,
    config: ConfigOption = None,
    settings: SettingsOption = None,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by",
            metavar="REGEX",
            help="Seed groups in the index (default: names ending in a seed, e.g. -seed3, "
            "_s3, /seed_3); 'none': no groups. See `curvelint compare --help`.",
        ),
    ] = None,
    cache: CacheOption = True,
    html: Annotated[
        bool,
        typer.Option(
            "--html",
            help="Also write an interactive report.html per run and an index.html (zoom, "
            "hover, smoothing slider) that open offline.",
        ),
    ] = False,
) -> None:
    from dataclasses import replace

    from curvelint.errors import CurvelintError
    from curvelint.isolation import failure_lines
    from curvelint.seed_groups.naming import compile_pattern

    _check_choice("--format", output_format, ("table", "json"))
    _check_choice("--x-axis", x_axis, ("step", "epoch", "time"))
    if jobs is not None and jobs < 1:
        raise _fail(f"--jobs {jobs}: use 1 or more", ExitCode.USAGE)
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
        )
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    try:
        _print_result(result, policy, out, output_format=output_format, quiet=quiet, github=github)
    except CurvelintError as error:  # a $GITHUB_STEP_SUMMARY that cannot be appended to
        raise _fail(str(error), ExitCode.USAGE) from None
    for line in failure_lines(result.failures, out):
        sys.stderr.write(line + "\n")
    flagged = any(policy.flags(row) for row in result.rows)
    raise typer.Exit(int(ExitCode.FLAGGED if flagged else ExitCode.OK))


COMPARE_HELP = """Compare HEAD against BASE: two runs, or two folders whose runs are matched by
name (their paths relative to each folder).

Writes DIR/compare.md (ready for a PR comment), DIR/compare.json and DIR/curves.png, and
prints the summary table (or compare.json with --format json). Runs whose names differ only
by a trailing seed (-seed3, _s3, seed=3, /seed_3) are also compared as seed groups: the mean
of their seeds, judged against the seed spread.

Exit codes: 0 no regression; 1 a verdict got worse, a head run is unreadable, or
--fail-if-worse tripped; 2 usage error or nothing matched.
"""
FAIL_IF_WORSE = "--fail-if-worse"


class _CompareCommand(TyperCommand):
    """Lets ``--fail-if-worse`` stand alone (threshold 0) as well as take ``=THRESHOLD``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        bare = [f"{FAIL_IF_WORSE}=0" if arg == FAIL_IF_WORSE else arg for arg in args[:end]]
        return super().parse_args(ctx, bare + args[end:])


def _print_comparison(
    comparison: Comparison, written: Written, out: Path, output_format: str
) -> None:
    if output_format == "json":
        sys.stdout.write(written.json)
        return
    from curvelint.compare.markdown import summary_table

    typer.echo("\n".join(summary_table(comparison)))
    typer.echo(f"\nComparison: {out / 'compare.md'}")


@app.command(cls=_CompareCommand, help=COMPARE_HELP)
def compare(
    base: Annotated[
        str, typer.Argument(help="The reference: a run, a folder of runs, or a URL (s3://…).")
    ],
    head: Annotated[str, typer.Argument(help="The run(s) to judge against BASE.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the comparison.")] = Path(
        "curvelint-compare"
    ),
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="markdown: the summary table on stdout; json: compare.json on stdout."
        ),
    ] = "markdown",
    fail_if_worse: Annotated[
        str | None,
        typer.Option(
            FAIL_IF_WORSE,
            metavar="[=THRESHOLD]",
            help="Exit 1 when a best or final value is worse than BASE beyond the noise and by "
            "more than THRESHOLD, a share of the base value (=5% or =0.05; alone: any amount).",
        ),
    ] = None,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by",
            metavar="REGEX",
            help="Seed groups: runs whose names match REGEX; the key is REGEX's first capture "
            "group (other than (?P<seed>…)), else the name without the match. 'none': no groups.",
        ),
    ] = None,
    metrics: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            metavar="METRIC[/SPLIT]",
            help="Compare (and gate) only these curves, e.g. loss/eval (repeatable).",
        ),
    ] = None,
    band: Annotated[
        str, typer.Option("--band", help="Seed-group band: minmax (default) or interval (95 %).")
    ] = "minmax",
    main_metric: Annotated[
        str | None,
        typer.Option("--main-metric", metavar="METRIC[/SPLIT]", help="The series listed first."),
    ] = None,
    num_classes: NumClassesOption = None,
    config: ConfigOption = None,
    settings: SettingsOption = None,
    github: Annotated[
        bool, typer.Option("--github", help="Append compare.md to $GITHUB_STEP_SUMMARY.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    _check_choice("--format", output_format, ("markdown", "json"))
    _check_choice("--band", band, ("minmax", "interval"))
    from curvelint.compare.build import compare_options, compare_paths
    from curvelint.compare.write import write_comparison
    from curvelint.config import load_config
    from curvelint.errors import CurvelintError
    from curvelint.report import github as github_output

    try:
        options = compare_options(
            load_config(_local_start([base]), config, _overrides(settings or [])),
            threshold=fail_if_worse,
            group_by=group_by,
            metrics=tuple(metrics or ()),
            band=band,
            main_metric=main_metric,
            num_classes=num_classes,
        )
        comparison = compare_paths(base, head, options)
        written = write_comparison(out, comparison)
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    if not quiet:
        _print_comparison(comparison, written, out, output_format)
    try:
        if github:
            github_output.append_step_summary(written.markdown)
    except CurvelintError as error:
        raise _fail(str(error), ExitCode.USAGE) from None
    raise typer.Exit(int(ExitCode.FLAGGED if comparison.regressions else ExitCode.OK))


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


def main() -> None:
    """Console entry point: Ctrl-C exits 130 and SIGTERM 143, in one line, not a traceback."""
    from curvelint.interrupts import Stopped, stop_on_signals

    stop_on_signals()
    try:
        app()
    except Stopped as stopped:
        sys.stderr.write(f"curvelint: stopped ({stopped}); temporary files removed\n")
        sys.exit(stopped.exit_code)
