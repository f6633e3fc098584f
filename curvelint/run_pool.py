"""Runs computed by this process and ``jobs - 1`` worker processes together, results in order.

A spawned worker spends more than a second importing curvelint before its first run; this
process has done that already, so it works too instead of waiting: ``--jobs 2`` is this process
and one worker, and the worker's start-up overlaps this process's first runs. Workers are fed
the largest runs first and this process takes the smallest, one at a time, so neither waits
for the other at the end. Each worker keeps two runs in hand (one computing, one queued).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Generic, TypeVar

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")
QUEUED_PER_WORKER = 2


class _Feeder(Generic[_Item, _Result]):
    """Hands the largest remaining items to the pool, one more each time a worker's is done."""

    def __init__(
        self,
        pool: ProcessPoolExecutor,
        function: Callable[[_Item], _Result],
        items: Sequence[_Item],
        order: deque[int],
    ) -> None:
        self.pool, self.function, self.items, self.order = pool, function, items, order
        self.lock = threading.Lock()
        self.running: dict[Future[_Result], int] = {}
        self.stopped = False

    def feed(self, _: object = None) -> None:
        with self.lock:
            if self.stopped or not self.order:
                return
            position = self.order.popleft()
            future = self.pool.submit(self.function, self.items[position])
            self.running[future] = position
        future.add_done_callback(self.feed)

    def take_smallest(self) -> int | None:
        with self.lock:
            return self.order.pop() if self.order else None

    def done(self) -> list[tuple[int, Future[_Result]]]:
        """The finished futures (removed from the running ones), oldest first."""
        with self.lock:
            finished = [(p, f) for f, p in self.running.items() if f.done()]
            for _, future in finished:
                del self.running[future]
        return finished

    def pending(self) -> list[Future[_Result]]:
        with self.lock:
            return list(self.running)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True


def compute_in_order(
    function: Callable[[_Item], _Result],
    items: Sequence[_Item],
    sizes: Sequence[int],
    jobs: int,
    progress: Callable[[_Result], None],
) -> list[_Result]:
    """``[function(item) for item in items]`` over this process and ``jobs - 1`` spawned
    workers (``function`` and the items must pickle); ``progress`` is called here with each
    result as it comes."""
    if jobs <= 1 or len(items) <= 1:
        results = []
        for item in items:
            results.append(function(item))
            progress(results[-1])
        return results
    order = deque(sorted(range(len(items)), key=lambda position: -sizes[position]))
    found: dict[int, _Result] = {}
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    workers = min(jobs - 1, len(items) - 1)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        feeder = _Feeder(pool, function, items, order)
        try:
            for _ in range(workers * QUEUED_PER_WORKER):
                feeder.feed()
            while (position := feeder.take_smallest()) is not None:
                found[position] = function(items[position])
                progress(found[position])
                for done_position, future in feeder.done():
                    found[done_position] = future.result()
                    progress(found[done_position])
            while pending := feeder.pending():
                wait(pending, return_when=FIRST_COMPLETED)
                for done_position, future in feeder.done():
                    found[done_position] = future.result()
                    progress(found[done_position])
        except BaseException:
            feeder.stop()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [found[position] for position in range(len(items))]
