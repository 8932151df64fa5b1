"""pipeline/reading/passes/address_bar.py: finding the address bar among the first pass's words, its crop,
the consensus of its reads, and real reads of rendered browser captures."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import ocr
from pipeline.reading.settings import settings as ocr_settings
from pipeline.reading.passes import address_bar
from tests.reading.ocr_fakes import GOTHIC, word, browser_screenshot


def test_the_bar_crop_starts_after_the_lock_icon_not_after_url_text_read_as_something_else():
    """GIVEN an address bar row: the reload and lock icons, then the URL's start read as digits and Hangul (10
    heights wide) or as `16 따 여` (3 heights wide), then the words the first pass saw as URL WHEN the icon before
    the URL is chosen THEN it is the lock, each time; icons read together as one wide word (`B&B`) are still an
    icon; with nothing but URL text left of it, there is none."""
    cfg = ocr_settings()
    url = [word("comm", 820), word("?POST_CODE=EE172130060CN", 880)]
    for garbled in (word("6610160660050190111266 티 51", 540, width=200), word("16 따 여", 540, width=60)):
        row = [word("C", 140, width=18), word("@", 226, width=17), word("epost", 300), garbled]
        assert address_bar.icon_before(row + url, url, cfg).text == "@"
    assert address_bar.icon_before([word("@", 100, width=17), word("B&B", 140, width=68)] + url, url, cfg).text == "B&B"
    assert address_bar.icon_before([word("RetrieveEmsRigiTraceList", 500)] + url, url, cfg) is None


def test_address_bar_words_take_the_url_and_its_split_pieces_but_not_the_icons():
    """GIVEN a first-pass bar row `< > @ dhl. com/kr-en/track.html?id=26846 56321 ... 0 0 0` (icons, a URL split at a
    dot and a digit, toolbar icons far right) and a URL in the page body WHEN the bar is located THEN its words are
    `dhl.`, `com/...`, `56321`, without the lock icon, the arrows or the far icons, and not the body URL."""
    row = [word("<", 10), word(">", 40), word("@", 100), word("dhl.", 125), word("com/kr-en/track.html?id=26846", 170),
           word("56321", 420), word("0", 1200), word("0", 1240)]
    body = [word("www.dhl.com/kr-en/faq/and/much/longer/text", 40, top=500, line="9")]
    bar = address_bar.address_bar_words(row + body, 768, ocr_settings())
    assert [w.text for w in bar] == ["dhl.", "com/kr-en/track.html?id=26846", "56321"]


def test_address_bar_is_looked_for_lower_in_a_photo_but_never_found_without_a_url():
    """GIVEN a URL at 20% of the height (a photo of a monitor: the screen starts lower) and a page with no URL
    at all WHEN the bar is located THEN the first is found, the second gives no bar (no band pass is paid)."""
    cfg = ocr_settings()
    photo = [word("Tracking", 10, top=20, line="0"), word("fedex.com/fedextrack/?trknbr=1", 200, top=150)]
    assert [w.text for w in address_bar.address_bar_words(photo, 768, cfg)] == ["fedex.com/fedextrack/?trknbr=1"]
    assert address_bar.address_bar_words([word("배송조회", 10), word("2026.03.11", 100)], 768, cfg) == []


@pytest.mark.e2e
@pytest.mark.parametrize("dark", [False, True])
def test_real_tesseract_reads_the_address_bar_url_exactly(tmp_path, dark):
    """GIVEN a generated 1366x768 browser capture (light and dark mode) whose address bar holds a tracking URL next
    to a lock icon and toolbar icons WHEN OCR'd as a screen THEN the header band holds the URL exactly, with no
    icon read into it, and the page text does not hold a second, garbled copy of it."""
    url = "cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=601234567890"
    image = browser_screenshot(url, ("오후 2:31", "2026-03-11"), dark)
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, screen=True)
    assert url in page.header_text.splitlines()
    assert page.text.count("gnbInvcNo") == 1


@pytest.mark.e2e
def test_real_tesseract_finds_the_url_of_a_dark_toolbar_over_a_light_page_resaved_at_q55(tmp_path):
    """GIVEN a light page under a dark browser toolbar, re-saved as a 1280-px JPEG at quality 55 (as chat apps do)
    WHEN OCR'd as a screen
    THEN the address bar's URL is read (its host and tracking number), though kor+eng alone garbles that row."""
    url = "ilogen.com/web/personal/trace/33194875749"
    image = browser_screenshot("cjlogistics.com/x", ("오후 4:20", "2026-03-11"))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1366, 110), fill=(32, 33, 36))
    draw.rounded_rectangle((120, 42, 1250, 74), radius=16, fill=(53, 54, 58))
    for x, icon in ((20, "←"), (55, "→"), (90, "↻")):
        draw.text((x, 58), icon, font=ImageFont.truetype(GOTHIC, 14), fill=(232, 234, 237), anchor="lm")
    draw.rectangle((140, 52, 150, 64), fill=(232, 234, 237))
    draw.text((162, 58), url, font=ImageFont.truetype(GOTHIC, 14), fill=(200, 200, 205), anchor="lm")
    draw.text((40, 90), "로젠택배 iLOGEN", font=ImageFont.truetype(GOTHIC, 18), fill=(120, 200, 160), anchor="lm")
    resaved = tmp_path / "q55.jpg"
    image.resize((1280, 720), Image.Resampling.LANCZOS).save(resaved, "JPEG", quality=55)
    page, _ = ocr.ocr_page(Image.open(resaved), 1, tmp_path / "p.png", timeout=60, screen=True)
    assert "ilogen.com/web/personal/trace/33194875749" in page.header_text


