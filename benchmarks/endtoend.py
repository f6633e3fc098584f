"""``curvelint analyze`` of the sweep, end to end: --jobs 1, --jobs 2, a cached rerun, and
``--executor dask`` on a running cluster of 1 and 2 single-threaded workers.

Each cold run gets a fresh workspace (a copy of the sweep, an empty ``--out`` and an empty
``XDG_CACHE_HOME``) so that whatever cache curvelint keeps, in the output folder or in the
user's cache folder, cannot make a "first" run warm. The rerun reuses the workspace of the
--jobs 2 run, unchanged. Commands run with relative paths inside the workspace, so reports
that mention paths are comparable byte for byte across workspaces.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import dask_cluster
from benchmarks.datasets import DATA_ROOT, Dataset
from benchmarks.measure import CACHE_DIR_ENV, REPO_ROOT, Finished, Sample, run_process
from benchmarks.plan import curvelint_command, help_text, subcommand_missing

GROUP = "analyze"
JOBS_1 = "curvelint analyze --jobs 1 (process)"
JOBS_2 = "curvelint analyze --jobs 2 (process)"
CACHED = "curvelint analyze again, unchanged (cached)"
CACHED_NEW = "curvelint analyze again, into a new folder (cached)"
LOSSLINT_CHECK = "losslint check (process)"
DASK_1 = "curvelint analyze --executor dask, 1 worker × 1 thread"
DASK_2 = "curvelint analyze --executor dask, 2 workers × 1 thread"
DASK_WORKERS = {DASK_1: 1, DASK_2: 2}
AGAIN = "out-again"  # the cached rerun into a folder the first run never wrote
TOOLS = (JOBS_1, JOBS_2, CACHED, CACHED_NEW, LOSSLINT_CHECK, DASK_1, DASK_2)

# Text outputs are compared after masking what legitimately differs between two runs.
TEXT_SUFFIXES = frozenset({".md", ".json", ".html", ".htm", ".txt", ".csv", ".svg", ".xml"})
TIME_PATTERNS: tuple[re.Pattern[bytes], ...] = (
    re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"),
    re.compile(
        rb'"(generated|created|timestamp|elapsed|duration|took|runtime)[a-z_]*"\s*:\s*'
        rb'("[^"]*"|[-+0-9.eE]+|null)'
    ),
    re.compile(rb"\b(took|in|after)\s+\d+(\.\d+)?\s?(ms|s|seconds)\b"),
)
# Caches may hold timings or process ids; they are not output.
IGNORED_NAME = re.compile(r"^\.|cache", re.IGNORECASE)


@dataclass
class AnalyzeResults:
    """Samples per tool, and whether the outputs matched."""

    samples: dict[str, list[Sample]] = field(default_factory=lambda: {t: [] for t in TOOLS})
    jobs_identical: bool | None = None
    cached_identical: bool | None = None
    dask_identical: bool | None = None
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _normalise(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() in TEXT_SUFFIXES:
        for pattern in TIME_PATTERNS:
            data = pattern.sub(b"<masked>", data)
    return data


Snapshot = dict[str, bytes]


def snapshot(root: Path) -> Snapshot:
    """Relative path → normalised content of every output file (a few MB for the sweep)."""
    contents: Snapshot = {}
    if not root.is_dir():
        return contents
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(IGNORED_NAME.search(p) for p in relative.parts):
            contents[str(relative)] = _normalise(path)
    return contents


def first_difference(left: bytes, right: bytes) -> str:
    """Where two text files part: the first differing line of each (binary: the sizes)."""
    if b"\0" in left[:1024] or b"\0" in right[:1024]:
        return f"binary, {len(left):,} vs {len(right):,} bytes"
    pairs = zip(left.splitlines(), right.splitlines(), strict=False)
    for number, (one, two) in enumerate(pairs, start=1):
        if one != two:
            return f"line {number}: {one[:90]!r} vs {two[:90]!r}"
    return f"{len(left.splitlines())} vs {len(right.splitlines())} lines"


def compare(left: Snapshot, right: Snapshot) -> list[str]:
    """Human-readable differences between two output trees (empty when identical)."""
    missing = sorted(set(left) ^ set(right))
    changed = sorted(name for name in set(left) & set(right) if left[name] != right[name])
    lines = [f"only in one output: {name}" for name in missing[:5]]
    lines += [
        f"{name} differs, {first_difference(left[name], right[name])}" for name in changed[:5]
    ]
    if len(missing) + len(changed) > 10:
        lines.append(f"… {len(missing) + len(changed)} files in all")
    return lines


@dataclass(frozen=True)
class Workspace:
    """A private copy of the sweep, its output folder and its cache folder."""

    root: Path

    @property
    def out(self) -> Path:
        """The analyze output folder, as given to --out (relative inside the workspace)."""
        return self.root / "out"

    def env(self) -> dict[str, str]:
        """A fresh curvelint cache per workspace (``CURVELINT_CACHE_DIR`` wins over
        ``XDG_CACHE_HOME``; both are set); matplotlib's own cache stays warm and shared."""
        return {
            **os.environ,
            "XDG_CACHE_HOME": str(self.root / "cache"),
            CACHE_DIR_ENV: str(self.root / "cache" / "curvelint"),
            "MPLCONFIGDIR": str(DATA_ROOT / ".mplconfig"),
        }


