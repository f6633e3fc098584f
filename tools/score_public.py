"""Score a curvelint ``summary.json`` against the hand labels of the public corpus.

``tests/labelled/public.csv`` holds one label per public-corpus run, written by reading the
curves before looking at curvelint's verdicts. Nobody tuned a rule on these runs, so the
agreement here is the honest figure: overall, on the labels given with high confidence (where
a disagreement is most likely curvelint's fault) and per verdict, with every disagreement and
both reasons side by side for whoever improves the rules.

    python -m curvelint analyze ../shared/corpus/public --out /tmp/r --format json --fail-on never
    python -m tools.score_public /tmp/r/summary.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from curvelint.diagnosis import Verdict
from curvelint.errors import CurvelintError

LABELS = Path(__file__).resolve().parent.parent / "tests" / "labelled" / "public.csv"
COLUMNS = ("run", "verdict", "confidence", "secondary", "reason")
CONFIDENCES = ("high", "medium", "low")
VERDICTS = tuple(verdict.value for verdict in Verdict)


@dataclass(frozen=True)
class PublicLabel:
    """One row of public.csv: a run's verdict as read from its curves, and how sure."""

    run: str
    verdict: str
    confidence: str
    secondary: str
    reason: str


@dataclass(frozen=True)
class Match:
    """A label next to curvelint's verdict for the same run (None: absent from the summary)."""

    label: PublicLabel
    predicted: str | None
    predicted_reason: str

    @property
    def agrees(self) -> bool:
        """curvelint gave the labelled primary verdict."""
        return self.predicted == self.label.verdict

    @property
    def agrees_with_either(self) -> bool:
        """curvelint gave the labelled primary verdict or the labelled secondary one."""
        return self.agrees or (
            bool(self.label.secondary) and self.predicted == self.label.secondary
        )


@dataclass(frozen=True)
class Agreement:
    """How many of a set of matches agree."""

    agreed: int
    total: int

    @property
    def share(self) -> float | None:
        """The agreeing share (None for an empty set)."""
        return self.agreed / self.total if self.total else None


@dataclass(frozen=True)
class VerdictRecall:
    """One verdict: labelled ``support`` times, found ``found`` of them, given ``called`` times."""

    verdict: str
    support: int
    found: int
    called: int

    @property
    def recall(self) -> float | None:
        """Share of the runs labelled with this verdict that curvelint gave it."""
        return self.found / self.support if self.support else None

    @property
    def precision(self) -> float | None:
        """Share of the labelled runs curvelint gave this verdict that carry it."""
        return self.found / self.called if self.called else None


@dataclass(frozen=True)
class Score:
    """Every match and the figures computed from them."""

    matches: tuple[Match, ...]
    unlabelled: tuple[str, ...]

    def agreement(self, confidences: Sequence[str] = CONFIDENCES) -> Agreement:
        """Agreement on the labels given with one of ``confidences``."""
        chosen = [m for m in self.matches if m.label.confidence in confidences]
        return Agreement(sum(m.agrees for m in chosen), len(chosen))

    @property
    def agreement_with_either(self) -> Agreement:
        """Agreement when a label's secondary verdict counts as well as its primary one."""
        return Agreement(sum(m.agrees_with_either for m in self.matches), len(self.matches))

    @property
    def recalls(self) -> tuple[VerdictRecall, ...]:
        """Recall and precision of every verdict labelled or given, in precedence order."""
        rows = []
        for verdict in VERDICTS:
            support = sum(m.label.verdict == verdict for m in self.matches)
            called = sum(m.predicted == verdict for m in self.matches)
            found = sum(m.agrees and m.predicted == verdict for m in self.matches)
            if support or called:
                rows.append(VerdictRecall(verdict, support, found, called))
        return tuple(rows)

    @property
    def disagreements(self) -> tuple[Match, ...]:
        """The matches whose verdict is not the label, most confident labels first."""
        wrong = [m for m in self.matches if not m.agrees]
        return tuple(sorted(wrong, key=lambda m: CONFIDENCES.index(m.label.confidence)))


