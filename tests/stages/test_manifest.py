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


def test_deep_or_huge_manifest_is_refused_before_parsing(tmp_path, ctx):
    """GIVEN claim.toml with 5,000 nested arrays, or of 3 MB WHEN parsed THEN manifest-invalid saying why
    (never a RecursionError)."""
    state = run(tmp_path, ctx, GOOD + "extra = " + "[" * 5000 + "]" * 5000 + "\n")
    assert rules(state) == ["manifest-invalid"] and "5,000 levels deep" in state.findings[0].message
    state = run(tmp_path, ctx, GOOD.replace("never arrived.", "x" * 3_000_000))
    assert rules(state) == ["manifest-invalid"] and "larger than" in state.findings[0].message


def test_datafile_depth_examples():
    """GIVEN the depth examples of ingest.toml's [manifest] WHEN measured THEN each gives its depth, and the
    text is valid TOML."""
    import tomllib
    from pipeline.datafiles import nesting_depth
    from pipeline.ingest.sniff import ingest_rules
    for example in ingest_rules()["manifest"]["examples"]:
        tomllib.loads(example["toml"])
        assert nesting_depth(example["toml"]) == example["depth"], example


def test_payout_out_of_range_or_in_the_future(tmp_path, ctx):
    """GIVEN paid_out_at in year 1, year 9999, or after --now WHEN parsed THEN manifest-invalid naming it."""
    for value, words in (("0001-01-01T00:00:00+09:00", "year 1;"), ("9999-12-31T23:59:59+09:00", "year 9999"),
                         ("2099-12-31T00:00:00+09:00", "after now")):
        state = run(tmp_path, ctx, GOOD.replace("2026-03-12T10:30:00+09:00", value))
        assert rules(state) == ["manifest-invalid"] and words in state.findings[0].message, value


def test_claim_id_trimmed_blank_and_control_characters(tmp_path, ctx):
    """GIVEN a claim id with spaces around it, a blank one, one with an escape sequence, one of 5,000 characters,
    a sentence WHEN parsed THEN trimmed; the others are manifest-invalid (the profile's [claim_ids] pattern)."""
    assert run(tmp_path, ctx, GOOD.replace('"CLM-2026-0001234"', '" CLM-2026-0001234 "')).claim.claim_id == \
        "CLM-2026-0001234"
    for value in ('"   "', '"CLM\\u001b[31m"', '"' + "A" * 5000 + '"', '"not a claim id"'):
        state = run(tmp_path, ctx, GOOD.replace('"CLM-2026-0001234"', value))
        assert set(rules(state)) == {"manifest-invalid"} and "claim_id" in state.findings[0].message, value[:20]


def test_special_manifest_is_never_opened(tmp_path, ctx):
    """GIVEN claim.toml that is a FIFO WHEN parsed THEN manifest-invalid at once (opening it would block)."""
    import os
    (tmp_path / "p").mkdir()
    os.mkfifo(tmp_path / "p" / "claim.toml")
    state = run(tmp_path, ctx, None)
    assert rules(state) == ["manifest-invalid"] and "FIFO" in state.findings[0].message
