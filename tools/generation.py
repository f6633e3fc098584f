"""Run a list of recipes (in parallel worker processes), check each run, print a summary table.

Shared by both generators so that the demo data and the labelled set are produced, checked
and reported the same way. A run that does not show its verdict makes the generator exit
non-zero: a label is never trusted on its recipe alone.
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools import curve_checks
from tools.tiny_data import DataSpec, load_data
from tools.tiny_training import FitSpec, ModelSpec, Recipe, run_recipe

log = logging.getLogger("generate")


def recipe(
    name: str,
    verdict: str,
    fmt: str,
    mechanism: str,
    data: DataSpec,
    model: ModelSpec | None = None,
    notes: str = "",
    **fit: object,
) -> Recipe:
    """A recipe in one call, so run lists read like tables: keywords are :class:`FitSpec`
    fields."""
    return Recipe(name, verdict, fmt, mechanism, data, model or ModelSpec(), FitSpec(**fit), notes)


@dataclass(frozen=True)
class Outcome:
    """What a run on disk shows: whether its curves match its verdict, and a summary."""

    recipe: Recipe
    problems: tuple[str, ...]
    summary: str
    seconds: float
    size: int

    @property
    def ok(self) -> bool:
        """True when the written curves show the recipe's verdict."""
        return not self.problems


def directory_size(path: Path) -> int:
    """Bytes of all files under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def train(recipe: Recipe, root: Path) -> float:
    """Train one recipe into ``root`` (runs in a worker process); return its seconds."""
    started = time.perf_counter()
    run_recipe(recipe, root)
    return time.perf_counter() - started


def assess(recipe: Recipe, root: Path, seconds: float = float("nan")) -> Outcome:
    """Read a run back from disk and check that its curves show the recipe's verdict."""
    run_dir = root / recipe.name
    if not run_dir.is_dir():
        return Outcome(recipe, ("run directory missing: regenerate it",), "", seconds, 0)
    curves = curve_checks.read_curves(run_dir, recipe.fmt)
    data = load_data(recipe.data, recipe.seed)
    context = curve_checks.Context(data.task, data.n_classes, data.majority_rate)
    problems = curve_checks.check_verdict(recipe.verdict, curves, context)
    summary = curve_checks.summary(curves)
    return Outcome(recipe, tuple(problems), summary, seconds, directory_size(run_dir))


def train_all(recipes: Sequence[Recipe], root: Path, jobs: int) -> dict[str, float]:
    """Train recipes ``jobs`` at a time in fresh processes (one torch thread each).

    Fresh (spawned) processes keep runs independent: no global seed, Keras session or
    TensorBoard writer leaks from one run into the next.
    """
    root.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    seconds: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {recipe.name: pool.submit(train, recipe, root) for recipe in recipes}
        for name, future in futures.items():
            seconds[name] = future.result()
            log.info("trained %-45s %6.1fs", name, seconds[name])
    return seconds


def remove_stale(recipes: Sequence[Recipe], root: Path) -> None:
    """Delete run directories no recipe produces any more (renamed or dropped runs)."""
    names = {recipe.name for recipe in recipes}
    for path in sorted(root.iterdir()):
        if path.is_dir() and path.name not in names:
            log.info("removing stale run %s", path)
            shutil.rmtree(path)


def generate(recipes: Sequence[Recipe], root: Path, args: argparse.Namespace) -> list[Outcome]:
    """Train the selected recipes, then check every recipe's run on disk (all of them, so a
    partial regeneration still reports the whole set)."""
    seconds = {} if args.check else train_all(select(recipes, args.only), root, args.jobs)
    remove_stale(recipes, root)
    return [assess(r, root, seconds.get(r.name, float("nan"))) for r in recipes]


def summary_table(outcomes: Sequence[Outcome]) -> str:
    """The end-of-generation table: one line per run, then the problems of failed runs."""
    lines = [f"{'run':<40} {'verdict':<18} {'format':<18} {'KB':>6} {'s':>5}  check  curves"]
    for o in outcomes:
        mark = "ok" if o.ok else "FAIL"
        seconds = "-" if math.isnan(o.seconds) else f"{o.seconds:.1f}"  # not trained this time
        lines.append(
            f"{o.recipe.name:<40} {o.recipe.verdict:<18} {o.recipe.fmt:<18} "
            f"{o.size / 1024:6.1f} {seconds:>5}  {mark:<5}  {o.summary}"
        )
    for o in outcomes:
        for problem in o.problems:
            lines.append(f"FAIL {o.recipe.name}: {problem}")
    return "\n".join(lines)


def parse_args(description: str, default_out: str) -> argparse.Namespace:
    """The options both generators take."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path(default_out), help="output directory")
    parser.add_argument("--jobs", type=int, default=2, help="runs trained at once")
    parser.add_argument("--only", nargs="*", default=None, help="regenerate only these runs")
    parser.add_argument(
        "--check", action="store_true", help="train nothing: re-check the runs already on disk"
    )
    return parser.parse_args()


def select(recipes: Sequence[Recipe], only: Sequence[str] | None) -> list[Recipe]:
    """The recipes named by ``--only`` (all when not given); unknown names are an error."""
    if not only:
        return list(recipes)
    unknown = set(only) - {r.name for r in recipes}
    if unknown:
        raise SystemExit(f"unknown run(s): {', '.join(sorted(unknown))}")
    return [r for r in recipes if r.name in only]


def setup_logging() -> None:
    """Plain progress lines on stderr; the libraries' own chatter is kept quiet."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("transformers", "tensorflow", "absl", "keras"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