def _check_label(row: dict[str, str], where: str, seen: set[str]) -> PublicLabel:
    label = PublicLabel(*(str(row.get(column) or "").strip() for column in COLUMNS))
    if not label.run or label.run in seen:
        raise CurvelintError(f"{where}: run {label.run!r} is empty or labelled twice")
    if label.verdict not in VERDICTS or label.secondary not in (*VERDICTS, ""):
        raise CurvelintError(
            f"{where}: verdict {label.verdict!r} / secondary {label.secondary!r} "
            f"must be one of {', '.join(VERDICTS)}"
        )
    if label.confidence not in CONFIDENCES:
        raise CurvelintError(
            f"{where}: confidence {label.confidence!r} must be one of {', '.join(CONFIDENCES)}"
        )
    seen.add(label.run)
    return label


def read_labels(path: Path) -> list[PublicLabel]:
    """The rows of public.csv; CurvelintError naming the line when one is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CurvelintError(f"{path}: cannot read the labels: {error}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CurvelintError(f"{path}: missing column(s) {', '.join(missing)}")
    seen: set[str] = set()
    return [_check_label(row, f"{path}:{line}", seen) for line, row in enumerate(reader, 2)]


def read_verdicts(path: Path) -> dict[str, tuple[str, str]]:
    """Each run's (verdict, reason) from a curvelint summary.json."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CurvelintError(f"{path}: not a readable summary.json: {error}") from None
    runs = document.get("runs") if isinstance(document, dict) else None
    if not isinstance(runs, list) or not all(
        isinstance(run, dict) and isinstance(run.get("run"), str) for run in runs
    ):
        raise CurvelintError(f"{path}: no 'runs' list of reports: is it curvelint's summary.json?")
    return {run["run"]: (str(run.get("verdict")), str(run.get("reason") or "")) for run in runs}


def score(labels: Sequence[PublicLabel], verdicts: dict[str, tuple[str, str]]) -> Score:
    """Pair every label with curvelint's verdict; list the runs nobody labelled."""
    matches, labelled = [], set()
    for label in labels:
        run = _labelled_run(label.run, verdicts)
        predicted, reason = verdicts.get(run, (None, ""))
        matches.append(Match(label, predicted, reason))
        labelled.add(run)
    return Score(tuple(matches), tuple(sorted(set(verdicts) - labelled)))


def _labelled_run(name: str, verdicts: dict[str, tuple[str, str]]) -> str:
    """The summary's run a label names: itself, or the one run inside the folder it names (a
    Lightning ``version_0`` folder under the run's own)."""
    if name in verdicts:
        return name
    inside = [run for run in verdicts if run.startswith(name + "/")]
    return inside[0] if len(inside) == 1 else name


def _share(agreement: Agreement) -> str:
    share = agreement.share
    percent = "–" if share is None else f"{100 * share:.0f} %"
    return f"{agreement.agreed}/{agreement.total} ({percent})"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def format_score(result: Score) -> str:
    """The agreement lines, the per-verdict table and every disagreement, in markdown."""
    lines = [
        f"Agreement: {_share(result.agreement())} overall; "
        f"{_share(result.agreement(('high',)))} on high-confidence labels; "
        f"{_share(result.agreement(('high', 'medium')))} on high and medium.",
        f"Counting a label's secondary verdict as well: {_share(result.agreement_with_either)}.",
        "",
        "| verdict | labelled | recall | called | precision |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in result.recalls:
        lines.append(
            f"| {row.verdict} | {row.support} | {_percent(row.recall)} | {row.called} "
            f"| {_percent(row.precision)} |"
        )
    lines += ["", f"Disagreements ({len(result.disagreements)}):"]
    for match in result.disagreements:
        label = match.label
        secondary = f" (secondary {label.secondary})" if label.secondary else ""
        got = match.predicted or "absent from the summary"
        lines.append(
            f"- {label.run} [{label.confidence}]: labelled {label.verdict}{secondary}, "
            f"curvelint {got} — label: {label.reason} — curvelint: {match.predicted_reason}"
        )
    if result.unlabelled:
        lines += ["", "Runs in the summary without a label: " + ", ".join(result.unlabelled)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the score of a summary.json; 0 when scored, 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.score_public",
        description="Score a curvelint summary.json against tests/labelled/public.csv.",
    )
    parser.add_argument("summary", type=Path, help="summary.json written by curvelint analyze")
    parser.add_argument("--labels", type=Path, default=LABELS, help="labels CSV (public.csv)")
    arguments = parser.parse_args(argv)
    try:
        result = score(read_labels(arguments.labels), read_verdicts(arguments.summary))
    except CurvelintError as error:
        sys.stderr.write(f"score_public: error: {error}\n")
        return 2
    sys.stdout.write(format_score(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
