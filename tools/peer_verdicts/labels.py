"""The labelled sets: a split folder (labels.csv + runs/) or the public corpus (public.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PUBLIC_LABELS = REPO / "tests" / "labelled" / "public.csv"


class LabelsError(Exception):
    """A set folder with no labels this harness knows how to read."""


@dataclass(frozen=True)
class LabelledRun:
    """One labelled run: its folder and the verdicts a reader gave it."""

    name: str
    folder: Path
    verdict: str
    secondary: str
    confidence: str

    def accepts(self, verdict: str) -> bool:
        """The verdict is the labelled primary one or the labelled secondary one."""
        return verdict == self.verdict or (bool(self.secondary) and verdict == self.secondary)


@dataclass(frozen=True)
class LabelledSet:
    """A named set of labelled runs (``dev`` is the one the mappings are chosen on)."""

    name: str
    runs: tuple[LabelledRun, ...]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _set_name(folder: Path) -> str:
    return "public" if (folder / "PROVENANCE.md").is_file() else folder.name


def load_set(folder: Path, public_labels: Path = PUBLIC_LABELS) -> LabelledSet:
    """The set in ``folder``: its labels.csv with runs/, or the public corpus and public.csv."""
    if (folder / "labels.csv").is_file():
        runs_root, rows = folder / "runs", _rows(folder / "labels.csv")
    elif (folder / "PROVENANCE.md").is_file() and public_labels.is_file():
        runs_root, rows = folder, _rows(public_labels)
    else:
        raise LabelsError(f"{folder}: no labels.csv (nor a public corpus with {public_labels})")
    runs = tuple(
        LabelledRun(
            name=row["run"],
            folder=runs_root / row["run"],
            verdict=row["verdict"],
            secondary=(row.get("secondary") or "").strip(),
            confidence=(row.get("confidence") or "").strip(),
        )
        for row in rows
    )
    return LabelledSet(name=_set_name(folder), runs=runs)
