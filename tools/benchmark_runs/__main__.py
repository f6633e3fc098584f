"""Generate, verify and write the benchmark: ``python -m tools.benchmark_runs [--jobs 2]``.

Every run is trained in a spawned worker (one torch thread), read back and checked; a run whose
curves do not show its label is regenerated once with another seed, then dropped. Each split
gets ``runs/``, ``labels.csv`` and ``MANIFEST.sha256``. Progress goes to stderr.
``--split holdout`` makes one split and leaves the others' files untouched (the README's tables
of those are rebuilt from their ``labels.csv``).
"""

from __future__ import annotations

import argparse
import csv
import logging
import multiprocessing
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from itertools import product
from pathlib import Path

from tools import curve_checks as cc
from tools.benchmark_runs import checks, extras, output, readme
from tools.benchmark_runs.data import load
from tools.benchmark_runs.families import (
    common,
    diverged,
    healthy,
    insufficient_data,
    not_converged,
    overfitting,
    stuck,
    underfitting,
    unstable,
)  # fmt: skip
from tools.benchmark_runs.spec import BenchRun
from tools.benchmark_runs.split import PER_VERDICT, SPLITS
from tools.benchmark_runs.worker import train_one

log = logging.getLogger("benchmark")
FAMILIES = (diverged, stuck, unstable, overfitting, underfitting, not_converged, healthy,
            insufficient_data)  # fmt: skip
RETRY_SEED_OFFSET = 500
MIN_RUNS = 250  # the whole benchmark
MIN_PER_VERDICT = 8  # one split made on its own (--split)


def all_runs() -> list[BenchRun]:
    """Every run of every split, in a stable order."""
    runs = []
    for split in SPLITS:
        for index, family in enumerate(FAMILIES):
            runs += common.expand(family.TEMPLATES, split, PER_VERDICT[split], 40 * index)
    return runs + extras.runs()


def assess(run: BenchRun, root: Path) -> tuple[list[str], output.Verified]:
    """Read the written run back and check its label."""
    run_dir = root / run.split / "runs" / run.name
    curves = checks.read(run_dir, run.fmt)
    data = load(run.data, run.seed)
    context = cc.Context(data.task, data.n_classes, data.majority_rate)
    problems, secondary, also = checks.verify(run, curves, context)
    digest = output.curve_digest(curves)
    return problems, output.Verified(run, secondary, also, cc.summary(curves), digest)


def on_disk(run: BenchRun, root: Path) -> bool:
    """True when the run's folder exists."""
    return (root / run.split / "runs" / run.name).is_dir()


def retry_of(run: BenchRun) -> BenchRun:
    """The same recipe with another seed (and a name that says so)."""
    seed = run.seed + RETRY_SEED_OFFSET
    name = run.name.rsplit("-s", 1)[0] + f"-s{seed}"
    return replace(run, seed=seed, name=name)


def process(runs: list[BenchRun], root: Path, jobs: int, reuse: bool) -> tuple[list, list]:
    """Train (unless reused) and assess ``runs``; (verified, failed with problems)."""
    todo = [r for r in runs if not (reuse and on_disk(r, root))]
    context = multiprocessing.get_context("spawn")
    failed_to_train: dict[str, str] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(train_one, run, root): run for run in todo}
        for number, future in enumerate(as_completed(futures), start=1):
            run = futures[future]
            try:
                log.info(
                    "[%d/%d] trained %s in %.1fs", number, len(todo), run.name, future.result()
                )
            except Exception as error:
                failed_to_train[run.name] = f"{type(error).__name__}: {error}"
                log.warning("[%d/%d] FAILED %s: %s", number, len(todo), run.name, error)
    verified, failed = [], []
    for run in runs:
        if run.name in failed_to_train:
            failed.append((run, [failed_to_train[run.name]]))
            continue
        try:
            problems, item = assess(run, root)
        except Exception as error:
            problems, item = [f"unreadable: {error}"], None
        if problems:
            failed.append((run, problems))
        else:
            verified.append(item)
    return verified, failed


