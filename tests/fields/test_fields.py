"""Whole pages as Tesseract or a PDF text layer gives them (noisy, canned), read by extract_fields."""
from __future__ import annotations

import pytest

from pipeline.fields.extract import detect_languages, extract_dates, extract_fields, validate_tracking
from pipeline.model import PageReading


def _read(profile, text: str, header: str = "", footer: str = "", index: int = 1, bar: str = ""):
    """`bar`: the line the reader found to be the address bar (its consensus read), if any."""
    return extract_fields([PageReading(index, text, "ocr", header_text=header, footer_text=footer,
                                       bar_reads=(bar,) if bar else ())], profile)


CJ_HEADER = """CJ대한통운 택배조회 | CJ대한통운 x +
< > C 6 https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=6892 12345674 ☆ £
"""
CJ_PAGE = CJ_HEADER + """CJ 대한통운 고객센터 1588-1255
운송장 번호 6892-1234-5674 조회
보내는 분 심천무역 받는 분 홍*동
상품정보 의류 수량 1
단계 처리 일자 시간 현재위치 상태
2026.03.08 18:40 경기광주 HUB 간선상차
2026.03.09 | 07:12 | 송파A 배송출발
2026.03.09 14:22 송파A 배송완료 (문앞)
배송완료 되었습니다. 담당 기사 010-9876-5432
"""
CJ_FOOTER = """~ 4) 가 A 오후 2:31
2026-03-11
"""


def test_cj_screenshot_with_address_bar_and_taskbar_clock(profile):
    """GIVEN an OCRed CJ tracking screenshot with an address bar, a tracking table and a Windows taskbar clock
    WHEN its fields are extracted
    THEN the one tracking number is CJ's (no public check digit), the URL is the address bar's, and the table rows
    and the taskbar clock are timestamps in KST; the phone numbers are nothing."""
    fields = _read(profile, CJ_PAGE, CJ_HEADER, CJ_FOOTER, bar=CJ_HEADER.splitlines()[1])
    assert [(t.value, t.carrier, t.checksum) for t in fields.tracking_numbers] == [("689212345674", "cj", "none")]
    assert [(u.value, u.host, u.address_bar, u.full) for u in fields.urls] == [
        ("https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=689212345674", "www.cjlogistics.com", True,
         True)]
    assert [t.value for t in fields.timestamps] == [
        "2026-03-08T18:40:00+09:00", "2026-03-09T07:12:00+09:00", "2026-03-09T14:22:00+09:00",
        "2026-03-11T14:31:00+09:00"]
    assert fields.timestamps[-1].text == "오후 2:31 2026-03-11"
    assert fields.korean_addresses == ()
    assert detect_languages(CJ_PAGE) == ("ko",)


def test_mobile_screenshot_shows_only_the_host(profile):
    """GIVEN a phone screenshot whose address bar shows only the host WHEN read THEN the URL is not full."""
    header = "14:31 LTE 88%\n cjlogistics.com C\n"
    fields = _read(profile, header + "운송장번호 689212345674\n배송완료", header, bar="cjlogistics.com C")
    assert [(u.value, u.address_bar, u.full) for u in fields.urls] == [("https://cjlogistics.com", True, False)]
    assert fields.tracking_numbers[0].carrier == "cj"


KOREA_POST = """인터넷우체국 국내우편(택배) 종적조회
http://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1=6012345678901
등기번호 6012 3456 78901
보내는 분 SHENZHEN EXAMPLE 받는 분 홍길동
날짜 시간 발생국 처리현황
2026.03.09 09:12 서울송파우체국 배달준비
2026.03.09 13:05 서울송파우체국 배달완료 (본인)
수령인 : 홍길동
국제우편 EMS 접수번호 EE 473 124 829 KR
"""


def test_korea_post_page(profile):
    """GIVEN a Korea Post tracking page with a domestic number and an EMS number
    WHEN read THEN the domestic number is Korea Post without a check digit and the S10 number verifies."""
    fields = _read(profile, KOREA_POST)
    got = {t.value: (t.carrier, t.checksum) for t in fields.tracking_numbers}
    assert got == {"6012345678901": ("korea-post", "none"), "EE473124829KR": ("korea-post", "ok")}
    assert [t.value for t in fields.timestamps] == ["2026-03-09T09:12:00+09:00", "2026-03-09T13:05:00+09:00"]
    assert fields.urls[0].host == "service.epost.go.kr"


FEDEX = """FedEx Tracking
htps://www.fedex.com/fedextrack/?trknbr=790535312317
TRACKING ID 790535312317
DELIVERED
Tuesday, 3/10/26 at 2:22 PM
Signed for by: J.KIM
DELIVERED TO SEOUL, KR
Ship date: Mon 3/02/2026
Travel history
3/10/2026 2:22 PM SEOUL KR Delivered
3/09/2026 7:05 AM INCHEON KR International shipment release - Import
Customer service 1588-6114
"""


