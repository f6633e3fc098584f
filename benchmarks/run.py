"""``python -m benchmarks.run``: generate the inputs, measure every group, check the targets.

Within each group the tools alternate (A, B, C, A, B, C …) for ``--rounds`` rounds and the
best round counts, so that a slow moment of the machine hurts no tool in particular. Every
measurement is a fresh process. Timings live here and in ``benchmarks/results/``, never in
tests. A curvelint feature that does not exist yet is reported "n/a", not a crash.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from benchmarks import datasets, endtoend
from benchmarks.endtoend import AnalyzeResults
from benchmarks.measure import Sample, run_process, run_worker
from benchmarks.plan import CLI, Entry, Group, build_groups
from benchmarks.report import console_table, machine_info, targets_table, write
from benchmarks.results import PROCESS, Row, add_ratios, clock_of, summarise
from benchmarks.targets import evaluate

RESULTS = Path(__file__).resolve().parent / "results"
ANALYZE_GROUP = Group(
    endtoend.GROUP,
    "`curvelint analyze` of the sweep, reports and PNGs included (whole processes)",
    (),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small inputs, 2 rounds (1 for analyze): smoke-test the harness in ~2 minutes",
    )
    parser.add_argument(
        "--only",
        metavar="PATTERN",
        help="measure only entries whose 'group tool' matches this regex "
        "(case-insensitive), e.g. 'scalars_simple' or 'curvelint|floor'",
    )
    parser.add_argument("--rounds", type=int, help="rounds per group (default 3; 2 with --quick)")
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="rewrite the generated inputs even when they are up to date",
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="do not repeat an entry whose first round took longer (default 60)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="kill a measured process after this long (default 900)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        metavar="DIR",
        help="where the results files go (default benchmarks/results)",
    )
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 2 if args.quick else 3
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def _points(pattern: str, text: str) -> int | None:
    found = re.findall(pattern, text) if pattern else []
    return sum(int(n) for n in found) if found else None


def measure_entry(entry: Entry, timeout_s: float) -> Sample:
    """One fresh process for one entry."""
    if entry.unavailable:
        return Sample("n/a", entry.unavailable)
    dataset = entry.dataset
    if entry.in_process:
        path = dataset.path if dataset else datasets.DATA_ROOT
        return run_worker(entry.case, path, dataset.events if dataset else 0, timeout_s)
    finished = run_process(entry.argv, timeout_s=timeout_s)
    sample = Sample(
        "ok", process_s=finished.wall_s, process_cpu_s=finished.cpu_s, peak_mb=finished.peak_mb
    )
    if finished.returncode not in entry.ok_codes:
        tail = (finished.stderr.strip().splitlines() or [""])[-1][:300]
        why = "timed out" if finished.timed_out else f"exit {finished.returncode}"
        return replace(sample, status="error", reason=f"{why}: {tail}")
    return replace(sample, points=_points(entry.points_pattern, finished.stdout))


def _headline(sample: Sample) -> str:
    if sample.status != "ok":
        return f"{sample.status}: {sample.reason[:120]}"
    parts = [f"import {sample.setup_s:.3f} s"] if sample.setup_s is not None else []
    parts += [f"work {sample.run_s:.3f} s"] if sample.run_s is not None else []
    parts += [f"work cpu {sample.run_cpu_s:.3f} s"] if sample.run_cpu_s is not None else []
    parts += [f"process {sample.process_s:.3f} s"]
    parts += [f"process cpu {sample.process_cpu_s:.3f} s"] if sample.process_cpu_s else []
    parts += [f"peak {sample.peak_mb:.0f} MB"]
    return ", ".join(parts)


def log_sample(tool: str, sample: Sample) -> None:
    """One progress line per measurement, so a long run shows where it is."""
    print(f"  {tool:<44} {_headline(sample)}", flush=True)


def _repeat(samples: list[Sample], slow_s: float) -> bool:
    """Worth another round: it worked, and it is fast enough for noise to matter."""
    first = samples[0]
    return first.status == "ok" and first.process_s <= slow_s


def measure_group(group: Group, rounds: int, timeout_s: float, slow_s: float) -> list[Row]:
    """Alternate the group's entries for ``rounds`` rounds; summarise each entry."""
    print(f"\n== {group.title}", flush=True)
    samples: dict[Entry, list[Sample]] = {entry: [] for entry in group.entries}
    for round_index in range(rounds):
        print(f" round {round_index + 1}/{rounds}", flush=True)
        for entry in group.entries:
            if samples[entry] and not _repeat(samples[entry], slow_s):
                continue
            sample = measure_entry(entry, timeout_s)
            samples[entry].append(sample)
            log_sample(entry.tool, sample)
    return [
        summarise(
            entry.group,
            entry.tool,
            entry.role,
            clock_of(entry),
            found,
            entry.dataset.events if entry.dataset else None,
            entry.dataset.nbytes if entry.dataset else None,
        )
        for entry, found in samples.items()
    ]


