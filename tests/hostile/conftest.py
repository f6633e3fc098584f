"""The hostile-input suite prints the same closing summary as tests/robustness/ (once)."""

from __future__ import annotations

from tests.robustness.helpers import summary_lines


def pytest_terminal_summary(terminalreporter: object) -> None:
    lines = summary_lines()
    if not lines:
        return
    writer = terminalreporter
    writer.section("curvelint robustness")  # type: ignore[attr-defined]
    for line in lines:
        writer.write_line(line)  # type: ignore[attr-defined]
