"""recheck: where a value was read on a page, and reading that box again alone after a re-encoding."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.model import PageReading, TextLine, Timestamp, TrackingNumber, Url
from pipeline.reading import barcodes, recheck
from pipeline.reading.engine import OcrLine
from tests.reading.test_barcodes import page_with

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
TRACKING = "689212345674"
LINE = f"운송장번호 {TRACKING[:4]}-{TRACKING[4:8]}-{TRACKING[8:]}"


def page_with_line(text: str = LINE, size=(1400, 900), at=(120, 400), px: int = 34) -> tuple[Image.Image, tuple]:
    """A white page with one line of text, and the line's box as drawn."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, px)
    draw.text(at, text, font=font, fill=(25, 25, 25))
    return image, tuple(draw.textbbox(at, text, font=font))


def test_page_lines_are_boxed_in_the_page_images_pixels():
    """GIVEN lines read on a copy enlarged 2x WHEN they become page lines THEN their boxes are halved, rounded
    outwards, and blank lines are left out."""
    lines = [OcrLine("abc 123", 201, 99, 300, 41, 90.0), OcrLine("  ", 0, 0, 10, 10, 0.0)]
    assert recheck.page_lines(lines, 2.0) == (TextLine("abc 123", (100, 49, 251, 70)),)


def test_spots_of_a_number_a_timestamp_and_a_url_are_the_lines_that_show_them():
    """GIVEN a page whose lines show a hyphenated number, a spaced timestamp and a URL, and a barcode's number
    WHEN their spots are asked THEN each is its line's box (the barcode's own box), with the characters to find."""
    lines = (TextLine("Tracking 6892-1234-5674", (10, 10, 400, 40)),
             TextLine("2026.03.10  14:22 배송완료", (10, 60, 400, 90)),
             TextLine("https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345674", (0, 0, 900, 30)))
    page = PageReading(1, "", "ocr", width=1000, height=800, lines=lines)
    number = recheck.spot(page, TrackingNumber(TRACKING, "cj", "ok"))
    assert number.box == (10, 10, 400, 40) and number.needle == TRACKING and number.form == "alnum"
    stamp = recheck.spot(page, Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00"))
    assert stamp.box == (10, 60, 400, 90) and (stamp.needle, stamp.form) == ("202603101422", "compact")
    url = recheck.spot(page, Url("https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345674",
                                 "trace.cjlogistics.com"))
    assert url.box == (0, 0, 900, 30)
    coded = recheck.spot(page, TrackingNumber(TRACKING, "cj", "ok", source="barcode", box=(5, 500, 300, 600)))
    assert coded.box == (5, 500, 300, 600) and coded.barcode
    assert recheck.spot(page, Timestamp("2026.03.11 09:00", "2026-03-11T09:00:00+09:00")) is None
    assert recheck.spot(PageReading(1, "", "text-layer"), TrackingNumber(TRACKING, "cj", "ok")) is None


def test_a_region_is_refused_when_the_page_changed_proportions():
    """GIVEN a spot read on a 1000 x 800 page WHEN the new picture is 500 x 400 THEN the region is the box halved
    with its margins; WHEN it is 1000 x 1000 (another page) THEN there is none."""
    place = recheck.Spot((100, 100, 300, 120), (1000, 800), "x")
    cfg = recheck.settings()
    x0, y0, x1, y1 = recheck.region(place, (500, 400))
    assert (x1 - x0, y1 - y0) == (round((200 + 2 * cfg.margin_x_heights * 20) / 2),
                                  round((20 + 2 * cfg.margin_y_heights * 20) / 2))
    assert recheck.line_height(place, (500, 400)) == 10
    assert recheck.region(place, (1000, 1000)) is None


@pytest.mark.e2e
def test_a_line_still_read_in_its_crop_and_a_smudged_one_not(tmp_path):
    """GIVEN a page with a tracking number line, re-encoded as a JPEG at half size WHEN its spot is read again THEN
    the number is found; GIVEN the same page blurred past reading THEN it is not (the page is read whole then)."""
    image, box = page_with_line()
    place = recheck.Spot(box, image.size, TRACKING, "alnum")
    buffer = io.BytesIO()
    image.resize((700, 450)).save(buffer, "JPEG", quality=60)
    smaller = Image.open(io.BytesIO(buffer.getvalue()))
    assert recheck.still_shows(smaller, place, 30, tmp_path / "spot.png")
    smudged = image.filter(ImageFilter.GaussianBlur(9))
    assert not recheck.still_shows(smudged, place, 30, tmp_path / "spot.png")


@pytest.mark.e2e
def test_a_timestamp_is_proven_by_its_digits_however_its_separators_read(tmp_path):
    """GIVEN a time the page's own read took without its colon (`2026.03.02 1101`, read as 11:01) WHEN its line,
    printed `2026.03.02 11:01`, is read in its crop THEN the time is proven (the same letters and digits); WHEN the
    line shows another minute THEN it is not."""
    image, box = page_with_line("배송일시 2026.03.02 11:01")
    page = PageReading(1, "", "ocr", width=image.width, height=image.height,
                       lines=(TextLine("배 송 일 시 2026.03.02 1101", box),))
    place = recheck.spot(page, Timestamp("2026.03.02 1101", "2026-03-02T11:01:00+09:00"))
    assert (place.box, place.needle) == (box, "202603021101")
    assert recheck.still_shows(image, place, 30, tmp_path / "spot.png")
    other, _ = page_with_line("배송일시 2026.03.02 11:07")
    assert not recheck.still_shows(other, place, 30, tmp_path / "spot.png")


def test_a_barcode_spot_is_decoded_again(tmp_path):
    """GIVEN a page with a Code 128 of the number WHEN its barcode's spot is checked on the page THEN it decodes;
    WHEN the bars are wiped THEN it does not."""
    page, pasted = page_with("Code128", TRACKING)
    [code] = [c for c in barcodes.read(page) if c.text == TRACKING]
    place = recheck.Spot(code.box, page.size, TRACKING, "alnum", barcode=True)
    assert recheck.still_shows(page, place, 30, tmp_path / "spot.png")
    ImageDraw.Draw(page).rectangle(pasted, fill=255)
    assert not recheck.still_shows(page, place, 30, tmp_path / "spot.png")


@pytest.mark.parametrize("expand", [False, True])
@pytest.mark.parametrize("degrees", [3.0, -2.0, 12.0])
def test_lines_read_on_a_turned_copy_are_boxed_on_the_page(expand, degrees):
    """GIVEN a mark on a page, and the page turned clockwise by `degrees` (as deskew turns a scan, without expand, or
    as a label photo is straightened, with it) WHEN the mark's box on the turned copy is turned back THEN it holds
    the mark on the page, and is not much larger."""
    page = Image.new("L", (1000, 800), 255)
    ImageDraw.Draw(page).rectangle((600, 150, 700, 180), fill=0)
    turned = page.rotate(-degrees, expand=expand, fillcolor=255)
    seen = Image.eval(turned, lambda v: 255 - v).point(lambda v: 255 if v > 128 else 0).getbbox()
    [line] = recheck.unturned([TextLine("mark", seen)], degrees, page.size, turned.size)
    x0, y0, x1, y1 = line.box
    assert x0 <= 600 and y0 <= 150 and x1 >= 700 and y1 >= 180
    assert (x1 - x0) * (y1 - y0) < 3.5 * 100 * 30
