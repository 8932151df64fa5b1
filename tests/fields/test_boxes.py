"""Each field's box: a span of a page's lines maps to the union of the parts of the words it covers
(pipeline/fields/boxes.py), OCR lines keep their words' boxes (engine.lines_of, recheck.page_lines/unturned), a text
layer's lines come with PDFium's character boxes, and the box reaches scan JSON (additively)."""
from __future__ import annotations

from dataclasses import replace

import pypdfium2 as pdfium

from pipeline.fields.boxes import MATCHES, PageText, find, needles, with_boxes
from pipeline.model import (Fields, KoreanAddress, PageReading, Reading, TextLine, Timestamp, TrackingNumber, Url)
from pipeline.reading.engine import OcrWord, lines_of
from pipeline.reading.reader import text_layer_lines
from pipeline.reading.recheck import page_lines, unturned
from tests.reading.test_reader import text_pdf


def line(text: str, top: int, lefts: list[int], width: int = 10) -> TextLine:
    """A line whose words (split at spaces) are `width` px per character, starting at `lefts`."""
    words, at = [], 0
    for word, left in zip(text.split(" "), lefts):
        words.append((at, at + len(word), left, top, left + width * len(word), top + 20))
        at += len(word) + 1
    return TextLine(text, (words[0][2], top, words[-1][4], top + 20), tuple(words))


PAGE = PageReading(1, "", "ocr", width=1000, height=800, lines=(
    line("cjlogistics.com/tracking?no=689212345674", 10, [100]),
    line("운송장번호 689212345674 배송완료", 100, [100, 200, 400]),
    line("2026.03.10 14:22 서울강서 배송완료", 140, [100, 220, 400, 500]),
    line("받는 분 주소: 서울특별시 송파구", 180, [100, 130, 160, 240, 400]),
    line("올림픽로 300", 200, [100, 180]),
))


def test_a_span_maps_to_the_union_of_the_parts_of_the_words_it_covers():
    """GIVEN a page's lines with their words' boxes WHEN spans of the joined text are boxed THEN a whole word gives its
    box, part of a word the part its characters take, two lines the union of both parts."""
    text = PageText.of(PAGE.lines)
    start = text.text.index("689212345674 배송")
    assert text.box(start, start + 12) == (200, 100, 320, 120)
    url = text.text.index("689212345674")  # inside the URL's one word: placed by the characters' usual widths
    x0, y0, x1, y1 = text.box(url, url + 12)  # drawn 10 px each here: the digits are at 380-500
    assert 340 <= x0 <= 380 and (y0, x1, y1) == (10, 500, 30)
    address = text.text.index("서울특별시")
    assert text.box(address, text.text.index("300") + 3) == (100, 180, 430, 220)
    assert text.box(3, 3) is None


def text_box_of_url(page: PageText) -> tuple[int, int, int, int]:
    at = page.text.index("689212345674")
    return page.box(at, at + 12)


def test_a_field_is_found_again_exactly_then_inexactly_and_never_elsewhere():
    """GIVEN the page WHEN fields are looked for THEN a tracking number read on its own is boxed where it stands alone
    (not in the URL), one read from the URL in the URL; one misread digit is still found; another number is not; a
    timestamp as printed and an address spread over two lines are boxed."""
    page = PageText.of(PAGE.lines)
    track = MATCHES["tracking_numbers"]
    assert find(page, needles(TrackingNumber("689212345674", "cj", "ok")), track, whole=True) == (200, 100, 320, 120)
    assert find(page, ["689212345674"], track, whole=False) == text_box_of_url(page)
    below = PageText.of(PAGE.lines[1:])
    assert find(below, ["689212345675"], track, whole=True) == (200, 100, 320, 120)  # one digit misread
    assert find(page, ["123456789012"], track, whole=True) is None
    assert find(below, ["689212340000"], track, whole=True) is None
    stamp = Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00")
    assert find(page, needles(stamp), MATCHES["timestamps"]) == (100, 140, 270, 160)
    address = KoreanAddress("서울특별시 송파구 올림픽로 300")
    assert find(page, needles(address), MATCHES["korean_addresses"]) == (100, 180, 430, 220)


