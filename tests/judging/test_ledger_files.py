"""The ledger as the seller's data: where it lives, ids that are one claim, withdrawing a record, and ledger files
that are damaged or read-only (never an internal error; `check` still judges the packet)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.judging import ledger as ledger_module
from pipeline.judging.ledger import (AlreadySubmittedError, ClaimIdError, Ledger, LedgerError, NotRecordedError,
                                     checked_claim_id, claim_key, is_submitted, ledger_state)
from pipeline.model import KST
from pipeline.profile import PROFILES_DIR, Profile
from tests.conftest import ROOT
from tests.packet_factory import judge, merged

WHEN = datetime(2026, 3, 15, 12, 0, tzinfo=KST)
NOW = "2026-03-15T12:00:00+09:00"
PROFILES = {p.stem: Profile.load(p) for p in sorted(PROFILES_DIR.glob("*.toml"))}
ROOT_USER = os.geteuid() == 0  # root reads and writes past file modes


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def corrupt(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)  # random-looking bytes: not an SQLite header
    return path


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_claim_id_examples(name):
    """GIVEN a shipped profile's [claim_ids] WHEN its examples and rejects are checked THEN the examples are accepted
    (as their normalised key) and every reject is refused as a usage error."""
    rules = PROFILES[name].data["claim_ids"]
    for example in rules["examples"]:
        assert checked_claim_id(example, rules) == claim_key(example)
    for reject in rules["rejects"]:
        with pytest.raises(ClaimIdError):
            checked_claim_id(reject, rules)


def test_one_claim_in_any_spelling(tmp_path):
    """GIVEN ' CLM-A ' marked WHEN 'clm-a' and 'CLM-A' are marked or looked up THEN they are the same claim: the second
    mark is refused, both spellings are found, one record is listed; a blank id is refused."""
    book = Ledger(tmp_path / "l.sqlite3")
    assert book.mark_submitted(" CLM-A ", WHEN).claim_id == "CLM-A"
    with pytest.raises(AlreadySubmittedError):
        book.mark_submitted("clm-a", WHEN)
    with pytest.raises(ClaimIdError):
        book.mark_submitted("  ", WHEN)
    assert is_submitted(book.path, "clm-a") and is_submitted(book.path, "CLM-A ")
    assert [r.claim_id for r in book.list()] == ["CLM-A"]


def test_an_older_ledger_with_three_spellings_is_merged_not_lost(tmp_path):
    """GIVEN a ledger written before ids were normalised, holding 'clm-a', ' CLM-A ' and 'CLM-B'
    WHEN it is read, then written
    THEN reading finds each claim and changes nothing; writing folds the spellings into the earliest record and keeps
    the others as 'merged' history rows."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE submissions (claim_id TEXT PRIMARY KEY, submitted_at TEXT NOT NULL, "
                 "note TEXT NOT NULL DEFAULT '')")
    conn.executemany("INSERT INTO submissions VALUES (?, ?, ?)", [
        ("clm-a", "2026-03-10T09:00:00+09:00", "first"), (" CLM-A ", "2026-03-11T09:00:00+09:00", "second"),
        ("CLM-B", "2026-03-12T09:00:00+09:00", "")])
    conn.commit()
    conn.close()
    before = path.read_bytes()
    assert is_submitted(path, "CLM-A") and is_submitted(path, "clm-b")
    assert path.read_bytes() == before
    Ledger(path).mark_submitted("CLM-C", WHEN)
    records = {r.claim_id: r for r in Ledger(path).list()}
    assert sorted(records) == ["CLM-A", "CLM-B", "CLM-C"]
    assert records["CLM-A"].note == "first"
    merges = [row for row in Ledger(path).history() if row.action == "merged"]
    assert len(merges) == 1 and "' CLM-A '" in merges[0].detail


def test_unmark_withdraws_and_keeps_an_audit_row(tmp_path):
    """GIVEN a claim marked by mistake WHEN it is unmarked with a reason THEN it is no longer recorded, the history
    shows the mark and the withdrawal with its reason, it can be marked again, and unmarking an unrecorded claim is
    NotRecordedError (exit 1)."""
    book = Ledger(tmp_path / "l.sqlite3")
    book.mark_submitted("CLM-7", WHEN, "oops")
    withdrawn = book.unmark("clm-7", WHEN.replace(hour=13), "marked the wrong claim")
    assert withdrawn.claim_id == "CLM-7" and not is_submitted(book.path, "CLM-7")
    history = book.history()
    assert [(r.action, r.claim_id) for r in history] == [("marked", "CLM-7"), ("unmarked", "CLM-7")]
    assert "marked the wrong claim" in history[1].detail and "oops" in history[1].detail
    book.mark_submitted("CLM-7", WHEN.replace(hour=14))
    with pytest.raises(NotRecordedError):
        book.unmark("CLM-8", WHEN, "never marked")
    assert NotRecordedError.exit_code == 1


