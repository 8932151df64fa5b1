"""The statement: bilingual, within the profile's character limit, built from facts and the seller's draft."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.context import Context
from pipeline.errors import ProfileError
from pipeline.model import (KST, Claim, Classification, Fields, PacketState, PagePlacement, PageReading, Reading,
                            Timestamp, TrackingNumber, UploadFile)
from pipeline.profile import Profile
from pipeline.judging.statement_text import (PLACEHOLDERS, TEMPLATES_DIR, ClaimFacts, Draft, Fact, build_statement,
                                     char_count, delivery_time, gather_facts, load_rules, load_template, shorten,
                                     template_for, usable_draft)
from stages import statement

PROFILE = Profile.load()
LIMIT = PROFILE.limit("statement_max_chars")
LANGUAGES = PROFILE.limit("statement_languages")
ZONE = PROFILE.limit("window_zone")
RULES = load_rules()
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")
DIGIT_RUNS = re.compile(r"\d+")

LONG_CARRIERS = {cid: {"ko": "글로벌 익스프레스 국제특송 물류서비스 주식회사",
                       "en": "Global Express International Courier Logistics Services Ltd."}
                 for cid in PROFILE.carriers}


def build(facts: ClaimFacts, reason: str = "delivery-proof", draft: Draft | None = None, rules=RULES,
          limit: int = LIMIT) -> str:
    return build_statement(facts, load_template(reason), rules, limit=limit, languages=LANGUAGES, zone=ZONE,
                           draft=draft, profile_carriers=PROFILE.carriers).text


def full_facts(**changes) -> ClaimFacts:
    facts = ClaimFacts(claim_id="CLM-2026-0001234", order_id="31000012345678",
                       tracking_number=Fact("689212345674"), carrier=Fact("cj"),
                       delivered=Fact("2026-03-10T14:22:00+09:00"),
                       attachment_kinds=("carrier-tracking", "proof-of-delivery"))
    return replace(facts, **changes)


def tracking_reading(source: str, lines: list[str], stamps: list[tuple[str, str]]) -> Reading:
    page = PageReading(index=1, text="\n".join(lines), source="text-layer")
    fields = Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok"),),
                    timestamps=tuple(Timestamp(text, value) for text, value in stamps))
    return Reading(source=source, sha256="0" * 64, pages=(page,), fields=fields, languages=("ko",),
                   engine="canned")


def canned_state(statement_draft: str | None = None) -> PacketState:
    claim = Claim(claim_id="CLM-2026-0001234", order_id="31000012345678", reason="delivery-proof",
                  paid_out_at=datetime(2026, 3, 12, 10, 30, tzinfo=KST), buyer_claim="Buyer says it never arrived.",
                  tracking_number="6892-1234-5674", carrier="cj", statement=statement_draft)
    reading = tracking_reading("evidence/track.png",
                               ["CJ대한통운 배송조회 689212345674", "2026.03.09 18:00 송파 배송출발",
                                "2026.03.10 14:22 송파 배송완료", "2026.03.11 09:00 반품접수"],
                               [("2026.03.09 18:00", "2026-03-09T18:00:00+09:00"),
                                ("2026.03.10 14:22", "2026-03-10T14:22:00+09:00"),
                                ("2026.03.11 09:00", "2026-03-11T09:00:00+09:00")])
    return PacketState(root=None, inputs=("evidence/track.png",), claim=claim,
                       readings={"evidence/track.png": reading},
                       kinds={"evidence/track.png": Classification("carrier-tracking", "canned")},
                       uploads=(UploadFile("02-delivery-proof.pdf", Path("/nonexistent.pdf"), "pdf", 1000, 1),),
                       placements=(PagePlacement("evidence/track.png", 1, "02-delivery-proof.pdf", 1),))


# ---- templates -----------------------------------------------------------------------------------

def test_every_reason_of_the_profile_has_a_template():
    """GIVEN the shipped rules profile WHEN each reason's template is looked up
    THEN every reason has its own file with at least one variant (none falls back to 'other')."""
    for reason in PROFILE.reasons:
        template, note = template_for(reason)
        assert template.path == TEMPLATES_DIR / f"{reason}.toml", note
        assert template.variants


@pytest.mark.parametrize("reason", sorted(PROFILE.reasons))
def test_template_variants_are_well_formed(reason):
    """GIVEN a reason's template WHEN its variants are inspected
    THEN each has Korean in ko and Latin (without Hangul) in en, known placeholders only, and the last one
    has no placeholder at all, so some statement can always be built."""
    template = load_template(reason)
    for variant in template.variants:
        assert set(variant.texts) >= set(LANGUAGES), variant.name
        assert HANGUL.search(variant.texts["ko"]), variant.name
        assert LATIN.search(variant.texts["en"]) and not HANGUL.search(variant.texts["en"]), variant.name
        assert all(variant.placeholders(lang) <= PLACEHOLDERS for lang in LANGUAGES)
    assert not any(template.variants[-1].placeholders(lang) for lang in LANGUAGES)


# Korean particles that take one form after a final consonant and another after a vowel.
PARTICLE_PAIRS = {"을": "를", "이": "가", "은": "는", "과": "와"}
PARTICLE_AFTER = re.compile(r"\{(\w+)\}(?:\([^)]*\))?(" + "|".join(sorted({*PARTICLE_PAIRS, *PARTICLE_PAIRS.values()})) +
                            r")(?![\uac00-\ud7a3])")


def has_final_consonant(word: str) -> bool | None:
    """Whether the last Hangul syllable of `word` has a final consonant (batchim); None when it ends otherwise."""
    last = word.rstrip()[-1:]
    return (ord(last) - 0xAC00) % 28 != 0 if HANGUL.fullmatch(last or " ") else None


def test_has_final_consonant_examples():
    assert has_final_consonant("배송조회 내역") and not has_final_consonant("구매자 메시지")
    assert has_final_consonant("UPS") is None


@pytest.mark.parametrize("reason", sorted(PROFILE.reasons))
def test_no_korean_particle_follows_a_placeholder_whose_values_disagree(reason):
    """GIVEN a reason's Korean variants WHEN a particle follows a placeholder (a parenthesis between them is
    skipped: the particle agrees with the word before it) THEN every value the placeholder can take (each kind's or
    carrier's Korean label) ends the way that particle needs: `구매자 메시지(시간 기록 포함)을` reads wrong."""
    values = {"attachments": [kind["ko"] for kind in RULES.kinds.values()],
              "carrier": [carrier["ko"] for carrier in RULES.carriers.values()]}
    for variant in load_template(reason).variants:
        for name, particle in PARTICLE_AFTER.findall(variant.texts["ko"]):
            needs = particle in PARTICLE_PAIRS  # the consonant form
            wrong = [v for v in values.get(name, ["0"]) if has_final_consonant(v) is not needs]
            assert not wrong, f"{variant.name}: {{{name}}}{particle} reads wrong after {wrong}"


@pytest.mark.parametrize("reason", sorted(PROFILE.reasons))
def test_every_template_fits_with_long_ids_and_carrier_names(reason):
    """GIVEN long claim and order ids, a 13-digit tracking number, very long carrier names, every attachment
    kind and a long draft WHEN each reason's statement is built THEN it is within the limit, NFC, has both
    Hangul and Latin, and no placeholder is left unfilled."""
    rules = replace(RULES, carriers=LONG_CARRIERS)
    facts = full_facts(claim_id="CLM-2026-00012345678901234567", order_id="310000123456789012345678",
                       tracking_number=Fact("6892123456741"), attachment_kinds=tuple(RULES.kinds))
    drafts = [None, Draft("The buyer signed for the parcel at the door. " * 6, "en")]
    for draft in drafts:
        text = build(facts, reason, draft, rules)
        assert char_count(text) <= LIMIT
        assert unicodedata.is_normalized("NFC", text)
        assert HANGUL.search(text) and LATIN.search(text)
        assert "{" not in text and "None" not in text


def test_key_facts_survive_long_values():
    """GIVEN delivery-proof facts with long ids and long carrier names WHEN the statement is built
    THEN the tracking number and the delivery time are in both the Korean and the English part."""
    rules = replace(RULES, carriers=LONG_CARRIERS)
    facts = full_facts(order_id="310000123456789012345678", tracking_number=Fact("6892123456741"))
    korean, english = build(facts, rules=rules).split(RULES.separator)
    assert "6892123456741" in korean and "6892123456741" in english
    assert "2026.3.10 14:22 KST" in korean
    assert "Mar 10, 2026 14:22 KST" in english


def test_richest_variant_is_used_when_it_fits():
    """GIVEN short facts WHEN the statement is built THEN the order id, carrier and attachments are stated too."""
    text = build(full_facts())
    assert "31000012345678" in text and "CJ대한통운" in text and "배송조회 내역" in text


def test_unknown_fact_selects_a_variant_without_it():
    """GIVEN no delivery time was read WHEN the statement is built THEN no delivery time is claimed (no date,
    no 'delivered ... KST') but the tracking number still is."""
    text = build(full_facts(delivered=None))
    assert "KST" not in text and "2026" not in text
    assert "689212345674" in text


def test_minimal_facts_give_the_bare_variant():
    """GIVEN no tracking number, carrier, time or attachments WHEN a delivery-proof statement is built
    THEN the placeholder-free variant is used in both languages."""
    facts = ClaimFacts(claim_id="C1", order_id="O1")
    assert build(facts) == "배송 증빙을 첨부합니다. 구매자 주장과 다릅니다.\nDelivery proof attached; it contradicts the buyer's claim."


def test_too_small_limit_is_a_profile_error():
    """GIVEN a profile limit smaller than the tersest template WHEN the statement is built
    THEN a ProfileError says to raise statement_max_chars."""
    with pytest.raises(ProfileError, match="statement_max_chars"):
        build(full_facts(), limit=20)


# ---- delivery time --------------------------------------------------------------------------------

@pytest.mark.parametrize("example", RULES.delivery_examples, ids=lambda e: e["line"])
def test_delivery_keyword_examples(example):
    """GIVEN an example line from templates/statement/_shared.toml WHEN it is judged
    THEN it says 'delivered' exactly when the example says so."""
    assert RULES.says_delivered(example["line"]) is example["delivered"]


@pytest.mark.parametrize("example", RULES.stamped_examples, ids=lambda e: e["page"].splitlines()[0] + " | " + e["stamp"])
def test_delivery_time_examples(example):
    """GIVEN an example page from templates/statement/_shared.toml and a timestamp read on it WHEN it is judged
    THEN it is the page's delivery time exactly when the example says so (the check and the statement share this)."""
    assert RULES.printed_as_delivered(example["page"], example["stamp"]) is example["delivered"]


def test_delivery_time_is_the_latest_timestamp_on_a_delivered_line():
    """GIVEN tracking history with departure, delivery and a later return request WHEN the delivery time is chosen
    THEN it is the delivered line's time, not the later return request's."""
    state = canned_state()
    fact = delivery_time(state.readings.items(), RULES)
    assert fact is not None and fact.value == "2026-03-10T14:22:00+09:00"
    assert [(s.source, s.page) for s in fact.shown] == [("evidence/track.png", 1)]


def test_delivery_time_under_a_label_line():
    """GIVEN a POD that prints the label '배송완료 일시' above the time WHEN the delivery time is chosen
    THEN that time is taken."""
    reading = tracking_reading("pod.jpg", ["배송완료 일시", "2026-03-10 14:25"], [("2026-03-10 14:25",
                                                                                 "2026-03-10T14:25:00+09:00")])
    assert delivery_time([("pod.jpg", reading)], RULES).value == "2026-03-10T14:25:00+09:00"


def test_no_delivered_line_means_no_delivery_time():
    """GIVEN only in-transit timestamps WHEN the delivery time is chosen THEN there is none (never guessed)."""
    reading = tracking_reading("t.png", ["2026.03.09 18:00 배송출발"], [("2026.03.09 18:00",
                                                                      "2026-03-09T18:00:00+09:00")])
    assert delivery_time([("t.png", reading)], RULES) is None


def test_unparsable_timestamp_value_is_no_delivery_time():
    """GIVEN a delivered line whose timestamp value could not be normalised WHEN the delivery time is chosen
    THEN there is none, and no exception."""
    reading = tracking_reading("t.png", ["03/10 배송완료"], [("03/10", "03/10")])
    assert delivery_time([("t.png", reading)], RULES) is None


def test_gather_facts_normalises_the_stated_tracking_number_and_finds_its_pages():
    """GIVEN claim.toml's tracking number with hyphens WHEN facts are gathered
    THEN it is normalised, shown on the tracking page, and the attachments come from the placements."""
    facts = gather_facts(canned_state(), RULES, PROFILE.evidence_kinds("carrier_kinds"))
    assert facts.tracking_number.value == "689212345674"
    assert [(s.source, s.page) for s in facts.tracking_number.shown] == [("evidence/track.png", 1)]
    assert facts.carrier.value == "cj"
    assert facts.attachment_kinds == ("carrier-tracking",)


# ---- the seller's draft --------------------------------------------------------------------------

@pytest.mark.parametrize("text, lang", [("The buyer signed for it at the door.", "en"),
                                        ("구매자가 문 앞에서 직접 수령하고 서명했습니다.", "ko")])
def test_draft_in_a_profile_language_is_used(text, lang):
    """GIVEN an English or Korean draft WHEN judged THEN it is used, in its language."""
    draft, _ = usable_draft(text, LANGUAGES)
    assert draft == Draft(text, lang)


def test_chinese_draft_is_ignored():
    """GIVEN a Chinese draft WHEN judged THEN it is not used, and the reason says why."""
    draft, why = usable_draft("买家已签收，请审核。Tracking 689212345674", LANGUAGES)
    assert draft is None and "Chinese" in why


def test_draft_joins_its_language_part():
    """GIVEN an English draft WHEN the statement is built THEN the draft follows the English facts."""
    draft, _ = usable_draft("Signed by the buyer at the door.", LANGUAGES)
    english = build(full_facts(), draft=draft).split(RULES.separator)[1]
    assert english.endswith("Signed by the buyer at the door.")


def test_shorten_prefers_a_whole_sentence():
    """GIVEN two sentences and room for the first and part of the second WHEN shortened
    THEN the first sentence is kept whole."""
    assert shorten("The buyer signed for it. He then asked for a refund anyway.", 40) == "The buyer signed for it."


@pytest.mark.parametrize("text, budget", [("Please check tracking 6892 1234 5674 now", 30),
                                          ("Tracking 689212345674 was delivered to the door", 26),
                                          ("See https://www.cjlogistics.com/ko/tool/parcel/tracking?no=1 now", 40)])
def test_shorten_never_cuts_a_sentence(text, budget):
    """GIVEN one sentence longer than the room (a spaced number, a number, a URL at the cut) WHEN shortened
    THEN nothing of it is kept: a sentence is kept whole or not at all."""
    assert shorten(text, budget) == ""


def test_shorten_drops_whole_sentences_in_korean_and_english():
    """GIVEN an English and a Korean draft of two sentences, room for the first only WHEN shortened
    THEN the first sentence is kept whole and the second dropped, never 'The buyer received the parcel on…'."""
    english = "The buyer received the parcel on March 10. The buyer then asked for a refund anyway."
    assert shorten(english, 60) == "The buyer received the parcel on March 10."
    assert shorten(english, 40) == ""
    korean = "구매자는 3월 10일에 상품을 받았습니다. 그 후 환불을 요청했습니다."
    assert shorten(korean, 25) == "구매자는 3월 10일에 상품을 받았습니다."


# ---- properties ----------------------------------------------------------------------------------

hangul_words = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=8)
latin_words = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=10)
numbers = st.integers(min_value=0, max_value=10**15).map(str)
urls = st.builds(lambda host, q: f"https://{host}.com/track?no={q}", latin_words, numbers)
punctuated = st.sampled_from([".", ",", "!", "?", ""])
draft_texts = st.lists(st.builds(lambda w, p: w + p, st.one_of(hangul_words, latin_words, numbers, urls), punctuated),
                       max_size=80).map(" ".join)
