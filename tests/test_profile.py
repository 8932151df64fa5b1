"""The rules profiles are data: every rule of each shipped profile carries examples, and each example runs here."""
from __future__ import annotations

import pytest

from pipeline.profile import Profile, available
from tests.packet_factory import judge, merged

PROFILES = {name: Profile.load(name) for name in available()}
EXAMPLES = [(name, i, ex) for name, p in PROFILES.items() for i, ex in enumerate(p.data.get("examples", ()))]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_rule_has_an_example(name):
    """GIVEN a shipped profile WHEN its [rules] are listed THEN each rule has an example that shows it firing or not."""
    profile = PROFILES[name]
    covered = {ex["rule"] for ex in profile.data.get("examples", ())}
    assert set(profile.data["rules"]) <= covered, f"rules without an example: {set(profile.data['rules']) - covered}"


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_clean_base_packet_has_no_finding(name, tmp_path):
    """GIVEN a profile's clean example packet WHEN judged THEN there is no finding at all (no false alarm)."""
    profile = PROFILES[name]
    state = judge(merged(profile.data["example_base"], {}), profile, tmp_path)
    assert state.findings == (), [f"{f.rule}: {f.message}" for f in state.findings]
    assert state.verdict(strict=True) == "pass"


@pytest.mark.parametrize("name,index,example", EXAMPLES,
                         ids=[f"{n}:{ex['rule']}:{ex['says'][:40]}" for n, _, ex in EXAMPLES])
def test_profile_example(name, index, example, tmp_path):
    """GIVEN one example of a profile WHEN its packet is judged THEN the rule fires (with its severity) or not."""
    profile = PROFILES[name]
    state = judge(merged(profile.data["example_base"], example), profile, tmp_path)
    fired = [f for f in state.findings if f.rule == example["rule"]]
    described = [f"{f.rule} ({f.severity}): {f.message}" for f in state.findings]
    assert bool(fired) == example["fires"], described
    if fired:
        expected = example.get("severity") or profile.severity(example["rule"])
        assert {f.severity for f in fired} == {expected}, described
        assert all(f.message for f in fired)
    for rule in example.get("absent", ()):
        assert rule not in {f.rule for f in state.findings}, described


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_limits_name_their_source(name):
    """GIVEN a shipped profile THEN every limit has a value and says where it comes from."""
    for key, limit in PROFILES[name].data["limits"].items():
        assert "value" in limit and limit.get("source"), key


def test_coupang_limits_are_the_articles():
    """GIVEN the default profile THEN it holds the article's limits (5 files, 10,000,000 bytes, 200 chars, 7 days
    KST)."""
    p = Profile.load()
    assert (p.limit("max_files"), p.limit("max_file_bytes"), p.limit("statement_max_chars")) == (5, 10_000_000, 200)
    assert p.limit("file_types") == ["pdf", "jpeg", "png"]
    window = (p.limit("window_days"), p.limit("window_closes_at"), p.limit("window_zone"))
    assert window == (7, "23:59:59", "Asia/Seoul")


def test_stripe_profile_is_selectable_by_name():
    """GIVEN --profile stripe THEN Stripe's documented limits load: 5 MB a file, 4.5 MB in all, under 50 pages, no
    window."""
    p = Profile.load("stripe")
    assert p.limit("max_file_bytes") == 5_000_000 and p.limit("max_total_bytes") == 4_500_000
    assert p.limit("max_pages_per_file") == 49 and p.limit("window_days") == 0
    assert p.limit("file_types") == ["pdf", "jpeg", "png"]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_fix_order_names_every_rule(name):
    """GIVEN a profile THEN its [fix_order] lists each of its rules exactly once (findings are sorted by it)."""
    profile = PROFILES[name]
    order = profile.data["fix_order"]["rules"]
    assert sorted(order) == sorted(profile.data["rules"])