def test_with_boxes_boxes_each_field_on_its_page_and_keeps_a_barcodes_box():
    """GIVEN fields of page 1 (one a barcode's with its box) and one of a page without lines WHEN boxed THEN each of
    page 1 has its box, the barcode's is unchanged, the other has none; scan JSON carries `box` only where found,
    and Fields.from_json reads it back."""
    fields = Fields(
        tracking_numbers=(TrackingNumber("689212345674", "cj", "ok", source="ocr"),
                          TrackingNumber("689212345674", "cj", "ok", source="barcode", box=(1, 2, 3, 4))),
        timestamps=(Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00"),
                    Timestamp("2026.03.11 09:00", "2026-03-11T09:00:00+09:00", page=2)),
        urls=(Url("https://cjlogistics.com/tracking?no=689212345674", "cjlogistics.com"),),
        korean_addresses=(KoreanAddress("서울특별시 송파구 올림픽로 300"),))
    boxed = with_boxes(fields, [PAGE, PageReading(2, "2026.03.11 09:00", "ocr")])
    assert [t.box for t in boxed.tracking_numbers] == [(200, 100, 320, 120), (1, 2, 3, 4)]
    assert [t.box for t in boxed.timestamps] == [(100, 140, 270, 160), None]
    assert boxed.urls[0].box == (100, 10, 500, 30)
    assert boxed.korean_addresses[0].box == (100, 180, 430, 220)
    data = boxed.to_json()
    assert data["timestamps"][0]["box"] == [100, 140, 270, 160] and "box" not in data["timestamps"][1]
    assert data["urls"][0]["box"] == [100, 10, 500, 30]
    assert Fields.from_json(data) == boxed
    reading = Reading("x.png", "0" * 64, (PAGE,), boxed, (), "test")
    assert reading.to_json()["fields"]["korean_addresses"][0]["box"] == [100, 180, 430, 220]
    assert reading.to_json()["page_sizes"] == [{"page": 1, "width": 1000, "height": 800, "unit": "px"}]


def test_ocr_lines_keep_each_words_characters_and_box_through_scaling_and_turning():
    """GIVEN Tesseract's words of one line (Chinese characters read one by one, joined without spaces) WHEN grouped,
    scaled back to the page image and turned back THEN each word's span in the line's text is its own text, and its
    box follows the line's."""
    words = [OcrWord(text, left, 10, 40 * len(text), 40, 90.0, ("1", "1", "1", "1"))
             for text, left in (("运单号", 0), ("深", 200), ("圳", 240), ("SF1234567890", 400))]
    (read,), _ = lines_of(words)
    assert read.text == "运单号深圳 SF1234567890"
    assert [read.text[start:end] for start, end, *_ in read.words] == ["运单号", "深", "圳", "SF1234567890"]
    (on_page,) = page_lines([read], 2.0)
    assert on_page.words[3] == (6, 18, 200, 5, 440, 25)
    (same,) = unturned([on_page], 0.0, (1000, 800), (1000, 800))
    assert same == on_page
    (turned,) = unturned([on_page], 90.0, (1000, 800), (800, 1000))
    assert len(turned.words) == 4 and turned.words[3][:2] == (6, 18)
    x0, y0, x1, y1 = turned.words[3][2:]
    assert abs(x1 - x0 - 20) <= 1 and abs(y1 - y0 - 240) <= 1  # a word turned a quarter is as tall as it was wide