def test_fedex_page_in_english(profile):
    """GIVEN a FedEx page with a damaged scheme and US-style dates WHEN read
    THEN the number is FedEx's and verifies, the URL is repaired, the times are US-order dates in KST."""
    fields = _read(profile, FEDEX)
    assert [(t.value, t.carrier, t.checksum) for t in fields.tracking_numbers] == [("790535312317", "fedex", "ok")]
    assert [u.value for u in fields.urls] == ["https://www.fedex.com/fedextrack/?trknbr=790535312317"]
    assert [t.value for t in fields.timestamps] == [
        "2026-03-10T14:22:00+09:00", "2026-03-09T07:05:00+09:00"]
    assert detect_languages(FEDEX) == ("en",)


DHL = """DHL Express - Tracking
https://www.dhl.com/kr-en/home/tracking/tracking-express.html?submit=1&tracking-id=5739128452
Waybill: 5739128452
Delivered - Signed for by: KIM
Tuesday, March 10, 2026 at 14:22 Local time, SEOUL - KOREA, REPUBLIC OF
Monday, March 09, 2026 at 06:10, INCHEON - KOREA, REPUBLIC OF Arrived at DHL Delivery Facility
Piece ID(s): JD014600006543218765
"""


def test_dhl_page_in_english(profile):
    """GIVEN a DHL Express page WHEN read THEN the waybill verifies (mod 7) and long-form English dates are read."""
    fields = _read(profile, DHL)
    assert [(t.value, t.carrier, t.checksum) for t in fields.tracking_numbers] == [("5739128452", "dhl", "ok")]
    assert [t.value for t in fields.timestamps] == ["2026-03-10T14:22:00+09:00", "2026-03-09T06:10:00+09:00"]


def test_the_bar_takes_the_known_host_most_of_its_reads_name(profile):
    """GIVEN an address bar read at six scales (real reads of a phone photo of a monitor): the consensus in the
    header names `serwce.epost.go.kr` (a subdomain of a known host, but misread), four reads name
    service.epost.go.kr, one a garbled host WHEN fields are extracted THEN the bar's URL is service.epost.go.kr's
    (the majority's), and the misread subdomain is gone; a bar whose reads name no known host keeps its consensus."""
    reads = ("https://serwce.epost.go.kr/traceRetneveEmshigt!raceu",
             "https://service.epost.go.kr'traceRetneveEmsRigilpacelistcomm?POST_CODE=EE407435918CN",
             "https://service.epost.go.kr/traceRetneveEmsRigilracelistcomm?POST_CODE=EE407435918CN",
             "httos-//service.epost.go.kr/traceRetneveEmsRigiTraceListcomm?POST_CODE=EE407435918CN",
             "httos:/serace.epast.oo.lavtraceRetrieveEmsRigiTraceList.comm?POST_CODE=EE407435918CN",
             "https://service.epost.go.kr/traceRetrieveEmsRigiTraceListcomm?POST_CODE=EE407435918CN")
    page = PageReading(index=1, text=reads[0], source="ocr", header_text=reads[0], bar_reads=reads)
    hosts = [u.host for u in extract_fields([page], profile).urls]
    assert hosts == ["service.epost.go.kr"]
    unknown = ("https://shop.example.com/track/1", "https://shop.exarnple.com/track/1")
    page = PageReading(index=1, text="", source="ocr", header_text=unknown[0], bar_reads=unknown)
    assert [u.host for u in extract_fields([page], profile).urls] == ["shop.example.com"]


def test_a_tied_bar_vote_goes_to_the_listed_host_over_an_unlisted_subdomain(profile):
    """GIVEN a photographed DHL bar whose reads name tievew.dhl.com once (first) and www.dhl.com once (real reads)
    WHEN fields are extracted THEN the bar is www.dhl.com's: a listed host beats a misread subdomain of it."""
    reads = ("httos:/Awwew.dil.comvikr-env/nome/tracking/irackng-express.himi?subrmet=1",
             "htos:tievew.dhl.com/icr-enihome/trackingitracking-expresshtml?submit=1&tracking-1d9974651971",
             "https:/Awww.dhl.comvkr-en/home/tracking/tracking-express_html?submit=1&tracking-id=9974651971")
    page = PageReading(index=1, text=reads[0], source="ocr", header_text=reads[0], bar_reads=reads)
    assert [u.host for u in extract_fields([page], profile).urls] == ["www.dhl.com"]


def test_misread_digit_is_reported_bad_not_repaired(profile):
    """GIVEN a DHL waybill whose last digit OCR misread WHEN read THEN it is reported as printed, checksum bad."""
    fields = _read(profile, "DHL Express\nWaybill: 5739128453\n")
    assert [(t.value, t.carrier, t.checksum) for t in fields.tracking_numbers] == [("5739128453", "dhl", "bad")]


