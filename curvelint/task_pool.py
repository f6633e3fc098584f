"""Independent tasks run here or in a pool of processes, their results in the tasks' order.

Workers ignore Ctrl-C and SIGTERM: the main process is the one that stops (and says so in one
line), instead of every worker printing its own traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_tasks(
    tasks: Sequence[Task],
    jobs: int,
    work: Callable[[Task], Result],
    *,
    failed: Callable[[Task, Exception], Result],
    done: Callable[[Result], None],
    size: Callable[[Task], int],
) -> list[Result]:
    """``work(task)`` for every task, in ``jobs`` processes when more than one; a task whose
    worker died (killed, out of memory) gets ``failed(task, error)``."""
    if jobs <= 1 or len(tasks) <= 1:
        results = []
        for task in tasks:
            results.append(work(task))
            done(results[-1])
        return results
    finished: dict[int, Result] = {}
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    # Largest tasks first: a big one started last would keep one worker busy while the others
    # idle. The results go back into the tasks' order, so the output does not change.
    order = sorted(range(len(tasks)), key=lambda position: -size(tasks[position]))
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker) as pool:
        futures: dict[Future[Result], int] = {
            pool.submit(work, tasks[position]): position for position in order
        }
        try:
            for future in as_completed(futures):
                position = futures[future]
                try:
                    finished[position] = future.result()
                except Exception as error:
                    finished[position] = failed(tasks[position], error)
                done(finished[position])
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [finished[position] for position in range(len(tasks))]
