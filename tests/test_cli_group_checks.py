"""`curvelint analyze` as a real subprocess on seed runs written by torch's SummaryWriter: each
seed group's page and its entry in summary.json list every check on the mean and across the
seeds, with the seeds each check found something in, passed in and was skipped in — the same
statuses as the seeds' own report.json files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from curvelint.report.json_schema import summary_schema
from tests.test_cli_analyze import curvelint
from tests.test_groups import copy_run, seed_runs

__all__ = ["seed_runs"]  # the session fixture of tests.test_groups

MIXED = ("mixed/seed_1", "mixed/seed_2", "mixed/seed_3")


@pytest.fixture(scope="module")
def analyzed(seed_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``adam-lr1e-2`` (three seeds) and ``mixed``: two of those seeds and one that blows up."""
    logs = tmp_path_factory.mktemp("group-checks") / "logs"
    shutil.copytree(seed_runs / "adam-lr1e-2", logs / "adam-lr1e-2")
    sources = [("adam-lr1e-2", "seed_1"), ("adam-lr1e-2", "seed_2"), ("sgd-lr2", "seed_1")]
    for name, (config, seed) in zip(MIXED, sources, strict=True):
        copy_run(seed_runs / config / seed, logs / name)
    out = logs.parent / "out"
    done = curvelint("analyze", str(logs), "--out", str(out), cwd=logs.parent)
    assert done.returncode in (0, 1), done.stderr  # 1: a run has a problem (one diverged)
    return out


def summary_of(out: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return document


def group_of(out: Path, key: str) -> dict[str, Any]:
    return next(group for group in summary_of(out)["seed_groups"] if group["group"] == key)


def _run_checks(out: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Each run's checks by id, from the report.json in its own folder."""
    found = {}
    for path in out.glob("*/report.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        found[document["run"]] = {check["id"]: check for check in document["checks"]}
    return found


def test_group_checks_agree_with_the_seeds_own_reports(analyzed: Path) -> None:
    runs = _run_checks(analyzed)
    for group in summary_of(analyzed)["seed_groups"]:
        members = [member["run"] for member in group["members"]]
        assert len(group["checks"]) == len(runs[members[0]]) > 10
        for check in group["checks"]:
            statuses = {member: runs[member][check["id"]] for member in members}
            for status in ("found", "passed"):
                expected = [m for m, c in statuses.items() if c["status"] == status]
                assert check[status] == expected, (group["group"], check["id"], status)
            skipped = {(s["reason"], run) for s in check["skipped"] for run in s["runs"]}
            assert skipped == {
                (c["reason"], m) for m, c in statuses.items() if c["status"] == "skipped"
            }
            assert check["seeds"] == len(members) and check["not_recorded"] == []


def test_a_check_found_in_one_seed_names_it_and_the_mean_reports_its_own(analyzed: Path) -> None:
    mixed = {check["id"]: check for check in group_of(analyzed, "mixed")["checks"]}
    diverged = mixed["diverged"]
    assert diverged["found"] == ["mixed/seed_3"]
    assert diverged["passed"] == ["mixed/seed_1", "mixed/seed_2"]
    assert diverged["mean"] == {"status": "found", "reason": ""}  # the group's verdict
    assert diverged["summary"] == "found in 1 of 3 seeds (mixed/seed_3); passed in 2"
    grad_norm = mixed["nan_grad_norm"]  # the runs log no grad norm: skipped in every seed
    assert grad_norm["skipped"] == [{"reason": "no grad_norm logged", "runs": list(MIXED)}]
    assert grad_norm["summary"] == "skipped in all 3 seeds"
    assert grad_norm["mean"] == {"status": "skipped", "reason": "no grad_norm logged"}


def test_the_group_page_lists_the_checks_and_the_index_links_to_it(analyzed: Path) -> None:
    group = group_of(analyzed, "mixed")
    assert group["page"] == "seed-groups/mixed.md"
    page = (analyzed / group["page"]).read_text(encoding="utf-8")
    section = page[page.index("## Checks") :]
    checks = group["checks"]
    every = sum(len(c["found"]) == 3 for c in checks)
    some = sum(0 < len(c["found"]) < 3 for c in checks)
    passed = sum(len(c["passed"]) == 3 for c in checks)
    skipped = sum(sum(len(s["runs"]) for s in c["skipped"]) == 3 for c in checks)
    assert (
        f"Seeds one by one (3): {every} found something in every seed, {some} in some; "
        f"{passed} passed in every seed; {skipped} skipped in every seed"
    ) in section
    assert some >= 1  # the diverged seed's finding, at least
    assert (
        "| diverged | found | found in 1 of 3 seeds (mixed/seed\\_3); passed in 2 |  |" in section
    )
    assert "| nan\\_grad\\_norm | skipped | skipped in all 3 seeds | no grad\\_norm logged |" in (
        section
    )
    index = (analyzed / "index.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if line.startswith("| mixed |"))
    assert row.endswith("| [checks](seed-groups/mixed.md) |")


def test_the_summary_with_group_checks_follows_the_documented_schema(analyzed: Path) -> None:
    summary = summary_of(analyzed)
    jsonschema.Draft202012Validator(summary_schema()).validate(summary)
    summary["seed_groups"][0]["checks"][0]["found"] = "everything"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(summary_schema()).validate(summary)