def test_cli_unmark_list_and_refusals(tmp_path):
    """GIVEN the ledger commands WHEN an empty ledger is listed, a sentence is marked, a claim is marked, unmarked
    and unmarked again THEN: 'no claims recorded'; exit 2 naming the id; 0; 0; exit 1; the history lists both rows."""
    db = str(tmp_path / "l.sqlite3")
    empty = invoke("ledger", "list", "--ledger", db)
    assert empty.exit_code == 0 and "no claims recorded" in empty.stderr and empty.stdout == ""
    bad = invoke("ledger", "mark-submitted", "not a claim id at all", "--ledger", db)
    assert bad.exit_code == 2 and "does not look like a claim id" in bad.stderr
    assert invoke("ledger", "mark-submitted", "clm-9", "--ledger", db, "--now", NOW).exit_code == 0
    assert invoke("ledger", "unmark", "CLM-9", "--reason", "wrong claim", "--ledger", db, "--now", NOW).exit_code == 0
    again = invoke("ledger", "unmark", "CLM-9", "--reason", "wrong claim", "--ledger", db)
    assert again.exit_code == 1 and "not recorded" in again.stderr
    history = json.loads(invoke("ledger", "list", "--history", "--json", "--ledger", db).stdout)
    assert [row["action"] for row in history] == ["marked", "unmarked"]


def test_a_corrupt_ledger_is_exit_1_for_the_ledger_commands(tmp_path):
    """GIVEN a ledger file of random bytes WHEN listed, marked or unmarked THEN exit 1 with 'damaged' and the fix,
    never exit 4, and the file is untouched."""
    db = corrupt(tmp_path / "l.sqlite3")
    before = db.read_bytes()
    for args in (("list",), ("mark-submitted", "CLM-1"), ("unmark", "CLM-1", "--reason", "x")):
        result = invoke("ledger", *args, "--ledger", str(db))
        assert result.exit_code == 1, (args, result.stderr)
        assert "damaged" in result.stderr and "Fix:" in result.stderr
    assert db.read_bytes() == before


def test_a_folder_as_ledger_is_a_usage_error(tmp_path):
    """GIVEN --ledger naming a path under a regular file WHEN marking THEN exit 2 naming the path."""
    (tmp_path / "file").write_text("x")
    result = invoke("ledger", "mark-submitted", "CLM-1", "--ledger", str(tmp_path / "file" / "l.sqlite3"))
    assert result.exit_code == 2 and "is a file" in result.stderr


def base_packet() -> dict:
    profile = PROFILES["coupang-a2z"]
    return profile, merged(profile.data["example_base"], {"ledger": False})


def test_check_reports_a_corrupt_ledger_as_a_warning_and_judges_the_rest(tmp_path):
    """GIVEN a clean packet and a corrupt ledger WHEN judged THEN one already-submitted warning says the ledger is
    damaged (with the fix), nothing else fires, and the file is untouched; ledger_state says 'unreadable'."""
    profile, spec = base_packet()
    db = corrupt(tmp_path / "ledger.sqlite3")
    before = db.read_bytes()
    state = judge(spec, profile, tmp_path)
    assert [(f.rule, f.severity) for f in state.findings] == [("already-submitted", "warning")]
    assert "damaged" in state.findings[0].message and state.findings[0].fix
    assert state.verdict(strict=False) == "pass"
    assert db.read_bytes() == before
    assert ledger_state(db, "CLM-EX-1") == "unreadable"


READ_ONLY_PROBE = """
import os, sys
from datetime import datetime, timezone
from pathlib import Path
from pipeline.judging.ledger import Ledger, LedgerError, is_submitted
path = Path(sys.argv[1])
print("found", is_submitted(path, "clm-1"))
try:
    Ledger(path).mark_submitted("CLM-2", datetime.now(timezone.utc))
except LedgerError as exc:
    print("refused", exc.exit_code, exc)
"""


