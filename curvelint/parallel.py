"""Many independent runs at once on this machine: a process pool, results in the input's order.

Reading a sweep of small files costs little per run, so the pool must cost less still: where
the platform has it and this process runs no other Python thread, workers are forked (they
inherit the imported readers instead of importing them again, a few milliseconds instead of
about a second each); otherwise they are spawned. Native threads (OpenBLAS' pool) re-create
themselves after a fork. Below :data:`MIN_POOL_RUNS` runs or :data:`MIN_POOL_BYTES` of input
a pool costs more than it saves, and everything runs here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import TypeVar

from curvelint.discover import RunSpec

MIN_POOL_RUNS = 4
# Measured on the benchmark sweep: about 25 MB/s of small event files read per core, and about
# 0.05 s to fork two workers and send the frames back; below 4 MB the pool is not worth it.
MIN_POOL_BYTES = 4 * 1024 * 1024
_CHUNKS_PER_WORKER = 4  # a few chunks per worker: balanced, without a round trip per run

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


def worth_a_pool(sizes: Sequence[int], jobs: int) -> bool:
    """True when several workers would finish ``sizes`` bytes of runs sooner than one."""
    return jobs > 1 and len(sizes) >= MIN_POOL_RUNS and sum(sizes) >= MIN_POOL_BYTES


def pool_context() -> BaseContext:
    """``fork`` when it is safe and available (no other Python thread), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def map_in_order(
    function: Callable[[_Item], _Result],
    items: Sequence[_Item],
    sizes: Sequence[int],
    jobs: int,
) -> list[_Result]:
    """``[function(item) for item in items]``, in a pool of ``jobs`` processes when worth it.

    ``function`` and the items must pickle (a module-level function, a ``functools.partial``).
    The largest items start first; the results come back in the items' order.
    """
    if not worth_a_pool(sizes, jobs):
        return [function(item) for item in items]
    order = sorted(range(len(items)), key=lambda position: -sizes[position])
    workers = min(jobs, len(items))
    chunk = max(1, len(items) // (workers * _CHUNKS_PER_WORKER))
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking with native threads alive; only OpenBLAS' are, and
        # they are fork-aware (pool_context forks only without other Python threads).
        warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks")
        with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
            results = list(pool.map(function, [items[p] for p in order], chunksize=chunk))
    by_position = dict(zip(order, results, strict=True))
    return [by_position[position] for position in range(len(items))]