def test_a_text_layers_lines_carry_pdfiums_character_boxes_in_points_from_the_top(tmp_path):
    """GIVEN a text PDF with a line drawn at x=60, baseline 780 pt from the bottom (11 pt NanumGothic) WHEN its text
    layer is read with boxes THEN the text is the text layer's, and the tracking number's box lies on that line:
    within the page's top 62-72 pt, starting right of x=60."""
    path = text_pdf(tmp_path / "t.pdf", [["운송장번호 689212345674 배송완료", "2026-03-10 14:22"]])
    pdf = pdfium.PdfDocument(path)
    try:
        text, lines = text_layer_lines(pdf[0])
    finally:
        pdf.close()
    assert [line.text.strip() for line in lines] == ["운송장번호 689212345674 배송완료", "2026-03-10 14:22"]
    assert text.replace("\r", "").splitlines()[0].strip() == lines[0].text.strip()
    page = PageReading(1, text, "text-layer", width=595, height=842, lines=lines)
    boxed = with_boxes(Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok", source="text"),)), [page])
    x0, y0, x1, y1 = boxed.tracking_numbers[0].box
    assert 60 < x0 < x1 < 300 and 842 - 780 - 11 <= y0 < y1 <= 842 - 780 + 4, (x0, y0, x1, y1)


def test_a_field_read_only_where_no_line_shows_it_has_no_box():
    """GIVEN a URL repaired from a host no line shows (nothing near enough) WHEN boxed THEN it has none."""
    url = Url("https://www.ups.com/track?tracknum=1Z", "www.ups.com", as_read="")
    boxed = with_boxes(Fields(urls=(url,)), [PAGE])
    assert boxed.urls[0].box is None
    assert with_boxes(Fields(urls=(url,)), [replace(PAGE, lines=())]).urls[0].box is None


CARRIER_PAGE = PageReading(1, "", "ocr", width=1000, height=800, lines=(
    line("https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345674", 10, [100]),
    line("CJ대한통운 택배 조회", 60, [100, 260, 340]),
    line("운송장번호 689212345674", 100, [100, 200]),
    line("고객센터 CJ대한통운 1588-1255", 700, [100, 200, 360]),
))


def test_a_numbers_carrier_is_boxed_where_its_page_names_it_nearest_the_number():
    """GIVEN a CJ page naming CJ대한통운 twice (a heading by the number, a footer far below) WHEN its number (carrier
    cj) is boxed THEN its carrier_box is the heading's name (the mention nearest the number); it reaches scan JSON and
    comes back from it; a number of another carrier, or of none, gets no carrier box from this page."""
    numbers = (TrackingNumber("689212345674", "cj", "ok", source="ocr"),
               TrackingNumber("689212345674", "hanjin", "none", source="ocr"),
               TrackingNumber("689212345674", None, "none", source="ocr"))
    boxed = with_boxes(Fields(tracking_numbers=numbers), [CARRIER_PAGE])
    cj, hanjin, unknown = boxed.tracking_numbers
    assert cj.carrier_box == (100, 60, 160, 80)  # 'CJ대한통운', the heading's first word, whole (not the footer's)
    assert hanjin.carrier_box is None and unknown.carrier_box is None
    data = boxed.to_json()
    assert data["tracking_numbers"][0]["carrier_box"] == list(cj.carrier_box)
    assert "carrier_box" not in data["tracking_numbers"][1]
    assert Fields.from_json(data) == boxed


def test_a_carrier_the_page_does_not_name_is_boxed_on_its_sites_host_else_not_at_all():
    """GIVEN a page without the carrier's name but with its tracking page's address (its host misread, `as_read`)
    WHEN boxed with the profile's hosts THEN the carrier box is the host as read in the address; without the
    profile's hosts, or on a page showing neither, there is none."""
    from pipeline.profile import Profile
    page = replace(CARRIER_PAGE, lines=(line("https://trace.cjlogistcs.com/next/tracking.html?wblNo=689212345674",
                                             10, [100]), line("운송장번호 689212345674", 100, [100, 200])))
    url = Url("https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345674", "trace.cjlogistics.com",
              address_bar=True, as_read="trace.cjlogistcs.com")
    fields = Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok", source="ocr"),), urls=(url,))
    boxed = with_boxes(fields, [page], Profile.load().carrier_for_host)
    x0, y0, x1, y1 = boxed.tracking_numbers[0].carrier_box
    assert (y0, y1) == (10, 30) and 100 < x0 < x1 < 100 + 10 * len("https://trace.cjlogistcs.com/") + 10
    assert with_boxes(fields, [page]).tracking_numbers[0].carrier_box is None
    bare = replace(page, lines=page.lines[1:])
    assert with_boxes(fields, [bare], Profile.load().carrier_for_host).tracking_numbers[0].carrier_box is None


def test_a_repaired_host_the_lines_read_otherwise_is_found_by_the_confusion_model():
    """GIVEN a phone's host-only address bar whose host the reader repaired (www.lotteglogis.com, read in the bar as
    www.iotteglogis.com) and page lines that read the host three learned confusions off (`www.iotteaIcgis.com`: past
    the 85 % similarity of the inexact search) WHEN boxed THEN the URL's box is that word's; where another word reads
    as near (a second, other misread of the host), or the lines' read is beyond the host's repair budget, it has
    none."""
    url = Url("https://www.lotteglogis.com", "www.lotteglogis.com", address_bar=True, full=False,
              as_read="www.iotteglogis.com")
    bar = line("a www.iotteaIcgis.com :", 10, [20, 100, 300])
    assert find(PageText.of([bar]), needles(url), MATCHES["urls"]) is None  # the 85 % search
    boxed = with_boxes(Fields(urls=(url,)), [replace(PAGE, lines=(bar,) + PAGE.lines[1:])])
    assert boxed.urls[0].box == (100, 10, 290, 30)
    twice = (bar, line("www.iotteaicgis.com", 50, [100]))
    assert with_boxes(Fields(urls=(url,)), [replace(PAGE, lines=twice)]).urls[0].box is None
    far = (line("a www.xyzzyqlcgis.net :", 10, [20, 100, 300]),)
    assert with_boxes(Fields(urls=(url,)), [replace(PAGE, lines=far)]).urls[0].box is None
