"""What `build` prints when it ends: the bundle folder, the upload files with sizes, the statement to paste, the
deadline in KST and the seller's zone, and the next command."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.context import Context
from pipeline.model import KST, Claim, Finding, PacketState, UploadFile
from pipeline.output.reports.build import build_summary, human_size
from pipeline.profile import Profile
from tests.conftest import SAMPLES

NOW = "2026-03-15T12:00:00+09:00"


def test_sizes_in_the_forms_decimal_units():
    """GIVEN byte counts WHEN shown THEN decimal KB/MB as the form's 10 MB is counted."""
    assert [human_size(n) for n in (300, 812_400, 2_400_000, 10_000_000)] == ["1 KB", "812 KB", "2.4 MB", "10.0 MB"]


def test_a_failing_packet_says_not_ready_and_how_to_build_again(tmp_path):
    """GIVEN a packet that fails WHEN the summary is written THEN it says NOT READY naming NOT-READY.txt, lists what
    upload/ holds, and the next command rebuilds (paths with spaces quoted), never mark-submitted."""
    claim = Claim("CLM-1", "31000012345678", "delivery-proof", datetime(2026, 3, 12, 10, 30, tzinfo=KST), "x")
    state = PacketState(root=tmp_path, claim=claim, deadline=datetime(2026, 3, 19, 23, 59, 59, tzinfo=KST),
                        findings=(Finding("missing-url", "error", "m", "f", "a.png"),),
                        uploads=(UploadFile("01-cover.pdf", tmp_path / "c.pdf", "pdf", 65_000, 1),))
    ctx = Context(profile=Profile.load(), workdir=tmp_path, now=datetime(2026, 3, 15, 12, 0, tzinfo=KST))
    text = build_summary(state, ctx, "my packet", "out")
    assert "NOT READY: see NOT-READY.txt" in text and "01-cover.pdf" in text and "65 KB" in text
    assert "evpack build 'my packet' -o out" in text and "mark-submitted" not in text
    assert "2026-03-19 23:59:59 KST (Asia/Seoul) = 2026-03-19 22:59:59 CST (Asia/Shanghai)" in text


@pytest.mark.e2e
def test_build_ends_with_where_the_bundle_is_and_what_to_do(tmp_path):
    """GIVEN a passing sample packet WHEN built THEN stderr ends with the bundle folder, every upload file with its
    size, the statement exactly as statement.txt holds it, the deadline in KST and Asia/Shanghai, and the
    mark-submitted command; stdout stays empty."""
    packet = SAMPLES / "packets" / "yiwu-dawnlight" / "CLM-2026-0001388"
    result = CliRunner().invoke(cli, ["build", str(packet), "-o", str(tmp_path / "out"), "--now", NOW,
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    bundle = tmp_path / "out" / "CLM-2026-0001388"
    summary = result.stderr.split("\nBundle: ", 1)[1]
    assert summary.startswith(f"{bundle}  (ready to upload)")
    for upload in sorted((bundle / "upload").iterdir()):
        assert f"  {upload.name}" in summary and human_size(upload.stat().st_size) in summary
    statement = (bundle / "statement.txt").read_text(encoding="utf-8").strip()
    assert all(f"  {line}" in summary for line in statement.splitlines())
    assert "KST (Asia/Seoul) =" in summary and "(Asia/Shanghai)" in summary
    assert summary.rstrip().endswith("evpack ledger mark-submitted CLM-2026-0001388")