def test_a_misread_copy_of_a_verified_number_is_dropped_and_a_lone_misread_kept(profile):
    """GIVEN a UPS page that shows its number twice, once read right and once with one letter misread, a FedEx
    page whose second copy OCR cut short and padded with icons, and a page showing only the misread copy
    WHEN read
    THEN the first page gives the verified number alone (no false mismatch), the second the misread one as bad."""
    both = _read(profile, "Tracking number 1Z3WSSSS0317603134\nhttps://www.ups.com/track?tracknum=1Z3WSS5S0317603134")
    assert [(t.value, t.checksum) for t in both.tracking_numbers] == [("1Z3WSSSS0317603134", "ok")]
    cut = _read(profile, "https://www.fedex.com/fedextrack/?trknbr=871483346594\nCone AO: 483346594 000")
    assert [(t.value, t.checksum) for t in cut.tracking_numbers] == [("871483346594", "ok")]
    alone = _read(profile, "Tracking number 1Z3WSS5S0317603134")
    assert [(t.value, t.checksum) for t in alone.tracking_numbers] == [("1Z3WSS5S0317603134", "bad")]


def test_weaker_copies_beside_a_better_supported_number_are_dropped(profile):
    """GIVEN pages where OCR left a second, worse copy beside the real number: an S10 number with its prefix
    misread (its check digit still verifies), a lone line of digits on a page whose Logen number has a label, and
    an unattributed row of digits on a page with a verified UPS number
    WHEN read
    THEN only the better-supported number of each page is reported."""
    ems = _read(profile, "Tracking number EE407435918CN\nFE407435918CN\n")
    assert [t.value for t in ems.tracking_numbers] == ["EE407435918CN"]
    logen = _read(profile, "로젠택배\n운송장번호 45282783373\n15827837 010\n")
    assert [t.value for t in logen.tracking_numbers] == ["45282783373"]
    ups = _read(profile, "UPS\nTracking number 1Z4AK3FA0371924707\nTracking number 110000901006\n")
    assert [t.value for t in ups.tracking_numbers] == ["1Z4AK3FA0371924707"]


def test_a_labelled_number_off_its_pages_only_carrier_formats_is_that_carriers_misread(profile):
    """GIVEN a 200-dpi EMS proof of delivery where `EM221576791KR` under its label was read `64221576791`, and a
    page naming two carriers WHEN read THEN on the first the number is EMS's with checksum bad (so it can never
    raise a tracking mismatch); on the second no carrier is guessed."""
    ems = _read(profile, "( 배 송 완료 확인서) EMS\n운 송 장 번호 _ | 64221576791\n우 편 번호 13561\n")
    assert [(t.value, t.carrier, t.checksum) for t in ems.tracking_numbers] == [("64221576791", "ems", "bad")]
    two = _read(profile, "EMS 또는 DHL\n운송장번호 64221576791\n")
    assert [(t.value, t.carrier, t.checksum) for t in two.tracking_numbers] == [("64221576791", None, "none")]


def test_digits_between_a_label_and_a_number_on_its_line_mean_noise_not_a_value(profile):
    """GIVEN a photographed FedEx page whose tab title `FedEx Tracking` ran on into the window buttons, read as
    `해 수이 0 그 96100106 7006056`, and a label with words but no digits before its number WHEN read THEN the
    tab title's digits are no number (a stray digit stands between label and number); the label's number is."""
    tab = _read(profile, 'FedEx Tracking ". 해 수이 0 그 96100106 7006056 0\n')
    assert [t.value for t in tab.tracking_numbers] == []
    labelled = _read(profile, "FedEx Tracking number : 843893384818\n")
    assert [(t.value, t.checksum) for t in labelled.tracking_numbers] == [("843893384818", "ok")]


def test_a_ups_shipper_read_with_o_for_0_is_read_back_only_where_one_reading_verifies(profile):
    """GIVEN a UPS number whose shipper's 0 was read as O, one whose shipper has three O-or-0 places (more than
    max_glyph_swaps), and a verified number holding an O WHEN read THEN the first becomes the one reading that
    verifies; the second stays as read, checksum bad; the third is left alone."""
    def numbers(text):
        return [(t.value, t.checksum) for t in _read(profile, text).tracking_numbers]
    assert numbers("Tracking number 1ZYWODVJ0376889852\n") == [("1ZYW0DVJ0376889852", "ok")]
    assert numbers("Tracking number 1Z000DVJ0376889852\n") == [("1Z000DVJ0376889852", "bad")]
    assert validate_tracking("1ZYWODVJ0376889856", "ups")[1] == "ok"
    assert numbers("Tracking number 1ZYWODVJ0376889856\n") == [("1ZYWODVJ0376889856", "ok")]


COUPANG_ORDER = """coupang 마이쿠팡 주문상세
주문번호 31000012345678 주문일자 2026.03.02
상품명 여성 니트 가디건 1개 32,900원
결제금액 32,900원 (카드 결제 2026.03.02 21:14)
받는사람 홍길동 010-1234-5678
받는주소 (05551) 서울특별시 송파구 올림픽로 300, 101동 1203호 (신천동)
배송상태 배송완료 3/9(월) 도착
택배사 CJ대한통운 송장번호 689212345674
고객센터 1577-7011
"""


