"""The executor seam: an order-preserving map that starts the costliest tasks first."""
from __future__ import annotations

from pipeline import executors


def test_costliest_tasks_start_first_and_results_keep_the_input_order():
    """GIVEN tasks with cost estimates (a photo among screenshots) WHEN mapped in-process THEN they run costliest
    first and the results come back in the input order."""
    started = []

    def read(name: str) -> str:
        started.append(name)
        return name.upper()

    cost = {"shot-1": 1.0, "photo": 9.0, "shot-2": 2.0, "scan": 5.0}
    assert executors.map_tasks(read, list(cost), 1, cost=cost.__getitem__) == ["SHOT-1", "PHOTO", "SHOT-2", "SCAN"]
    assert started == ["photo", "scan", "shot-2", "shot-1"]


def test_a_process_pool_keeps_the_input_order():
    """GIVEN more tasks than two workers, with costs WHEN mapped on a process pool THEN the results are in input
    order."""
    values = [-3, 1, -7, 2, -5]
    assert executors.map_tasks(abs, values, 2, cost=abs) == [3, 1, 7, 2, 5]
    assert executors.map_tasks(abs, values, 2) == [3, 1, 7, 2, 5]


def test_completed_tasks_yield_every_index_once_with_its_result():
    """GIVEN tasks on a process pool WHEN their results are taken as each finishes THEN every task's index comes
    once, with its own result (whatever the order)."""
    values = [-3, 1, -7, 2, -5, 4]
    done = dict(executors.completed_tasks(abs, values, 2, cost=abs))
    assert done == {i: abs(v) for i, v in enumerate(values)}


def test_threads_keep_the_input_order():
    """GIVEN tasks on two threads WHEN mapped THEN the results are in input order."""
    assert executors.map_threads(str.upper, ["a", "b", "c"], 2) == ["A", "B", "C"]