def run_unprivileged(script: str, *args: str) -> str:
    """Runs `script` as a user without write permission on root's files: this user when not root, else 'nobody'
    through runuser with the system Python and a copy of the ledger module (root's own Python and the checkout may
    be out of nobody's reach)."""
    if not ROOT_USER:
        return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    python = shutil.which("python3", path="/usr/bin:/bin")
    if not (shutil.which("runuser") and python):
        pytest.fail("running as root without runuser or /usr/bin/python3: cannot test a read-only ledger")
    code = Path(tempfile.mkdtemp(prefix="evpack-ro-code-"))
    try:
        for name in ("pipeline/__init__.py", "pipeline/errors.py", "pipeline/judging/__init__.py",
                     "pipeline/judging/ledger.py"):
            (code / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, code / name)
        for folder in [code, *code.rglob("*")]:
            folder.chmod(0o755)
        return subprocess.run(["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={code}", python, "-c", script,
                               *args], capture_output=True, text=True, check=True).stdout
    finally:
        shutil.rmtree(code)


def test_a_read_only_ledger_is_read_and_refuses_writes(tmp_path):
    """GIVEN a ledger (WAL) recording CLM-1, in a folder the user may read but not write, the file read-only too
    WHEN that user looks the claim up and marks another
    THEN the lookup finds CLM-1 (check can still judge), marking is refused with exit 1 'read-only' and the fix,
    and nothing was added to the folder."""
    folder = Path(tempfile.mkdtemp(prefix="evpack-ro-"))
    try:
        db = folder / "ledger.sqlite3"
        Ledger(db).mark_submitted("CLM-1", WHEN)
        db.chmod(0o444)
        folder.chmod(0o555)
        out = run_unprivileged(READ_ONLY_PROBE, str(db))
        assert "found True" in out, out
        assert "refused 1" in out and "read-only" in out and "Fix:" in out, out
        assert [p.name for p in folder.iterdir()] == ["ledger.sqlite3"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_read_only_ledger_is_exit_1_when_marking(tmp_path, monkeypatch):
    """GIVEN a ledger SQLite refuses to write ('attempt to write a readonly database', as for another user's file)
    WHEN a claim is marked THEN exit 1 saying it is read-only, with the fix."""
    db = tmp_path / "l.sqlite3"
    Ledger(db).mark_submitted("CLM-1", WHEN)
    real_connect = sqlite3.connect

    def read_only_connect(target, *args, **kwargs):
        if str(target) == str(db):
            uri = db.resolve().as_uri() + "?mode=ro"
            return real_connect(uri, *args, **{**kwargs, "uri": True})
        return real_connect(target, *args, **kwargs)
    monkeypatch.setattr(ledger_module.sqlite3, "connect", read_only_connect)
    result = invoke("ledger", "mark-submitted", "CLM-2", "--ledger", str(db))
    assert result.exit_code == 1 and "read-only" in result.stderr and "Fix:" in result.stderr


def test_the_ledger_lives_in_the_data_folder_and_an_older_one_is_found(tmp_path, monkeypatch):
    """GIVEN no EVPACK_LEDGER, XDG_DATA_HOME and XDG_CACHE_HOME set, and a ledger an older evpack kept beside the
    cache folder WHEN a claim is looked up, then another marked
    THEN the default is XDG_DATA_HOME/evpack/ledger.sqlite3 (not in the cache); the old record is found before any
    write; the first write copies the old ledger there, so both records are listed; the old file is left as it was."""
    monkeypatch.delenv("EVPACK_LEDGER")
    monkeypatch.delenv("EVPACK_CACHE_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    old = tmp_path / "cache" / "evpack-ledger.sqlite3"
    old.parent.mkdir()
    conn = sqlite3.connect(old)
    conn.execute("CREATE TABLE submissions (claim_id TEXT PRIMARY KEY, submitted_at TEXT NOT NULL, "
                 "note TEXT NOT NULL DEFAULT '')")
    conn.execute("INSERT INTO submissions VALUES ('CLM-OLD', '2026-03-01T09:00:00+09:00', '')")
    conn.commit()
    conn.close()
    before = old.read_bytes()
    book = Ledger()
    assert book.path == tmp_path / "data" / "evpack" / "ledger.sqlite3"
    assert is_submitted(book.path, "clm-old") and not book.path.exists()
    book.mark_submitted("CLM-NEW", WHEN)
    assert [r.claim_id for r in Ledger().list()] == ["CLM-OLD", "CLM-NEW"]
    assert old.read_bytes() == before
    listed = invoke("ledger", "list")
    assert listed.exit_code == 0 and "CLM-OLD" in listed.stdout


def test_ledger_errors_are_never_internal():
    """GIVEN the ledger's error types THEN none maps to exit 4."""
    for error in (LedgerError, AlreadySubmittedError, NotRecordedError, ledger_module.LedgerBusyError):
        assert error.exit_code == 1
    assert ClaimIdError.exit_code == 2
