"""Print the results and write them: ``results/latest.md`` (tables + machine) and ``.json``."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.endtoend import AnalyzeResults
from benchmarks.measure import REPO_ROOT
from benchmarks.plan import Group
from benchmarks.results import Row
from benchmarks.targets import Target

PACKAGES = (
    "curvelint",
    "pandas",
    "numpy",
    "pyarrow",
    "tensorboard",
    "tensorboard-data-server",
    "protobuf",
    "grpcio",
    "tbparse",
    "losslint",
    "torch",
)
COLUMNS = (
    "tool",
    "time s",
    "cpu s",
    "import s",
    "process s",
    "events/s",
    "MB/s",
    "peak MB",
    "points kept",
    "× curvelint",
    "status",
)


def _first_line(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _memory() -> str:
    kilobytes = _first_line("/proc/meminfo", "MemTotal").split()[0]
    return f"{int(kilobytes) / 2**20:.1f} GiB RAM" if kilobytes.isdigit() else "unknown RAM"


def _command(*argv: str) -> str:
    try:
        done = subprocess.run(
            list(argv), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    """What the numbers depend on: CPU, cores, memory, interpreter, library versions, commit."""
    protobuf = _command(
        sys.executable,
        "-c",
        "from google.protobuf.internal import api_implementation as a; print(a.Type())",
    )
    commit = _command("git", "rev-parse", "--short", "HEAD") or "no commit yet"
    dirty = bool(_command("git", "status", "--porcelain", "--untracked-files=no"))
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory": _memory(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "protobuf_implementation": protobuf or "unknown",
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "versions": {package: _version(package) for package in PACKAGES},
    }


# --------------------------------------------------------------------------- formatting


def _number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    if value >= 10**digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1e6:
        return f"{value / 1e6:.3g} M"
    if value >= 1e3:
        return f"{value / 1e3:.3g} k"
    return f"{value:.3g}"


def _status(row: Row) -> str:
    if row.status == "ok":
        if row.reason:
            return "ok*"
        rounds = f" ({row.rounds} rounds)" if row.rounds != 1 else " (1 round)"
        return "ok" + rounds
    return row.status


def cells(row: Row) -> list[str]:
    """One table line for ``row``, in :data:`COLUMNS` order."""
    return [
        row.tool,
        _number(row.seconds),
        _number(row.cpu_s),
        _number(row.setup_s),
        _number(row.process_s),
        _rate(row.events_per_s),
        _number(row.mb_per_s),
        "—" if row.peak_mb is None else f"{row.peak_mb:.0f}",
        "—" if row.points is None else f"{row.points:,}",
        "—" if row.ratio is None else f"{row.ratio:.3g}×",
        _status(row),
    ]


def _reasons(rows: Sequence[Row]) -> list[str]:
    return [f"{row.tool}: {row.status}: {row.reason}" for row in rows if row.reason]


def console_table(title: str, rows: Sequence[Row]) -> str:
    """A fixed-width table for the terminal."""
    lines = [list(COLUMNS), *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    rendered = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        )
        for line in lines
    ]
    rendered.insert(1, "-" * len(rendered[0]))
    notes = [f"    {reason}" for reason in _reasons(rows)]
    return "\n".join([f"== {title}", *rendered, *notes])


def _markdown_table(
    header: Sequence[str], body: Sequence[Sequence[str]], numeric: bool = True
) -> list[str]:
    """Text columns left-aligned; with ``numeric`` every column between the first and the last
    is a number, right-aligned."""

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    middle = "---:" if numeric else "---"
    align = ["---"] + [middle] * (len(header) - 2) + ["---"]
    return [line(header), "| " + " | ".join(align) + " |", *(line(row) for row in body)]


QUICK_WARNING = (
    "quick sizes: these checks only exercise the harness, the targets are for full sizes"
)


def targets_table(targets: Sequence[Target], quick: bool) -> str:
    """The targets for the terminal."""
    width = max(len(t.requirement) for t in targets)
    lines = [f"{t.status:<5} {t.requirement.ljust(width)}  {t.measured}" for t in targets]
    title = "== Targets (issue #6)" + (f" — {QUICK_WARNING}" if quick else "")
    return "\n".join([title, *lines])


# --------------------------------------------------------------------------- files

HOW_TO_READ = """\
*time s* is the headline: the work inside the process with imports excluded (their cost is
*import s*) for library calls; the import itself for import rows; the whole process, spawn to
exit, for command lines (marked "process"). *cpu s* is the CPU time behind *time s* (user +
system, all threads and waited-for children): when it is far below *time s* for
single-threaded work, other work on the machine was competing for the cores.
*process s* is always the whole fresh process.
Best of the rounds; the tools alternate within each round. *peak MB* is the largest
resident set (`ru_maxrss`) of the case's own fresh process. *events/s* counts input records
(event-file records, CSV rows, `log_history` entries). *× curvelint* is the time over
curvelint's on the same clock (in-process vs `curvelint.read`, process vs process): above 1
means slower than curvelint. An entry whose first round took more than the --slow limit is
not repeated (its noise is far below its gap)."""


def markdown(
    machine: dict[str, Any],
    settings: dict[str, Any],
    groups: Sequence[Group],
    rows: Sequence[Row],
    targets: Sequence[Target],
    analyze: AnalyzeResults | None,
) -> str:
    """The whole results file."""
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    parts = [
        "# curvelint benchmarks (issue #6)",
        "",
        f"Generated by `{settings['command']}` on {machine['date']}.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
        f"{machine['platform']}",
        f"- Python {machine['python']}; protobuf implementation "
        f"{machine['protobuf_implementation']}; commit {machine['commit']}",
        f"- Versions: {versions}",
        f"- Sizes: {settings['sizes']}; rounds: {settings['rounds']}",
        f"- Load average (1, 5, 15 min) at the start {settings['load_average_at_start']}, "
        f"at the end {machine['load_average_at_end']}: other work on the machine adds noise",
        "",
        "## Targets" + (f" ({QUICK_WARNING})" if settings["sizes"]["label"] == "quick" else ""),
        "",
        *_markdown_table(
            ["status", "target", "measured"],
            [[t.status, t.requirement, t.measured] for t in targets],
            numeric=False,
        ),
        "",
        HOW_TO_READ,
    ]
    for group in groups:
        members = [row for row in rows if row.group == group.name]
        if not members:
            continue
        parts += [
            "",
            f"## {group.title}",
            "",
            *_markdown_table(COLUMNS, [cells(r) for r in members]),
        ]
        parts += [f"- {reason}" for reason in _reasons(members)]
    if analyze is not None:
        parts += ["", *(f"- {line}" for line in analyze.differences + analyze.notes)]
    return "\n".join(parts).rstrip() + "\n"


def write(
    directory: Path,
    stem: str,
    machine: dict[str, Any],
    settings: dict[str, Any],
    groups: Sequence[Group],
    rows: Sequence[Row],
    targets: Sequence[Target],
    analyze: AnalyzeResults | None,
) -> tuple[Path, Path]:
    """Write ``STEM.md`` and ``STEM.json`` (each replaced whole, never half-written)."""
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "machine": machine,
        "settings": settings,
        "rows": [
            {**asdict(row), "events_per_s": row.events_per_s, "mb_per_s": row.mb_per_s}
            for row in rows
        ],
        "targets": [asdict(target) for target in targets],
        "analyze": None
        if analyze is None
        else {
            "jobs_identical": analyze.jobs_identical,
            "cached_identical": analyze.cached_identical,
            "dask_identical": analyze.dask_identical,
            "differences": analyze.differences,
            "notes": analyze.notes,
        },
    }
    text_path, json_path = directory / f"{stem}.md", directory / f"{stem}.json"
    contents = {
        text_path: markdown(machine, settings, groups, rows, targets, analyze),
        json_path: json.dumps(document, indent=2, allow_nan=False, default=str) + "\n",
    }
    for path, text in contents.items():
        scratch = path.with_suffix(path.suffix + ".tmp")
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(path)
    return text_path, json_path
