"""Which entries are measured: the groups of competing tools over one input each.

Everything curvelint is detected, never assumed: a subcommand exists when its ``--help``
names it, so the harness runs unchanged while ``frame`` and ``analyze`` are being written and
reports the missing ones as not available.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from benchmarks.datasets import Dataset
from benchmarks.measure import REPO_ROOT

# Tool labels, shared with the target checks.
CURVELINT_READ = "curvelint.read"
CURVELINT_FRAME = "curvelint frame (process)"
CURVELINT_HELP = "curvelint --help (process)"
PYTHON_BARE = "python -c pass (process)"
EA_ALL = "EventAccumulator (keep all)"
EA_DEFAULT = "EventAccumulator (default)"
RUST_SERVER = "Rust data server (keep all)"
PROTOBUF = "protobuf decode per record"
FRAMING = "floor: framing only"
RAW_READ = "floor: raw read"
LOSSLINT = "losslint load_run"

# Roles: how a row is timed and compared.
CURVELINT, CLI, ALTERNATIVE, FLOOR, IMPORT = "curvelint", "cli", "alternative", "floor", "import"


@dataclass(frozen=True)
class Entry:
    """One tool measured on one input.

    A worker ``case`` runs in-process in a fresh interpreter (see :mod:`benchmarks.cases`); a
    command line (``argv``) is timed as a whole process. ``unavailable`` says why it cannot
    run at all (a curvelint subcommand not written yet).
    """

    group: str
    tool: str
    role: str
    dataset: Dataset | None = None
    case: str = ""
    argv: tuple[str, ...] = ()
    ok_codes: tuple[int, ...] = (0,)
    points_pattern: str = ""
    unavailable: str = ""

    @property
    def in_process(self) -> bool:
        """Timed inside the process (imports apart), rather than as a whole process."""
        return bool(self.case)


@dataclass(frozen=True)
class Group:
    """Entries compared with each other, measured in alternation."""

    name: str
    title: str
    entries: tuple[Entry, ...]


def curvelint_command() -> list[str]:
    """The installed console script, as users run it; ``python -m curvelint`` otherwise."""
    script = Path(sys.executable).with_name("curvelint")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "curvelint"]


@cache
def help_text(*args: str) -> tuple[int, str]:
    """``curvelint ARGS --help``: exit code and output (not timed; cached per run)."""
    try:
        done = subprocess.run(
            [*curvelint_command(), *args, "--help"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return -1, str(error)
    return done.returncode, done.stdout + done.stderr


def subcommand_missing(name: str) -> str:
    """Why ``curvelint NAME`` cannot be measured yet, or "" when it exists."""
    code, text = help_text(name)
    if code == 0 and re.search(rf"Usage: \S*curvelint {name}\b", text):
        return ""
    return f"no `curvelint {name}` subcommand yet (`curvelint {name} --help` did not show it)"


def help_missing() -> str:
    """Why ``curvelint --help`` cannot be measured, or ""."""
    code, text = help_text()
    return "" if code == 0 else f"`curvelint --help` failed (exit {code}): {text[-200:]}"


def _worker(group: str, tool: str, role: str, case: str, dataset: Dataset | None) -> Entry:
    return Entry(group=group, tool=tool, role=role, dataset=dataset, case=case)


def _frame_entry(group: str, dataset: Dataset) -> Entry:
    return Entry(
        group=group,
        tool=CURVELINT_FRAME,
        role=CLI,
        dataset=dataset,
        argv=(*curvelint_command(), "frame", str(dataset.path)),
        points_pattern=r"\]\s+(\d+) points",
        unavailable=subcommand_missing("frame"),
    )


def _tfevents_group(name: str, title: str, dataset: Dataset, tbparse_case: str) -> Group:
    tbparse_tool = "tbparse ." + tbparse_case.removeprefix("tbparse_")
    rows = [
        (CURVELINT_READ, CURVELINT, "curvelint_read"),
        (EA_ALL, ALTERNATIVE, "event_accumulator_all"),
        (EA_DEFAULT, ALTERNATIVE, "event_accumulator_default"),
        (tbparse_tool, ALTERNATIVE, tbparse_case),
        (RUST_SERVER, ALTERNATIVE, "rust_data_server"),
        (LOSSLINT, ALTERNATIVE, "losslint_load"),
        (PROTOBUF, FLOOR, "protobuf_decode"),
        (FRAMING, FLOOR, "framing"),
        (RAW_READ, FLOOR, "raw_read"),
    ]
    if name == "sweep_read":  # EA's default and losslint add nothing new over many files
        rows = [row for row in rows if row[0] not in (EA_DEFAULT, LOSSLINT)]
    entries = [_worker(name, tool, role, case, dataset) for tool, role, case in rows]
    entries.insert(1, _frame_entry(name, dataset))
    return Group(name, title, tuple(entries))


def _file_group(
    name: str,
    title: str,
    dataset: Dataset,
    floor: tuple[str, str],
    alternatives: tuple[tuple[str, str], ...] = (),
) -> Group:
    entries = (
        _worker(name, CURVELINT_READ, CURVELINT, "curvelint_read", dataset),
        _frame_entry(name, dataset),
        _worker(name, floor[0], FLOOR, floor[1], dataset),
        *(_worker(name, label, ALTERNATIVE, case, dataset) for label, case in alternatives),
        _worker(name, LOSSLINT, ALTERNATIVE, "losslint_load", dataset),
        _worker(name, RAW_READ, FLOOR, "raw_read", dataset),
    )
    return Group(name, title, entries)


def _startup_group() -> Group:
    imports = [
        ("import pandas", "import_pandas"),
        ("import event_accumulator", "import_event_accumulator"),
        ("import tbparse", "import_tbparse"),
        ("import curvelint", "import_curvelint"),
        ("import curvelint.read (all it needs)", "import_curvelint_read"),
    ]
    entries = [
        Entry(
            "startup",
            CURVELINT_HELP,
            CLI,
            argv=(*curvelint_command(), "--help"),
            unavailable=help_missing(),
        ),
        Entry("startup", PYTHON_BARE, FLOOR, argv=(sys.executable, "-c", "pass")),
        *(_worker("startup", tool, IMPORT, case, None) for tool, case in imports),
    ]
    return Group("startup", "Start-up: `--help` and imports (cold interpreter)", tuple(entries))


def _analysis_group(datasets: dict[str, Dataset]) -> Group:
    sweep = datasets["sweep"]
    long_series = Dataset("long_series", sweep.path, datasets["scalars_simple"].events, 0)
    entries = (
        _worker(
            "analysis", "analysis: one long series", CURVELINT, "analysis_long_series", long_series
        ),
        _worker("analysis", "analysis: the whole sweep", CURVELINT, "analysis_sweep", sweep),
    )
    return Group(
        "analysis", "curvelint analysis functions, in-process (frames built before)", entries
    )


CURVELINT_ANALYZE_LONG = "curvelint analyze (process)"
CURVELINT_ANALYZE_LONG_NO_CACHE = "curvelint analyze --no-cache (process)"
LONG_RUN_OUT = Path(tempfile.gettempdir()) / "curvelint-bench-long-run"


def _long_run_group(dataset: Dataset) -> Group:
    """`curvelint analyze` of one 10M-point run, end to end (reports and PNGs included), with
    the parsed-run cache written (an empty one each round) and without it."""
    missing = subcommand_missing("analyze")
    base = (*curvelint_command(), "analyze", str(dataset.path), "--out", str(LONG_RUN_OUT))
    entries = tuple(
        Entry(
            "long_run",
            tool,
            CLI,
            dataset=dataset,
            argv=argv,
            ok_codes=(0, 1),  # 1: the run was flagged
            unavailable=missing,
        )
        for tool, argv in (
            (CURVELINT_ANALYZE_LONG, base),
            (CURVELINT_ANALYZE_LONG_NO_CACHE, (*base, "--no-cache")),
        )
    )
    return Group("long_run", "One run of 10M points: `curvelint analyze` (whole process)", entries)


def build_groups(datasets: dict[str, Dataset]) -> list[Group]:
    """Every group, in the order they are measured and printed."""
    simple, tensor = datasets["scalars_simple"], datasets["scalars_tensor"]
    return [
        _startup_group(),
        _tfevents_group(
            "scalars_simple",
            "One run, simple-value scalars (torch SummaryWriter)",
            simple,
            "tbparse_scalars",
        ),
        _tfevents_group(
            "scalars_tensor", "The same points as TF2 tensor scalars", tensor, "tbparse_tensors"
        ),
        _tfevents_group(
            "sweep_read",
            "Reading the whole sweep (many small event files)",
            datasets["sweep"],
            "tbparse_scalars",
        ),
        _file_group(
            "keras_csv",
            "Keras CSVLogger file",
            datasets["keras_csv"],
            ("pandas.read_csv", "pandas_read_csv"),
            (("pandas.read_csv + melt (long, as curvelint)", "pandas_read_csv_long"),),
        ),
        _file_group(
            "trainer_state",
            "Hugging Face trainer_state.json",
            datasets["trainer_state"],
            ("json.load", "json_load"),
        ),
        _analysis_group(datasets),
        _long_run_group(datasets["long_run"]),
    ]
