"""``curvelint compare``: base against head, curve by curve, beyond the noise or not."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from curvelint import cli_help
from curvelint.choices import Band
from curvelint.cli_help import HelpCommand, default
from curvelint.shown_paths import shown_path

if TYPE_CHECKING:
    from curvelint.compare.model import Comparison
    from curvelint.compare.write import Written

from curvelint.cli_analyze import _local_start
from curvelint.cli_app import (
    ConfigOption,
    ExitCode,
    NumClassesOption,
    QuietOption,
    SettingsOption,
    _fail,
    _overrides,
    app,
)

FAIL_IF_WORSE = "--fail-if-worse"


class _CompareCommand(HelpCommand):
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
    typer.echo(f"\nComparison: {Path(shown_path(out)) / 'compare.md'}")


@app.command(
    cls=_CompareCommand,
    help=cli_help.COMPARE_HELP,
    short_help=cli_help.COMPARE_SHORT,
    epilog=cli_help.COMPARE_EPILOG,
)
def compare(
    base: Annotated[
        str, typer.Argument(help="The reference: a run, a folder of runs, or a URL (s3://…).")
    ],
    head: Annotated[str, typer.Argument(help="The run(s) to judge against BASE.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder for the comparison.")
    ] = Path("curvelint-compare"),
    output_format: Annotated[
        Literal["markdown", "json"],
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
            help=default(
                "Seed groups: runs whose names match REGEX; the key is REGEX's first capture "
                "group (other than (?P<seed>…)), else the name without the match. 'none': no "
                "groups.",
                "names ending in a seed, e.g. -seed3, _s3, seed=3, /seed_3",
            ),
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
        Band,
        typer.Option(
            "--band",
            help="A seed group's band in curves.png: minmax (lowest to highest seed) or "
            "interval (95 % interval of the mean).",
        ),
    ] = "minmax",
    main_metric: Annotated[
        str | None,
        typer.Option(
            "--main-metric",
            metavar="METRIC[/SPLIT]",
            help=default("The series listed first.", "the train loss"),
        ),
    ] = None,
    num_classes: NumClassesOption = None,
    config: ConfigOption = None,
    settings: SettingsOption = None,
    github: Annotated[
        bool, typer.Option("--github", help="Append compare.md to $GITHUB_STEP_SUMMARY.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
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
