"""Many independent runs at once on this machine: a process pool, results in the input's order.

Reading a sweep of small files costs little per run, so the pool must cost less still: its
workers are forked (they inherit the imported readers; a spawned worker would spend about a
second importing them, more than reading most sweeps takes), which is done only where the
platform has ``fork`` and this process runs no other Python thread (a forked lock held by
another thread would never be released; native threads such as OpenBLAS' pool re-create
themselves after a fork). Otherwise, and below :data:`MIN_POOL_RUNS` runs or
:data:`MIN_POOL_BYTES` of input, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from curvelint.discover import RunSpec

MIN_POOL_RUNS = 4
# Measured on the benchmark sweep (76 MB of event files, 200 runs): one process reads about
# 85 MB/s; forking two workers and sending 1.6 M points back as arrays costs about 0.15 s, so
# below ~8 MB (0.1 s of reading) a pool is not worth it.
MIN_POOL_BYTES = 8 * 1024 * 1024
# curvelint.read builds no frame per run and reads that sweep in about 0.3 s of CPU (~260 MB/s):
# a pool saves at most half of that on an idle machine, and on a busy one (another process on
# each core) it cost 0.1-0.2 s more than reading here, with 1.6x the peak memory (measured:
# 0.40-0.56 s and 382 MB against 0.28-0.37 s and 233 MB). Below ~0.5 s of reading, one process.
MIN_POOL_BYTES_ONE_FRAME = 128 * 1024 * 1024

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def input_bytes(spec: RunSpec) -> int:
    """The size of a run's files: how long it will take, roughly."""
    total = 0
    for path in (*spec.files, *spec.companions):
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def can_fork() -> bool:
    """The platform forks, and no other Python thread could hold a lock across the fork."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worth_a_pool(sizes: Sequence[int], jobs: int, min_bytes: int | None = None) -> bool:
    """True when several workers would finish ``sizes`` bytes of runs sooner than one
    (``min_bytes``: the least input worth a pool, :data:`MIN_POOL_BYTES` by default)."""
    least = MIN_POOL_BYTES if min_bytes is None else min_bytes
    enough = jobs > 1 and len(sizes) >= MIN_POOL_RUNS and sum(sizes) >= least
    return enough and can_fork()


def _balanced(sizes: Sequence[int], parts: int) -> list[list[int]]:
    """Positions split into ``parts`` lists of about equal total size (largest first, each to
    the lightest list), each list in ascending position order."""
    bins: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for position in sorted(range(len(sizes)), key=lambda p: -sizes[p]):
        lightest = loads.index(min(loads))
        bins[lightest].append(position)
        loads[lightest] += sizes[position]
    return [sorted(positions) for positions in bins]


def _apply(function: Callable[[_Item], _Result], items: list[_Item]) -> list[_Result]:
    return [function(item) for item in items]


def map_in_order(
    function: Callable[[_Item], _Result],
    items: Sequence[_Item],
    sizes: Sequence[int],
    jobs: int,
    here: Callable[[_Item], _Result] | None = None,
    min_bytes: int | None = None,
) -> list[_Result]:
    """``[function(item) for item in items]``, over ``jobs`` processes when worth it: this one
    (with ``here`` instead of ``function`` when given: no need to pack results for a trip)
    and ``jobs - 1`` workers, each given a share of about equal size (this process would only
    wait otherwise). ``function`` and the items must pickle (a module-level function, a
    ``functools.partial``); the results come back in the items' order. ``min_bytes``: see
    :func:`worth_a_pool`.
    """
    here = here or function
    if not worth_a_pool(sizes, jobs, min_bytes):
        return [here(item) for item in items]
    shares = _balanced(sizes, min(jobs, len(items)))
    by_position: dict[int, _Result] = {}
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking with native threads alive; only OpenBLAS' are, and
        # they are fork-aware (can_fork: no other Python thread).
        warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks")
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(shares) - 1, mp_context=context) as pool:
            futures = [
                pool.submit(_apply, function, [items[p] for p in share]) for share in shares[1:]
            ]
            mine = _apply(here, [items[p] for p in shares[0]])
            by_position.update(zip(shares[0], mine, strict=True))
            for share, future in zip(shares[1:], futures, strict=True):
                by_position.update(zip(share, future.result(), strict=True))
    return [by_position[position] for position in range(len(items))]
