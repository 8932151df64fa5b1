"""The executor seam for work inside one packet (OCR of pages): an order-preserving map.

`jobs == 1` runs in this process, serially: the tests' executor, and the cheapest when there is one task.
`jobs > 1` uses a process pool; tasks and results must be picklable (paths and small records, never pixels).
Only the caller (the parent) writes outputs. Packet-level executors (batch, Dask) live in pipeline/batch/batch.py.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from pipeline import runtime

T = TypeVar("T")
R = TypeVar("R")


def map_tasks(fn: Callable[[T], R], items: Iterable[T], jobs: int,
              cost: Callable[[T], float] | None = None) -> list[R]:
    """[fn(item) for item in items], in order, on up to `jobs` processes. A task's exception propagates.
    `cost`: an estimate of each task's time; the costliest start first, so that no long task (a 48 MP photo) starts
    last while the other workers sit idle (longest-processing-time-first scheduling)."""
    tasks = list(items)
    order = sorted(range(len(tasks)), key=lambda i: -cost(tasks[i])) if cost else list(range(len(tasks)))
    workers = min(jobs, len(tasks))
    if workers <= 1:
        done = [fn(tasks[i]) for i in order]
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=runtime.configure_process) as pool:
            # chunksize 1: OCR tasks are long and uneven, so hand them out one at a time.
            done = list(pool.map(fn, [tasks[i] for i in order], chunksize=1))
    results: list[R] = [None] * len(tasks)  # type: ignore[list-item]
    for i, result in zip(order, done):
        results[i] = result
    return results
