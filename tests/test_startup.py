"""Start-up stays light: ``curvelint --help`` and every subcommand's help import none of the
heavy libraries, and reading logs imports nothing that only analysis or plots need.

Each check runs a fresh interpreter (imports are process-wide), so it sees exactly what one
command line imports. Timings are for ``benchmarks/``; this asserts behaviour only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HEAVY = (
    "pandas",
    "numpy",
    "pyarrow",
    "scipy",
    "ruptures",
    "matplotlib",
    "PIL",
    "tensorboard",
    "google.protobuf",
    "rich",
)
# What reading logs needs (the frame is a pandas DataFrame); the rest is for analysis and plots.
NOT_FOR_READING = ("scipy", "ruptures", "matplotlib", "PIL", "tensorboard", "rich")

_PROBE = """
import json, sys
argv, report = json.loads(sys.argv[1]), sys.argv[2]
sys.argv = ["curvelint", *argv]
from curvelint.cli import main
try:
    main()
except SystemExit as stop:
    code = stop.code
else:
    code = 0
numpy = sys.modules.get("numpy")
huge = bool(numpy._core.multiarray._get_madvise_hugepage()) if numpy is not None else None
with open(report, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules), "huge_pages": huge}, handle)
"""


def probe(
    arguments: list[str], tmp_path: Path, environment: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``curvelint ARGUMENTS`` in a fresh interpreter: its exit code, every module imported
    by the end, and whether NumPy (if imported) asks for huge pages."""
    report = tmp_path / "modules.json"
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(arguments), str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env=environment,
    )
    assert report.is_file(), completed.stderr
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return found


def imported_by(arguments: list[str], tmp_path: Path) -> tuple[int, set[str]]:
    """The exit code of ``curvelint ARGUMENTS`` and every module it imported."""
    found = probe(arguments, tmp_path)
    return int(found["code"] or 0), set(found["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


@pytest.mark.parametrize(
    "arguments",
    [["--help"], ["frame", "--help"], ["analyze", "--help"], ["compare", "--help"]],
    ids=lambda arguments: " ".join(arguments),
)
def test_help_imports_nothing_heavy(arguments: list[str], tmp_path: Path) -> None:
    code, modules = imported_by(arguments, tmp_path)
    assert code == 0
    assert loaded(modules, HEAVY) == []


def test_import_curvelint_is_light() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, curvelint; print(sorted(set(sys.modules) & set(sys.argv[1:])))",
            *HEAVY,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert completed.stdout.strip() == "[]"


def test_frame_imports_only_what_reading_needs(tmp_path: Path) -> None:
    log = tmp_path / "training.log"
    rows = "\n".join(f"{epoch},{1.0 / (epoch + 1)!r}" for epoch in range(20))
    log.write_text("epoch,loss\n" + rows + "\n", encoding="utf-8")
    code, modules = imported_by(["frame", str(log), "--no-cache"], tmp_path)
    assert code == 0
    assert "pandas" in modules  # the probe does see what a command imports
    assert loaded(modules, NOT_FOR_READING) == []


def _small_log(tmp_path: Path) -> Path:
    log = tmp_path / "training.log"
    log.write_text("epoch,loss\n" + "".join(f"{e},{1 / (e + 1)!r}\n" for e in range(9)))
    return log


def test_the_command_turns_numpy_huge_pages_off_unless_the_user_chose(tmp_path: Path) -> None:
    """Huge pages cost a 10M-point run a third of its time on a VM (see cli.HUGE_PAGES)."""
    arguments = ["frame", str(_small_log(tmp_path)), "--no-cache"]
    environment = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    assert probe(arguments, tmp_path, environment)["huge_pages"] is False
    chosen = probe(arguments, tmp_path, {**environment, "NUMPY_MADVISE_HUGEPAGE": "1"})
    assert chosen["huge_pages"] is True
