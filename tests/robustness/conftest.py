"""The robustness suite's closing summary (inputs tried by kind, crashes, valid points lost,
the slowest input, peak memory) and a guard that the real inputs it reads stay untouched.
The Hypothesis profile lives in helpers.py, applied per test, so other tests keep theirs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import tree_hashes
from tests.robustness.helpers import CORPUS, write_summary


@pytest.fixture(scope="session", autouse=True)
def real_inputs_are_never_modified() -> Iterator[None]:
    """Tests damage copies only: the corpus hashes the same afterwards (sample_logs/ is left
    out: `make logs` may rewrite it while the tests run)."""
    roots = [root for root in (CORPUS,) if root.is_dir()]
    before = [tree_hashes(root) for root in roots]
    yield
    assert [tree_hashes(root) for root in roots] == before


def pytest_terminal_summary(terminalreporter: object) -> None:
    write_summary(terminalreporter)
