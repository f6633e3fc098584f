"""Which runs fail the command (exit 1): ``--fail-on`` verdicts or severities, and unreadable runs.

``--fail-on`` takes comma-separated verdicts (``diverged,overfitting``), a severity (``error``:
any error finding; ``warning``: any error or warning) or ``never``; a run that could not be
read always fails, so a broken log never passes CI silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from curvelint.config import Config, fail_on_targets
from curvelint.report.model import IndexRow
from curvelint.verdicts import UNREADABLE


@dataclass(frozen=True)
class FailPolicy:
    """The verdicts and finding severities that flag a run."""

    verdicts: frozenset[str]
    severities: frozenset[str]

    def flags(self, row: IndexRow) -> bool:
        """True when ``row`` makes the command exit 1."""
        if row.verdict == UNREADABLE or row.verdict in self.verdicts:
            return True
        return any(row.severity_counts.get(severity) for severity in self.severities)


def fail_policy(text: str) -> FailPolicy:
    """Parse ``--fail-on``; :class:`ConfigError` names the valid choices when it is wrong."""
    severities, verdicts = fail_on_targets(text)
    return FailPolicy(
        verdicts=frozenset(v.value for v in verdicts),
        severities=frozenset(s.value for s in severities),
    )


def chosen_fail_on(option: str | None, config: Config) -> str:
    """``--fail-on`` if given, else the configuration's (whose default is ``diverged``)."""
    return option if option is not None else config.fail_on