def _new_workspace(base: Path, name: str, sweep: Path) -> Workspace:
    root = base / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(sweep, root / "sweep", ignore=shutil.ignore_patterns(".complete"))
    return Workspace(root)


def warm_matplotlib() -> None:
    """Build matplotlib's font cache once, untimed, so no measured run pays for it."""
    env = {**os.environ, "MPLCONFIGDIR": str(DATA_ROOT / ".mplconfig")}
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"],
        cwd=REPO_ROOT,
        env=env,
        check=False,
        capture_output=True,
        timeout=300,
    )


def _sample(finished: Finished, ok_codes: tuple[int, ...]) -> Sample:
    if finished.returncode in ok_codes:
        return Sample(
            "ok",
            process_s=finished.wall_s,
            process_cpu_s=finished.cpu_s,
            peak_mb=finished.peak_mb,
        )
    tail = (finished.stderr.strip().splitlines() or [""])[-1][:300]
    why = "timed out" if finished.timed_out else f"exit {finished.returncode}"
    return Sample("error", f"{why}: {tail}", process_s=finished.wall_s, peak_mb=finished.peak_mb)


def _analyze_argv(jobs: int | None, out: str = "out") -> list[str]:
    argv = [*curvelint_command(), "analyze", "sweep", "--out", out]
    return argv if jobs is None else [*argv, "--jobs", str(jobs)]


@dataclass
class _Session:
    """One measurement of the group: where the workspaces go, and where samples are kept."""

    results: AnalyzeResults
    base: Path
    sweep: Path
    timeout_s: float
    log: Callable[[str, Sample], None]

    def add(self, tool: str, sample: Sample) -> Sample:
        """Keep and print one sample as soon as it is measured."""
        self.results.samples[tool].append(sample)
        self.log(tool, sample)
        return sample

    def run(self, tool: str, argv: list[str], workspace: Workspace) -> Sample:
        """Run one command in ``workspace``; exit 1 (some run flagged) is expected here."""
        finished = run_process(
            argv, cwd=workspace.root, env=workspace.env(), timeout_s=self.timeout_s
        )
        return self.add(tool, _sample(finished, ok_codes=(0, 1)))

    def workspace(self, name: str) -> Workspace:
        """A fresh workspace (an existing one of that name is replaced)."""
        return _new_workspace(self.base, name, self.sweep)


def _merge(previous: bool | None, differences: list[str], *samples: Sample) -> bool | None:
    """Identical over every round so far; None when a run failed and nothing was compared."""
    if any(sample.status != "ok" for sample in samples):
        return previous
    return not differences and previous is not False


def _record(results: AnalyzeResults, comparison: str, differences: list[str]) -> None:
    """Keep each difference once, however many rounds show it."""
    for line in differences:
        entry = f"{comparison}: {line}"
        if entry not in results.differences:
            results.differences.append(entry)


