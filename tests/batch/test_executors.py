"""The executor seam: an order-preserving map that starts the costliest tasks first."""
from __future__ import annotations

from pipeline.batch import executors


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
