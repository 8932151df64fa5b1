"""One parcel, one order: which tracking numbers and order ids the evidence shows, which parcel is the claim's, and
facts (delivery time, carrier, address) taken only from that parcel's pages. Canned readings (no OCR)."""
from __future__ import annotations

from dataclasses import replace

from pipeline.judging.parcel import Shown, parcel_of
from pipeline.judging.statement_text import build_statement, gather_facts, load_rules, template_for
from pipeline.model import Classification, Fields, KoreanAddress, PageReading, Timestamp, TrackingNumber
from pipeline.profile import Profile
from stages import classify, validate
from tests.packet_factory import context, merged, packet, rules_of

PROFILE = Profile.load()
BASE = PROFILE.data["example_base"]
RULES = load_rules()
CARRIER_KINDS = PROFILE.evidence_kinds("carrier_kinds")

KP, EMS = "6012345678901", "EE583584283KR"
KP_URL = f"https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={KP}"
EMS_URL = f"https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={EMS}"


def page(name: str, number: str, url: str, delivered: str, stamp: str, address: str) -> dict:
    """A carrier tracking screenshot of one parcel, delivered at `stamp` (ISO) printed as `delivered`."""
    return {"name": name, "text": f"우체국 배송조회\n등기번호 {number}\n{delivered} 배달완료\n{address}",
            "urls": [{"value": url, "address_bar": True}], "tracking": [number],
            "timestamps": [{"text": delivered, "value": stamp}], "addresses": [address]}


KP_PAGES = [page("01 kp.png", KP, KP_URL, "2026.03.13 15:40", "2026-03-13T15:40:00+09:00", "서울특별시 송파구 올림픽로 300"),
            page("05 kp.png", KP, KP_URL, "2026.03.13 15:40", "2026-03-13T15:40:00+09:00", "서울특별시 송파구 올림픽로 300")]
EMS_PAGES = [page("04 ems.png", EMS, EMS_URL, "2026.03.11 15:40", "2026-03-11T15:40:00+09:00", "부산광역시 해운대구 센텀중앙로 79"),
             page("08 ems.png", EMS, EMS_URL, "2026.03.11 15:40", "2026-03-11T15:40:00+09:00", "부산광역시 해운대구 센텀중앙로 79")]


def judged(tmp_path, **changes):
    spec = merged(BASE, changes)
    ctx = context(spec, PROFILE, tmp_path)
    return validate.run(classify.run(packet(spec), ctx), ctx)


def statement_of(state) -> str:
    facts = gather_facts(state, RULES, CARRIER_KINDS)
    template, _ = template_for(state.claim.reason)
    return build_statement(facts, template, RULES, limit=200, languages=("ko", "en"), zone="Asia/Seoul").text


def test_two_parcels_without_a_tracking_number_fail_and_state_no_delivery_time(tmp_path):
    """GIVEN Korea Post pages (delivered 03-13) and EMS pages (delivered 03-11), no tracking_number in claim.toml
    WHEN judged THEN inconsistent-evidence names every file with the number it shows, and the facts state no
    tracking number, delivery time or address: no parcel is the claim's, so no fact is guessed."""
    state = judged(tmp_path, claim={"tracking_number": "", "carrier": None}, files=KP_PAGES + EMS_PAGES)
    found = [f for f in state.findings if f.rule == "inconsistent-evidence"]
    assert {f.file for f in found} == {"01 kp.png", "05 kp.png", "04 ems.png", "08 ems.png"}
    assert all(f.severity == "error" for f in found) and state.verdict() == "fail"
    assert f"01 kp.png shows {KP} (p.1)" in found[0].message and f"04 ems.png shows {EMS} (p.1)" in found[0].message
    assert "tracking_number in claim.toml" in found[0].fix
    facts = gather_facts(state, RULES, CARRIER_KINDS)
    assert facts.tracking_number is None and facts.delivered is None and facts.address is None
    text = statement_of(state)
    assert "3.11" not in text and "Mar 11" not in text and "3.13" not in text and EMS not in text