def _analyze_round(session: _Session) -> None:
    """One cold --jobs 1, one cold --jobs 2, one rerun of the latter; compare the outputs."""
    results = session.results
    has_jobs = "--jobs" in help_text("analyze")[1]
    first = session.workspace("jobs1")
    serial = session.run(JOBS_1, _analyze_argv(1 if has_jobs else None), first)
    reference = snapshot(first.out)
    if not reference and serial.status == "ok":
        results.notes.append("`curvelint analyze` wrote nothing under --out")
    second, parallel_output = first, reference
    if has_jobs:
        second = session.workspace("jobs2")
        parallel = session.run(JOBS_2, _analyze_argv(2), second)
        parallel_output = snapshot(second.out)
        differences = compare(reference, parallel_output)
        results.jobs_identical = _merge(results.jobs_identical, differences, serial, parallel)
        _record(results, "--jobs 1 vs 2", differences)
    else:
        session.add(JOBS_2, Sample("n/a", "`curvelint analyze` has no --jobs option"))
    rerun = session.run(CACHED, _analyze_argv(2 if has_jobs else None), second)
    differences = compare(parallel_output, snapshot(second.out))
    results.cached_identical = _merge(results.cached_identical, differences, rerun)
    _record(results, "first vs cached run", differences)
    # The cache is keyed by content and options, not by the output folder (issue 16).
    elsewhere = session.run(CACHED_NEW, _analyze_argv(2 if has_jobs else None, AGAIN), second)
    differences = compare(parallel_output, snapshot(second.root / AGAIN))
    results.cached_identical = _merge(results.cached_identical, differences, elsewhere)
    _record(results, "first vs cached run into a new folder", differences)


def _dask_round(session: _Session) -> None:
    """`analyze --executor dask` against a running cluster of 1 and 2 workers; the outputs
    are compared with the --jobs 1 run's."""
    results = session.results
    why = dask_cluster.missing()
    if not why and "--executor" not in help_text("analyze")[1]:
        why = "`curvelint analyze` has no --executor option"
    reference = snapshot(session.base / "jobs1" / "out")
    for tool, workers in DASK_WORKERS.items():
        if why:
            session.add(tool, Sample("n/a", why))
            continue
        workspace = session.workspace(f"dask{workers}")
        with dask_cluster.running(workers, workspace.root / "cluster", workspace.env()) as address:
            argv = [*_analyze_argv(None), "--executor", "dask", "--scheduler", address]
            sample = session.run(tool, argv, workspace)
        differences = compare(reference, snapshot(workspace.out))
        results.dask_identical = _merge(results.dask_identical, differences, sample)
        _record(results, f"dask vs --jobs 1, {tool}", differences)


def _losslint_round(session: _Session) -> None:
    script = Path(sys.executable).with_name("losslint")
    if not script.is_file():
        session.add(LOSSLINT_CHECK, Sample("n/a", "losslint is not installed"))
        return
    existing = session.base / "jobs1"
    workspace = Workspace(existing) if existing.is_dir() else session.workspace("jobs1")
    session.run(LOSSLINT_CHECK, [str(script), "check", "sweep", "--format", "json"], workspace)


def _wants_another(samples: list[Sample], slow_s: float) -> bool:
    return bool(samples) and samples[0].status == "ok" and samples[0].process_s <= slow_s


def measure_analyze(
    sweep: Dataset, rounds: int, timeout_s: float, slow_s: float, log: Callable[[str, Sample], None]
) -> AnalyzeResults:
    """Every round of the analyze group (see the module docstring)."""
    results = AnalyzeResults()
    session = _Session(results, sweep.path.parent / "work", sweep.path, timeout_s, log)
    missing = subcommand_missing("analyze")
    if missing:
        for tool in (JOBS_1, JOBS_2, CACHED, CACHED_NEW):
            session.add(tool, Sample("n/a", missing))
    warm_matplotlib()
    for round_index in range(rounds):
        print(f" round {round_index + 1}/{rounds}", flush=True)
        if not missing and (round_index == 0 or _wants_another(results.samples[JOBS_1], slow_s)):
            _analyze_round(session)
            _dask_round(session)
        if round_index == 0 or _wants_another(results.samples[LOSSLINT_CHECK], slow_s):
            _losslint_round(session)
        shutil.rmtree(session.base, ignore_errors=True)
    return results
