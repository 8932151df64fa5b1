"""Tracking numbers by the confusion model: repair by variants and one acceptor (`_repaired`), and the page-level
consolidation of every sighting (`_consolidated`). A table of the tests' own, so that these do not move when the
learned one is learned again."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.fields import closed_lists, tracking
from pipeline.fields.confusions import Table
from pipeline.fields.extract import extract_fields, validate_tracking
from pipeline.model import Barcode, PageReading, TextLine, Url

# Confusions of numbers as OCR makes them (truth, read): 0 read as O, 1 as I, 5 as S, 8 as B, Z as 2 or 7 after 1, a
# 2 added after 1Z.
MODEL = Table(pairs={("0", "O"): 0.3, ("1", "I"): 0.35, ("5", "S"): 0.45, ("8", "B"): 0.5, ("1Z", "12"): 0.5,
                     ("1Z", "17"): 0.55, ("", "2"): 0.7, ("8", "3"): 0.6},
              substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=2)


# What is built from the model (the repairs, the characters read back in a number and their regex, the labels).
BUILT = (tracking._repairs, tracking._letter_repairs, tracking._repaired, tracking._read_back, tracking._digit_reads,
         tracking._confusable_group, closed_lists.label_regex)


@pytest.fixture(autouse=True)
def model(monkeypatch):
    monkeypatch.setattr(tracking, "_model", lambda: MODEL)
    for built in BUILT:
        built.cache_clear()
    yield MODEL
    for built in BUILT:
        built.cache_clear()


def _numbers(profile, text: str) -> list[tuple[str, str]]:
    fields = extract_fields([PageReading(1, text, "ocr")], profile)
    return [(t.value, t.checksum) for t in fields.tracking_numbers]


def test_a_read_that_verifies_stands_and_one_that_fails_is_repaired_by_the_cheapest_accepted_variant():
    """GIVEN UPS reads: one that verifies, one whose shipper's 0 OCR read as O, one whose 1Z was read 12 WHEN
    repaired THEN the first stands and the others become the one variant the UPS check digit accepts."""
    assert validate_tracking("1ZYW0DVJ0376889852", "ups")[1] == "ok"
    assert tracking._repaired("1ZYW0DVJ0376889852", None) == ("1ZYW0DVJ0376889852", 0.0)
    assert tracking._repaired("1ZYWODVJ0376889852", None) == ("1ZYW0DVJ0376889852", pytest.approx(0.3))
    assert tracking._repaired("12YW0DVJ0376889852", None)[0] == "1ZYW0DVJ0376889852"


def test_a_plain_number_is_never_repaired_into_letters_and_no_check_digit_accepts_nothing():
    """GIVEN an 18-digit read that would verify as 1Z... and a CJ number (no check digit) read with an O
    WHEN repaired THEN both stand as read: a letter is never guessed into a plain number, and a carrier without a
    check digit accepts only the number as read."""
    assert tracking._repaired("125383580329864849", None)[0] == "125383580329864849"
    assert tracking._repaired("6892123456O4", "cj")[0] == "6892123456O4"


def test_an_s10_number_whose_letters_were_read_as_digits_is_read_back_and_nothing_else_is(profile):
    """GIVEN confusions of letters read as digits (EE as 66, CN as 04, Z as 2) and an EMS number EE307753745CN
    read as digits alone, `6630775374504` (hosts tuning 9004-9005, a downscaled EMS window) WHEN repaired THEN it
    is the EMS number again: both its ends were letters read as digits and its serial's check digit verifies, so it
    is never a 13-digit Korea Post number. Digits alone with one end so read (an 18-digit row's 12 as UPS's 1Z), a
    serial that fails its check, or a Korea Post number whose ends no learned confusion explains stay as read."""
    table = Table(pairs={("EE", "66"): 0.2, ("CN", "04"): 0.26, ("Z", "2"): 0.3, ("0", "O"): 0.3}, substitute=1.0,
                  insert=1.0, delete=1.0, case=0.3, longest=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tracking, "_model", lambda: table)
        for cached in (tracking._repairs, tracking._letter_repairs, tracking._repaired):
            cached.cache_clear()
        assert validate_tracking("EE307753745CN", None) == ("ems", "ok")
        assert tracking._repaired("6630775374504", None) == ("EE307753745CN", pytest.approx(0.46))
        assert tracking._repaired("6630775374504", "korea-post")[0] == "EE307753745CN"
        assert _numbers(profile, "우체국 EMS 운송장번호 6630775374504") == [("EE307753745CN", "ok")]
        assert validate_tracking("1Z5383580329864844", None)[1] == "ok"
        for read in ("125383580329864844", "6630775374604", "6012345678901"):
            assert tracking._repaired(read, None) == (read, 0.0)
    for cached in (tracking._repairs, tracking._letter_repairs, tracking._repaired):
        cached.cache_clear()


def test_two_accepted_variants_as_cheap_leave_the_read_as_it_stands():
    """GIVEN a UPS read with two Bs in its shipper where the number had one 8 (8 read as B is learned): UPS's check
    weighs both places alike, so either 8 verifies WHEN decided THEN neither is taken: the read stands (reported
    checksum bad). Which confusions the check cannot tell apart is found by the check itself, not listed."""
    read, right, other = "1ZBYBDVJ3982597910", "1Z8YBDVJ3982597910", "1ZBY8DVJ3982597910"
    assert [validate_tracking(v, "ups")[1] for v in (read, right, other)] == ["bad", "ok", "ok"]
    assert tracking._repaired(read, None) == (read, 0.0)


def test_a_digit_read_as_another_digit_is_never_repaired():
    """GIVEN a DHL waybill whose 2 may be a misread 1 (1 read as 2 learned) WHEN repaired THEN it stands:
    a check digit tells that a digit is wrong, not which, so digit-for-digit confusions repair nothing."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tracking, "_model", lambda: Table(pairs={("1", "2"): 0.3}, substitute=1.0, insert=1.0,
                                                       delete=1.0, case=0.3, longest=1))
        tracking._repairs.cache_clear()
        tracking._repaired.cache_clear()
        assert validate_tracking("5739118453", "dhl")[1] == "ok"
        assert tracking._repaired("5739128453", "dhl") == ("5739128453", 0.0)
    tracking._repairs.cache_clear()
    tracking._repaired.cache_clear()