def test_consensus_is_the_read_closest_to_all_others():
    """GIVEN reads of one address bar at several scales, each garbling other characters WHEN the consensus is taken
    THEN it is the read with the fewest edits to the others (not the first one), a tie goes to the earliest, and no
    reads give ""."""
    reads = ["hitps:/Avww.iups:com/track", "https://www.ups.com/track", "https://www.ups.corn/track",
             "https://vww.ups.com/track"]
    assert address_bar.consensus(reads) == "https://www.ups.com/track"
    assert address_bar.consensus(["abc", "abd"]) == "abc"
    assert address_bar.consensus([]) == ""


def test_a_favourites_row_read_as_one_word_is_not_the_bar():
    """GIVEN Safari's real bar (a host alone, in the toolbar) and under it its favourites bar, which OCR read as one
    glued word of three hosts (a real read of a tuning capture) WHEN the bar is located THEN it is the host alone:
    one URL has one host, and the glued row's other hosts count against it as other entries."""
    bar = [word("@", 560, top=60, line="1"), word("hanjin.com", 600, top=60, line="1")]
    favourites = [word("mail.naver.com(f)1688.com_[P)partner.coupang.com(@jOjKfM)YouTube", 40, top=110, line="2")]
    assert [w.text for w in address_bar.address_bar_words(bar + favourites, 1080, ocr_settings())] == ["hanjin.com"]


def test_a_toolbar_row_the_first_pass_read_nothing_on_sends_the_band_to_the_latin_read():
    """GIVEN a 1600x900 capture whose top band holds a tab strip the first pass read (`papago.naver.com x`) and,
    under it, a dark toolbar whose light URL it read nothing on (as on a tuning Firefox capture under a top taskbar,
    and a dark Safari and Whale window) WHEN the band is judged THEN it may hold the bar (the Latin band read is
    paid); with a word on the toolbar's row, or on a photographed screen (moiré makes rows of edges everywhere),
    it is not."""
    cfg = ocr_settings()
    pixels = np.full((900, 1600), 250, np.uint8)
    pixels[70:90, 200:600:6] = 40  # the tab strip's titles, read
    pixels[100:150] = 45  # the dark toolbar
    pixels[118:132, 180:900:5] = 220  # its URL, light strokes, unread
    gray = Image.fromarray(pixels)
    tabs = [word("papago.naver.com", 200, top=70, line="1"), word("x", 420, top=70, line="1")]
    assert address_bar.bar_looks_garbled(tabs, gray, 900, cfg)
    read = tabs + [word("trace.cjlogistics.com", 180, top=116, line="2")]
    assert not address_bar.bar_looks_garbled(read, gray, 900, cfg)
    assert not address_bar.bar_looks_garbled(tabs, gray, 900, cfg, unread_rows=False)
    assert address_bar.bar_looks_garbled([], gray, 900, cfg, unread_rows=False)


def test_a_tab_host_over_an_unread_toolbar_is_doubted_as_the_bar_a_path_or_a_read_toolbar_is_not():
    """GIVEN a dark downscaled window whose first pass read one tab's host (`wing.coupang.com`, at the top) and
    nothing of the toolbar under it WHEN the bar it found is judged THEN it may be a tab (the band is read as Latin,
    where a bar with a path outscores it); not so where the toolbar's row holds a word, where the bar shows a path,
    or where nothing unread lies under it (Safari's host-only bar over its read tab strip)."""
    cfg = ocr_settings()
    pixels = np.full((575, 1022), 250, np.uint8)
    pixels[:70] = 40
    pixels[8:20, 170:300:4] = 220  # the tab's host
    pixels[38:52, 100:600:4] = 200  # the toolbar's URL, unread
    gray = Image.fromarray(pixels)
    tab = [word("wing.coupang.com", 170, top=8, height=12, line="1")]
    assert address_bar._maybe_a_tab(tab, tab, gray, 575, cfg)
    toolbar = word("https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm", 100, top=38, height=14,
                   line="2")
    assert not address_bar._maybe_a_tab(tab, tab + [toolbar], gray, 575, cfg)
    assert not address_bar._maybe_a_tab([toolbar], tab + [toolbar], gray, 575, cfg)
    pixels[38:52] = 40
    assert not address_bar._maybe_a_tab(tab, tab, Image.fromarray(pixels), 575, cfg)