def test_the_claims_parcel_states_only_its_own_facts(tmp_path):
    """GIVEN the same mixed packet with tracking_number = the Korea Post number
    WHEN judged and its facts gathered
    THEN the EMS files are inconsistent-evidence (not tracking-mismatch: one fact, one rule), and the delivery time
    and address are the Korea Post parcel's, cited on its pages only; no EMS fact appears in the statement."""
    state = judged(tmp_path, claim={"tracking_number": KP, "carrier": None}, files=KP_PAGES + EMS_PAGES)
    assert {f.file for f in state.findings if f.rule == "inconsistent-evidence"} == {"04 ems.png", "08 ems.png"}
    assert "tracking-mismatch" not in rules_of(state)
    facts = gather_facts(state, RULES, CARRIER_KINDS)
    assert facts.tracking_number.value == KP
    assert facts.delivered.value == "2026-03-13T15:40:00+09:00"
    assert set(facts.delivered.shown) == {Shown("01 kp.png", 1), Shown("05 kp.png", 1)}
    assert facts.address.value == "서울특별시 송파구 올림픽로 300"
    assert {s.source for s in facts.address.shown} == {"01 kp.png", "05 kp.png"}
    text = statement_of(state)
    assert "2026.3.13 15:40" in text and "Mar 13, 2026 15:40" in text
    assert EMS not in text and "3.11" not in text and "Mar 11" not in text


def test_evidence_all_of_another_parcel_is_tracking_mismatch_only(tmp_path):
    """GIVEN claim.toml names the Korea Post number and only EMS pages are in the packet
    WHEN judged THEN tracking-mismatch per file, and no inconsistent-evidence for the same fact; no delivery fact."""
    state = judged(tmp_path, claim={"tracking_number": KP, "carrier": None}, files=EMS_PAGES)
    assert {f.file for f in state.findings if f.rule == "tracking-mismatch"} == {"04 ems.png", "08 ems.png"}
    assert "inconsistent-evidence" not in rules_of(state)
    facts = gather_facts(state, RULES, CARRIER_KINDS)
    assert facts.delivered is None and facts.address is None and facts.tracking_number.shown == ()


def test_one_number_all_carrier_evidence_agrees_on_is_the_claims(tmp_path):
    """GIVEN no tracking_number in claim.toml and two pages of the Korea Post parcel
    WHEN judged THEN no finding about parcels, and the agreed number is the claim's parcel with its facts."""
    state = judged(tmp_path, claim={"tracking_number": "", "carrier": None}, files=KP_PAGES)
    assert not {"inconsistent-evidence", "tracking-mismatch"} & set(rules_of(state))
    parcel = parcel_of(state.claim, state.readings, state.kinds, CARRIER_KINDS)
    assert (parcel.number, parcel.basis) == (KP, "agreed")
    assert gather_facts(state, RULES, CARRIER_KINDS).delivered.value == "2026-03-13T15:40:00+09:00"


def test_a_page_of_another_parcel_inside_one_file_gives_no_fact(tmp_path):
    """GIVEN one two-page PDF whose page 1 is the claim's parcel (delivered 03-13) and page 2 another parcel
    (delivered 03-11, later-looking address) WHEN facts are gathered THEN only page 1's time and address are stated."""
    state = judged(tmp_path, claim={"tracking_number": KP, "carrier": None},
                   files=[{"name": "prints.pdf", "text": "x"}])
    reading = state.readings["prints.pdf"]
    pages = (PageReading(1, f"등기번호 {KP}\n2026.03.13 15:40 배달완료\n서울특별시 송파구 올림픽로 300", "text-layer"),
             PageReading(2, f"등기번호 {EMS}\n2026.03.14 09:00 배달완료\n부산광역시 해운대구 센텀중앙로 79", "text-layer"))
    fields = Fields(tracking_numbers=(TrackingNumber(KP, "korea-post", "none", page=1),
                                      TrackingNumber(EMS, "ems", "ok", page=2)),
                    timestamps=(Timestamp("2026.03.13 15:40", "2026-03-13T15:40:00+09:00", page=1),
                                Timestamp("2026.03.14 09:00", "2026-03-14T09:00:00+09:00", page=2)),
                    korean_addresses=(KoreanAddress("서울특별시 송파구 올림픽로 300", page=1),
                                      KoreanAddress("부산광역시 해운대구 센텀중앙로 79", page=2)))
    state = replace(state, readings={"prints.pdf": replace(reading, pages=pages, fields=fields)},
                    kinds={"prints.pdf": Classification("carrier-tracking", "canned")})
    facts = gather_facts(state, RULES, CARRIER_KINDS)
    assert facts.delivered.value == "2026-03-13T15:40:00+09:00" and facts.delivered.shown == (Shown("prints.pdf", 1),)
    assert facts.address.value == "서울특별시 송파구 올림픽로 300"


