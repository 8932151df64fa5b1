"""The CLI's exit codes are a stable interface: each one is exercised here."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import ROOT

CLAIM = '''claim_id = "CLM-1"
order_id = "31000012345678"
reason = "delivery-proof"
paid_out_at = 2026-03-12T10:30:00+09:00
buyer_claim = "Buyer says the parcel never arrived."
'''


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_usage_error_exits_2(tmp_path):
    """GIVEN --now without an offset WHEN check runs THEN exit 2 and the fix names the offset."""
    (tmp_path / "claim.toml").write_text(CLAIM)
    result = invoke("check", str(tmp_path), "--now", "2026-03-15T12:00:00")
    assert result.exit_code == 2
    assert "+09:00" in result.output


def test_unknown_option_exits_2():
    """GIVEN an unknown option WHEN invoked THEN click's usage error, exit 2."""
    assert invoke("check", "--bogus").exit_code == 2


def test_bad_profile_exits_2(tmp_path):
    """GIVEN a --profile that does not exist THEN exit 2 naming the shipped profiles."""
    (tmp_path / "claim.toml").write_text(CLAIM)
    result = invoke("check", str(tmp_path), "--profile", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "coupang-a2z" in result.output


def test_internal_error_exits_4_with_log(tmp_path, monkeypatch):
    """GIVEN a stage with a bug WHEN check runs THEN exit 4 and the message names an existing log file."""
    from pipeline import runner

    def broken(state, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "STAGES", (("manifest", broken),) + runner.STAGES[1:])
    (tmp_path / "claim.toml").write_text(CLAIM)
    result = invoke("check", str(tmp_path), "--now", "2026-03-15T12:00:00+09:00")
    assert result.exit_code == 4
    log = result.output.split("details are in ")[1].split(". Please")[0]
    assert "boom" in open(log, encoding="utf-8").read()


def test_missing_tesseract_exits_3(tmp_path):
    """GIVEN a PATH without tesseract WHEN scan runs on an image THEN exit 3 and the message says how to install it."""
    from PIL import Image
    img = tmp_path / "a.png"
    Image.new("RGB", (400, 100), "white").save(img)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(sys.executable, bindir / "python")
    env = {**os.environ, "PATH": str(bindir)}
    result = subprocess.run([sys.executable, "-m", "pipeline", "scan", str(img), "--no-cache"], env=env,
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 3, result.stderr
    assert "apt-get install" in result.stderr and "tesseract" in result.stderr


def test_ledger_round_trip(tmp_path):
    """GIVEN an empty ledger WHEN a claim is marked twice THEN the first succeeds, the second exits 1, list shows it."""
    db = str(tmp_path / "l.sqlite3")
    now = ("--now", "2026-03-15T12:00:00+09:00")
    assert invoke("ledger", "mark-submitted", "CLM-9", "--ledger", db, *now).exit_code == 0
    again = invoke("ledger", "mark-submitted", "CLM-9", "--ledger", db)
    assert again.exit_code == 1 and "already" in again.output
    listed = json.loads(invoke("ledger", "list", "--json", "--ledger", db).stdout)
    assert [r["claim_id"] for r in listed] == ["CLM-9"]
    assert listed[0]["submitted_at"] == "2026-03-15T12:00:00+09:00"
