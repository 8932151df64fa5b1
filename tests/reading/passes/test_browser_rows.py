"""The tab strip and bookmarks bar around the address bar (passes/address_bar.py browser_rows), on word boxes."""
from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import ImageDraw, ImageFont

from pipeline.fields.extract import extract_fields
from pipeline.reading import ocr
from pipeline.reading.engine import OcrWord
from pipeline.reading.passes.address_bar import browser_rows
from pipeline.reading.settings import settings
from tests.reading.ocr_fakes import GOTHIC, browser_screenshot

# The reaches of these tests, whatever ocr.toml holds: the tests are about the geometry.
CFG = replace(settings(), chrome_tab_reach=3.0, chrome_bookmarks_reach=2.0, chrome_bookmarks_min_entries=2,
              chrome_max_bar_centre=0.5)


def _row(line: str, top: int, height: int, *texts: str) -> list[OcrWord]:
    return [OcrWord(text, 20 + 200 * i, top, 150, height, 90.0, (line,)) for i, text in enumerate(texts)]


# Boxes as Tesseract gave them on the OCR copy (height 1330) of a tuning capture: Chrome, a Logen page.
TABS = _row("tabs", 16, 46, "코젠택배", "moi.", "naver.com", "translate.", "google.com")
BAR = _row("bar", 95, 24, "www.ilogen.com/web/personal/trace/49852074263")
BOOKMARKS = _row("bookmarks", 152, 33, "papago.navercom", "mail.naver.com", "smartstore.navercom", "@Gmail")
PAGE = _row("page", 330, 50, "배송조회") + _row("link", 426, 25, "www.ilogen.com/m/faq")


def test_rows_above_the_bar_are_tabs_and_the_row_under_it_with_hosts_is_the_bookmarks_bar():
    """GIVEN a desktop capture's words WHEN the rows around the bar are sorted THEN the row above is the tab strip,
    the row right under it (two URL-looking entries) the bookmarks bar, and the page's rows neither."""
    tabs, bookmarks = browser_rows(TABS + BAR + BOOKMARKS + PAGE, (95, 119), 1330, CFG)
    assert tabs == "코젠택배 moi. naver.com translate. google.com"
    assert bookmarks == "papago.navercom mail.naver.com smartstore.navercom @Gmail"


def test_a_row_under_the_bar_without_hosts_is_the_page():
    """GIVEN no bookmarks bar: the page's own first row right under the bar, one link in it WHEN sorted THEN there
    is no bookmarks bar (one URL-looking entry is a page's link, a bookmarks bar holds several)."""
    nav = _row("nav", 150, 40, "대한통운", "배송조회", "www.cjlogistics.com")
    assert browser_rows(TABS + BAR + nav + PAGE, (95, 119), 1330, CFG) == (TABS_TEXT, "")


TABS_TEXT = "코젠택배 moi. naver.com translate. google.com"


def test_a_bar_at_the_bottom_has_no_tabs_or_bookmarks():
    """GIVEN a phone's bar at the bottom (iOS Safari) WHEN sorted THEN the page above it is no tab strip."""
    bar = _row("bar", 1900, 30, "service.epost.go.kr")
    page = _row("page", 1850, 30, "www.epost.go.kr", "papago.naver.com")
    assert browser_rows(page + bar, (1900, 1930), 2000, CFG) == ("", "")


def test_rows_far_above_the_bar_are_not_tabs():
    """GIVEN a photographed monitor whose bar lies a third down WHEN sorted THEN rows more than tab_reach bar heights
    above it (the room, another window) are not the tab strip."""
    far = _row("far", 100, 30, "shop.example.com")
    near = _row("near", 560, 30, "1688.com")
    bar = _row("bar", 620, 30, "www.ups.com/track?loc=ko_KR")
    assert browser_rows(far + near + bar, (620, 650), 2000, CFG) == ("1688.com", "")


@pytest.mark.e2e
def test_real_tesseract_sorts_tabs_and_bookmarks_from_the_address_bar(tmp_path, profile):
    """GIVEN a 1366x768 capture whose tab strip shows hosts (`1688.com`, `mail.naver.com`) above the address bar and
    whose bookmarks bar shows hosts (`papago.naver.com`, `taobao.com`) under it WHEN OCR'd as a screen and
    its fields extracted THEN the tab and bookmark hosts are in their rows and zones, never the page's; the bar's
    URL is the address bar's."""
    url = "cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=601234567890"
    image = browser_screenshot(url, ("오후 2:31", "2026-03-11"))
    draw = ImageDraw.Draw(image)
    small = ImageFont.truetype(GOTHIC, 12)
    for x, title in ((260, "1688.com"), (460, "mail.naver.com")):
        draw.text((x, 18), title, font=small, fill=(32, 33, 36), anchor="lm")
    draw.rectangle((0, 78, 1366, 100), fill=(255, 255, 255))
    for x, name in ((30, "papago.naver.com"), (220, "taobao.com"), (410, "YouTube")):
        draw.text((x, 89), name, font=small, fill=(32, 33, 36), anchor="lm")
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, screen=True)
    assert "1688.com" in page.tabs_text and "naver" in page.tabs_text
    assert "papago.naver.com" in page.bookmarks_text.lower() and "taobao.com" in page.bookmarks_text
    zones = {u.host: u.zone for u in extract_fields([page], profile).urls}
    assert zones.pop("cjlogistics.com") == "address-bar"
    assert zones["1688.com"] == "tab" and zones["papago.naver.com"] == zones["taobao.com"] == "bookmark"
    assert set(zones.values()) == {"tab", "bookmark"}  # however OCR read the rest of those rows


def test_a_row_under_the_bar_with_close_marks_is_safaris_tab_strip():
    """GIVEN Safari's layout: the tabs under the bar, `× host ×` WHEN sorted THEN that row is the tab strip (one
    URL-looking entry and close marks), not a bookmarks bar, not the page."""
    tabs = _row("tabs", 150, 40, "한진택배", "x", "wwwtaobao.com", "x")
    assert browser_rows(BAR + tabs + PAGE, (95, 119), 1330, CFG) == ("한진택배 x wwwtaobao.com x", "")


def test_safaris_favourites_bar_under_its_tab_strip_is_the_bookmarks_bar():
    """GIVEN Safari: the bar, its tabs under it, its favourites bar under those WHEN sorted THEN the tabs row is
    the tab strip, the next the bookmarks bar, and the page's rows neither."""
    tabs = _row("tabs", 150, 40, "우체국", "×", "mail.naver.com", "×")
    favourites = _row("favourites", 210, 30, "google.com", "smartstore.naver.com")
    assert browser_rows(BAR + tabs + favourites + PAGE, (95, 119), 1330, CFG) == (
        "우체국 × mail.naver.com ×", "google.com smartstore.naver.com")
