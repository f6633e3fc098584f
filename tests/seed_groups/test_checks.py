"""A seed group's checks: each check's status in every seed (and on the mean), counted and
named, and worded for the group's page and summary.json."""

from __future__ import annotations

import json

from curvelint.diagnosis.checks import Check, CheckStatus, checks_of
from curvelint.report.build import build_run_report
from curvelint.report.json_output import document_checks, dumps, run_document
from curvelint.report.seed_group_checks import (
    across_seeds,
    group_check_document,
    render_group_checks,
    seeds_line,
    why_skipped,
)
from curvelint.seed_groups.checks import SkippedIn, group_checks
from tests.report.builders import diverged_run

FOUND, PASSED, SKIPPED = CheckStatus.FOUND, CheckStatus.PASSED, CheckStatus.SKIPPED
MEMBERS = ("cfg/seed_1", "cfg/seed_2", "cfg/seed_3", "cfg/seed_4", "cfg/seed_5")
NO_EVAL = "no eval loss logged"
FIRST = "not judged: the diverged verdict comes first"


def _run(overfitting: CheckStatus, reason: str = "") -> tuple[Check, ...]:
    """One seed's checks: diverged passed, overfitting as given, grad norm never logged."""
    return (
        Check("diverged", "Diverged", PASSED),
        Check("overfitting", "Overfitting", overfitting, reason),
        Check("nan_grad_norm", "NaN/inf grad norm", SKIPPED, "no grad_norm logged"),
    )


SEEDS = {
    "cfg/seed_1": _run(FOUND),
    "cfg/seed_2": _run(PASSED),
    "cfg/seed_3": _run(FOUND),
    "cfg/seed_4": _run(SKIPPED, NO_EVAL),
    "cfg/seed_5": _run(SKIPPED, FIRST),
}
MEAN = _run(PASSED)


def test_each_check_names_the_seeds_it_found_passed_and_skipped_in() -> None:
    diverged, overfitting, grad_norm = group_checks(MEMBERS, SEEDS, MEAN)
    assert [check.id for check in (diverged, overfitting, grad_norm)] == [
        "diverged",
        "overfitting",
        "nan_grad_norm",
    ]
    assert diverged.passed == MEMBERS and not diverged.found and not diverged.skipped
    assert overfitting.found == ("cfg/seed_1", "cfg/seed_3")
    assert overfitting.passed == ("cfg/seed_2",)
    assert overfitting.skipped == (
        SkippedIn(NO_EVAL, ("cfg/seed_4",)),
        SkippedIn(FIRST, ("cfg/seed_5",)),
    )
    assert overfitting.mean == Check("overfitting", "Overfitting", PASSED)
    assert grad_norm.skipped == (SkippedIn("no grad_norm logged", MEMBERS),)
    assert all(check.members == 5 and not check.unrecorded for check in (diverged, grad_norm))


def test_the_words_count_and_name_the_seeds() -> None:
    diverged, overfitting, grad_norm = group_checks(MEMBERS, SEEDS, MEAN)
    assert across_seeds(diverged) == "passed in all 5 seeds"
    assert across_seeds(overfitting) == (
        "found in 2 of 5 seeds (cfg/seed_1, cfg/seed_3); passed in 1; "
        "skipped in 2 (cfg/seed_4, cfg/seed_5)"
    )
    assert across_seeds(grad_norm) == "skipped in all 5 seeds"
    assert why_skipped(grad_norm) == "no grad_norm logged"
    assert why_skipped(overfitting) == f"{NO_EVAL} (cfg/seed_4); {FIRST} (cfg/seed_5)"
    line = seeds_line((diverged, overfitting, grad_norm))
    assert line == (
        "Seeds one by one (5): 0 found something in every seed, 1 in some; "
        "1 passed in every seed; 1 skipped in every seed."
    )


def test_a_seed_without_checks_is_not_recorded_and_the_mean_can_differ() -> None:
    """A run that failed has no checks in its report.json; the mean may skip for its own reason."""
    mean = (Check("overfitting", "Overfitting", SKIPPED, "fewer than 3 eval points"),)
    (overfitting,) = group_checks(
        ("a", "b"), {"a": (Check("overfitting", "Overfitting", FOUND),)}, mean
    )
    assert overfitting.found == ("a",) and overfitting.unrecorded == ("b",)
    assert across_seeds(overfitting) == "found in 1 of 2 seeds (a); not recorded in 1 (b)"
    assert why_skipped(overfitting) == "the mean: fewer than 3 eval points"
    document = group_check_document(overfitting)
    assert document["mean"] == {"status": "skipped", "reason": "fewer than 3 eval points"}
    assert (document["found"], document["not_recorded"]) == (["a"], ["b"])


def test_the_page_section_lists_what_did_not_pass_everywhere() -> None:
    checks = group_checks(MEMBERS, SEEDS, MEAN)
    lines = render_group_checks(checks, MEAN)
    assert lines[:4] == [
        "",
        "## Checks",
        "",
        "Mean of the seeds: 2 ran (0 found something), 1 skipped.",
    ]
    rows = [line for line in lines if line.startswith("| ")]
    assert rows[0] == "| Check | Id | Mean of the seeds | Seeds one by one | Why skipped |"
    assert [row.split(" | ")[1] for row in rows[1:]] == ["overfitting", "nan\\_grad\\_norm"]
    assert lines[-1] == "Passed in every seed and on the mean: Diverged."


def test_a_run_documents_checks_come_back_unchanged() -> None:
    """The members' checks are read back from their report.json documents (or the cache's)."""
    run, analysis, diagnosis = diverged_run()
    checks = checks_of(analysis, run.metadata, diagnosis)
    report = build_run_report(run, analysis, diagnosis, folder=run.name, checks=checks)
    document = json.loads(dumps(run_document(report)))
    assert document_checks(document) == checks and any(c.status is FOUND for c in checks)
    document["checks"][0]["status"] = "maybe"
    assert document_checks(document) == ()