ids = st.text(st.characters(whitelist_categories=("Lu", "Nd"), max_codepoint=0x7F, whitelist_characters="-"),
              min_size=1, max_size=40)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=KST))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim_id=ids, order_id=ids, tracking=st.none() | st.integers(10**7, 10**15 - 1).map(str),
       carrier=st.none() | st.sampled_from(sorted(PROFILE.carriers)), delivered=st.none() | moments,
       kinds=st.lists(st.sampled_from(sorted(RULES.kinds)), unique=True, max_size=5), draft_text=draft_texts,
       reason=st.sampled_from(sorted(PROFILE.reasons)))
def test_statement_properties(claim_id, order_id, tracking, carrier, delivered, kinds, draft_text, reason):
    """GIVEN any facts, reason and Korean/English draft WHEN the statement is built
    THEN it fits the limit, is NFC, has Hangul and Latin, and every number and URL in it is whole."""
    facts = ClaimFacts(claim_id=claim_id, order_id=order_id, tracking_number=Fact(tracking) if tracking else None,
                       carrier=Fact(carrier) if carrier else None,
                       delivered=Fact(delivered.isoformat()) if delivered else None, attachment_kinds=tuple(kinds))
    draft, _ = usable_draft(draft_text, LANGUAGES)
    text = build(facts, reason, draft)
    assert char_count(text) <= LIMIT
    assert unicodedata.is_normalized("NFC", text)
    assert HANGUL.search(text) and LATIN.search(text)
    # Every digit run in the output is a whole digit run of the material it came from: never cut mid-number.
    full_draft = draft.text if draft else ""
    material = " ".join([full_draft, claim_id, order_id, tracking or "", build(facts, reason, None, limit=10_000)])
    whole_runs = set(DIGIT_RUNS.findall(material))
    assert set(DIGIT_RUNS.findall(text)) <= whole_runs
    draft_urls = {token.rstrip(".,!?") for token in full_draft.split()}
    for url in re.findall(r"https://\S+", text):
        assert url.rstrip(".,!?") in draft_urls


