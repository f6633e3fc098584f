"""Run and tag names are data from strangers: a PR's logs may name a run
``<img src=x onerror=alert(1)>`` or a tag ``../../x``. ``curvelint analyze`` runs as a real
process on such a tree; the report must render them as text, keep them exact in JSON, give
every run its own folder, write nothing outside ``--out`` and change no input.
"""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from curvelint.discover import discover
from tests.hostile.helpers import (
    MANIFEST,
    analyze,
    elements,
    manifest_files,
    render_markdown,
    snapshot,
    written_files,
)

RUN_NAMES = [
    "<img src=x onerror=alert(1)>",
    "[a](javascript:alert(1))",
    "<script>alert(1)</script>",
    "line\nbreak",
    "x\n::error::injected",
    "pipe | and `backtick` | ",
    "esc\x1b[2Jclear",
    "$\\frac{",
    "@everyone #1 ~~strike~~ **bold** <!--",
    "...",
    "..x",
    "CON",
    "index.md",
    "Run",
    "run",
    "caf\u00e9",  # NFC
    "cafe\u0301",  # NFD: the same word, another spelling
    "L" * 200,
    "long/" + "M" * 200,
]
HOSTILE_TAGS = [
    "../../x",
    "<img src=x onerror=alert(1)>",
    "[a](javascript:alert(1))",
    "a|b`c`|",
    "nl\nkey",
    "$\\frac{",
    "/etc/passwd",
]
ALLOWED_ELEMENTS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "a", "img", "code", "pre", "em", "strong", "ul", "ol", "li", "hr", "blockquote", "br",
    "del", "s", "sup", "sub",
}  # fmt: skip


def _keras_log(path: Path, seed: float) -> None:
    rows = ["epoch,loss,val_loss"]
    for epoch in range(12):
        rows.append(f"{epoch},{math.exp(-epoch / 4) + seed},{math.exp(-epoch / 5) + seed + 0.1}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("hostile")
    root = base / "logs"
    for index, name in enumerate(RUN_NAMES):
        _keras_log(root / name / "training.log", index / 100)
    lines = []
    for step in range(12):
        record: dict[str, float] = {"step": step, "loss": math.exp(-step / 3)}
        record.update({tag: step / (position + 2) for position, tag in enumerate(HOSTILE_TAGS)})
        lines.append(json.dumps(record))
    (root / "tags").mkdir()
    (root / "tags" / "log.jsonl").write_text("\n".join(lines) + "\n")
    expected = {spec.name for spec in discover([root]).runs}
    before = snapshot(base)
    out = base / "out"
    step_summary = base / "step_summary.md"
    completed = analyze(
        str(root), "--out", str(out), "--fail-on", "never", "--github", "--jobs", "2",
        env={"GITHUB_STEP_SUMMARY": str(step_summary)},
    )  # fmt: skip
    return {
        "base": base,
        "root": root,
        "out": out,
        "before": before,
        "expected": expected,
        "completed": completed,
        "step_summary": step_summary,
    }


def test_analyze_survives_the_names(hostile: dict[str, Any]) -> None:
    completed = hostile["completed"]
    assert "Traceback" not in completed.stdout + completed.stderr, completed.stderr[-3000:]
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    assert len(hostile["expected"]) == len(RUN_NAMES) + 1


def test_names_are_exact_in_json(hostile: dict[str, Any]) -> None:
    summary = json.loads((hostile["out"] / "summary.json").read_text(encoding="utf-8"))
    assert {run["run"] for run in summary["runs"]} == hostile["expected"]
    assert all(run["verdict"] != "unreadable" for run in summary["runs"])
    tags_run = next(run for run in summary["runs"] if run["run"] == "tags")
    document = json.loads(
        (hostile["out"] / tags_run["folder"] / "report.json").read_text(encoding="utf-8")
    )
    logged = {series["tag"] for series in document["series"]}
    assert set(HOSTILE_TAGS) <= logged


def test_every_run_gets_its_own_safe_folder(hostile: dict[str, Any]) -> None:
    summary = json.loads((hostile["out"] / "summary.json").read_text(encoding="utf-8"))
    folders = [run["folder"] for run in summary["runs"]]
    folded = {unicodedata.normalize("NFKC", folder).casefold() for folder in folders}
    assert len(folded) == len(folders) == len(hostile["expected"])  # Run/run, café/café
    for folder in folders:
        assert "/" not in folder and "\\" not in folder and not folder.startswith(".")
        assert len(folder.encode()) <= 255 and folder.isascii() and folder.isprintable()
        assert (hostile["out"] / folder / "report.md").is_file()
        assert folder.lower() not in ("index.md", "summary.json", MANIFEST)


def test_nothing_is_written_outside_out_and_no_input_changes(hostile: dict[str, Any]) -> None:
    after = snapshot(hostile["base"], skip=hostile["out"])
    before = {k: v for k, v in hostile["before"].items() if not k.startswith("out")}
    after.pop("step_summary.md", None)  # --github appends there: the one file outside, asked for
    assert after == before


def test_the_output_folder_holds_only_what_curvelint_wrote(hostile: dict[str, Any]) -> None:
    out = hostile["out"]
    assert written_files(out) == manifest_files(out) | {MANIFEST}


def _markdown_files(hostile: dict[str, Any]) -> list[Path]:
    out: Path = hostile["out"]
    return [*sorted(out.rglob("*.md")), hostile["step_summary"]]


def test_markdown_renders_names_as_text(hostile: dict[str, Any]) -> None:
    for path in _markdown_files(hostile):
        text = path.read_text(encoding="utf-8")
        assert "\x1b" not in text, path
        for tag, attributes in elements(render_markdown(text)):
            assert tag in ALLOWED_ELEMENTS, (path, tag, attributes)
            assert not any(name.startswith("on") for name in attributes), (path, attributes)
            for key in ("href", "src"):
                target = attributes.get(key) or ""
                assert ":" not in target.split("/")[0], (path, target)  # no scheme: relative
                assert ".." not in target.split("/"), (path, target)
            if tag == "img":
                assert (attributes.get("src") or "").endswith(".png"), (path, attributes)


def test_tables_keep_their_shape(hostile: dict[str, Any]) -> None:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    for path in _markdown_files(hostile):
        tokens = parser.parse(path.read_text(encoding="utf-8"))
        widths: list[int] = []
        cells = 0
        for token in tokens:
            if token.type == "tr_open":
                cells = 0
            elif token.type in ("th_open", "td_open"):
                cells += 1
            elif token.type == "tr_close":
                widths.append(cells)
            elif token.type == "table_close":
                assert len(set(widths)) == 1, (path, widths)
                widths = []
    index = (hostile["out"] / "index.md").read_text(encoding="utf-8")
    rows = [line for line in index.splitlines() if line.startswith("| ") and "][" in line]
    assert len(rows) == len(hostile["expected"])


def test_terminal_and_annotations_are_not_injected(hostile: dict[str, Any]) -> None:
    completed = hostile["completed"]
    assert "\x1b[2J" not in completed.stdout
    for line in completed.stdout.splitlines():
        assert not line.startswith("::error::injected"), line
        if line.startswith("::"):
            assert line.count("\n") == 0


def test_plots_are_whole_pngs(hostile: dict[str, Any]) -> None:
    plots = sorted(hostile["out"].rglob("*.png"))
    assert len(plots) >= len(hostile["expected"])
    for path in plots:
        with Image.open(path) as image:
            image.verify()
