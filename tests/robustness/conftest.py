"""The robustness suite's closing summary: inputs tried by kind, crashes, valid points lost,
the slowest input and the peak memory measured. The Hypothesis profile lives in helpers.py
(applied per test, so it does not change other tests' settings)."""

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
