"""claim.toml is read strictly: typos and missing keys must not pass silently."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pipeline.model import KST, PacketState
from stages import manifest

GOOD = '''claim_id = "CLM-2026-0001234"
order_id = "31000012345678"
reason = "delivery-proof"
paid_out_at = 2026-03-12T10:30:00+09:00
tracking_number = "6892-1234-5674"
carrier = "cj"
buyer_claim = "Buyer says the parcel never arrived."
'''


def run(tmp_path, ctx, text, files=("track.png",)):
    (tmp_path / "p").mkdir(exist_ok=True)
    if text is not None:
        (tmp_path / "p" / "claim.toml").write_text(text, encoding="utf-8")
    for name in files:
        f = tmp_path / "p" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"x")
    return manifest.run(PacketState(root=tmp_path / "p"), ctx)


def rules(state):
    return [f.rule for f in state.findings]


def test_good_manifest_gives_claim_and_inputs(tmp_path, ctx):
    """GIVEN a valid claim.toml and evidence in subfolders and system litter
    WHEN the manifest stage runs THEN the claim is parsed, tracking normalised, litter skipped, inputs sorted."""
    state = run(tmp_path, ctx, GOOD, files=("b/track.png", "a.pdf", ".DS_Store", "__MACOSX/x.png", "Thumbs.db"))
    assert state.findings == ()
    assert state.claim.tracking_number == "689212345674"
    assert state.claim.paid_out_at == datetime(2026, 3, 12, 10, 30, tzinfo=KST)
    assert state.inputs == ("a.pdf", "b/track.png")


def test_missing_offset_is_read_as_kst(tmp_path, ctx):
    """GIVEN paid_out_at without an offset WHEN parsed THEN it is KST."""
    state = run(tmp_path, ctx, GOOD.replace("2026-03-12T10:30:00+09:00", "2026-03-12T10:30:00"))
    assert state.claim.paid_out_at.utcoffset() == timedelta(hours=9)


def test_beijing_offset_is_kept_as_an_instant(tmp_path, ctx):
    """GIVEN paid_out_at in +08:00 WHEN parsed THEN the instant is kept (09:30 Beijing == 10:30 KST)."""
    state = run(tmp_path, ctx, GOOD.replace("2026-03-12T10:30:00+09:00", "2026-03-12T09:30:00+08:00"))
    assert state.claim.paid_out_at == datetime(2026, 3, 12, 1, 30, tzinfo=timezone.utc)


def test_unknown_key_is_named(tmp_path, ctx):
    """GIVEN a typo'd key WHEN parsed THEN manifest-invalid names the key."""
    state = run(tmp_path, ctx, GOOD + 'tracking_nubmer = "1"\n')
    assert rules(state) == ["manifest-invalid"]
    assert "tracking_nubmer" in state.findings[0].message
    assert state.claim is None


def test_missing_manifest_and_bad_values(tmp_path, ctx):
    """GIVEN no claim.toml, or a bad reason, a quoted date, a missing key THEN each is one manifest-invalid finding."""
    assert rules(run(tmp_path, ctx, None)) == ["manifest-invalid"]
    bad = GOOD.replace('"delivery-proof"', '"refund"').replace("2026-03-12T10:30:00+09:00", '"2026-03-12"')
    bad = bad.replace('order_id = "31000012345678"\n', "")
    state = run(tmp_path, ctx, bad)
    messages = " ".join(f.message for f in state.findings)
    assert "order_id" in messages and "refund" in messages and "paid_out_at" in messages


def test_unparsable_toml(tmp_path, ctx):
    """GIVEN broken TOML WHEN parsed THEN one finding, no exception."""
    state = run(tmp_path, ctx, "claim_id = CLM\n")
    assert rules(state) == ["manifest-invalid"] and "not valid TOML" in state.findings[0].message
