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


def slow_square(value: float) -> float:
    """A task that takes `value` tenths of a second (top-level: picklable for the pool)."""
    import time
    time.sleep(value / 10)
    return value * value


def test_a_group_past_its_budget_starts_no_more_tasks_and_others_go_on():
    """GIVEN tasks of two groups, where group "a"'s first task alone spends its 0.15 s budget WHEN mapped in-process
    THEN a's later tasks are skipped (their result is the budget's `skipped`), group b's all run."""
    tasks = [("a", 2), ("a", 1), ("b", 1), ("a", 1), ("b", 1)]
    budget = executors.Budget(0.15, group=lambda t: t[0], skipped=lambda t: f"skipped {t[0]}")
    results = executors.map_tasks(lambda t: slow_square(t[1]), tasks, 1, budget=budget)
    assert results == [4, "skipped a", 1, "skipped a", 1]


def test_a_budget_already_spent_before_the_tasks_skips_them_on_a_pool():
    """GIVEN a group that spent its budget before its tasks (a file's cheap pass) WHEN mapped on a process pool
    THEN none of its tasks runs; another group's do, in input order."""
    budget = executors.Budget(1.0, group=_parity, skipped=_skipped, spent={0: 1.5})
    assert executors.map_tasks(slow_square, [2, 1, 4, 3], 2, budget=budget) == ["skipped", 1, "skipped", 9]


def _parity(value: int) -> int:
    return value % 2


def _skipped(value: int) -> str:
    return "skipped"
