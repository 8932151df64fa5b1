"""The executor seam for work inside one packet: OCR of pages on worker processes (results in order, or as each
finishes), and the checks of ingest on threads.

`jobs == 1` runs in this process, serially: the tests' executor, and the cheapest when there is one task.
`jobs > 1` uses a process pool; tasks and results must be picklable (paths and small records, never pixels).
Only the caller (the parent) writes outputs. Packet-level executors (batch, Dask) live in pipeline/batch.py.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_tasks(fn: Callable[[T], R], items: Iterable[T], jobs: int,
              cost: Callable[[T], float] | None = None) -> list[R]:
    """[fn(item) for item in items], in order, on up to `jobs` processes. A task's exception propagates.
    `cost`: see completed_tasks."""
    tasks = list(items)
    results: list[R] = [None] * len(tasks)  # type: ignore[list-item]
    for index, result in completed_tasks(fn, tasks, jobs, cost):
        results[index] = result
    return results


def completed_tasks(fn: Callable[[T], R], items: Iterable[T], jobs: int,
                    cost: Callable[[T], float] | None = None) -> Iterator[tuple[int, R]]:
    """(index, fn(item)) for every item, as each finishes, on up to `jobs` processes, so that the caller works on
    the first results while the rest run. `cost`: an estimate of each task's time; the costliest start first, so
    that no long task (a 48 MP photo) starts last while the other workers sit idle (longest processing time
    first). A task's exception propagates."""
    tasks = list(items)
    order = sorted(range(len(tasks)), key=lambda i: -cost(tasks[i])) if cost else list(range(len(tasks)))
    workers = min(jobs, len(tasks))
    if workers <= 1:
        for index in order:
            yield index, fn(tasks[index])
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # One task at a time in cost order: OCR tasks are long and uneven. Futures start in submission order.
        futures = {pool.submit(fn, tasks[index]): index for index in order}
        for future in as_completed(futures):
            yield futures[future], future.result()


def map_threads(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    """[fn(item) for item in items], in order, on up to `jobs` threads of this process: for work that spends its
    time in C code that lets go of the GIL (decoding images, hashing, resampling), which needs no pickling and may
    write where the caller says. A task's exception propagates."""
    tasks = list(items)
    if min(jobs, len(tasks)) <= 1:
        return [fn(task) for task in tasks]
    with ThreadPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return list(pool.map(fn, tasks))
