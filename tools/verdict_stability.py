"""How stable the verdicts are under small changes of how a run was logged.

A rule tuned to the exact points of the labelled runs can flip when the same training is logged
a little differently; such flips are where held-out runs will disagree. Each labelled run is
judged as logged and again with every series thinned to every other point, with its first
point dropped, and with its last point dropped (each series of each split and file on its own).
Printed per variant: how many verdicts changed, and the runs whose right verdict turned wrong.

    python -m tools.verdict_stability tests/benchmark/dev tests/benchmark/test
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from curvelint.errors import CurvelintError
from curvelint.evaluate import RUNS_FOLDER, read_labels
from curvelint.judging import JudgingOptions, judge_frame, run_metadata
from curvelint.runs import read_runs

SERIES_KEYS = ["tag", "split", "source"]


def _positions(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's position in its own series, counted from the first and from the last."""
    groups = frame.groupby(SERIES_KEYS, observed=True, sort=False)
    return groups.cumcount(), groups.cumcount(ascending=False)


def thin(frame: pd.DataFrame) -> pd.DataFrame:
    """Every other point of every series (a cadence half as fine)."""
    first, _ = _positions(frame)
    return frame[first % 2 == 0]


def drop_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Every series without its first point."""
    first, _ = _positions(frame)
    return frame[first > 0]


def drop_last(frame: pd.DataFrame) -> pd.DataFrame:
    """Every series without its last point (the run stopped one log earlier)."""
    _, last = _positions(frame)
    return frame[last > 0]


VARIANTS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "thin": thin,
    "drop_first": drop_first,
    "drop_last": drop_last,
}


@dataclass(frozen=True)
class Judged:
    """One labelled run's verdict as logged and under each variant (None: nothing left)."""

    run: str
    label: str
    logged: str
    variants: dict[str, str | None]


def _verdict(name: str, frame: pd.DataFrame, metadata: dict[str, object]) -> str | None:
    try:
        return judge_frame(name, frame, metadata, JudgingOptions()).diagnosis.verdict.value
    except CurvelintError:
        return None  # the variant left no point of the run


def judge_split(split: Path) -> Iterator[Judged]:
    """Every labelled run of ``split`` judged as logged and under each variant."""
    for label in read_labels(split):
        runs = read_runs([split / RUNS_FOLDER / label.name]).runs
        if len(runs) != 1:
            continue  # curvelint.evaluate reports a run that does not read as one
        run = runs[0]
        ordered = run.frame.sort_values([*SERIES_KEYS, "step"], kind="stable")
        metadata = run_metadata(run)
        logged = _verdict(run.name, run.frame, metadata) or "none"
        variants = {
            name: _verdict(run.name, make(ordered), metadata) for name, make in VARIANTS.items()
        }
        yield Judged(f"{split.name}/{label.name}", label.verdict.value, logged, variants)


def summary(judged: Sequence[Judged]) -> list[str]:
    """Per variant: the verdicts that changed, and those that turned from right to wrong."""
    lines = []
    for name in VARIANTS:
        changed = [j for j in judged if j.variants[name] not in (None, j.logged)]
        broken = [j for j in changed if j.logged == j.label]
        mended = [j for j in changed if j.variants[name] == j.label]
        lines.append(
            f"{name}: {len(changed)} of {len(judged)} verdicts changed; "
            f"right -> wrong {len(broken)}, wrong -> right {len(mended)}"
        )
        lines += [f"  {j.label} -> {j.variants[name]}  {j.run}" for j in broken]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="+", type=Path, help="benchmark split folders")
    args = parser.parse_args(argv)
    judged = [j for split in args.splits for j in judge_split(split)]
    print("\n".join(summary(judged)))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
