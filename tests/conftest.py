"""Fixtures shared by every test: where the sample logs and the public corpus live."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LOGS = REPO / "sample_logs"
CORPUS = REPO.parent / "shared" / "corpus" / "public"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/report/golden/* from the current output instead of comparing",
    )


@pytest.fixture
def corpus() -> Path:
    """The public corpus of real logs; tests using it skip where ../shared is absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/public is not present")
    return CORPUS


@pytest.fixture
def sample_logs() -> Path:
    if not any(SAMPLE_LOGS.glob("*/**/*")):
        pytest.skip("sample_logs/ is empty")
    return SAMPLE_LOGS


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under root (or of root itself), to prove inputs are untouched."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def corpus_files(corpus_root: Path, folder: str) -> list[Path]:
    return sorted(p for p in (corpus_root / folder).rglob("*") if p.is_file())
