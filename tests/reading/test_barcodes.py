"""Barcodes (pipeline/reading/barcodes.py) and what they make of tracking numbers: real symbols written by zxing-cpp's
own writer on label-like pages, clean and photographed (bench/labels.py, fixed seeds), decoded exactly; end to end
through `evpack scan --json` with the real Tesseract."""
from __future__ import annotations

import io
import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFilter

from bench import labels
from pipeline.cli import cli
from pipeline.model import Barcode, Fields, PageReading, Reading
from pipeline.reading import barcodes
from pipeline.reading.cache import ReadCache

SYMBOLS = [("Code128", "689212345674"), ("Code39", "EE473124829KR"), ("ITF", "601234567890"),
           ("EAN13", "8801234567893"), ("QRCode", "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=1"),
           ("DataMatrix", "42819482199"), ("PDF417", "1Z5R89390357567127|KR")]


def page_with(symbol: str, content: str,
              at: tuple[int, int] = (200, 300)) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A white 1200 x 900 page with some text and one symbol pasted at `at`; the symbol's pasted box."""
    code = Image.fromarray(np.asarray(zxingcpp.create_barcode(content, getattr(zxingcpp.BarcodeFormat, symbol))
                                      .to_image(scale=3))).convert("L")
    page = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(page)
    for row in range(6):
        draw.text((40, 40 + 30 * row), "Tracking 운송장 2026-03-10 14:22 받는 분", fill=0)
    page.paste(code, at)
    return page, (at[0], at[1], at[0] + code.width, at[1] + code.height)


@pytest.mark.parametrize(("symbol", "content"), SYMBOLS)
def test_every_symbology_is_decoded_exactly_with_its_box(symbol, content):
    """GIVEN a page with one Code 128 / Code 39 / ITF / EAN-13 / QR / Data Matrix / PDF417 symbol
    WHEN the page is read for barcodes THEN exactly that content comes back, named by its symbology, its box
    inside the pasted symbol's."""
    page, (x0, y0, x1, y1) = page_with(symbol, content)
    found = barcodes.read(page)
    assert [(b.format, b.text) for b in found] == [(symbol, content)]
    bx0, by0, bx1, by1 = found[0].box
    assert x0 - 2 <= bx0 < bx1 <= x1 + 2 and y0 - 2 <= by0 < by1 <= y1 + 2


def test_photographed_labels_decode_exactly():
    """GIVEN labels of fixed seeds photographed (perspective, rotation, blur, noise, JPEG q70-90)
    WHEN read for barcodes THEN each label's tracking number is decoded exactly, nothing else invented."""
    rng, nprng = random.Random(3), np.random.default_rng(3)
    for _ in range(3):
        label = labels.make_label(rng)
        page, shown, _ = labels.draw_label(label, rng)
        photo = Image.open(io.BytesIO(labels.jpeg(labels.photographed(page, nprng, 1800), 75)))
        found = {b.text for b in barcodes.read(photo)}
        assert label.number in found
        assert found <= {text for _, text in shown}


def test_bars_lying_sideways_are_read_where_the_page_may_lie_turned():
    """GIVEN a label's Code 128 turned by 90 degrees WHEN read as a photo or scan (turned) and as a screenshot
    THEN only the photo/scan reading finds it (a screenshot's bars stand upright; the turned try costs 10x)."""
    page, _ = page_with("Code128", "689212345674")
    sideways = page.rotate(90, expand=True)
    assert [b.text for b in barcodes.read(sideways, turned=True)] == ["689212345674"]
    assert barcodes.read(sideways, turned=False) == ()


@pytest.mark.parametrize(("turned", "tilted"), [(0, False), (1, False), (6, True), (-9, True), (90, False)])
def test_a_tilted_photo_is_turned_back_by_its_barcodes_angle(turned, tilted):
    """GIVEN a page turned by a few degrees (as a label photographed at an angle), upright, or lying sideways
    WHEN its symbols' tilt is measured THEN a tilt of a few degrees is found within two degrees and undone by
    `straightened`, an upright page or one turned by 90 degrees is left as it is."""
    page, _ = page_with("Code128", "689212345674")
    photo = page.rotate(turned, expand=True, fillcolor=255)
    symbols = barcodes.read(photo)
    angle = barcodes.tilt(symbols)
    assert (angle is not None) == tilted
    if tilted:
        assert abs(angle - turned) <= 2
        assert barcodes.straightened(photo, symbols).size != photo.size
        assert abs(barcodes.read(barcodes.straightened(photo, symbols))[0].angle) < abs(turned)
    else:
        assert barcodes.straightened(photo, symbols) is photo


