"""What a split directory holds besides its runs: ``labels.csv``, ``MANIFEST.sha256``, tables."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.benchmark_runs.spec import FORMATS, BenchRun

LABEL_COLUMNS = (
    "run", "verdict", "secondary", "format", "architecture", "optimizer", "schedule", "cadence",
    "dataset", "seed", "mechanism", "notes",
)  # fmt: skip
VERDICTS = (
    "diverged", "stuck", "unstable", "overfitting", "underfitting", "not_converged", "healthy",
    "insufficient_data",
)  # fmt: skip
MANIFEST = "MANIFEST.sha256"


@dataclass(frozen=True)
class Verified:
    """A run whose curves were read back: its secondary label and what was measured."""

    run: BenchRun
    secondary: str
    also: str
    summary: str
    digest: str = ""


def _dataset(run: BenchRun) -> str:
    spec = run.data
    damage = []
    if spec.n_train:
        damage.append(f"first {spec.n_train}")
    if spec.label_noise:
        damage.append(f"{spec.label_noise:.0%} train labels flipped")
    if spec.shuffle_labels:
        damage.append("labels shuffled")
    return spec.name + (f" ({', '.join(damage)})" if damage else "")


def write_labels(verified: Sequence[Verified], path: Path) -> None:
    """One row per run, sorted by name."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for item in sorted(verified, key=lambda v: v.run.name):
            run = item.run
            notes = f"measured: {item.summary}"
            if run.notes:
                notes = f"{run.notes}; {notes}"
            if item.also:
                notes += f"; also meets the strict definition of: {item.also}"
            arch = run.arch.kind + (f" w{run.arch.width}" if run.arch.kind != "linear" else "")
            writer.writerow((
                run.name, run.verdict, item.secondary, run.fmt, arch, run.train.optimizer_label,
                run.train.schedule, run.cadence, _dataset(run), run.seed, run.mechanism, notes,
            ))  # fmt: skip


def write_manifest(split_dir: Path) -> None:
    """``sha256sum``-style lines for every file of the split (``sha256sum -c`` checks it)."""
    lines = []
    files = (p for p in split_dir.rglob("*") if p.is_file() and p.name != MANIFEST)
    for path in sorted(files):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(split_dir).as_posix()}")
    (split_dir / MANIFEST).write_text("\n".join(lines) + "\n")


def verdict_table(runs: Sequence[BenchRun]) -> str:
    """Markdown: runs per verdict x format."""
    counts = Counter((r.verdict, r.fmt) for r in runs)
    lines = ["| verdict | " + " | ".join(FORMATS) + " | total |",
             "|---|" + "---:|" * (len(FORMATS) + 1)]  # fmt: skip
    for verdict in VERDICTS:
        row = [counts[verdict, f] for f in FORMATS]
        lines.append(f"| {verdict} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [sum(counts[v, f] for v in VERDICTS) for f in FORMATS]
    lines.append("| **total** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    return "\n".join(lines)


CURVES = "CURVES.sha256"


def curve_digest(curves: object) -> str:
    """A digest of a run's curves (roles, steps, values to 6 significant digits).

    Event files carry wall times and host names and ``trainer_state.json`` carries run times,
    so a regenerated run never matches byte for byte; its curves do when training is
    deterministic, and this digest is what a regeneration is compared on.
    """
    series = getattr(curves, "series", {})
    text = []
    for role in sorted(series):
        steps, values = series[role]
        text.append(
            role + ":" + ",".join(f"{s:g}={v:.6g}" for s, v in zip(steps, values, strict=True))
        )
    return hashlib.sha256("\n".join(text).encode()).hexdigest()


def write_curve_digests(digests: dict[str, str], path: Path) -> None:
    """``CURVES.sha256``: one ``digest  run`` line per run, sorted."""
    path.write_text("".join(f"{digests[name]}  {name}\n" for name in sorted(digests)))