def test_coupang_order_page_precision(profile):
    """GIVEN a Coupang order page full of numbers (order id, amounts, phones, dates) and one tracking number
    WHEN read THEN only the tracking number is taken, with the carrier named beside it, and the address is found."""
    header = "https://mc.coupang.com/ssr/desktop/order/31000012345678\n"
    fields = _read(profile, header + COUPANG_ORDER, header, bar=header.strip())
    assert [(t.value, t.carrier) for t in fields.tracking_numbers] == [("689212345674", "cj")]
    assert [(a.value, a.postal_code) for a in fields.korean_addresses] == [
        ("서울특별시 송파구 올림픽로 300", "05551")]
    assert [t.value for t in fields.timestamps] == ["2026-03-02T21:14:00+09:00"]
    assert fields.urls[0].host == "mc.coupang.com" and fields.urls[0].address_bar


POD_SCAN = """배 송 완 료 확 인 서 (Proof of Delivery)
운송장번호: 4012 3456 7893 한진택배
수 령 인 : 홍길동 (본인)
배 송 지 : 서울 특별시 송 파구 올림 픽로 300, 101동 1203호
우편번호 05551
배송일시: 2026년 3월 10일 오후 2:22
서명: 홍길동
"""


def test_pod_scan_with_split_syllables(profile):
    """GIVEN a scanned proof of delivery where OCR split Korean syllables WHEN read
    THEN the Hanjin number verifies, the address is closed up, the postal code on the next line is kept."""
    fields = _read(profile, POD_SCAN)
    assert [(t.value, t.carrier, t.checksum) for t in fields.tracking_numbers] == [("401234567893", "hanjin", "ok")]
    assert [(a.value, a.postal_code) for a in fields.korean_addresses] == [
        ("서울특별시 송파구 올림픽로 300", "05551")]
    assert [t.value for t in fields.timestamps] == ["2026-03-10T14:22:00+09:00"]


MESSAGES = """Seller Center 1:1 문의 내역
2026-03-11 10:02 구매자: 상품 잘 받았습니다. 감사합니다.
2026-03-11 10:15 판매자: 네 감사합니다! 운송장 689212345674 확인 부탁드립니다.
2026-03-12 09:30 구매자: 그런데 환불 신청했어요. 제 번호 010-2222-3333 으로 연락주세요
03/12 09:41 판매자: 확인하겠습니다.
"""


def test_message_transcript(profile):
    """GIVEN a buyer-seller message transcript WHEN read THEN every message time is a timestamp (the year of a
    short date comes from the document) and the phone number is not a tracking number."""
    fields = _read(profile, MESSAGES)
    assert [t.value for t in fields.timestamps] == [
        "2026-03-11T10:02:00+09:00", "2026-03-11T10:15:00+09:00", "2026-03-12T09:30:00+09:00",
        "2026-03-12T09:41:00+09:00"]
    assert [t.value for t in fields.tracking_numbers] == ["689212345674"]


QC_REPORT = """产品质量检验报告
报告编号：QC-20260301-017
检验日期：2026年3月1日
产品名称：女士针织衫 批次号：20260301 数量：500件
检验机构：深圳市质量检测中心 电话：0755-12345678
检验结论：合格
签发时间：北京时间 2026年3月2日 下午3:15
"""


def test_chinese_qc_report(profile):
    """GIVEN a Chinese QC report WHEN read THEN it is zh only, its Beijing time keeps +08:00, its date without a
    time is no timestamp but a date, and no report or batch number passes for a tracking number."""
    fields = _read(profile, QC_REPORT)
    assert detect_languages(QC_REPORT) == ("zh",)
    assert [t.value for t in fields.timestamps] == ["2026-03-02T15:15:00+08:00"]
    assert fields.tracking_numbers == ()
    assert [d.value.isoformat() for d in extract_dates(QC_REPORT)] == ["2026-03-01", "2026-03-02"]


def test_korean_text_with_hanja_is_not_chinese():
    """GIVEN Korean text with a few Hanja WHEN languages are detected THEN it is Korean only."""
    assert detect_languages("株式會社 쿠팡 대표이사 귀하, 배송 완료 확인서를 보내 드립니다. 수령인 홍길동") == ("ko",)


@pytest.mark.parametrize("text", [
    "주문번호 31000012345678 결제일 2026.03.02",
    "고객센터 1588-1255 (평일 09:00~18:00)",
    "Order No. 31000012345678\nTotal 32,900 KRW",
    "우편번호 05551 서울특별시 송파구",
    "상품코드 689212345674 재고 12",
    "사업자등록번호 123-45-67890 통신판매업 2026-서울송파-0001",
    "송장번호: 6892****5674 (개인정보 보호)",
])
def test_precision_traps_give_no_tracking_number(profile, text):
    """GIVEN numbers that are not tracking numbers WHEN read THEN no tracking number is reported."""
    assert _read(profile, text).tracking_numbers == ()


def test_fields_carry_their_page_number(profile):
    """GIVEN a two-page document WHEN read THEN each field records the page it was on."""
    pages = [PageReading(1, "운송장번호 689212345674 CJ대한통운", "text-layer"),
             PageReading(2, "2026-03-10 14:22 배송완료\n서울특별시 송파구 올림픽로 300", "text-layer")]
    fields = extract_fields(pages, profile)
    assert [t.page for t in fields.tracking_numbers] == [1]
    assert [t.page for t in fields.timestamps] == [2]
    assert [a.page for a in fields.korean_addresses] == [2]


