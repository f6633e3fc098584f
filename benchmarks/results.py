"""From samples to table rows: best of the rounds, throughput, and the ratio to curvelint."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.endtoend import JOBS_2
from benchmarks.measure import Sample
from benchmarks.plan import CURVELINT_HELP, CURVELINT_READ, IMPORT, Entry

# What each group's ratios are relative to (and measured with the same clock).
REFERENCE_TOOL: dict[str, str] = {"startup": CURVELINT_HELP, "analyze": JOBS_2}
IN_PROCESS, IMPORT_CLOCK, PROCESS = "in-process", "import", "process"


@dataclass
class Row:
    """One tool on one input, summarised over its rounds.

    ``seconds`` is the headline: the in-process work for library calls (imports excluded:
    they are ``setup_s``), the import itself for import rows, and the whole process (spawn to
    exit) for command lines, which is also ``process_s`` for every row. ``cpu_s`` is the CPU
    time (user + system) behind the headline: close to it for single-threaded work on a quiet
    machine, well below it when other work was competing for the cores.
    """

    group: str
    tool: str
    role: str
    clock: str
    status: str
    reason: str = ""
    rounds: int = 0
    seconds: float | None = None
    cpu_s: float | None = None
    setup_s: float | None = None
    process_s: float | None = None
    peak_mb: float | None = None
    points: int | None = None
    events: int | None = None
    nbytes: int | None = None
    ratio: float | None = None

    @property
    def ok(self) -> bool:
        """Measured successfully at least once."""
        return self.status == "ok" and self.seconds is not None

    @property
    def events_per_s(self) -> float | None:
        """Input records per second of headline time."""
        if not self.ok or not self.events or self.clock == IMPORT_CLOCK:
            return None
        return self.events / max(self.seconds or 0.0, 1e-9)

    @property
    def mb_per_s(self) -> float | None:
        """Input megabytes (10^6 bytes) per second of headline time."""
        if not self.ok or not self.nbytes or self.clock == IMPORT_CLOCK:
            return None
        return self.nbytes / 1e6 / max(self.seconds or 0.0, 1e-9)


def clock_of(entry: Entry) -> str:
    """Which clock is the headline for this entry."""
    if entry.role == IMPORT:
        return IMPORT_CLOCK
    return IN_PROCESS if entry.in_process else PROCESS


def _headline(sample: Sample, clock: str) -> float | None:
    if clock == IMPORT_CLOCK:
        return sample.setup_s
    if clock == IN_PROCESS:
        return sample.run_s
    return sample.process_s


def _headline_cpu(sample: Sample, clock: str) -> float | None:
    if clock == IMPORT_CLOCK:
        return None
    return sample.run_cpu_s if clock == IN_PROCESS else sample.process_cpu_s


def _minimum(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None and not math.isnan(v)]
    return min(present) if present else None


def summarise(
    group: str,
    tool: str,
    role: str,
    clock: str,
    samples: Sequence[Sample],
    events: int | None = None,
    nbytes: int | None = None,
) -> Row:
    """Best time of the successful rounds; the largest peak memory seen in any round."""
    ok = [s for s in samples if s.status == "ok"]
    row = Row(group, tool, role, clock, status="ok" if ok else "n/a", rounds=len(samples))
    row.events, row.nbytes = events, nbytes
    if not ok:
        first = samples[0] if samples else Sample("n/a", "not run")
        row.status, row.reason = first.status, first.reason
        return row
    best = min(ok, key=lambda s: _headline(s, clock) or math.inf)
    row.seconds = _headline(best, clock)
    row.cpu_s = _minimum([_headline_cpu(s, clock) for s in ok])
    row.setup_s = _minimum([s.setup_s for s in ok])
    row.process_s = _minimum([s.process_s for s in ok])
    row.peak_mb = max(s.peak_mb for s in ok)
    row.points = best.points
    failed = [s for s in samples if s.status != "ok"]
    if failed:
        row.reason = f"{len(failed)} of {len(samples)} rounds failed: {failed[0].reason}"
    return row


def add_ratios(rows: list[Row]) -> None:
    """Each row's headline time over its group's curvelint row measured with the same clock."""
    for group in {row.group for row in rows}:
        members = [row for row in rows if row.group == group]
        wanted = REFERENCE_TOOL.get(group, CURVELINT_READ)
        reference = next((r for r in members if r.tool == wanted and r.ok), None)
        if reference is None or not reference.seconds:
            continue
        for row in members:
            if row.ok and row.clock == reference.clock and row.seconds is not None:
                row.ratio = row.seconds / reference.seconds


def find(rows: Sequence[Row], group: str, tool: str) -> Row | None:
    """The row of ``tool`` in ``group`` (successful or not)."""
    return next((row for row in rows if row.group == group and row.tool == tool), None)
