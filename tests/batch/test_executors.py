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


def test_the_load_stretches_a_budget_in_wall_time_never_in_cpu(monkeypatch):
    """GIVEN a 2-core machine at load 30 (15 a core) and budgets stretched at most 4x WHEN a task sleeps 0.4 s and
    another computes for 0.3 s THEN the stretch is 4 (1 at load 1, 1 where no stretch is allowed), the sleep counts
    as a quarter of its wall time and the computation as its CPU time: a loaded machine does not spend a file's
    budget, and a file never gets more CPU than its budget."""
    import time
    monkeypatch.setattr(executors.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(executors.os, "getloadavg", lambda: (30.0, 25.0, 20.0))
    assert executors.load_stretch(4.0) == 4.0 and executors.load_stretch(1.0) == 1.0
    watch = executors.Stopwatch.start(4.0)
    time.sleep(0.4)
    assert 0.09 <= watch.spent() < 0.2
    watch = executors.Stopwatch.start(4.0)
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    assert watch.spent() >= 0.29
    monkeypatch.setattr(executors.os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    assert executors.load_stretch(4.0) == 1.0


def test_a_loaded_machine_reads_as_many_pages_within_a_budget(monkeypatch):
    """GIVEN tasks of one group sleeping 0.1 s each (waiting, as on a loaded machine), a budget of 0.15 s and a load
    of 8 a core WHEN mapped with budgets stretched at most 4x THEN every task runs (0.4 s of wall time is 0.1 s of
    the budget); unstretched, only the first two do."""
    monkeypatch.setattr(executors.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(executors.os, "getloadavg", lambda: (16.0, 16.0, 16.0))
    tasks = [("a", 1)] * 4
    stretched = executors.Budget(0.15, group=lambda t: t[0], skipped=lambda t: "skipped", max_stretch=4.0)
    assert executors.map_tasks(lambda t: slow_square(t[1]), tasks, 1, budget=stretched) == [1, 1, 1, 1]
    plain = executors.Budget(0.15, group=lambda t: t[0], skipped=lambda t: "skipped")
    assert executors.map_tasks(lambda t: slow_square(t[1]), tasks, 1, budget=plain) == [1, 1, "skipped", "skipped"]
