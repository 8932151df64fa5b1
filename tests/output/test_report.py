"""`check` output: text a person reads in ten seconds, evpack.check/1 JSON, well-formed JUnit XML."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime

from pipeline.model import KST, Finding
from pipeline.profile import Profile
from pipeline.output.reports.check import check_json, check_junit, check_text, format_instant
from tests.packet_factory import context, judge, merged

PROFILE = Profile.load()
BASE = PROFILE.data["example_base"]
LATE = {"now": datetime(2026, 3, 19, 23, 59, 0, tzinfo=KST)}
CROPPED = {"files": [{**BASE["files"][0], "urls": [], "header": ""}]}


def states_and_ctx(tmp_path, *changes):
    specs = [merged(BASE, c) for c in changes]
    states = [replace(judge(s, PROFILE, tmp_path / str(i)), root=tmp_path / f"packet{i}") for i, s in enumerate(specs)]
    return states, context(specs[0], PROFILE, tmp_path)


def test_text_shows_verdict_deadline_in_both_zones_and_fixes(tmp_path):
    """GIVEN a passing packet near its deadline and a failing one WHEN rendered as text THEN each verdict, the
    deadline in KST and Beijing time with the time left, and each finding with its file and fix are shown."""
    (ok, bad), ctx = states_and_ctx(tmp_path, LATE, {**LATE, **CROPPED})
    text = check_text([ok, bad], ctx, strict=False)
    assert text.startswith("PASS  CLM-EX-1")
    assert "2026-03-19 23:59:59 KST (Asia/Seoul) = 2026-03-19 22:59:59 CST (Asia/Shanghai)  (59 s left)" in text
    assert "FAIL  CLM-EX-1" in text and "[missing-url]  tracking.png" in text and "Fix: capture the page" in text
    assert text.rstrip().endswith("2 packets: 1 pass, 1 fail")


def test_strict_turns_warnings_into_failures(tmp_path):
    """GIVEN a packet with only deadline-soon WHEN rendered with --strict THEN it fails."""
    (state,), ctx = states_and_ctx(tmp_path, LATE)
    assert check_text([state], ctx, strict=True).startswith("FAIL")
    assert check_json([state], ctx, strict=True)["packets"][0]["verdict"] == "fail"


def test_json_follows_the_schema(tmp_path):
    """GIVEN a failing packet WHEN rendered as JSON THEN it has evpack.check/1's fields, findings in fix order."""
    (state,), ctx = states_and_ctx(tmp_path, {**LATE, **CROPPED})
    doc = json.loads(json.dumps(check_json([state], ctx), ensure_ascii=False))
    assert doc["schema"] == "evpack.check/1"
    (packet,) = doc["packets"]
    assert {"path", "claim_id", "verdict", "deadline", "findings"} <= set(packet)
    assert (packet["claim_id"], packet["verdict"], packet["deadline"]) == ("CLM-EX-1", "fail",
                                                                           "2026-03-19T23:59:59+09:00")
    assert [f["rule"] for f in packet["findings"]] == ["deadline-soon", "missing-url"]
    assert set(packet["findings"][1]) >= {"rule", "severity", "file", "message", "fix"}
    assert packet["time_left_seconds"] == 59 and packet["kinds"]["tracking.png"]["kind"] == "carrier-tracking"


def test_json_of_a_packet_without_claim(tmp_path):
    """GIVEN a packet whose claim.toml is invalid WHEN rendered THEN claim_id and deadline are null."""
    (state,), ctx = states_and_ctx(tmp_path, {"no_claim": True,
                                              "prior_findings": [{"rule": "manifest-invalid", "file": "claim.toml"}]})
    packet = check_json([state], ctx)["packets"][0]
    assert (packet["claim_id"], packet["deadline"], packet["verdict"]) == (None, None, "fail")


def test_junit_is_well_formed_and_escaped(tmp_path):
    """GIVEN findings with XML metacharacters and a control character WHEN rendered as JUnit THEN it parses, one
    testcase per packet, and the failing one carries its findings."""
    (ok, bad), ctx = states_and_ctx(tmp_path, {}, CROPPED)
    nasty = Finding("missing-url", "error", 'a <b> & "c" \x07 ]]>', "fix <it>", "x&y.png")
    bad = replace(bad, findings=bad.findings + (nasty,))
    root = ET.fromstring(check_junit([ok, bad], ctx, strict=False).split("\n", 1)[1])
    assert root.tag == "testsuite" and root.get("tests") == "2" and root.get("failures") == "1"
    cases = root.findall("testcase")
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert "missing-url" in failure.get("message") and 'a <b> & "c"' in failure.text and "x&y.png" in failure.text


def test_format_instant_names_the_zone():
    """GIVEN an instant WHEN shown in KST and Beijing time THEN both wall clocks carry their zone."""
    moment = datetime(2026, 3, 19, 23, 59, 59, tzinfo=KST)
    assert format_instant(moment, "Asia/Seoul") == "2026-03-19 23:59:59 KST (Asia/Seoul)"
    assert format_instant(moment, "Asia/Shanghai") == "2026-03-19 22:59:59 CST (Asia/Shanghai)"
