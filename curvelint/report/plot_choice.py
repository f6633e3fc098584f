"""Which metrics get a panel on metrics.png: the user's ``--plot`` choice, else a default.

By default the reward of an RL run, then every metric with a direction (accuracy, F1, IoU…),
then any other curve that is not bookkeeping (a KL term, an IoU whose name says nothing) fill
up to ``MAX_METRIC_PANELS`` panels; runtimes, throughputs and memory are listed as not plotted.
``--plot METRIC`` (repeatable, or ``plot = [...]`` in curvelint.toml) names the panels
instead, in its order: ``metric`` for every split of it, ``metric/split`` for one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from curvelint.analysis.results import SeriesAnalysis
from curvelint.names import is_loss

MAX_METRIC_PANELS = 6
NOT_METRICS = frozenset({"epoch", "learning_rate", "grad_norm"})
OBJECTIVE = "reward"  # what reinforcement learning maximises: its panels come first
BOOKKEEPING = ("runtime", "per_second", "flos", "memory", "time", "samples", "tokens")


def series_name(series: SeriesAnalysis) -> str:
    return f"{series.metric}/{series.split}" if series.split else series.metric


def objective_rank(metric: str) -> int:
    """0 for the reward itself, 1 for a curve about the reward, 2 for any other."""
    if metric.startswith(OBJECTIVE):
        return 0
    return 1 if OBJECTIVE in metric else 2


def is_bookkeeping(metric: str) -> bool:
    """A measurement of the machine or the bookkeeping, not of the model."""
    return any(hint in metric for hint in BOOKKEEPING)


def _default(
    candidates: Sequence[SeriesAnalysis],
) -> tuple[dict[str, list[SeriesAnalysis]], list[str]]:
    groups: dict[str, list[SeriesAnalysis]] = {}
    unplotted: list[str] = []
    ranked = sorted(
        candidates,
        key=lambda s: (is_loss(s.metric), objective_rank(s.metric), s.direction == 0, s.metric),
    )
    for series in ranked:
        wanted = series.direction != 0 or not is_bookkeeping(series.metric)
        if wanted and (series.metric in groups or len(groups) < MAX_METRIC_PANELS):
            groups.setdefault(series.metric, []).append(series)
        else:
            unplotted.append(series_name(series))
    return groups, unplotted


def _chosen(
    candidates: Sequence[SeriesAnalysis], wanted: Sequence[str]
) -> tuple[dict[str, list[SeriesAnalysis]], list[str], list[str]]:
    groups: dict[str, list[SeriesAnalysis]] = {}
    missing: list[str] = []
    for name in wanted:
        metric, _, split = name.partition("/")
        found = [s for s in candidates if s.metric == metric and (not split or s.split == split)]
        if not found:
            missing.append(name)
        for series in found:
            if series not in groups.get(metric, []):
                groups.setdefault(metric, []).append(series)
    taken = {id(s) for group in groups.values() for s in group}
    unplotted = [series_name(s) for s in candidates if id(s) not in taken]
    return groups, unplotted, missing


def metric_panels(
    series: Iterable[SeriesAnalysis], shown_elsewhere: set[tuple[str, str]], wanted: Sequence[str]
) -> tuple[dict[str, list[SeriesAnalysis]], tuple[str, ...], tuple[str, ...]]:
    """(panels by metric, names not plotted, names of ``wanted`` the run does not have)."""
    candidates = [s for s in series if s.key not in shown_elsewhere and s.metric not in NOT_METRICS]
    if not wanted:
        groups, unplotted = _default(candidates)
        return groups, tuple(unplotted), ()
    groups, unplotted, missing = _chosen(candidates, wanted)
    return groups, tuple(unplotted), tuple(missing)
