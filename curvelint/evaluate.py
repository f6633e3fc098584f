"""The accuracy command: diagnose every labelled run and compare with its label.

``python -m curvelint.evaluate tests/labelled`` reads ``labels.csv`` (``run, verdict, format,
mechanism, notes``; ``run`` names a folder under ``runs/``), runs read → analyse → diagnose
on each run and prints the per-verdict precision/recall table (markdown), the overall
agreement and every disagreement. :func:`evaluate` returns the same numbers as data, so a
test can hold the classifier to a floor without parsing text.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from curvelint.config import Config, load_config
from curvelint.diagnosis import Diagnosis, Verdict
from curvelint.discover import discover
from curvelint.errors import CurvelintError
from curvelint.evaluate_report import render_evaluation
from curvelint.formats import ONE_RUN_LOGS
from curvelint.judging import JudgingOptions, judge_run
from curvelint.report.build import empty_log_reason
from curvelint.runs import ReadReport, Run, read_run, read_runs

LABELS_FILE = "labels.csv"
RUNS_FOLDER = "runs"
REQUIRED_COLUMNS = ("run", "verdict")


@dataclass(frozen=True)
class LabelledRun:
    """One row of ``labels.csv``."""

    name: str
    verdict: Verdict
    format: str = ""
    mechanism: str = ""
    notes: str = ""
    secondary: Verdict | None = None


@dataclass(frozen=True)
class Outcome:
    """A labelled run's verdict next to its label (``predicted`` None when it failed)."""

    label: LabelledRun
    predicted: Verdict | None
    reason: str
    confidence: float = 0.0
    secondary: Verdict | None = None

    @property
    def agrees(self) -> bool:
        """The predicted verdict is the label."""
        return self.predicted is self.label.verdict


@dataclass(frozen=True)
class VerdictScore:
    """Precision and recall of one verdict (None when undefined: nothing to divide by)."""

    verdict: Verdict
    support: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float | None:
        """Share of the runs given this verdict that carry its label."""
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """Share of the runs labelled with this verdict that were given it."""
        return self.correct / self.support if self.support else None


@dataclass(frozen=True)
class Calibration:
    """Verdicts given with a confidence in [low, high): how many, and how many were right."""

    low: float
    high: float
    count: int
    correct: int


@dataclass(frozen=True)
class Evaluation:
    """Every outcome and the scores computed from them."""

    outcomes: tuple[Outcome, ...]

    @property
    def agreement(self) -> float:
        """Share of runs whose verdict equals the label (0 when there are none)."""
        if not self.outcomes:
            return 0.0
        return sum(outcome.agrees for outcome in self.outcomes) / len(self.outcomes)

    @property
    def scores(self) -> tuple[VerdictScore, ...]:
        """One score per verdict that was labelled or predicted, in precedence order."""
        scores = []
        for verdict in Verdict:
            support = sum(o.label.verdict is verdict for o in self.outcomes)
            predicted = sum(o.predicted is verdict for o in self.outcomes)
            if support or predicted:
                correct = sum(o.agrees and o.predicted is verdict for o in self.outcomes)
                scores.append(VerdictScore(verdict, support, predicted, correct))
        return tuple(scores)

    @property
    def disagreements(self) -> tuple[Outcome, ...]:
        """The outcomes whose verdict is not the label."""
        return tuple(outcome for outcome in self.outcomes if not outcome.agrees)

    @property
    def missed_failures(self) -> tuple[Outcome, ...]:
        """Runs labelled stuck or diverged and called healthy."""
        failures = (Verdict.STUCK, Verdict.DIVERGED)
        return tuple(
            o
            for o in self.outcomes
            if o.label.verdict in failures and o.predicted is Verdict.HEALTHY
        )

    @property
    def lenient_agreement(self) -> float:
        """Share of runs whose verdict is the label or its secondary, or whose label is the
        verdict's secondary (a run that shows two conditions)."""
        if not self.outcomes:
            return 0.0
        hits = sum(
            o.agrees
            or (o.predicted is not None and o.predicted is o.label.secondary)
            or (o.secondary is not None and o.secondary is o.label.verdict)
            for o in self.outcomes
        )
        return hits / len(self.outcomes)

    def confusion(self) -> dict[Verdict, dict[Verdict | None, int]]:
        """Label → predicted verdict (None: the run failed) → count."""
        table: dict[Verdict, dict[Verdict | None, int]] = {}
        for o in self.outcomes:
            row = table.setdefault(o.label.verdict, {})
            row[o.predicted] = row.get(o.predicted, 0) + 1
        return table

    def calibration(self, edges: tuple[float, ...] = (0.9, 0.7, 0.5, 0.0)) -> list[Calibration]:
        """Per confidence band (from each edge up to the previous one): runs and right ones."""
        bands = []
        upper = 1.01
        for lower in edges:
            inside = [o for o in self.outcomes if lower <= o.confidence < upper]
            bands.append(
                Calibration(lower, min(upper, 1.0), len(inside), sum(o.agrees for o in inside))
            )
            upper = lower
        return bands

    @property
    def healthy_divergences(self) -> tuple[Outcome, ...]:
        """Runs labelled diverged and called healthy: the mistake that must never happen."""
        return tuple(
            o
            for o in self.outcomes
            if o.label.verdict is Verdict.DIVERGED and o.predicted is Verdict.HEALTHY
        )


