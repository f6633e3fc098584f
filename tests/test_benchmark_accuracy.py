"""Floors on the labelled benchmark (tests/benchmark/): the development split the rules were
tuned on, the test and holdout to holdout7 splits whose disagreements were read in later
sessions, holdout8 (locked in session 11, scored once in session 12 after its rule changes on
development runs — 106/112) and holdout9 (locked in session 12, scored once in session 13 the
same way — 102/110), each floor set from that score, so they can no longer steer a rule.

The floors sit a little below today's figures (dev 170/173, test 107/111, holdout 106/114,
holdout2 105/112, holdout3 100/108, holdout4 108/113, holdout5 106/113, holdout6 103/107,
holdout7 100/111, holdout8 106/112, holdout9 102/110) so
that a change that makes the verdicts worse fails here; the README shows the full tables from
`make accuracy`."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.evaluate import Evaluation, evaluate
from curvelint.evaluate_report import format_table
from curvelint.verdicts import Verdict

BENCHMARK = Path(__file__).resolve().parent / "benchmark"
FLOORS = {
    "dev": 0.96, "test": 0.92, "holdout": 0.9, "holdout2": 0.9, "holdout3": 0.9, "holdout4": 0.92,
    "holdout5": 0.89, "holdout6": 0.93, "holdout7": 0.87, "holdout8": 0.93, "holdout9": 0.91,
}  # fmt: skip


@pytest.fixture(scope="module", params=sorted(FLOORS))
def split(request: pytest.FixtureRequest) -> tuple[str, Evaluation]:
    name = str(request.param)
    return name, evaluate(BENCHMARK / name)


@pytest.mark.slow
def test_agreement_stays_above_its_floor(split: tuple[str, Evaluation]) -> None:
    name, evaluation = split
    assert [o.label.name for o in evaluation.outcomes if o.predicted is None] == []
    assert evaluation.agreement >= FLOORS[name], format_table(evaluation)


@pytest.mark.slow
def test_no_diverged_run_is_called_healthy_and_every_divergence_is_found(
    split: tuple[str, Evaluation],
) -> None:
    _, evaluation = split
    assert evaluation.healthy_divergences == ()
    diverged = next(s for s in evaluation.scores if s.verdict is Verdict.DIVERGED)
    assert diverged.recall is not None and diverged.recall >= 0.95


@pytest.mark.slow
def test_confident_verdicts_are_mostly_right(split: tuple[str, Evaluation]) -> None:
    """Of the verdicts given with confidence >= 0.9, at least 90 % are right (the issue's
    target; today's figures are 99 % on dev, 95 % on test and holdout, 97 % on holdout2,
    100 % on holdout3, 97 % on holdout4, 97 % on holdout5, 100 % on holdout6, 94 % on
    holdout7, 100 % on holdout8 and 99 % on holdout9)."""
    _, evaluation = split
    confident = evaluation.calibration()[0]
    assert confident.low == 0.9 and confident.count > 0
    assert confident.correct / confident.count >= 0.9
