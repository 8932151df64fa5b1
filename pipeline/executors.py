"""The executor seam for work inside one packet (OCR of pages): an order-preserving map.

`jobs == 1` runs in this process, serially: the tests' executor, and the cheapest when there is one task.
`jobs > 1` uses a process pool; tasks and results must be picklable (paths and small records, never pixels).
Only the caller (the parent) writes outputs. Packet-level executors (batch, Dask) live in pipeline/batch.py.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_tasks(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    """[fn(item) for item in items], in order, on up to `jobs` processes. A task's exception propagates."""
    tasks = list(items)
    workers = min(jobs, len(tasks))
    if workers <= 1:
        return [fn(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # chunksize 1: OCR tasks are long and uneven, so hand them out one at a time.
        return list(pool.map(fn, tasks, chunksize=1))
