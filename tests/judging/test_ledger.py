"""The submission ledger: one review per claim, safe when several batches and sellers use it at once."""
from __future__ import annotations

import multiprocessing
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.judging.ledger import AlreadySubmittedError, Ledger, is_submitted
from pipeline.model import KST

WHEN = datetime(2026, 3, 15, 12, 0, tzinfo=KST)
WORKERS = 4
CLAIMS_EACH = 15


def test_marking_records_the_claim_and_a_second_mark_is_refused(tmp_path):
    """GIVEN an empty ledger
    WHEN a claim is marked submitted, then marked again
    THEN the first record stays (time and note), the second raises AlreadySubmittedError (exit 1) naming the first."""
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    ledger.mark_submitted("CLM-1", WHEN, "first")
    with pytest.raises(AlreadySubmittedError, match="2026-03-15T12:00:00"):
        ledger.mark_submitted("CLM-1", WHEN.replace(hour=13), "second")
    assert [r.to_json() for r in ledger.list()] == [
        {"claim_id": "CLM-1", "submitted_at": "2026-03-15T12:00:00+09:00", "note": "first"}]
    assert is_submitted(ledger.path, "CLM-1") and not is_submitted(ledger.path, "CLM-2")


def test_a_missing_ledger_records_nothing_and_is_not_created_by_reading(tmp_path):
    """GIVEN no ledger file
    WHEN the validate stage asks whether a claim was submitted
    THEN the answer is no, and no database file appears."""
    path = tmp_path / "nope" / "ledger.sqlite3"
    assert not is_submitted(path, "CLM-1")
    assert not is_submitted(None, "CLM-1")
    assert not path.exists()


def mark_many(path: str, worker: int, barrier) -> tuple[int, int]:
    """One process of the race: its own claims, then the shared claim, reading as it goes."""
    ledger = Ledger(Path(path))
    barrier.wait()  # start together so the writes really overlap
    for n in range(CLAIMS_EACH):
        ledger.mark_submitted(f"CLM-{worker}-{n}", WHEN, f"worker {worker}")
        assert is_submitted(ledger.path, f"CLM-{worker}-{n}")
    won = lost = 0
    try:
        ledger.mark_submitted("CLM-SHARED", WHEN, f"worker {worker}")
        won = 1
    except AlreadySubmittedError:
        lost = 1
    return won, lost


def test_concurrent_processes_mark_and_read_without_loss_or_double_marks(tmp_path):
    """GIVEN several processes marking their own claims and all racing to mark one shared claim, at the same time
    WHEN they finish
    THEN every own claim is recorded exactly once, exactly one process won the shared claim and all others were
    refused (none got 'database is locked'), and the ledger lists them all."""
    path = tmp_path / "ledger.sqlite3"
    context = multiprocessing.get_context("spawn")  # fresh processes, as separate evpack runs would be
    with context.Manager() as manager:
        barrier = manager.Barrier(WORKERS)
        with context.Pool(WORKERS) as pool:
            outcomes = pool.starmap(mark_many, [(str(path), w, barrier) for w in range(WORKERS)])
    assert sum(won for won, _ in outcomes) == 1
    assert sum(lost for _, lost in outcomes) == WORKERS - 1
    records = Ledger(path).list()
    ids = [r.claim_id for r in records]
    assert len(ids) == len(set(ids)) == WORKERS * CLAIMS_EACH + 1
    assert {f"CLM-{w}-{n}" for w in range(WORKERS) for n in range(CLAIMS_EACH)} <= set(ids)