def test_pieces_of_one_row_are_read_as_one_line(profile):
    """GIVEN a phone capture's label and number that OCR's layout analysis parted into two lines (`운 송 장 번 호 6`
    and `34723306838`, boxes side by side on one row) WHEN the fields are read with the lines' boxes THEN the row is
    one line and the label reaches the whole number; a line under another, or left of the one before it, stays
    apart."""
    text = "배 송 조회\n운 송 장 번 호 6\n34723306838\n배 송 완 료 2026-03-03 10:37"
    lines = (TextLine("배 송 조회", (32, 417, 178, 478)), TextLine("운 송 장 번 호 6", (68, 534, 249, 577)),
             TextLine("34723306838", (252, 539, 458, 565)), TextLine("배 송 완 료 2026-03-03 10:37", (69, 595, 546, 645)))
    assert tracking.rows_joined(text, lines) == text.replace("6\n3", "6 3")
    fields = extract_fields([PageReading(1, text, "ocr", lines=lines)], profile)
    assert [t.value for t in fields.tracking_numbers] == ["634723306838"]
    below = lines[:2] + (TextLine("34723306838", (68, 600, 300, 640)),) + lines[3:]
    left = lines[:2] + (TextLine("34723306838", (10, 539, 60, 565)),) + lines[3:]
    assert tracking.rows_joined(text, below) == text == tracking.rows_joined(text, left)


