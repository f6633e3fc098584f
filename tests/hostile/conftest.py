"""The hostile-input suite prints the same closing summary as tests/robustness/ (once)."""

from __future__ import annotations

from tests.robustness.helpers import write_summary


def pytest_terminal_summary(terminalreporter: object) -> None:
    write_summary(terminalreporter)
