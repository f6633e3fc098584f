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
from curvelint.errors import CurvelintError
from curvelint.judging import JudgingOptions, judge_run
from curvelint.runs import Run, read_runs

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


@dataclass(frozen=True)
class Outcome:
    """A labelled run's verdict next to its label (``predicted`` None when it failed)."""

    label: LabelledRun
    predicted: Verdict | None
    reason: str

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
        labels.append(
            LabelledRun(
                name=(row.get("run") or "").strip(),
                verdict=Verdict(verdict),
                format=(row.get("format") or "").strip(),
                mechanism=(row.get("mechanism") or "").strip(),
                notes=(row.get("notes") or "").strip(),
            )
        )
    return labels


def diagnose(run: Run, config: Config) -> Diagnosis:
    """Analyse and diagnose one run with ``config``, as ``analyze`` does."""
    return judge_run(run, JudgingOptions.from_config(config)).diagnosis


def _outcome(label: LabelledRun, folder: Path, config: Config) -> Outcome:
    report = read_runs([folder])
    if len(report.runs) != 1:
        failures = "; ".join(f.error for f in report.failed) or "no readable run"
        return Outcome(label, None, f"expected one run, read {len(report.runs)}: {failures}")
    diagnosis = diagnose(report.runs[0], config)
    return Outcome(label, diagnosis.verdict, diagnosis.reason)


def evaluate(root: Path, config: Config | None = None) -> Evaluation:
    """Diagnose every labelled run under ``root`` and pair each verdict with its label."""
    config = config or load_config(root)
    outcomes = [
        _outcome(label, root / RUNS_FOLDER / label.name, config) for label in read_labels(root)
    ]
    return Evaluation(tuple(outcomes))


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def format_table(evaluation: Evaluation) -> str:
    """The per-verdict table in markdown, then the overall agreement line."""
    lines = [
        "| verdict | precision | recall | support |",
        "|---|---:|---:|---:|",
    ]
    for score in evaluation.scores:
        lines.append(
            f"| {score.verdict.value} | {_share(score.precision)} | {_share(score.recall)} "
            f"| {score.support} |"
        )
    agreed = sum(o.agrees for o in evaluation.outcomes)
    lines.append("")
    lines.append(
        f"Agreement on the primary verdict: {agreed}/{len(evaluation.outcomes)} "
        f"({_share(evaluation.agreement)}); diverged runs called healthy: "
        f"{len(evaluation.healthy_divergences)}."
    )
    return "\n".join(lines)


def format_disagreements(evaluation: Evaluation) -> str:
    """One line per run whose verdict is not its label, with the reason given."""
    lines = []
    for outcome in evaluation.disagreements:
        predicted = outcome.predicted.value if outcome.predicted else "error"
        lines.append(
            f"- {outcome.label.name}: labelled {outcome.label.verdict.value}, got {predicted} "
            f"— {outcome.reason}"
        )
    return "\n".join(lines) if lines else "No disagreements."


def write_report(evaluation: Evaluation) -> None:
    """The command's output: the table, then the disagreements (the one place that prints)."""
    sys.stdout.write(format_table(evaluation) + "\n\n" + format_disagreements(evaluation) + "\n")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m curvelint.evaluate",
        description="Diagnose labelled runs and print per-verdict precision and recall.",
    )
    parser.add_argument("root", type=Path, nargs="?", default=Path("tests/labelled"))
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
        config = load_config(arguments.root, arguments.config, overrides)
        evaluation = evaluate(arguments.root, config)
    except CurvelintError as error:
        sys.stderr.write(f"curvelint.evaluate: error: {error}\n")
        return 2
    write_report(evaluation)
    return 1 if any(o.predicted is None for o in evaluation.outcomes) else 0


def _split_override(item: str) -> tuple[str, str]:
    key, separator, value = item.partition("=")
    if not separator:
        raise CurvelintError(f"--set {item}: use KEY=VALUE")
    return key.strip(), value


if __name__ == "__main__":
    raise SystemExit(main())