def test_a_line_within_another_lines_box_is_a_piece_of_its_row(profile):
    """GIVEN a KakaoTalk bubble (real Tesseract, chat tuning seed 9201) whose label line `6) 대 한 통 운 송 장 번호`
    OCR read again in part as a line of its own inside the label's box (`brorootwk`), the number on the line under
    them WHEN the fields are read with the lines' boxes THEN the stray line is of the label's row and the label
    reaches its number (a CJ number no check digit verifies, taken on its label); a line under the label, not
    inside its box, still stands between them and the number is not taken."""
    text = "6) 대 한 통 운 송 장 번호\nbrorootwk\n698329698011 확인 부 탁 드려요\n확인해 보고 연 락 드릴게요"
    lines = (TextLine("6) 대 한 통 운 송 장 번호", (212, 1791, 602, 1833)), TextLine("brorootwk", (312, 1817, 558, 1833)),
             TextLine("698329698011 확인 부 탁 드려요", (212, 1856, 818, 1898)),
             TextLine("확인해 보고 연 락 드릴게요", (633, 2035, 1105, 2077)))
    assert tracking.rows_joined(text, lines) == text.replace("번호\nb", "번호 b")
    fields = extract_fields([PageReading(1, text, "ocr", lines=lines)], profile)
    assert [t.value for t in fields.tracking_numbers] == ["698329698011"]
    under = lines[:1] + (TextLine("brorootwk", (312, 1840, 558, 1856)),) + lines[2:]
    assert tracking.rows_joined(text, under) == text
    assert extract_fields([PageReading(1, text, "ocr", lines=under)], profile).tracking_numbers == ()


def test_a_repaired_number_is_reported_and_an_unexplained_misread_kept_bad(profile):
    """GIVEN a labelled UPS number with its 0 read as O, and a DHL waybill whose last digit no learned confusion
    explains WHEN read THEN the first is reported repaired and verified, the second as read, checksum bad."""
    assert _numbers(profile, "Tracking number 1ZYWODVJ0376889852\n") == [("1ZYW0DVJ0376889852", "ok")]
    assert _numbers(profile, "DHL Express\nWaybill: 5739128453\n") == [("5739128453", "bad")]


def test_sightings_of_one_number_are_one_cluster_and_the_one_seen_most_is_reported(profile):
    """GIVEN a page showing a UPS number three times and, once, a reading of it with S for 5 that also verifies
    (UPS's check cannot tell them apart there) WHEN consolidated THEN the one the page shows most is reported."""
    most, once = "1ZES5K540393093662", "1ZESSKS40393093662"
    assert validate_tracking(most, "ups")[1] == validate_tracking(once, "ups")[1] == "ok"
    text = f"ups.com/track?tracknum={most}\nTracking number\n{most} ka\n{once} 제이드\n{most}\n"
    fields = extract_fields([PageReading(1, text, "ocr")], profile)
    assert [t.value for t in fields.tracking_numbers] == [most]


def test_a_tie_reports_both_and_distinct_parcels_stay_apart(profile):
    """GIVEN two verified readings one look-alike apart, each seen once from the same evidence, and two CJ numbers
    of one page that differ in two digits WHEN consolidated THEN both of the tie are reported, and both parcels."""
    a, b = "1ZES5K540393093662", "1ZESSKS40393093662"
    assert sorted(v for v, _ in _numbers(profile, f"{a}\n{b}\n")) == sorted([a, b])
    assert _numbers(profile, "운송장번호: 689212345674, 689212345685") == [("689212345674", "none"),
                                                                       ("689212345685", "none")]


def test_a_failing_copy_of_a_verified_number_is_dropped(profile):
    """GIVEN a UPS page showing its number right in its table and with one letter misread in its address bar (the
    misread no confusion repairs) WHEN consolidated THEN the verified number alone is reported."""
    text = "Tracking number 1Z3WSSSS0317603134\nhttps://www.ups.com/track?tracknum=1Z3WSSXS0317603134"
    assert _numbers(profile, text) == [("1Z3WSSSS0317603134", "ok")]