def test_validate_tracking_contract():
    """GIVEN the public validate_tracking WHEN called with and without a carrier THEN the carrier and status follow
    the formats: self-identifying formats name their carrier, carriers without a check digit never say bad."""
    assert validate_tracking("RR 123 456 785 KR", None) == ("korea-post", "ok")
    assert validate_tracking("1Z5R89390357567127", "cj") == ("ups", "ok")
    assert validate_tracking("6892-1234-5674", "cj") == ("cj", "none")
    assert validate_tracking("689212345674", "lotte") == ("lotte", "bad")
    assert validate_tracking("689212345674", None) == (None, "none")
    assert validate_tracking("12345", "cj") == ("cj", "none")


# Real Tesseract output (kor+eng) of samples/evidence/cj-tracking-screenshot-1920-https.png: the scheme and www.
# broken, a space in the host, the number split, the summary number above the table, the table header split into
# more pieces than the row. (The first pass read the bar's icons as "000" after the URL; the address bar pass leaves
# them out of the bar's row: a wide gap ends its URL run.)
REAL_CJ_HEADER = """0 버 송 조 희 | 디 다 한 동 운 x + —- o x
a 3) @ https:/Avww.cjlogistics. com/ko/tool/parcel/tracking? gnbInvcNo=6892 89325376
CJCYstES- 고 객 센터 기 업 고객 택 배 예약” 배 송 조회
"""
REAL_CJ_PAGE = REAL_CJ_HEADER + """배 송 조회
689289325376
운 송 장 번호 보내는 분 받는 분 상품명 수량
689289325376 럭 키 포 펫 윤 * 아 스테인리스 보온 YSej 500ml 1
받는 분 주소: ( 우 13561) 경기도 성남시 분당구 정 자 일로 95, 101 동 1203 호
날짜 시간 현 재 위치 배 송 상태
2026.03.08 07:09 인 천 6\\ 상 품 인수
2026.03.10 14:22 서 울 강서 배 송 완료
배 송 완료 (2026.03.10 14:22) 인 수 자: 본인
"""


def test_real_ocr_of_a_cj_screenshot(profile):
    """GIVEN the real Tesseract text of a CJ screenshot (broken scheme, split number)
    WHEN its fields are extracted
    THEN the one number is found once, the URL is repaired to CJ's host, and the
    address is the road address up to the building number, with the postal code printed in brackets."""
    fields = _read(profile, REAL_CJ_PAGE, REAL_CJ_HEADER, bar=REAL_CJ_HEADER.splitlines()[1])
    assert [(t.value, t.carrier) for t in fields.tracking_numbers] == [("689289325376", "cj")]
    assert [(u.value, u.host, u.address_bar) for u in fields.urls] == [
        ("https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=689289325376", "www.cjlogistics.com", True)]
    assert [(a.value, a.postal_code) for a in fields.korean_addresses] == [("경기도 성남시 분당구 정자일로 95", "13561")]
    assert [t.value for t in fields.timestamps] == ["2026-03-08T07:09:00+09:00", "2026-03-10T14:22:00+09:00"]


# Real Tesseract output of a Coupang order page: the order id in the address bar (split; the bar's icons, read as
# "000" by the first pass, left out as the address bar pass leaves them out), the order
# id labelled in the page, phone numbers, and the carrier's name right before the tracking number.
REAL_COUPANG_HEADER = """0 쿠 팡 !| 주 문 상 세 x + - ao xX
< > BD @ > mc.coupang.com/ssr/desktop/order/3 1003875004743
"""
REAL_COUPANG_PAGE = REAL_COUPANG_HEADER + """1* 쿠 팡 주 문 상세
주 문 목 록 / 배 송 조회 2026. 2. 28 주문 주 문 번호 31003875004743
배 송 완료 ㆍ 3/4( 수 ) 도착
45,900 원 ㆍ 1 개
나의 리뷰 로 젠 택배 48525388853
연락처 010-*#**-4714
받 는 주소 (21998) 인 천 광역시 연수구 컨 벤 시 아 대로 81, 204 동 801 호
배 송 완 료 일 시 2026.03.04 15:04
"""


def test_real_ocr_of_a_coupang_order_page(profile):
    """GIVEN the real Tesseract text of a Coupang order page WHEN read
    THEN the number after the carrier's name is Logen's tracking number and the order id (in the URL and in the
    page) is not one; the URL keeps the order id whole."""
    fields = _read(profile, REAL_COUPANG_PAGE, REAL_COUPANG_HEADER)
    assert [(t.value, t.carrier) for t in fields.tracking_numbers] == [("48525388853", "logen")]
    assert [u.value for u in fields.urls] == ["https://mc.coupang.com/ssr/desktop/order/31003875004743"]
    assert [a.value for a in fields.korean_addresses] == ["인천광역시 연수구 컨벤시아대로 81"]
    assert [t.value for t in fields.timestamps] == ["2026-03-04T15:04:00+09:00"]


