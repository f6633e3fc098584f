"""Seed groups in the HTML output: `curvelint analyze --html` as a real subprocess on seed runs
written by torch's SummaryWriter. index.html gets the "Seed groups" section of index.md, each
group a ``seed-groups/<group>.html`` beside its .md page, every link of both resolves to a
file of the output folder, and group and run names from the logs (``<script>``, ``..\\``)
are shown escaped and never name a path."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.conftest import tree_hashes
from tests.test_cli_analyze import curvelint
from tests.test_cli_group_checks import group_of, summary_of
from tests.test_groups import copy_run, seed_runs

__all__ = ["seed_runs"]  # the session fixture of tests.test_groups

SCRIPT = "<script>alert(1)</script>"  # a group key: the runs sit in folders `<script>alert(1)<`
ESCAPE = "..\\..\\escape"  # a run folder's name on POSIX; a way out on Windows
HOSTILE = tuple(f"{SCRIPT}/seed_{seed}" for seed in (1, 2, 3))


def _logs(seed_runs: Path, root: Path) -> Path:
    """``adam-lr1e-2`` (three seeds), the group ``<script>…`` (two of them and one that blows
    up) and ``..\\..\\escape`` (two seeds)."""
    logs = root / "logs"
    shutil.copytree(seed_runs / "adam-lr1e-2", logs / "adam-lr1e-2")
    sources = [("adam-lr1e-2", "seed_1"), ("adam-lr1e-2", "seed_2"), ("sgd-lr2", "seed_1")]
    for name, (config, seed) in zip(HOSTILE, sources, strict=True):
        copy_run(seed_runs / config / seed, logs / name)
    for seed in ("seed_1", "seed_2"):
        copy_run(seed_runs / "sgd-lr1e-2" / seed, logs / ESCAPE / seed)
    return logs


def _analyze(logs: Path, *options: str) -> Path:
    before = tree_hashes(logs)
    out = logs.parent / "out"
    done = curvelint("analyze", str(logs), "--out", str(out), *options, cwd=logs.parent)
    assert done.returncode == 1, done.stderr  # 1: the seed that blows up diverged
    assert tree_hashes(logs) == before
    assert sorted(path.name for path in logs.parent.iterdir()) == ["logs", "out"]
    return out


@pytest.fixture(scope="module")
def html_out(seed_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _analyze(_logs(seed_runs, tmp_path_factory.mktemp("html-groups")), "--html")


@pytest.fixture(scope="module")
def markdown_out(seed_runs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _analyze(_logs(seed_runs, tmp_path_factory.mktemp("md-groups")))


class _Page(HTMLParser):
    """Every ``href`` and ``src`` of a page, and the text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [value for name, value in attrs if name in ("href", "src") and value]
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def _parsed(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def _resolved(out: Path, page: Path, target: str) -> Path:
    """The file a relative link of ``page`` opens; it must be a file inside ``out``."""
    assert "://" not in target and not target.startswith("/"), target
    path = (page.parent / unquote(target)).resolve()
    assert path.is_relative_to(out.resolve()) and path.is_file(), (page, target)
    return path


def _markdown_targets(path: Path) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))


def _html_page(out: Path, group: dict[str, Any]) -> Path:
    page = str(group["page"])
    assert page.endswith(".md")
    return out / f"{page.removesuffix('.md')}.html"


def _run_of(report: Path) -> str:
    """The run a report page is about (from the report.json beside it)."""
    document = json.loads((report.parent / "report.json").read_text(encoding="utf-8"))
    return str(document["run"])


def test_index_html_has_the_groups_section_linking_to_each_group_page(html_out: Path) -> None:
    summary = summary_of(html_out)
    groups = summary["seed_groups"]
    assert len(groups) == 3
    text = (html_out / "index.html").read_text(encoding="utf-8")
    assert f"<h2>Seed groups ({len(groups)})</h2>" in text
    index = _parsed(html_out / "index.html")
    rows = {row[0]: row for row in index.rows if len(row) == 7 and row[-1] == "checks"}
    assert set(rows) == {group["group"] for group in groups}
    for group in groups:
        row = rows[group["group"]]
        assert row[1] == str(len(group["members"]))
        assert group["verdict"].replace("_", " ") in row[2]
        assert row[3].startswith(group["member_verdicts"])
    linked = {_resolved(html_out, html_out / "index.html", t) for t in index.targets}
    for group in groups:
        assert _html_page(html_out, group) in linked
        assert html_out / group["plot"] in linked
    for run in summary["runs"]:
        assert html_out / run["folder"] / "report.html" in linked


