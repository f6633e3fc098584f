"""Agreement, recall, coverage and speed of one peer's mapped verdicts on one labelled set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tools.peer_verdicts.labels import LabelledRun


@dataclass(frozen=True)
class RunScore:
    """One run: its label, the peer's mapped verdict, the run's format, the peer's seconds."""

    run: LabelledRun
    predicted: str
    format: str
    readable: bool
    seconds: float


@dataclass(frozen=True)
class Ratio:
    """``part`` of ``whole`` (shown as a percentage and the counts)."""

    part: int
    whole: int

    def __str__(self) -> str:
        if not self.whole:
            return "–"
        return f"{100 * self.part / self.whole:.0f} % ({self.part}/{self.whole})"


@dataclass(frozen=True)
class SetScore:
    """A peer on a labelled set."""

    peer: str
    set_name: str
    runs: tuple[RunScore, ...]
    ceiling: Ratio
    healthy_default: Ratio

    def agreement(self) -> Ratio:
        """Runs whose mapped verdict is the labelled primary verdict."""
        return Ratio(sum(s.predicted == s.run.verdict for s in self.runs), len(self.runs))

    def agreement_either(self) -> Ratio:
        """Runs whose mapped verdict is the primary or the secondary label."""
        return Ratio(sum(s.run.accepts(s.predicted) for s in self.runs), len(self.runs))

    def agreement_high_confidence(self) -> Ratio:
        """Agreement on runs labelled with high confidence (public corpus)."""
        sure = [s for s in self.runs if s.run.confidence == "high"]
        return Ratio(sum(s.predicted == s.run.verdict for s in sure), len(sure))

    def coverage(self) -> Ratio:
        """Runs the peer could read."""
        return Ratio(sum(s.readable for s in self.runs), len(self.runs))

    def coverage_by_format(self) -> dict[str, Ratio]:
        """Runs the peer could read, per log format."""
        formats = sorted({s.format for s in self.runs})
        return {
            name: Ratio(
                sum(s.readable for s in self.runs if s.format == name),
                sum(s.format == name for s in self.runs),
            )
            for name in formats
        }

    def recall(self) -> dict[str, Ratio]:
        """Per labelled verdict: how many of its runs the peer's mapped verdict found."""
        support = Counter(s.run.verdict for s in self.runs)
        found = Counter(s.run.verdict for s in self.runs if s.predicted == s.run.verdict)
        return {verdict: Ratio(found[verdict], support[verdict]) for verdict in sorted(support)}

    def seconds_per_run(self) -> float:
        """Mean wall-clock seconds of the peer's calls per run (as first measured)."""
        return sum(s.seconds for s in self.runs) / len(self.runs) if self.runs else 0.0


def score_set(
    peer: str, set_name: str, runs: Sequence[RunScore], ceiling: int, healthy_default: int
) -> SetScore:
    """A SetScore over ``runs``.

    ``ceiling``: the agreement of a mapping tuned on these runs themselves; ``healthy_default``:
    of the dev-tuned mapping whose run without a mapped finding is healthy.
    """
    return SetScore(
        peer=peer,
        set_name=set_name,
        runs=tuple(runs),
        ceiling=Ratio(ceiling, len(runs)),
        healthy_default=Ratio(healthy_default, len(runs)),
    )