REAL_PRINT_PDF = """3/10/26, 7:28 PM Tracking | DHL
https://www.dhl.com/kr-en/home/tracking/tracking-express.html?submit=1&tracking-id=2684656321 1/1
DHL Express
Tracking number 2684656321
Delivery address (Postal code 48059) 부산광역시 해운대구 센텀중앙로 48, 1507호
Mar 9, 2026 3:35 PM Seongnam Delivered
"""


def test_print_pdf_text_layer(profile):
    """GIVEN the text layer of a browser's print-to-PDF (header date, URL with the page count "1/1" after it)
    WHEN read THEN the page count is not glued to the number, "tracking" in the URL labels nothing, and the
    address is read up to its building number."""
    fields = extract_fields([PageReading(1, REAL_PRINT_PDF, "text-layer")], profile)
    assert [(t.value, t.carrier, t.checksum) for t in fields.tracking_numbers] == [("2684656321", "dhl", "ok")]
    assert [(a.value, a.postal_code) for a in fields.korean_addresses] == [("부산광역시 해운대구 센텀중앙로 48", "48059")]
    assert [t.value for t in fields.timestamps] == ["2026-03-10T19:28:00+09:00", "2026-03-09T15:35:00+09:00"]


def test_a_misread_road_name_is_named_by_the_road_list_and_the_read_is_kept(profile):
    """GIVEN a delivery line where OCR read 센텀중앙로 as 셈 중앙로, one with a listed road, and one with a road the
    list does not hold WHEN the fields are extracted THEN the first names 센텀중앙로 and keeps the value as read
    (`as_read`, in the JSON too), the second is `listed`, the third stays as read, `unlisted`."""
    text = ("받는 분 주소 (48059) 부 산 광역시 해운대구 셈 중앙로 48, 1507 호\n"
            "보내는 분 서울특별시 송파구 올림픽로 300\n"
            "반품지 서울특별시 송파구 없는길로 7")
    found = _read(profile, text).korean_addresses
    assert [(a.value, a.road_check, a.as_read) for a in found] == [
        ("부산광역시 해운대구 센텀중앙로 48", "corrected", "부산광역시 해운대구 셈중앙로 48"),
        ("서울특별시 송파구 올림픽로 300", "listed", None),
        ("서울특별시 송파구 없는길로 7", "unlisted", None)]
    assert found[0].to_json()["as_read"] == "부산광역시 해운대구 셈중앙로 48"
    assert "as_read" not in found[1].to_json()


def test_a_clock_read_in_a_band_is_the_capture_and_table_times_are_events(profile):
    """GIVEN a CJ tracking screenshot whose footer band holds the taskbar clock WHEN its fields are read THEN the
    clock's timestamp is a capture, the table's are events, and each is in Korea's zone (the page states none)."""
    stamps = _read(profile, CJ_PAGE + CJ_FOOTER, footer=CJ_FOOTER).timestamps
    roles = {t.value: t.role for t in stamps}
    assert roles.pop("2026-03-11T14:31:00+09:00") == "capture"
    assert set(roles.values()) == {"event"} and len(roles) == 3
    assert {t.zone for t in stamps} == {"Asia/Seoul"}
    assert stamps[0].to_json()["role"] in ("capture", "event") and stamps[0].to_json()["zone"] == "Asia/Seoul"


def test_a_chat_from_a_chinese_phone_is_read_in_beijing_time(profile):
    """GIVEN a WeChat capture whose status bar names a Chinese carrier, with a dated and a 昨天 line, over a taskbar
    clock WHEN read THEN the chat's times are Beijing time (+08:00), 昨天 the day before the clock's; the clock is
    the capturing machine's (KST: a stated zone never governs a capture)."""
    text = ("中国移动 4G 下午3:05\n张经理\n2026年3月10日 下午1:25\n运单号 SF1234567890123\n昨天 晚上8:16\n收到了\n"
            "15:05\n2026/3/12")
    stamps = _read(profile, text).timestamps
    assert [t.value for t in stamps] == ["2026-03-10T13:25:00+08:00", "2026-03-11T20:16:00+08:00",
                                         "2026-03-12T15:05:00+09:00"]
    assert [t.zone for t in stamps] == ["Asia/Shanghai", "Asia/Shanghai", "Asia/Seoul"]


