"""This process and its workers compute runs together; results come back in the items' order."""

from __future__ import annotations

import os
import time

import pytest

from curvelint.run_pool import compute_in_order


def square_where(item: int) -> tuple[int, int]:
    time.sleep(0.01 * (item % 3))  # unequal items, finishing out of order
    return item * item, os.getpid()


def test_results_are_in_order_and_both_this_process_and_a_worker_computed() -> None:
    items = list(range(40))
    shown: list[tuple[int, int]] = []
    results = compute_in_order(square_where, items, [item % 7 for item in items], 2, shown.append)
    assert [value for value, _ in results] == [item * item for item in items]
    assert sorted(shown) == sorted(results)  # progress saw every result once
    processes = {pid for _, pid in results}
    assert os.getpid() in processes and len(processes) == 2


def test_the_largest_items_go_to_the_worker_and_the_smallest_are_done_here() -> None:
    items = list(range(30))
    results = compute_in_order(square_where, items, items, 2, lambda result: None)
    here = [item for item, (_, pid) in zip(items, results, strict=True) if pid == os.getpid()]
    assert 29 not in here and 0 in here


def test_one_job_computes_everything_here() -> None:
    results = compute_in_order(square_where, [1, 2, 3], [1, 1, 1], 1, lambda result: None)
    assert results == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


class Interrupted(BaseException):
    pass


def interrupted_at_zero(item: int) -> int:
    if item == 0:
        raise Interrupted
    time.sleep(0.01)
    return item


def test_an_interruption_here_stops_the_workers_and_is_raised() -> None:
    with pytest.raises(Interrupted):
        items = list(range(20))
        compute_in_order(interrupted_at_zero, items, items, 2, lambda result: None)