def test_the_flat_copy_is_decoded_when_the_photo_gives_nothing_and_has_no_box():
    """GIVEN a photo without a decodable symbol and its warped-flat copy with one WHEN read THEN the flat copy's
    symbol is reported without a box (its pixels are not the page's); with a symbol on the photo, the flat copy
    is not decoded at all."""
    blank = Image.new("L", (1200, 900), 255)
    flat, _ = page_with("Code128", "689212345674")
    assert barcodes.read(blank, flat) == (Barcode("Code128", "689212345674", None),)
    other, _ = page_with("Code128", "42819482199")
    assert [b.text for b in barcodes.read(other, flat)] == ["42819482199"]


def fax(page: Image.Image, seed: int, threshold: int = 170) -> Image.Image:
    """`page` (drawn at 200 dpi) sent as a 150-dpi fax: reduced, softened, noise added and thresholded to black and
    white, as bench/chat_corpus.py degrades its faxes (seeded noise, so the pixels are the same on every run)."""
    grey = page.convert("L")
    grey = grey.resize((grey.width * 3 // 4, grey.height * 3 // 4), Image.Resampling.LANCZOS)
    grey = grey.filter(ImageFilter.GaussianBlur(0.6))
    noisy = np.asarray(grey, dtype=float) + np.random.default_rng(seed).normal(0, 30, (grey.height, grey.width))
    return Image.fromarray(np.where(noisy > threshold, 255, 0).astype(np.uint8))


@pytest.mark.parametrize("seed", range(4))
def test_a_faxed_code_128_is_read_on_its_rows_averaged_in_bands(seed):
    """GIVEN a UPS number's Code 128 at 2 px a module, sent as a 150-dpi fax (1.5-px modules broken by speckle)
    WHEN read as a scan's page THEN zxing-cpp reads nothing on the page as it is, and the number is read on its rows
    averaged in bands, without a box (its rows are bands); a screenshot's page gets no such pass."""
    code = Image.fromarray(np.asarray(zxingcpp.create_barcode("1ZH85J740367286923", zxingcpp.BarcodeFormat.Code128)
                                      .to_image(scale=2))).convert("L")
    page = Image.new("L", (1000, 500), 255)
    page.paste(code.resize((code.width, 120)), (60, 150))
    faxed = fax(page, seed)
    assert not barcodes.scan(faxed, barcodes.settings().linear)
    assert barcodes.read(faxed) == (Barcode("Code128", "1ZH85J740367286923", None),)
    assert barcodes.read(faxed, turned=False) == ()


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_decoded_symbols_are_painted_out_in_the_papers_colour_and_the_text_stays(mode):
    """GIVEN a photo-like page (grey paper, text, a Code 128) WHEN its decoded symbols are painted out THEN no
    symbol decodes on the painted copy, the symbol's box and its margin are the paper's grey, the text rows above
    are untouched, the photo itself is unchanged; a symbol without a box (found on a flat copy) paints nothing."""
    page, (x0, y0, x1, y1) = page_with("Code128", "689212345674")
    photo = page.point(lambda v: 60 + v * 140 // 255).convert(mode)  # paper 200, ink 60
    symbols = barcodes.read(photo)
    painted = barcodes.painted_out(photo, symbols)
    assert barcodes.read(painted) == ()
    grey = np.asarray(painted.convert("L"))
    assert np.all(np.abs(grey[y0:y1, x0:x1].astype(int) - 200) <= 1)
    assert np.array_equal(grey[:y0 - 20], np.asarray(photo.convert("L"))[:y0 - 20])
    assert [b.text for b in barcodes.read(photo)] == ["689212345674"]
    assert barcodes.painted_out(photo, (Barcode("Code128", "689212345674", None),)) is photo


def test_qr_payloads_stay_links_for_the_external_link_rule():
    """GIVEN a page's symbols WHEN their links are asked for THEN only QR payloads are links."""
    symbols = (Barcode("Code128", "689212345674"), Barcode("QRCode", "https://pan.baidu.com/s/1AbCdEf"))
    assert barcodes.links(symbols) == ("https://pan.baidu.com/s/1AbCdEf",)


def test_the_read_cache_keeps_barcodes(tmp_path):
    """GIVEN a reading whose page has barcodes WHEN it is cached and read back THEN the barcodes come back equal."""
    page = PageReading(index=1, text="x", source="ocr",
                       barcodes=(Barcode("Code128", "689212345674", (1, 2, 3, 4), -5.6), Barcode("QRCode", "u")))
    reading = Reading(source="a.png", sha256="ab" * 32, pages=(page,), fields=Fields(), languages=(), engine="e")
    cache = ReadCache(tmp_path, "e", "v1")
    assert cache.put(reading)
    assert cache.get(reading.sha256).pages[0].barcodes == page.barcodes


def scan_json(*paths: Path) -> dict:
    result = CliRunner().invoke(cli, ["scan", "--json", "--no-cache", *map(str, paths)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_scan_reports_a_photographed_labels_number_from_its_barcode(tmp_path):
    """GIVEN a photographed label (seed 7: tilted, blurred, JPEG) and a clean label whose printed number is one
    digit off the number its bars encode (as OCR misreads a digit)
    WHEN `evpack scan --json` reads them with the real Tesseract
    THEN the photo reports the barcode's number exactly with source "barcode", and the clean label reports the
    barcode's number only: OCR's reading one character off it is replaced, not reported beside it."""
    rng, nprng = random.Random(7), np.random.default_rng(7)
    label = labels.make_label(rng)
    page, _, _ = labels.draw_label(label, rng)
    (tmp_path / "photo.jpg").write_bytes(labels.jpeg(labels.photographed(page, nprng, 1800), 80))
    last = max(i for i, c in enumerate(label.printed) if c.isdigit())
    wrong = label.printed[:last] + str((int(label.printed[last]) + 1) % 10) + label.printed[last + 1:]
    misprinted, _, _ = labels.draw_label(replace(label, printed=wrong), random.Random(1))
    misprinted.save(tmp_path / "label.png")
    files = {Path(entry["path"]).name: entry for entry in scan_json(tmp_path / "photo.jpg", tmp_path / "label.png")
             ["files"]}
    for name in ("photo.jpg", "label.png"):
        numbers = files[name]["fields"]["tracking_numbers"]
        assert [(n["value"], n["source"]) for n in numbers] == [(label.number, "barcode")], name
        assert files[name]["barcodes"][0]["text"] == label.number
    assert "box" in files["label.png"]["fields"]["tracking_numbers"][0]


def test_scan_reports_where_text_numbers_come_from(tmp_path):
    """GIVEN a screenshot-like image with a labelled number and no barcode WHEN scanned THEN the number's source
    is "ocr" (in the JSON and the table) and the file lists no barcodes."""
    page = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(page).text((20, 60), "CJ Logistics Tracking No. 689212345674", fill=0,
                              font=labels.ImageFont.truetype(labels.FONTS[1], 32))
    page.save(tmp_path / "shot.png")
    entry = scan_json(tmp_path / "shot.png")["files"][0]
    assert [(n["value"], n["source"]) for n in entry["fields"]["tracking_numbers"]] == [("689212345674", "ocr")]
    assert entry["barcodes"] == []
    table = CliRunner().invoke(cli, ["scan", str(tmp_path / "shot.png")], catch_exceptions=False).stdout
    assert "689212345674" in table and "[ocr]" in table


def test_scan_reports_a_faxed_labels_number_from_its_barcode(tmp_path):
    """GIVEN a UPS label (seed 11) sent as a 150-dpi fax and saved as a PDF at that resolution, whose Code 128
    zxing-cpp cannot read on the page as it is
    WHEN `evpack scan --json` reads it with the real Tesseract
    THEN its number is reported exactly, from the barcode (read on the page's rows averaged in bands)."""
    rng = random.Random(11)
    label = labels.make_label(rng)
    page, _, _ = labels.draw_label(label, rng)
    faxed = fax(page, 11)
    assert label.number not in {c.text for c in barcodes.scan(faxed, barcodes.settings().linear)}
    faxed.convert("1").save(tmp_path / "fax.pdf", "PDF", resolution=150)
    numbers = scan_json(tmp_path / "fax.pdf")["files"][0]["fields"]["tracking_numbers"]
    assert (label.number, "barcode") in [(n["value"], n["source"]) for n in numbers]
