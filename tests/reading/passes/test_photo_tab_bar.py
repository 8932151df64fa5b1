"""A photographed screen's bar that is a host without a path is doubted (passes/address_bar.py _maybe_a_tab)."""
from __future__ import annotations

from PIL import Image

from pipeline.reading.engine import OcrWord
from pipeline.reading.passes.address_bar import _maybe_a_tab
from pipeline.reading.settings import settings

CFG = settings()
# A dark photographed Firefox (tuning phone mix): the first pass read only the other tab's host in the band.
TAB = [OcrWord("mail.naver.com", 480, 260, 120, 15, 80.0, ("tabs",))]
BAR = [OcrWord("www.fedex.com/fedextrack/?trknbr=814576544797", 350, 310, 500, 15, 80.0, ("bar",))]
GRAY = Image.new("L", (1793, 1345), 40)  # no text-like row at all: rows_unread cannot be what doubts it


def test_a_photos_host_without_path_in_the_band_is_doubted():
    assert _maybe_a_tab(TAB, TAB, GRAY, 1345, CFG, photographed=True)


def test_a_screenshots_host_without_an_unread_row_under_it_is_not():
    assert not _maybe_a_tab(TAB, TAB, GRAY, 1345, CFG, photographed=False)


def test_a_photos_bar_with_a_path_is_not_doubted():
    assert not _maybe_a_tab(BAR, BAR, GRAY, 1345, CFG, photographed=True)


def test_a_photos_host_below_the_band_is_not_doubted():
    low = [OcrWord("mail.naver.com", 480, 900, 120, 15, 80.0, ("page",))]
    assert not _maybe_a_tab(low, low, GRAY, 1345, CFG, photographed=True)