@pytest.mark.parametrize("read, expected", [
    ("trace.cjlogistics.com/next/tracking.html?wbINo=641949980498",
     "https://trace.cjlogistics.com/next/tracking.html?wblNo=641949980498"),
    ("https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MNO38&wbIinum=503901694726&schLang=KR",
     "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&wblnum=503901694726&schLang=KR"),
    ("www.dhl.com/kr-ko/home/tracking/tracking-express,html?submit=1&tracking-id=6312476881",
     "https://www.dhl.com/kr-ko/home/tracking/tracking-express.html?submit=1&tracking-id=6312476881"),
    ("www.lotteglogis.com/home/reservation/tracking/linkView?lnvNo=397137108126",
     "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo=397137108126"),
    # A photo's `?` read as 7: no piece-by-piece fit, but the key beside a number Lotte's check digit verifies.
    ("https://www.lotteglogis.com/home/reservation/tracking/linkView7invNo=237851221613",
     "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo=237851221613"),
    # Not a misread of a template: UPS's mobile page, a query the template does not have, an unknown host.
    ("https://www.ups.com/m/track?loc=en_KR&tracknum=1ZFDL2WA0348838411",
     "https://www.ups.com/m/track?loc=en_KR&tracknum=1ZFDL2WA0348838411"),
    ("https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MNO38",
     "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MNO38"),
    ("https://shop.example.com/next/tracking.html?wbINo=1", "https://shop.example.com/next/tracking.html?wbINo=1"),
])
def test_a_carrier_url_read_with_ocr_confusions_is_its_template(profile, read, expected):
    """GIVEN a carrier URL whose path or query keys OCR misread (l as I, 0 as O, a dot as a comma) WHEN extracted
    THEN it is the carrier's tracking-page template of the profile, the number as read; a URL that fits no
    template (another page, other query keys, another host) stays as read."""
    assert [u.value for u in _read(profile, read).urls] == [expected]


@pytest.mark.parametrize("reads, expected", [
    # Phone-mix tuning photo 9202/33: moiré garbled the host and the path into `eee`; UPS's fixed text after the
    # number and the number (1Z read with a 2 after it) that UPS's check digit verifies are its template.
    (("eee1Z2W7822U9098017985&requester=WT/trackdetails", "1Z2W7822U90980179858requester=WT/trackdetails"),
     ["https://www.ups.com/track?loc=ko_KR&tracknum=1ZW7822U9098017985&requester=WT/trackdetails"]),
    (("eeetrknbr=823483771620",), ["https://www.fedex.com/fedextrack/?trknbr=823483771620"]),
    # Two templates fit (DHL's Korean and English pages): which one the bar showed is unknown.
    (("xx tracking-id=7897776854",), []),
    # A number its check digit fails, and a row of bookmarks: no template.
    (("eeetrknbr=823423771620",), []),
    (("partner.coupang.com*Wwwwtacbac.com",), ["https://partner.coupang.com", "https://wwwwtacbac.com"]),
])
def test_a_bar_read_garbled_but_for_a_templates_text_beside_a_verified_number_is_that_template(
        profile, reads, expected):
    """GIVEN a photographed bar whose reads name no known host WHEN the fields are extracted THEN a read showing
    one carrier template's query key before, or fixed text after, a number the carrier's check digit verifies is
    that template's URL, as the address bar's; else the bar is as read."""
    page = PageReading(1, reads[0], "ocr", header_text=reads[0], bar_reads=reads)
    assert [u.value for u in extract_fields([page], profile).urls if u.address_bar] == expected


# Real Tesseract lines of the browser corpus's tuning seed 9003 (Chrome, a Logen page): the tab strip above the
# bar, the bookmarks bar under it, as the reader finds them around the bar (pipeline/reading/chrome.py).
TABS = "@ 코 젠 택배 화 물 주적 × 을 × § moi. naver.com X §® translate. google.com x + A ¥"
BAR = "www.ilogen.com/web/personal/trace/49852074263"
BOOKMARKS = "B papago.navercom 앨 mail.naver.com & 때 smartstore.navercom @Gmail 68 번역"


def test_tab_and_bookmark_hosts_are_other_visible_hosts_never_the_pages(profile):
    """GIVEN a screenshot whose tab strip and bookmarks bar show hosts (cut and misread: `moi. naver.com`,
    `translate. google.com`, `papago.navercom`) WHEN fields are extracted THEN the bar's URL is the page's (zone
    address-bar), the hosts of the tab strip and the bookmarks bar are reported in zones tab and bookmark, read
    against the profile's site_hosts (a split label joined back where the joined host is listed, a lost dot put
    back), and a host the page shows is in zone page."""
    text = "\n".join([TABS, BAR, BOOKMARKS, "배송조회", "문의: www.ilogen.com/m/faq"])
    page = PageReading(1, text, "ocr", header_text="\n".join([TABS, BAR, BOOKMARKS]), bar_reads=(BAR,),
                       tabs_text=TABS, bookmarks_text=BOOKMARKS)
    urls = extract_fields([page], profile).urls
    assert {u.value: u.zone for u in urls} == {
        "https://www.ilogen.com/web/personal/trace/49852074263": "address-bar",
        "https://naver.com": "tab", "https://translate.google.com": "tab", "https://papago.naver.com": "bookmark",
        "https://mail.naver.com": "bookmark", "https://smartstore.naver.com": "bookmark",
        "https://www.ilogen.com/m/faq": "page"}
    assert {u.host: u.as_read for u in urls if u.as_read} == {"papago.naver.com": "papago.navercom",
                                                              "smartstore.naver.com": "smartstore.navercom"}
    assert not any(u.host_check for u in urls)
    # Without the reader's rows the same hosts are the page's, as before.
    page = PageReading(1, text, "ocr", header_text="\n".join([TABS, BAR, BOOKMARKS]), bar_reads=(BAR,))
    assert {u.zone for u in extract_fields([page], profile).urls} == {"address-bar", "page"}