def read_labels(root: Path) -> list[LabelledRun]:
    """The rows of ``root/labels.csv``; CurvelintError when missing or malformed."""
    path = root / LABELS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CurvelintError(f"{path}: cannot read the labels: {error}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CurvelintError(f"{path}: missing column(s) {', '.join(missing)}")
    labels = []
    valid = {verdict.value for verdict in Verdict}
    for line, row in enumerate(reader, start=2):
        verdict = (row.get("verdict") or "").strip()
        if verdict not in valid:
            raise CurvelintError(
                f"{path}:{line}: verdict {verdict!r} is not one of {sorted(valid)}"
            )
        second = (row.get("secondary") or "").strip()
        if second and second not in valid:
            raise CurvelintError(f"{path}:{line}: secondary {second!r} is not a verdict")
        labels.append(
            LabelledRun(
                name=(row.get("run") or "").strip(),
                verdict=Verdict(verdict),
                format=(row.get("format") or "").strip(),
                mechanism=(row.get("mechanism") or "").strip(),
                notes=(row.get("notes") or "").strip(),
                secondary=Verdict(second) if second else None,
            )
        )
    return labels


def diagnose(run: Run, config: Config) -> Diagnosis:
    """Analyse and diagnose one run with ``config``, as ``analyze`` does."""
    return judge_run(run, JudgingOptions.from_config(config)).diagnosis


def _outcome(label: LabelledRun, folder: Path, config: Config) -> Outcome:
    report = read_runs([folder])
    empty = _empty_log(folder, report)
    if empty is not None:
        return Outcome(label, Verdict.INSUFFICIENT_DATA, empty, 1.0)
    if len(report.runs) != 1:
        failures = "; ".join(f.error for f in report.failed) or "no readable run"
        return Outcome(label, None, f"expected one run, read {len(report.runs)}: {failures}")
    diagnosis = diagnose(report.runs[0], config)
    return Outcome(
        label, diagnosis.verdict, diagnosis.reason, diagnosis.confidence, diagnosis.secondary
    )


def _empty_log(folder: Path, report: ReadReport) -> str | None:
    """As ``analyze`` says of it: the folder's one log is a whole run's log (a Trainer state,
    a CSV log) that holds no point — too little to judge, not a failure to read."""
    if report.runs or report.failed or len(report.skipped) != 1:
        return None
    specs = discover([folder]).runs
    if len(specs) != 1 or specs[0].format not in ONE_RUN_LOGS:
        return None
    return empty_log_reason(read_run(specs[0]).notes)


def evaluate(root: Path, config: Config | None = None) -> Evaluation:
    """Diagnose every labelled run under ``root`` and pair each verdict with its label."""
    config = config or load_config(root)
    outcomes = [
        _outcome(label, root / RUNS_FOLDER / label.name, config) for label in read_labels(root)
    ]
    return Evaluation(tuple(outcomes))


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m curvelint.evaluate",
        description="Diagnose labelled runs and print per-verdict precision and recall.",
    )
    parser.add_argument(
        "roots",
        type=Path,
        nargs="*",
        default=[Path("tests/labelled")],
        help="folders holding labels.csv and runs/ (each scored on its own)",
    )
    parser.add_argument("--config", type=Path, default=None, help="configuration file")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. rules.overfit_min_rise=0.2",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 when every run was read, 1 otherwise, 2 on bad input."""
    arguments = _parse(argv)
    try:
        overrides = dict(_split_override(item) for item in arguments.overrides)
        evaluations = []
        for root in arguments.roots:
            config = load_config(root, arguments.config, overrides)
            evaluations.append((root, evaluate(root, config)))
    except CurvelintError as error:
        sys.stderr.write(f"curvelint.evaluate: error: {error}\n")
        return 2
    sys.stdout.write("\n\n".join(render_evaluation(str(root), e) for root, e in evaluations))
    failed = any(o.predicted is None for _, e in evaluations for o in e.outcomes)
    return 1 if failed else 0


def _split_override(item: str) -> tuple[str, str]:
    key, separator, value = item.partition("=")
    if not separator:
        raise CurvelintError(f"--set {item}: use KEY=VALUE")
    return key.strip(), value


if __name__ == "__main__":
    raise SystemExit(main())
