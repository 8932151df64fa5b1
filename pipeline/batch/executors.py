"""The executor seam for work inside one packet (OCR of pages): an order-preserving map.

`jobs == 1` runs in this process, serially: the tests' executor, and the cheapest when there is one task.
`jobs > 1` uses a process pool; tasks and results must be picklable (paths and small records, never pixels).
Only the caller (the parent) writes outputs. Packet-level executors (batch, Dask) live in pipeline/batch/batch.py.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar

from pipeline import runtime

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")


def load_stretch(max_stretch: float) -> float:
    """How much longer than on an idle machine work takes now: the 1-minute load average per core this process may
    run on, between 1 and `max_stretch` (1: budgets are wall time, as on a quiet machine)."""
    if max_stretch <= 1:
        return 1.0
    try:
        per_core = os.getloadavg()[0] / max(1, len(os.sched_getaffinity(0)))
    except (OSError, AttributeError):
        return 1.0
    return min(max_stretch, max(1.0, per_core))


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its children waited for (a `tesseract` command)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


@dataclass(frozen=True)
class Stopwatch:
    """Budget seconds spent since `start`: the CPU time used, or the wall time divided by the machine's load
    stretch when that is more. On a quiet machine (stretch 1) that is the wall time; on a loaded one (a 2-core
    machine at load 20, where a read takes 5-10 times its CPU in wall time) a file keeps the CPU it would have had,
    and its wall time still ends, at `stretch` times the budget, when its work hangs without using CPU."""

    wall: float
    cpu: float
    stretch: float

    @classmethod
    def start(cls, max_stretch: float = 1.0) -> Stopwatch:
        return cls(time.monotonic(), cpu_seconds(), load_stretch(max_stretch))

    def spent(self) -> float:
        return max(cpu_seconds() - self.cpu, (time.monotonic() - self.wall) / self.stretch)


@dataclass(frozen=True)
class Budget(Generic[T, R]):
    """Seconds that the tasks of one group (the pages of one file) may take together, measured where they run
    (Stopwatch: wall time, stretched by the machine's load up to `max_stretch`, and never more than that of CPU).
    A task whose group has spent its seconds before it starts is not run: `skipped(task)` is its result. A task
    already running finishes, so a group overshoots by at most its running tasks. `spent`: seconds a group had
    already used before these tasks (its file's cheap pass). `allowed`: a group's own seconds, where they differ
    from `seconds` (a file of many pages may take longer than one of one)."""

    seconds: float
    group: Callable[[T], Hashable]
    skipped: Callable[[T], R]
    spent: Mapping[Hashable, float] = field(default_factory=dict)
    max_stretch: float = 1.0
    allowed: Mapping[Hashable, float] = field(default_factory=dict)

    def seconds_of(self, group: Hashable) -> float:
        return self.allowed.get(group, self.seconds)


def map_tasks(fn: Callable[[T], R], items: Iterable[T], jobs: int,
              cost: Callable[[T], float] | None = None, budget: Budget[T, R] | None = None) -> list[R]:
    """[fn(item) for item in items], in order, on up to `jobs` processes. A task's exception propagates.
    `cost`: an estimate of each task's time; the costliest start first, so that no long task (a 48 MP photo) starts
    last while the other workers sit idle (longest-processing-time-first scheduling). `budget`: tasks of a group
    past its seconds are skipped (Budget)."""
    tasks = list(items)
    order = sorted(range(len(tasks)), key=lambda i: -cost(tasks[i])) if cost else list(range(len(tasks)))
    spent: dict[Hashable, float] = defaultdict(float, budget.spent if budget else {})
    results: list[R] = [None] * len(tasks)  # type: ignore[list-item]

    def runs(i: int) -> bool:
        """Whether task i starts; else its result is the budget's `skipped`."""
        group = budget.group(tasks[i]) if budget else None
        if budget is None or spent[group] < budget.seconds_of(group):
            return True
        results[i] = budget.skipped(tasks[i])
        return False

    def finished(i: int, outcome: tuple[R, float]) -> None:
        results[i], seconds = outcome
        if budget is not None:
            spent[budget.group(tasks[i])] += seconds

    stretch = budget.max_stretch if budget else 1.0
    workers = min(jobs, len(tasks))
    if workers <= 1:
        for i in order:
            if runs(i):
                finished(i, timed(fn, tasks[i], stretch))
        return results
    # A pool's libraries (multiprocessing, sockets, logging) are loaded only where a pool is used.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    runtime.settle_imports()
    with ProcessPoolExecutor(max_workers=workers, initializer=runtime.configure_process) as pool:
        # Tasks are handed out one at a time (OCR tasks are long and uneven), each only when a worker is free, so
        # that a group's budget is known before its next task starts.
        waiting = list(reversed(order))
        running: dict[Future, int] = {}
        while waiting or running:
            while waiting and len(running) < workers:
                i = waiting.pop()
                if runs(i):
                    running[pool.submit(partial(timed, fn, max_stretch=stretch), tasks[i])] = i
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                finished(running.pop(future), future.result())
    return results


def timed(fn: Callable[[T], R], item: T, max_stretch: float = 1.0) -> tuple[R, float]:
    """fn(item) and the budget seconds it took (Stopwatch), measured in the process that ran it."""
    watch = Stopwatch.start(max_stretch)
    result = fn(item)
    return result, watch.spent()