def _selected(group: Group, pattern: re.Pattern[str] | None) -> Group:
    if pattern is None:
        return group
    kept = tuple(e for e in group.entries if pattern.search(f"{e.group} {e.tool}"))
    return replace(group, entries=kept)


def _analyze_selected(pattern: re.Pattern[str] | None) -> bool:
    names = [f"{endtoend.GROUP} {tool}" for tool in endtoend.TOOLS]
    return pattern is None or any(pattern.search(name) for name in names)


def measure_analyze(
    sweep: datasets.Dataset, args: argparse.Namespace
) -> tuple[list[Row], AnalyzeResults]:
    """The end-to-end group: its rows and the output comparisons."""
    print(f"\n== {ANALYZE_GROUP.title}", flush=True)
    # Each round is three analyze runs and their PNGs: one round is enough for a smoke test.
    rounds = 1 if args.quick else args.rounds
    results = endtoend.measure_analyze(sweep, rounds, args.timeout, args.slow, log_sample)
    rows = [
        summarise(endtoend.GROUP, tool, CLI, PROCESS, samples, sweep.events, sweep.nbytes)
        for tool, samples in results.samples.items()
    ]
    return rows, results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; print and write the results. Exit 0 unless the harness broke."""
    args = parse_args(argv)
    started = time.perf_counter()
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    sizes = datasets.QUICK if args.quick else datasets.FULL
    inputs = datasets.ensure(sizes, regenerate=args.regenerate)
    pattern = re.compile(args.only, re.IGNORECASE) if args.only else None
    groups = [_selected(group, pattern) for group in build_groups(inputs)]
    rows: list[Row] = []
    for group in groups:
        if group.entries:
            rows += measure_group(group, args.rounds, args.timeout, args.slow)
    analyze = None
    if _analyze_selected(pattern):
        analyze_rows, analyze = measure_analyze(inputs["sweep"], args)
        rows += analyze_rows
    add_ratios(rows)
    all_groups = [*groups, ANALYZE_GROUP]
    print()
    for group in all_groups:
        members = [row for row in rows if row.group == group.name]
        if members:
            print(console_table(group.title, members) + "\n")
    targets = evaluate(rows, analyze)
    print(targets_table(targets, quick=args.quick))
    settings = {
        "command": " ".join(
            ["python -m benchmarks.run", shlex.join(sys.argv[1:] if argv is None else argv)]
        ).strip(),
        "sizes": asdict(sizes),
        "rounds": args.rounds,
        "only": args.only,
        "slow_s": args.slow,
        "load_average_at_start": load_at_start,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    stem = "quick" if args.quick else ("partial" if args.only else "latest")
    paths = write(args.out, stem, machine_info(), settings, all_groups, rows, targets, analyze)
    print(f"\nwrote {paths[0]} and {paths[1]} in {settings['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