def test_a_tab_or_bookmark_host_no_list_accepts_is_kept_marked_never_the_pages(profile):
    """GIVEN a tab strip showing `wwwtaobao.com` (the dot after www lost), `1638.com` (1688.com, 8 read as 3), a
    host no closed list holds (`myshop-example.com`), and two near listed sites but too far off to repair
    (`moi.naver.com`, a cut mail.naver.com; `163838.com` for 1688.com) WHEN fields are extracted THEN the misread
    listed sites are repaired towards the listed ones, the host far from every site is kept as read, marked
    host_check unlisted, in zone tab, the near ones are left unread (two readings fit), and none is a URL of the
    page."""
    tabs = "wwwtaobao.com × 1638.com × myshop-example.com × moi.naver.com × 163838.com ×"
    page = PageReading(1, "\n".join([tabs, BAR, "배송조회"]), "ocr", bar_reads=(BAR,), tabs_text=tabs)
    urls = extract_fields([page], profile).urls
    assert {u.host: (u.zone, u.host_check) for u in urls if u.zone == "tab"} == {
        "www.taobao.com": ("tab", ""), "1688.com": ("tab", ""), "myshop-example.com": ("tab", "unlisted")}
    assert [u.host for u in urls if u.of_page] == ["www.ilogen.com"]
    assert {"zone": "tab", "host_check": "unlisted"}.items() <= next(
        u.to_json() for u in urls if u.host == "myshop-example.com").items()


def test_a_host_misread_towards_a_known_one_keeps_its_read(profile):
    """GIVEN a URL whose host OCR misread (`cjIogistics.com`) WHEN extracted THEN the value names the known host and
    `as_read` keeps the host as read; a host read right has no as_read."""
    urls = _read(profile, "https://www.cjIogistics.com/ko/tool/parcel/tracking?gnbInvcNo=689212345674").urls
    assert [(u.host, u.as_read) for u in urls] == [("www.cjlogistics.com", "www.cjIogistics.com")]
    assert [u.as_read for u in _read(profile, "https://www.ups.com/track?loc=ko_KR").urls] == [""]


def test_a_host_only_bar_misread_is_the_host_of_the_carrier_the_page_names(profile):
    """GIVEN an in-app browser's host-only bar read `dhlil.com` under the title `Tracking | DHL` WHEN fields are
    extracted THEN the bar's host is dhl.com (two edits, within bar_host_budget, of a carrier the page names), its
    read kept; where the page names no carrier, or names another, the read stands."""
    def bar(text: str) -> list[tuple[str, str, str]]:
        page = PageReading(1, f"{text}\ndhlil.com\n4:16", "ocr", header_text=f"{text}\ndhlil.com",
                           bar_reads=("dhlil.com",))
        return [(u.host, u.zone, u.as_read) for u in extract_fields([page], profile).urls if u.address_bar]

    assert bar("Tracking | DHL") == [("dhl.com", "address-bar", "dhlil.com")]
    assert bar("Tracking") == [("dhlil.com", "address-bar", "")]
    assert bar("FedEx Tracking") == [("dhlil.com", "address-bar", "")]


def test_a_stated_zone_governs_later_pages_and_the_bands_as_it_governs_the_page(profile):
    """GIVEN a two-page document whose first page states Beijing time above its rows (one of them in the page's
    bottom band too) and whose second page only continues the table WHEN its fields are read THEN every row is read in
    Beijing time (one value for the row the band repeats), and the taskbar clock of page 2 in the machine's zone."""
    first = PageReading(index=1, text="以下时间均为北京时间（UTC+8）\n2026-03-10 14:22 已揽收\n2026-03-10 18:40 深圳",
                        source="ocr", footer_text="2026-03-10 18:40 深圳")
    second = PageReading(index=2, text="2026-03-11 09:05 已发往韩国\n오후 2:31\n2026-03-12", source="ocr",
                         footer_text="오후 2:31\n2026-03-12")
    stamps = extract_fields([first, second], profile).timestamps
    assert sorted(t.value for t in stamps) == ["2026-03-10T14:22:00+08:00", "2026-03-10T18:40:00+08:00",
                                               "2026-03-11T09:05:00+08:00", "2026-03-12T14:31:00+09:00"]
    assert next(t.role for t in stamps if t.value.startswith("2026-03-12")) == "capture"


def test_no_statement_of_the_page_governs_the_screen_s_top_band(profile):
    """GIVEN a capture whose top band (the screen's own rows) holds a macOS menu bar's clock, and whose page states
    Beijing time under it, above its summary row WHEN its fields are read THEN the menu bar's clock keeps the
    machine's zone, and the summary above the statement and the rows under it are Beijing time."""
    text = "3월 11일 (수) 오전 8:17\n배송완료 2026-03-10 18:40\n以下时间均为北京时间（UTC+8）\n2026-03-10 18:40 已签收"
    page = PageReading(index=1, text=text, source="ocr", header_text="3월 11일 (수) 오전 8:17")
    stamps = sorted(t.value for t in extract_fields([page], profile).timestamps)
    assert stamps == ["2026-03-10T18:40:00+08:00", "2026-03-11T08:17:00+09:00"]