def main() -> int:
    """Generate the splits; exit 1 when too few runs were verified."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/benchmark"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="names or name prefixes")
    parser.add_argument(
        "--split",
        action="append",
        choices=SPLITS,
        default=None,
        help="make only this split (repeatable); the others' files are left as they are",
    )
    parser.add_argument("--reuse", action="store_true", help="keep runs already on disk")
    parser.add_argument("--no-retry", action="store_true")
    parser.add_argument(
        "--relabel",
        action="store_true",
        help="train nothing: re-check the runs on disk and rewrite labels, manifests, README",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    for noisy in ("transformers", "tensorflow", "absl", "keras", "pytorch_lightning", "lightning"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    runs = all_runs()
    if args.split:
        runs = [r for r in runs if r.split in args.split]
    if args.only:
        runs = [r for r in runs if any(r.name.startswith(p) for p in args.only)]
    if args.relabel:
        runs = [r for r in runs + [retry_of(r) for r in runs] if on_disk(r, args.out)]
    verified, failed = process(runs, args.out, args.jobs, args.reuse or args.relabel)
    if failed and not args.no_retry and not args.relabel:
        for run, problems in failed:
            log.info("retrying %s (%s)", run.name, "; ".join(problems))
        retries = [retry_of(r) for r, _ in failed]
        retried, failed = process(retries, args.out, args.jobs, args.reuse)
        verified += retried
    for run, problems in failed:
        log.warning("DROPPED %s: %s", run.name, "; ".join(problems))
        shutil.rmtree(args.out / run.split / "runs" / run.name, ignore_errors=True)
    if args.only:
        log.info("--only: labels and manifests left as they are (rerun with --reuse to write)")
    else:
        write_splits(verified, args.out, args.split or SPLITS)
    log.info("verified %d runs, dropped %d", len(verified), len(failed))
    if args.split:
        counts = Counter((v.run.split, v.run.verdict) for v in verified)
        few = [key for key in product(args.split, output.VERDICTS) if counts[key] < MIN_PER_VERDICT]
        return 1 if few else 0
    return 0 if len(verified) >= MIN_RUNS else 1


def kept(split: str, root: Path) -> list[output.Verified]:
    """The runs of a split left as it is, from its ``labels.csv`` (for the README's tables)."""
    made = {r.name: r for r in all_runs() if r.split == split}
    made |= {retry.name: retry for retry in map(retry_of, made.values())}
    with (root / split / "labels.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    unknown = [row["run"] for row in rows if row["run"] not in made]
    if unknown:
        raise SystemExit(f"{split}/labels.csv names runs the generator does not make: {unknown}")
    return [output.Verified(made[row["run"]], row["secondary"], "", "") for row in rows]


def write_splits(verified: list[output.Verified], root: Path, splits: Sequence[str]) -> None:
    """labels.csv and MANIFEST.sha256 of each split made (only verified runs, stale ones
    removed); the README covers every split."""
    others = [v for split in SPLITS if split not in splits for v in kept(split, root)]
    for split in splits:
        items = [v for v in verified if v.run.split == split]
        split_dir = root / split
        names = {v.run.name for v in items}
        for path in sorted((split_dir / "runs").glob("*")):
            if path.name not in names:
                shutil.rmtree(path)
        output.write_labels(items, split_dir / "labels.csv")
        output.write_curve_digests({v.run.name: v.digest for v in items}, split_dir / output.CURVES)
        output.write_manifest(split_dir)
        print(f"## {split}\n\n{output.verdict_table([v.run for v in items])}\n")  # noqa: T201
    templates = [t for family in FAMILIES for t in family.TEMPLATES]
    readme.write(verified + others, templates, root / "README.md")


if __name__ == "__main__":
    sys.exit(main())
