"""What ``--help`` says: each command's text and examples, and a command class that prints
arguments the way a man page does (``PATH...``, not typer's ``{PATHS...}...`` and
``<list[str]>``).

Every list of choices comes from where the choice is defined (:mod:`curvelint.choices`,
:mod:`curvelint.formats`); nothing here imports more than those, so help stays instant.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

from curvelint.choices import SMOOTHING_METHODS, Severity, Verdict
from curvelint.formats import formats_read

EXIT_CODES_HELP = (
    "Exit codes: 0 fine; 1 a run flagged (--fail-on) or unreadable; 2 usage error or nothing "
    "to analyze."
)


def default(text: str, value: str) -> str:
    """``text`` ending with a default typer cannot show itself (one that a config file may
    change, so the option's own default is None), in typer's ``[default: …]`` form."""
    return f"{text}  [default: {value}]"


def examples(*lines: str) -> str:
    """An epilog of example command lines, kept one per line (click's ``\\b`` paragraph)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


APP_HELP = f"""Offline analyzer for training logs: a verdict per run with its evidence, plots, a
report for the pull request and an exit code for CI.

Reads {formats_read()}; local files and folders or URLs (s3://…, gs://…).

{EXIT_CODES_HELP}"""
APP_EPILOG = examples(
    "curvelint analyze runs/ --fail-on diverged,overfitting",
    "curvelint compare main-runs/ pr-runs/ --fail-if-worse=5%",
    "curvelint frame runs/ --to frame.parquet",
    "curvelint analyze --help",
)

FRAME_SHORT = "Read runs into one table of points; print what each run holds."
FRAME_HELP = """Read every run under each PATH into the common frame (one row per logged point)
and print, per run, its series with their point counts and steps."""
FRAME_EPILOG = examples(
    "curvelint frame runs/",
    "curvelint frame runs/ --to frame.parquet    # then pandas.read_parquet('frame.parquet')",
    "curvelint frame out/trainer_state.json s3://bucket/runs/exp-7 --to frame.csv",
)

ANALYZE_SHORT = "Diagnose each run: reports, plots, an index and a CI exit code."
ANALYZE_HELP = f"""Analyze every run under each PATH and write a report per run into --out.

Writes DIR/<run>/report.md, its PNG plots and report.json, DIR/index.md (one row per run)
and DIR/summary.json; runs that differ only by seed also get DIR/seed-groups/<group>.md and
.png (the mean's verdict, each seed's, the checks across the seeds). With --html also
DIR/<run>/report.html, DIR/index.html, DIR/seed-groups/<group>.html and the scripts they load
in DIR/assets/. DIR must be new, empty, or an earlier curvelint report (it is then replaced
cleanly; files curvelint did not write are never touched).

{EXIT_CODES_HELP}"""
ANALYZE_EPILOG = examples(
    "curvelint analyze runs/",
    "curvelint analyze runs/ --out reports/ --fail-on diverged,overfitting --github",
    "curvelint analyze lightning_logs/ --x-axis epoch --smoothing none",
    "curvelint analyze s3://bucket/runs --format json > summary.json",
)
_LEVELS = {
    Severity.ERROR: "a finding of severity error",
    Severity.WARNING: "a finding of severity error or warning",
}
FAIL_ON_HELP = default(
    "Exit 1 when a run gets one of these verdicts: "
    + ", ".join(verdict.value for verdict in Verdict)
    + "; or, instead of verdicts, a level: "
    + "; ".join(f"{level.value} ({meaning})" for level, meaning in _LEVELS.items())
    + "; never. Unreadable runs always fail.",
    Verdict.DIVERGED.value,
)
SMOOTHING_HELP = default(
    "How the plots smooth a noisy curve (display only: verdicts never read it).",
    SMOOTHING_METHODS[0],
)

COMPARE_SHORT = "Compare HEAD runs against BASE: regressions, a PR comment, curves."
COMPARE_HELP = """Compare HEAD against BASE: two runs, or two folders whose runs are matched by
name (their paths relative to each folder).

Writes DIR/compare.md (ready for a PR comment), DIR/compare.json and DIR/curves.png, and
prints the summary table (or compare.json with --format json). Runs whose names differ only
by a trailing seed (-seed3, _s3, seed=3, /seed_3) are also compared as seed groups: the mean
of their seeds, judged against the seed spread.

Exit codes: 0 no regression; 1 a verdict got worse, a head run is unreadable, or
--fail-if-worse tripped; 2 usage error or nothing matched."""
COMPARE_EPILOG = examples(
    "curvelint compare runs/main/ runs/pr-42/",
    "curvelint compare baseline/ candidate/ --fail-if-worse=5% --metric loss/eval",
    "curvelint compare base/ head/ --group-by '_s\\d+$' --band interval --github",
)


def argument_usage(argument: Any) -> str:
    """``PATH...`` for a required list, ``BASE`` for a required value, ``[X]`` if optional."""
    name = str(argument.metavar or (argument.name or "").upper())
    if argument.nargs != 1:
        name += "..."
    return name if argument.required else f"[{name}]"


class HelpCommand(TyperCommand):
    """A typer command whose usage line and argument list read as in a man page."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [
            argument_usage(param)
            for param in self.get_params(ctx)
            if param.param_type_name == "argument"
        ]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                arguments.append((argument_usage(param), getattr(param, "help", None) or ""))
            elif (record := param.get_help_record(ctx)) is not None:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
