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
    """GIVEN a PATH without tesseract WHEN scan runs on an image with text THEN exit 3 and the message says how to
    install it. (A blank image needs no OCR: it reads as nothing without Tesseract.)"""
    from PIL import Image, ImageDraw
    img = tmp_path / "a.png"
    image = Image.new("RGB", (400, 100), "white")
    ImageDraw.Draw(image).text((20, 40), "Tracking 640134072904", fill="black")
    image.save(img)
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


def test_options_are_checked_when_parsed(tmp_path, monkeypatch):
    """GIVEN --zone Beijing, an unknown --lang, --now without offset or a missing profile, in check, build and
    batch WHEN invoked THEN exit 2 before any packet is read (the pipeline is never entered), the zone with the hint
    Asia/Shanghai."""
    from pipeline import api
    from pipeline.batch import batch

    def never(*args, **kwargs):
        raise AssertionError("the pipeline ran before the options were checked")

    monkeypatch.setattr(api, "check_packet", never)
    monkeypatch.setattr(api, "build_packet", never)
    monkeypatch.setattr(batch, "run_batch", never)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "claim.toml").write_text(CLAIM)
    out = str(tmp_path / "out")
    for command in (["check", str(tmp_path / "p")], ["build", str(tmp_path / "p"), "-o", out],
                    ["batch", str(tmp_path), "-o", out]):
        result = invoke(*command, "--zone", "Beijing")
        assert result.exit_code == 2 and "Asia/Shanghai" in result.output, command
        for bad in (["--lang", "xx"], ["--now", "2026-03-15T12:00:00"], ["--profile", "no-such-profile"]):
            assert invoke(*command, *bad).exit_code == 2, (command, bad)


def test_language_aliases():
    """GIVEN locale spellings of the three languages WHEN given to --lang THEN each is taken for its language."""
    from pipeline.cli import LanguageChoice
    choice = LanguageChoice()
    assert [choice.convert(v, None, None) for v in ("zh_CN", "zh", "zh-Hans", "ko_KR", "en_US", "ko")] == \
        ["zh_Hans", "zh_Hans", "zh_Hans", "ko", "en", "ko"]


def test_output_inside_a_packet_or_a_packet_inside_it_is_refused(tmp_path):
    """GIVEN -o PACKET, -o PACKET/out, -o a folder holding the packet, -o /dev/null WHEN build runs THEN exit 2
    naming the path, and nothing is written into the packet."""
    packet = tmp_path / "p"
    packet.mkdir()
    (packet / "claim.toml").write_text(CLAIM)
    for out, words in ((packet, "inside the packet folder"), (packet / "out", "inside the packet folder"),
                       (tmp_path, "inside the output folder"), ("/dev/null", "not a folder")):
        result = invoke("build", str(packet), "-o", str(out), "--now", "2026-03-15T12:00:00+09:00")
        assert result.exit_code == 2 and words in result.output, out
    assert sorted(p.name for p in packet.iterdir()) == ["claim.toml"]


def test_scan_refuses_special_files():
    """GIVEN scan /dev/zero WHEN invoked THEN exit 2 at once (reading it would never end)."""
    result = invoke("scan", "/dev/zero")
    assert result.exit_code == 2 and "character device" in result.output
