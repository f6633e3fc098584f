"""Names from logs are inert wherever curvelint prints them (issue 15): no line it prints can
start a GitHub workflow command, and nothing in report.md, index.md or the job summary becomes
a link as GitHub renders it (cmark-gfm with its autolink extension). Names that are not UTF-8
show escaped.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

cmarkgfm = pytest.importorskip("cmarkgfm")

FORGED = "x\n::error title=forged::pwned"
HOSTILE_FOLDERS = (
    FORGED,
    "::warning::forged",
    "##[error]forged",
    "https:",  # with the file name below: a run named https://evil.example/login
    "www.evil.example",
    "mail user@evil.example",
)
HOSTILE_HEADERS = ("https://evil.example/login", "www.evil.example", "ftp://evil.example/f")
ANNOTATION = re.compile(r"^::(error|warning|notice) title=[^:,\r\n]*::[^\r\n]*$")


def _csv(path: Path, columns: tuple[str, ...], epochs: int = 20) -> None:
    rows = [",".join(("epoch", *columns))]
    for epoch in range(epochs):
        rows.append(
            ",".join(
                [str(epoch), *(f"{math.exp(-epoch / 5) + i:.6f}" for i, _ in enumerate(columns))]
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("untrusted") / "logs"
    for folder in HOSTILE_FOLDERS:
        _csv(root / folder / "training.log", ("loss", "val_loss"))
    _csv(root / "https:" / "" / "evil.example" / "login" / "training.log", ("loss",))
    _csv(root / "headers" / "training.log", ("loss", *HOSTILE_HEADERS))
    _csv(Path(os.fsdecode(bytes(root) + b"/run-\xff")) / "training.log", ("loss",))
    # A file that is skipped, whose name would forge a command through the one-line report.
    bad = root / "skipped" / "x\n::error title=forged::skipped.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("model,loss\nresnet,0.5\nvgg,0.4\n")  # no epoch, not numbers: skipped
    return root


def _run(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "curvelint", *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "CI": "true", "COLUMNS": "200", **(env or {})},
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed


def _forged_lines(text: str) -> list[str]:
    """Lines a GitHub runner would read as workflow commands (leading whitespace trimmed)."""
    return [line for line in text.splitlines() if line.lstrip().startswith(("::", "##["))]


def test_frame_prints_no_line_that_is_a_workflow_command(logs: Path) -> None:
    completed = _run("frame", str(logs), "--no-cache")
    assert completed.returncode in (0, 1), completed.stderr
    assert "forged" in completed.stdout and "skipped.csv" in completed.stderr
    assert _forged_lines(completed.stdout) == []
    assert _forged_lines(completed.stderr) == []
    assert "run-\\xff" in completed.stdout  # not UTF-8: shown escaped


def test_a_one_line_error_naming_a_log_file_forges_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "only" / "x\n::error title=forged::x.csv"
    bad.parent.mkdir()
    bad.write_text("model,loss\nresnet,0.5\nvgg,0.4\n")  # no epoch, not numbers: skipped
    completed = _run("frame", str(bad.parent), "--no-cache")
    assert completed.returncode == 2
    assert len(completed.stderr.splitlines()) == 1 and "forged" in completed.stderr
    assert _forged_lines(completed.stderr) == []


@pytest.fixture(scope="module")
def analyzed(
    logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("untrusted-out") / "out"
    summary = out.parent / "step-summary.md"
    completed = _run(
        "analyze", str(logs), "--out", str(out), "--no-cache", "--github", "--fail-on", "never",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    return out, summary.read_text(encoding="utf-8"), completed


def test_analyze_prints_only_its_own_annotations(
    analyzed: tuple[Path, str, subprocess.CompletedProcess[str]],
) -> None:
    _, _, completed = analyzed
    commands = _forged_lines(completed.stdout)
    assert commands, "some run is flagged: there are annotations"
    for line in commands:
        assert ANNOTATION.match(line), line
    assert _forged_lines(completed.stderr) == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def _github_links(markdown: str) -> list[str]:
    """Every link target in ``markdown`` as GitHub renders it (cmark-gfm, autolinks on)."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown)
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _is_own_link(href: str) -> bool:
    """A relative link to a file the report wrote: no scheme, no host."""
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) and not href.startswith("//")


def test_no_name_becomes_a_link_as_github_renders_the_reports(
    analyzed: tuple[Path, str, subprocess.CompletedProcess[str]],
) -> None:
    out, summary, _ = analyzed
    documents = {"step summary": summary, "index.md": (out / "index.md").read_text("utf-8")}
    for report in out.glob("*/report.md"):
        documents[str(report.relative_to(out))] = report.read_text(encoding="utf-8")
    assert len(documents) >= len(HOSTILE_FOLDERS) + 2
    text = "\n".join(documents.values())
    assert "evil.example" in text  # the names are shown ...
    for where, markdown in documents.items():
        links = _github_links(markdown)
        assert all(_is_own_link(href) for href in links), (where, links)  # ... never linked
    headers = (out / "headers" / "report.md").read_text(encoding="utf-8")
    assert "evil" in headers


def test_cmarkgfm_links_these_names_when_they_are_not_escaped() -> None:
    """The renderer of the test above does link them (so that test can fail)."""
    for name in (*HOSTILE_HEADERS, "www.evil.example", "user@evil.example"):
        assert not all(_is_own_link(href) for href in _github_links(name)), name