def test_another_order_fails_naming_the_file_and_the_order(tmp_path):
    """GIVEN a clean packet plus a Coupang order page whose URL (orderId=) and page show another order
    WHEN judged THEN inconsistent-evidence names the file, the other order and the claim's, with the fix."""
    other = {"name": "order.png", "text": "쿠팡 주문상세\n주문번호 31000099887766\n2026.03.01 09:00 결제완료",
             "urls": [{"value": "https://wing.coupang.com/tenants/sfl-portal/delivery/management"
                                "?orderId=31000099887766", "address_bar": True}],
             "timestamps": [{"text": "2026.03.01 09:00", "value": "2026-03-01T09:00:00+09:00"}]}
    state = judged(tmp_path, add_files=[other])
    (found,) = [f for f in state.findings if f.rule == "inconsistent-evidence"]
    assert found.file == "order.png" and found.severity == "error"
    assert "31000099887766" in found.message and "31000012345678" in found.message and "order_id" in found.fix


def test_an_order_id_one_digit_off_read_by_ocr_is_a_note(tmp_path):
    """GIVEN an OCR'd order page whose order number is one digit off the claim's
    WHEN judged THEN a note that it is likely a misreading, not an error."""
    near = {"name": "order.png", "text": "쿠팡 주문상세\n주문번호 31000012346678\n2026.03.01 09:00 결제완료",
            "urls": [{"value": "https://mc.coupang.com/ssr/desktop/order/31000012345678", "address_bar": True}],
            "timestamps": [{"text": "2026.03.01 09:00", "value": "2026-03-01T09:00:00+09:00"}]}
    state = judged(tmp_path, add_files=[near])
    (found,) = [f for f in state.findings if f.rule == "inconsistent-evidence"]
    assert found.severity == "note" and "misreading" in found.message and state.verdict() == "pass"


def test_a_misread_copy_of_a_number_without_check_digit_is_not_another_parcel(tmp_path):
    """GIVEN three CJ pages, two reading 689212345674 and one 689212345614 (CJ numbers carry no check digit)
    WHEN judged without a tracking_number THEN the lone one-digit-off number is OCR's copy: one parcel, no error."""
    files = [{**BASE["files"][0], "name": f"t{i}.png", "tracking": [{"value": v, "checksum": "none", "carrier": "cj"}]}
             for i, v in enumerate(["689212345674", "689212345674", "689212345614"])]
    state = judged(tmp_path, claim={"tracking_number": ""}, files=files)
    assert "inconsistent-evidence" not in rules_of(state)
    parcel = parcel_of(state.claim, state.readings, state.kinds, CARRIER_KINDS)
    assert parcel.number == "689212345674"


def test_a_misread_copy_of_the_claims_number_is_not_another_parcel(tmp_path):
    """GIVEN claim.toml's CJ number 689212345674 and two CJ pages, one read 689212345674 and one 689212345614
    (CJ numbers carry no check digit) WHEN judged THEN the one-digit-off read is OCR's copy of the claim's number:
    no inconsistent-evidence, no tracking-mismatch."""
    files = [{**BASE["files"][0], "name": f"t{i}.png", "tracking": [{"value": v, "checksum": "none", "carrier": "cj"}]}
             for i, v in enumerate(["689212345674", "689212345614"])]
    state = judged(tmp_path, files=files)
    assert not {"inconsistent-evidence", "tracking-mismatch"} & set(rules_of(state))