def test_a_url_whose_number_is_a_failing_copy_of_the_pages_verified_number_shows_that_number(profile):
    """GIVEN a photographed FedEx page whose bar read the number with one digit misread (failing its check) and
    whose label shows it right, and a page whose bar shows another parcel's verified number WHEN the fields are
    extracted THEN the first URL carries the page's verified number, and the second stays as read."""
    read, shown = "823423771620", "823483771620"
    assert validate_tracking(read, "fedex")[1] == "bad" and validate_tracking(shown, "fedex")[1] == "ok"
    text = f"https://www.fedex.com/fedextrack/?trknbr={read}\nTracking ID: {shown}\n"
    fields = extract_fields([PageReading(1, text, "ocr")], profile)
    assert [u.value for u in fields.urls] == [f"https://www.fedex.com/fedextrack/?trknbr={shown}"]
    assert [t.value for t in fields.tracking_numbers] == [shown]
    other = "https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345674\n운송장번호: 689212345685\n"
    fields = extract_fields([PageReading(1, other, "ocr")], profile)
    assert [u.value for u in fields.urls] == ["https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345674"]


def _coded(profile, text: str, *codes: str) -> list[tuple[str, str | None, str, str]]:
    page = PageReading(1, text, "ocr", barcodes=tuple(Barcode("Code128", code) for code in codes))
    return [(t.value, t.carrier, t.checksum, t.source) for t in extract_fields([page], profile).tracking_numbers]


def test_a_barcode_is_the_reading_of_the_text_sightings_off_it_whatever_the_page_shows_most(profile):
    """GIVEN a Lotte label whose bars decode 312059674813 and whose text shows a misread of it twice (failing the
    check digit) and a CJ label whose text shows a misread twice and the number once WHEN consolidated THEN the
    barcode's number alone is reported, exact, with the carrier the text named."""
    text = "롯데택배\n운송장번호 312059674818\n운송장번호 3120-5967-4818"
    assert _coded(profile, text, "312059674813") == [("312059674813", "lotte", "ok", "barcode")]
    text = "CJ대한통운\n운송장번호 689212345614\n운송장번호 689212345614\n운송장번호 689212345674"
    assert _coded(profile, text, "689212345674") == [("689212345674", "cj", "none", "barcode")]


def test_a_verified_number_two_digits_off_a_barcode_is_another_parcel_unless_confusions_explain_it(
        profile, monkeypatch):
    """GIVEN a page of two consecutive Lotte labels whose bars decode only the first, the text showing both numbers
    (two digits apart, both verifying) WHEN consolidated THEN both are reported, the barcode's first: no learned
    confusion explains one as a misread of the other (the budget of the text's own clusters, `cluster_budget`,
    holds one edit never seen and a cheap learned one). Where the confusions learned explain the two digits, the
    verified reading is the barcode's."""
    first, second = "312059674813", "312059674824"
    assert validate_tracking(second, "lotte")[1] == "ok"
    assert _coded(profile, f"롯데택배\n운송장번호 {first}, {second}", first) == [
        (first, "lotte", "ok", "barcode"), (second, "lotte", "ok", "ocr")]
    learned = MODEL.pairs | {("1", "2"): 0.4, ("3", "4"): 0.4}
    monkeypatch.setattr(tracking, "_model", lambda: replace(MODEL, pairs=learned))
    assert _coded(profile, f"롯데택배\n운송장번호 {second}", first) == [(first, "lotte", "ok", "barcode")]
    # One digit off and verifying (8 read as 1: 7 apart, so the mod-7 check digit cannot tell): within the budget.
    misread = first.replace("48", "41")
    assert validate_tracking(misread, "lotte")[1] == "ok"
    assert _coded(profile, f"롯데택배\n운송장번호 {misread}", first) == [(first, "lotte", "ok", "barcode")]