def test_a_group_page_lists_each_seed_linked_to_its_own_report(html_out: Path) -> None:
    for group in summary_of(html_out)["seed_groups"]:
        path = _html_page(html_out, group)
        page = _parsed(path)
        members = [(member["seed"], member["run"]) for member in group["members"]]
        seeds = [(row[0], row[1]) for row in page.rows if len(row) == 3 and row[0] != "Seed"]
        assert seeds == members
        reports = [_resolved(html_out, path, t) for t in page.targets if t.endswith("/report.html")]
        assert [report.name for report in reports] == ["report.html"] * len(members)
        assert [_run_of(report) for report in reports] == [run for _, run in members]
        assert {"../assets/curvelint-report.css", "../index.html"} <= set(page.targets)
        for target in page.targets:
            _resolved(html_out, path, target)


def _markdown_check_ids(page: Path) -> list[str]:
    lines = page.read_text(encoding="utf-8").split("## Checks", 1)[1].splitlines()
    cells = [line.split(" | ") for line in lines if line.startswith("| ")]
    return [row[1].replace("\\_", "_") for row in cells[1:]]


def test_a_group_page_shows_the_checks_of_its_markdown_twin(html_out: Path) -> None:
    group = group_of(html_out, SCRIPT)
    page = _parsed(_html_page(html_out, group))
    table = {row[1]: row for row in page.rows if len(row) == 5 and row[0] != "Check"}
    assert table["diverged"][2:] == [
        "found",
        f"found in 1 of 3 seeds ({HOSTILE[2]}); passed in 2",
        "",
    ]
    assert table["nan_grad_norm"][2:] == [
        "skipped",
        "skipped in all 3 seeds",
        "no grad_norm logged",
    ]
    assert list(table) == _markdown_check_ids(html_out / group["page"])
    everywhere = [c for c in group["checks"] if c["summary"] == "passed in all 3 seeds"]
    passed = [c for c in everywhere if c["mean"] is None or c["mean"]["status"] == "passed"]
    assert len(table) + len(passed) == len(group["checks"]) > 10
    text = _html_page(html_out, group).read_text(encoding="utf-8")
    assert all(html.escape(c["name"]) in text.split("Passed in every seed")[1] for c in passed)


def test_hostile_names_are_escaped_and_name_no_path(html_out: Path) -> None:
    for path in html_out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "alert(1)</script>" not in text, path
    index = (html_out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    page = _html_page(html_out, group_of(html_out, SCRIPT)).read_text(encoding="utf-8")
    assert "<h1>Seed group &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    escape = next(g for g in summary_of(html_out)["seed_groups"] if g["group"].endswith("escape"))
    assert html.escape(escape["group"]) in index
    pages = sorted(path.name for path in (html_out / "seed-groups").glob("*.html"))
    assert len(pages) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.html", name) for name in pages)
    for path in html_out.rglob("*"):
        assert not path.is_symlink() and path.resolve().is_relative_to(html_out.resolve())


def test_the_markdown_group_page_links_each_seed_to_its_report(markdown_out: Path) -> None:
    assert not list(markdown_out.rglob("*.html"))
    index = markdown_out / "index.md"
    for target in _markdown_targets(index):
        _resolved(markdown_out, index, target)
    for group in summary_of(markdown_out)["seed_groups"]:
        path = markdown_out / group["page"]
        targets = _markdown_targets(path)
        reports = [_resolved(markdown_out, path, t) for t in targets if t.endswith("report.md")]
        assert [_run_of(report) for report in reports] == [m["run"] for m in group["members"]]
        assert targets[0] == group["plot"].rsplit("/", 1)[-1]
        assert "<script>" not in path.read_text(encoding="utf-8")
    page = (markdown_out / group_of(markdown_out, SCRIPT)["page"]).read_text(encoding="utf-8")
    assert "# Seed group &lt;script&gt;alert\\(1\\)&lt;/script&gt;" in page
