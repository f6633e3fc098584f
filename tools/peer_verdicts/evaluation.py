"""Run every peer on every labelled run, choose each peer's mapping on dev, score every set."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.peer_verdicts.execution import Outcome, run_peer
from tools.peer_verdicts.labels import LabelledRun, LabelledSet
from tools.peer_verdicts.mapping import VerdictMapping
from tools.peer_verdicts.mapping_search import agreement, best_mapping
from tools.peer_verdicts.peers.base import Peer, PeerReport
from tools.peer_verdicts.scoring import RunScore, SetScore, score_set

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PeerEvaluation:
    """One peer: its version, the mapping chosen on the tuning set, its score on every set."""

    peer: str
    version: str
    mapping: VerdictMapping
    healthy_default_mapping: VerdictMapping
    tuned_on: str
    scores: tuple[SetScore, ...]


@dataclass(frozen=True)
class Environment:
    """Where the peers live and where their outputs are cached."""

    bin_dir: Path
    cache_dir: Path
    jobs: int


def _outcomes(
    peer: Peer, version: str, sets: Sequence[LabelledSet], environment: Environment
) -> dict[tuple[str, str], Outcome]:
    tasks = [(labelled.name, run) for labelled in sets for run in labelled.runs]

    def one(task: tuple[str, LabelledRun]) -> Outcome:
        return run_peer(peer, version, task[1].folder, environment.bin_dir, environment.cache_dir)

    with ThreadPoolExecutor(max_workers=max(1, environment.jobs)) as pool:
        results = list(pool.map(one, tasks))
    return {
        (set_name, run.name): outcome
        for (set_name, run), outcome in zip(tasks, results, strict=True)
    }


def evaluate_peer(
    peer: Peer,
    version: str,
    sets: Sequence[LabelledSet],
    tune_on: str,
    environment: Environment,
) -> PeerEvaluation:
    """The peer on every set, with the mapping that agrees most on the ``tune_on`` set."""
    outcomes = _outcomes(peer, version, sets, environment)

    def pairs(labelled: LabelledSet) -> list[tuple[PeerReport, str]]:
        return [(outcomes[(labelled.name, run.name)].report, run.verdict) for run in labelled.runs]

    tuning = next(labelled for labelled in sets if labelled.name == tune_on)
    mapping = best_mapping(pairs(tuning))
    healthy_default = best_mapping(pairs(tuning), no_findings="healthy")
    scores = []
    for labelled in sets:
        ceiling = agreement(best_mapping(pairs(labelled)), pairs(labelled))
        with_healthy_default = agreement(healthy_default, pairs(labelled))
        runs = []
        for run in labelled.runs:
            outcome = outcomes[(labelled.name, run.name)]
            runs.append(
                RunScore(
                    run=run,
                    predicted=mapping.predict(outcome.report),
                    format=outcome.format,
                    readable=outcome.report.readable,
                    seconds=outcome.seconds,
                )
            )
        scores.append(score_set(peer.name, labelled.name, runs, ceiling, with_healthy_default))
    return PeerEvaluation(peer.name, version, mapping, healthy_default, tune_on, tuple(scores))
