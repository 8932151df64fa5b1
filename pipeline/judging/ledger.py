"""The submission ledger: a claim gets exactly one review, and a second request locks it for good.

An embedded SQLite database (WAL, busy timeout) so several batches may read and write it at once. It is the
seller's own record, not a cache: it lives in the user data folder (platformdirs), or where `--ledger` /
`EVPACK_LEDGER` say. A ledger an older evpack kept beside the cache folder is still found: read where it is, and
copied to the data folder the first time evpack writes.

Claim ids are kept as `claim_key` makes them (trimmed, NFKC, upper-case), so ' CLM-A ' and 'clm-a' are one claim;
`mark-submitted` also checks them against the rules profile's [claim_ids] pattern. Reading never creates, migrates
or writes anything (`check` changes nothing): a ledger that cannot be read is a `LedgerError` naming the file and
the fix, never an internal error.
"""
from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import time
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from pipeline.errors import EvpackError, ExitCode, UsageError

FILE_NAME = "ledger.sqlite3"
LEGACY_FILE_NAME = "evpack-ledger.sqlite3"  # where evpack kept it before: beside the cache folder
SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    claim_id     TEXT PRIMARY KEY,
    submitted_at TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id  TEXT NOT NULL,
    action    TEXT NOT NULL,   -- marked | unmarked | merged
    at        TEXT NOT NULL,   -- ISO 8601 with offset
    detail    TEXT NOT NULL DEFAULT ''
);"""


class LedgerError(EvpackError):
    """The ledger file cannot be read or written (corrupt, not a database, no permission): the user's environment,
    not a bug. `check` reports it as a finding and goes on; the ledger commands exit 1 with the fix."""

    exit_code = ExitCode.PACKET_FAILED


class AlreadySubmittedError(LedgerError):
    """Marking a claim twice is refused: the ledger must show the first request, not the last."""


class NotRecordedError(LedgerError):
    """Withdrawing a claim the ledger does not record."""


class LedgerBusyError(LedgerError):
    """Other processes kept the ledger locked past the busy timeout."""


class ClaimIdError(UsageError):
    """A claim id that is blank or does not look like one (exit 2)."""


@dataclass(frozen=True)
class Submission:
    claim_id: str
    submitted_at: str  # ISO 8601 with offset
    note: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AuditRow:
    claim_id: str
    action: str        # marked | unmarked | merged
    at: str            # ISO 8601 with offset
    detail: str = ""   # the note, the reason for withdrawing, or what a merge folded together

    def to_json(self) -> dict:
        return asdict(self)


# ---- claim ids ----------------------------------------------------------------------------------------------

def claim_key(claim_id: str) -> str:
    """The one spelling the ledger keeps of a claim id: NFKC, surrounding space trimmed, upper-case. Two ids that
    differ only in case, width or surrounding space are one claim."""
    return unicodedata.normalize("NFKC", claim_id).strip().upper()


def checked_claim_id(claim_id: str, rules: dict | None = None) -> str:
    """`claim_key(claim_id)`, refused (ClaimIdError, exit 2) when blank or when it does not match the profile's
    [claim_ids] pattern (`rules` is that table; None or without a pattern: only blank ids are refused)."""
    key = claim_key(claim_id)
    if not key:
        raise ClaimIdError("The claim id is blank.",
                           "give the Claim ID shown in Seller Center, e.g. CLM-2026-0001234.")
    pattern = (rules or {}).get("pattern")
    if pattern and not re.fullmatch(pattern, key):
        example = (rules or {}).get("examples", ["CLM-2026-0001234"])[0]
        raise ClaimIdError(f"{claim_id!r} does not look like a claim id (expected letters, digits and '-', "
                           f"like {example}).", "copy the Claim ID from Seller Center exactly.")
    return key


# ---- where the ledger lives ---------------------------------------------------------------------------------

def data_dir() -> Path:
    """evpack's user data folder: platformdirs' (Linux $XDG_DATA_HOME/evpack or ~/.local/share/evpack, Windows
    %LOCALAPPDATA%\\evpack, macOS ~/Library/Application Support/evpack)."""
    from platformdirs import user_data_dir
    return Path(user_data_dir("evpack", appauthor=False))


def default_ledger_path() -> Path:
    """$EVPACK_LEDGER, else ledger.sqlite3 in the user data folder."""
    return Path(os.environ.get("EVPACK_LEDGER") or data_dir() / FILE_NAME)


def legacy_ledger_paths() -> list[Path]:
    """Where older evpack versions kept the ledger (beside the cache folder), the first existing one counts."""
    candidates = []
    if os.environ.get("EVPACK_CACHE_DIR"):
        candidates.append(Path(os.environ["EVPACK_CACHE_DIR"]).parent / LEGACY_FILE_NAME)
    if os.environ.get("XDG_CACHE_HOME"):
        candidates.append(Path(os.environ["XDG_CACHE_HOME"]) / LEGACY_FILE_NAME)
    candidates.append(Path(os.path.expanduser("~/.cache")) / LEGACY_FILE_NAME)
    return list(dict.fromkeys(candidates))


def legacy_ledger(path: Path) -> Path | None:
    """The older ledger that stands in for `path`, the default ledger, while `path` does not exist yet; None when
    `path` exists, is not the default (an explicit --ledger / EVPACK_LEDGER), or there is no older ledger."""
    if Path(path).exists() or os.environ.get("EVPACK_LEDGER") or Path(path) != default_ledger_path():
        return None
    return next((p for p in legacy_ledger_paths() if p.is_file()), None)


# ---- the database -------------------------------------------------------------------------------------------

def _unreadable(path: Path, exc: Exception) -> LedgerError:
    text = str(exc)
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return LedgerError(f"The ledger {path} is damaged: it is not an SQLite database ({text}).",
                           f"move it aside (e.g. rename it to {path.name}.damaged) and mark the claims you "
                           "submitted again; or pass --ledger with the right file.")
    if "readonly" in text.replace(" ", "") or "read-only" in text:
        return LedgerError(f"The ledger {path} is read-only ({text}).",
                           "give yourself write permission on the file and its folder, or pass --ledger FILE "
                           "with a ledger of your own.")
    return LedgerError(f"The ledger {path} cannot be opened ({text}).",
                       "check the file's and its folder's permissions, or pass --ledger FILE with a ledger of "
                       "your own.")


def _check_path(path: Path) -> None:
    """A usage error (exit 2) for a --ledger path that cannot be a file at all."""
    if path.is_dir():
        raise UsageError(f"The ledger path {path} is a folder.", "give a file name, e.g. --ledger ledger.sqlite3.")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"The ledger path {path} lies under {parent}, which is a file.",
                                 "give a path inside a folder.")
            break
    if path.exists() and not path.is_file():
        raise UsageError(f"The ledger path {path} is not a regular file.", "give a file name, e.g. ledger.sqlite3.")


def _retrying(path: Path, step):
    """Runs step(); SQLite can answer 'database is locked' at once, without the busy handler (switching a new file to
    WAL while another process does the same): retry briefly, then LedgerBusyError."""
    for attempt in range(200):
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.01 * (1 + attempt % 10))
    raise LedgerBusyError(f"The ledger {path} stayed locked by other processes.",
                          "retry; if it persists, check that no process hangs holding the ledger open.")


class Ledger:
    """The ledger at `path` (default: default_ledger_path()). Writers create and migrate it; readers never do."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_ledger_path()

    # -- connections --

    def _connect_rw(self) -> sqlite3.Connection:
        _check_path(self.path)
        self._adopt_legacy()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"The ledger's folder {self.path.parent} cannot be created ({exc.strerror}).",
                             "pass --ledger FILE in a folder you can write to.") from None
        conn = None
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=30000")

            def prepare():
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    self._migrate(conn)
            _retrying(self.path, prepare)
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise _unreadable(self.path, exc) from None

    def _connect_ro(self, path: Path) -> sqlite3.Connection:
        """Read-only: never creates the file, its folder, or a journal where it cannot write. A WAL ledger in a folder
        the reader cannot write is read as it stands on disk (immutable)."""
        conn = None
        try:
            uri = Path(path).resolve().as_uri()
            try:
                conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
                conn.execute("PRAGMA busy_timeout=30000")
                _retrying(path, lambda: conn.execute("SELECT count(*) FROM sqlite_master").fetchone())
            except sqlite3.OperationalError as exc:
                if conn is not None:
                    conn.close()
                text = str(exc).replace(" ", "")
                if ("unabletoopen" not in text and "readonly" not in text) or not os.access(path, os.R_OK):
                    raise
                conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise _unreadable(Path(path), exc) from None

    def _read_path(self) -> Path | None:
        """The file to read: the ledger, or the older one standing in for it; None when neither exists."""
        _check_path(self.path)
        if self.path.exists():
            return self.path
        return legacy_ledger(self.path)

    def _adopt_legacy(self) -> None:
        """Copies an older ledger to the data folder before the first write (a consistent SQLite backup, renamed into
        place), leaving the old file where it was."""
        old = legacy_ledger(self.path)
        if old is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ledger-", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            source = self._connect_ro(old)
            try:
                target = sqlite3.connect(tmp)
                try:
                    source.backup(target)
                finally:
                    target.close()
            finally:
                source.close()
            if not self.path.exists():
                os.replace(tmp, self.path)
        except sqlite3.Error as exc:
            raise _unreadable(old, exc) from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Brings a ledger to SCHEMA_VERSION in one transaction: the audit table, and claim ids re-keyed by
        claim_key. Ids that become one claim keep the earliest record; the others are kept as 'merged' audit rows."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
                conn.execute("COMMIT")
                return
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            rows = conn.execute("SELECT claim_id, submitted_at, note FROM submissions "
                                "ORDER BY submitted_at, claim_id").fetchall()
            kept: dict[str, tuple] = {}
            for claim_id, submitted_at, note in rows:
                key = claim_key(claim_id)
                if key == claim_id and key not in kept:
                    kept[key] = (claim_id, submitted_at, note)
                    continue
                conn.execute("DELETE FROM submissions WHERE claim_id = ?", (claim_id,))
                if key in kept or not key:
                    conn.execute("INSERT INTO audit (claim_id, action, at, detail) VALUES (?, 'merged', ?, ?)",
                                 (key or claim_id, submitted_at,
                                  f"record {claim_id!r} ({note}) folded into the earlier one"))
                else:
                    kept[key] = (key, submitted_at, note)
                    conn.execute("INSERT OR IGNORE INTO submissions VALUES (?, ?, ?)", (key, submitted_at, note))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- writing --

    def mark_submitted(self, claim_id: str, when: datetime, note: str = "", rules: dict | None = None) -> Submission:
        """Records the claim's one review request (the id checked by `checked_claim_id`). Marking it again, in any
        spelling, raises AlreadySubmittedError (exit 1) and keeps the first record: a second mark is a mistake the
        user must see (on Coupang it would lock the claim), and the UNIQUE key makes the check and the insert one
        atomic step even with several batches at once."""
        key = checked_claim_id(claim_id, rules)
        record = Submission(key, when.isoformat(), note)
        conn = self._connect_rw()
        try:
            def insert():
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute("INSERT INTO submissions (claim_id, submitted_at, note) VALUES (?, ?, ?)",
                                 (record.claim_id, record.submitted_at, record.note))
                    conn.execute("INSERT INTO audit (claim_id, action, at, detail) VALUES (?, 'marked', ?, ?)",
                                 (record.claim_id, record.submitted_at, note))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            _retrying(self.path, insert)
        except sqlite3.IntegrityError:
            first = self.get(key)
            raise AlreadySubmittedError(
                f"Claim {key} is already recorded as submitted (at {first.submitted_at if first else '?'}).",
                "a claim gets one review only; a second request locks it for good. Nothing was changed. If the "
                "record is wrong, `evpack ledger unmark CLAIM_ID --reason TEXT` withdraws it.") from None
        except sqlite3.Error as exc:
            raise _unreadable(self.path, exc) from None
        finally:
            conn.close()
        return record

    def unmark(self, claim_id: str, when: datetime, reason: str) -> Submission:
        """Withdraws a wrong record, keeping an 'unmarked' audit row with the reason and the record withdrawn.
        NotRecordedError (exit 1) when the claim is not recorded; a blank reason is a usage error."""
        key = checked_claim_id(claim_id)
        if not reason.strip():
            raise UsageError("Withdrawing a record needs a reason.", 'pass --reason "why the record was wrong".')
        conn = self._connect_rw()
        try:
            def withdraw():
                conn.execute("BEGIN IMMEDIATE")
                try:
                    row = conn.execute("SELECT claim_id, submitted_at, note FROM submissions WHERE claim_id = ?",
                                       (key,)).fetchone()
                    if row:
                        conn.execute("DELETE FROM submissions WHERE claim_id = ?", (key,))
                        conn.execute("INSERT INTO audit (claim_id, action, at, detail) VALUES (?, 'unmarked', ?, ?)",
                                     (key, when.isoformat(), f"{reason.strip()} (record was: submitted at {row[1]}"
                                      + (f", note {row[2]!r})" if row[2] else ")")))
                    conn.execute("COMMIT")
                    return row
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            row = _retrying(self.path, withdraw)
        except sqlite3.Error as exc:
            raise _unreadable(self.path, exc) from None
        finally:
            conn.close()
        if row is None:
            raise NotRecordedError(f"Claim {key} is not recorded as submitted in {self.path}; nothing was changed.",
                                   "check the claim id with `evpack ledger list`.")
        return Submission(*row)

    # -- reading (never writes) --

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        path = self._read_path()
        if path is None:
            return []
        conn = self._connect_ro(path)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "submissions" not in tables or ("audit" in sql and "audit" not in tables):
                return []
            return _retrying(path, lambda: conn.execute(sql, args).fetchall())
        except sqlite3.Error as exc:
            raise _unreadable(path, exc) from None
        finally:
            conn.close()

    def get(self, claim_id: str) -> Submission | None:
        """The record of the claim in any spelling (an older ledger may hold a non-normalised id)."""
        key = claim_key(claim_id)
        if not key:
            return None
        rows = self._query("SELECT claim_id, submitted_at, note FROM submissions WHERE upper(trim(claim_id)) = ? "
                           "ORDER BY submitted_at LIMIT 1", (key,))
        return Submission(*rows[0]) if rows else None

    def list(self) -> list[Submission]:
        rows = self._query("SELECT claim_id, submitted_at, note FROM submissions ORDER BY submitted_at, claim_id")
        return [Submission(*row) for row in rows]

    def history(self) -> list[AuditRow]:
        """Every mark, withdrawal and merge, oldest first (ledgers written before the audit table have none)."""
        rows = self._query("SELECT claim_id, action, at, detail FROM audit ORDER BY id")
        return [AuditRow(*row) for row in rows]


def is_submitted(path: Path | None, claim_id: str) -> bool:
    """True when the ledger at `path` records the claim (in any spelling). A ledger that does not exist yet records
    nothing and is not created. Raises LedgerError when the ledger exists but cannot be read."""
    if path is None:
        return False
    return Ledger(path).get(claim_id) is not None


def ledger_state(path: Path | None, claim_id: str) -> str:
    """'submitted', 'not-submitted' or 'unreadable': the ledger's answer as a fingerprint part; never raises for a
    ledger that cannot be read."""
    try:
        return "submitted" if is_submitted(path, claim_id) else "not-submitted"
    except (LedgerError, UsageError):
        return "unreadable"