# ---- the stage -----------------------------------------------------------------------------------

def ctx(tmp_path: Path) -> Context:
    return Context(profile=PROFILE, workdir=tmp_path, cache_dir=None, now=datetime(2026, 3, 15, 12, tzinfo=KST))


def test_stage_sets_the_statement_and_logs_its_decisions(tmp_path):
    """GIVEN a canned delivery-proof packet with a Korean draft WHEN the statement stage runs
    THEN the statement holds the tracking number, the delivery time and part of the draft, and the log says
    which template, variants and delivery time were used."""
    state = statement.run(canned_state("구매자가 문 앞에서 직접 수령했습니다. 사진과 서명을 첨부합니다."), ctx(tmp_path))
    assert state.statement is not None and char_count(state.statement) <= LIMIT
    assert "689212345674" in state.statement and "2026.3.10 14:22 KST" in state.statement
    assert "구매자가 문 앞에서 직접 수령했습니다." in state.statement
    log = "\n".join(state.log)
    assert "delivery-proof.toml" in log and "2026-03-10T14:22:00+09:00" in log and "variants" in log


def test_stage_without_a_claim_changes_nothing_but_the_log(tmp_path):
    """GIVEN no valid claim WHEN the statement stage runs THEN no statement is made, and the log says so."""
    state = statement.run(PacketState(root=None), ctx(tmp_path))
    assert state.statement is None and "skipped" in state.log[-1]


def test_stage_with_a_reason_of_a_custom_profile_uses_the_other_template(tmp_path):
    """GIVEN a reason no template exists for WHEN the statement stage runs
    THEN the 'other' template is used and the log names it."""
    base = canned_state()
    state = statement.run(replace(base, claim=replace(base.claim, reason="customs-delay")), ctx(tmp_path))
    assert state.statement and any("no template for reason 'customs-delay'" in line for line in state.log)


def test_delivered_keyword_survives_ocr_spacing():
    """GIVEN OCR that spaced 배송완료 apart WHEN the statement looks for the delivery line THEN it still finds it."""
    from pipeline.judging.statement_text import load_rules as load_statement_rules
    rules = load_statement_rules()
    assert rules.says_delivered("2026.03.10 14:22  배 송 완료  서울송파")
    assert not rules.says_delivered("2026.03.10 14:22  배송 출발")
