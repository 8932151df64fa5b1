"""The submission ledger: a claim gets exactly one review, and a second request locks it for good.

An embedded SQLite database (WAL, busy timeout) so several batches may read and write it at once.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from pipeline.errors import EvpackError, ExitCode

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    claim_id     TEXT PRIMARY KEY,
    submitted_at TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
)"""


class AlreadySubmittedError(EvpackError):
    """Marking a claim twice is refused: the ledger must show the first request, not the last."""

    exit_code = ExitCode.PACKET_FAILED


class LedgerBusyError(EvpackError):
    exit_code = ExitCode.INTERNAL


@dataclass(frozen=True)
class Submission:
    claim_id: str
    submitted_at: str  # ISO 8601 with offset
    note: str = ""

    def to_json(self) -> dict:
        return asdict(self)


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=30000")
        # Switching a new file to WAL can answer "database is locked" at once, without the busy handler, while
        # another process does the same: retry briefly. WAL is stored in the file, so this races only once.
        for attempt in range(200):
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(SCHEMA)
                return conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    conn.close()
                    raise
                time.sleep(0.01 * (1 + attempt % 10))
        conn.close()
        raise LedgerBusyError(f"The ledger {self.path} stayed locked by other processes.",
                              "retry; if it persists, check that no process hangs holding the ledger open.")

    def mark_submitted(self, claim_id: str, when: datetime, note: str = "") -> Submission:
        """Records the claim's one review request. Marking it again raises AlreadySubmittedError (exit 1) and keeps
        the first record: a second mark is a mistake the user must see (on Coupang it would lock the claim), and the
        UNIQUE claim_id makes the check and the insert one atomic step even with several batches at once."""
        record = Submission(claim_id, when.isoformat(), note)
        conn = self._connect()
        try:
            conn.execute("INSERT INTO submissions (claim_id, submitted_at, note) VALUES (?, ?, ?)",
                         (record.claim_id, record.submitted_at, record.note))
        except sqlite3.IntegrityError:
            first = self.get(claim_id)
            raise AlreadySubmittedError(
                f"Claim {claim_id} is already recorded as submitted (at {first.submitted_at if first else '?'}).",
                "a claim gets one review only; a second request locks it for good. Nothing was changed.") from None
        finally:
            conn.close()
        return record

    def get(self, claim_id: str) -> Submission | None:
        conn = self._connect()
        try:
            row = conn.execute("SELECT claim_id, submitted_at, note FROM submissions WHERE claim_id = ?",
                               (claim_id,)).fetchone()
        finally:
            conn.close()
        return Submission(*row) if row else None

    def list(self) -> list[Submission]:
        conn = self._connect()
        try:
            rows = conn.execute("SELECT claim_id, submitted_at, note FROM submissions ORDER BY submitted_at, claim_id")
            return [Submission(*row) for row in rows]
        finally:
            conn.close()


def is_submitted(path: Path | None, claim_id: str) -> bool:
    """True when the ledger at `path` records the claim. A ledger that does not exist yet records nothing."""
    if path is None or not Path(path).exists():
        return False
    return Ledger(path).get(claim_id) is not None