def test_a_number_no_format_vouches_for_is_dropped_beside_a_barcodes_verified_number(profile):
    """GIVEN a photographed EMS label whose bars decode a verifying S10 number, and a garbled row OCR read as a
    labelled number of no carrier WHEN consolidated THEN the barcode's number alone is reported (a verified number
    of the page outweighs one no format vouches for, as it does among text readings)."""
    assert _coded(profile, "Waybill AB123456789012", "EE473124829KR") == [
        ("EE473124829KR", "korea-post", "ok", "barcode")]


def test_characters_read_back_in_a_number_and_a_label_are_the_models(profile, monkeypatch):
    """GIVEN a model that learned 0 read as O and 1 as I, but nothing of a label's letters WHEN a number is read with
    an O, an I and a Q in it, and a label with its g read as q THEN the O and the I are read back as the digits they
    stand for, the Q is not (nothing learned it), and the label labels nothing; GIVEN a model that learned g read as
    q and E as £ THEN the label so read labels a number a check digit verifies (only such a number), and an S10
    number read with £ is read back."""
    def learned(pairs: dict) -> None:
        model = Table(pairs=pairs, substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=1)
        monkeypatch.setattr(tracking, "_model", lambda: model)
        for built in BUILT:
            built.cache_clear()

    learned({("0", "O"): 0.06, ("1", "I"): 0.06})
    assert _numbers(profile, "Tracking No. 79O5353I2317") == [("790535312317", "none")]  # 12 digits: no carrier
    assert _numbers(profile, "Tracking No. 79O5353Q2317") == []
    assert _numbers(profile, "Trackinq No. 790535312317") == []
    learned({("g", "q"): 0.06, ("E", "£"): 0.06})
    assert _numbers(profile, "Trackinq No. 790535312317") == [("790535312317", "none")]
    assert _numbers(profile, "Trackinq No. 790535312318") == []  # a label so read: only a verified number
    assert _numbers(profile, "EMS Korea Post\n£M413312025CN") == [("EM413312025CN", "ok")]


def test_the_learned_tracking_section_loads_with_examples():
    """GIVEN confusions.toml as learned WHEN its tracking section is loaded THEN it holds confusions of numbers,
    each between 0 and 1 with its examples, the read side as the extractor compares it (no space or dash, capitals)."""
    from pipeline.datafiles import load_toml
    from pipeline.fields import confusions
    data = load_toml(confusions.CONFUSIONS_FILE, "Confusion table")
    assert data["tracking"], "no tracking confusion learned"
    for entry in data["tracking"]:
        assert 0 < entry["cost"] < 1.0 and entry["examples"]
        assert entry["read"] == entry["read"].upper() and not any(c in entry["read"] for c in " -")
        for value, read in entry["examples"]:
            assert entry["truth"] in value and entry["read"] in read


def test_a_tabs_or_bookmarks_host_names_no_carrier_of_the_page(profile):
    """GIVEN a q50 CJ window (hosts tuning 9005): its address bar's CJ URL, Coupang hosts in its tabs and bookmarks,
    and its label's number read with an icon as a trailing `0` WHEN read THEN only CJ's number is reported: a tab's
    or a bookmark's host is another page's, so Coupang's 10-14 digits do not take the 13-digit reading, and the page's
    one carrier (its address bar's) says where the grouped number ends."""
    urls = [Url("https://trace.cjlogistics.com/next/tracking.html?wblNo=583107093735", "trace.cjlogistics.com",
                address_bar=True, zone="address-bar"),
            Url("https://partner.coupang.com", "partner.coupang.com", zone="tab"),
            Url("https://wing.coupang.com", "wing.coupang.com", zone="bookmark")]
    text = "운 송 잘 번호 583107093735 0\n배 송 완 료 2026-03-13 15:19"
    numbers = tracking.extract_tracking(text, urls, profile, 1)
    assert [(n.value, n.carrier) for n in numbers] == [("583107093735", "cj")]
