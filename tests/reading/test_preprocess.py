"""pipeline/reading/preprocess.py: glyph sizing, the OCR copy's scale, sharpness, rules, backgrounds."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.reading import preprocess
from pipeline.reading.settings import settings as ocr_settings
from tests.reading.ocr_fakes import GOTHIC, text_image, gray


@pytest.mark.parametrize("px", [12, 14, 24, 48])
def test_glyph_height_follows_the_font_size(px):
    """GIVEN lines of Korean and digits drawn at px pixels WHEN the glyph height is estimated
    THEN it is within 25% of px (the line's ink height is about the font size)."""
    image = text_image(["운송장번호 601234567890 배송완료", "Tracking 689212345674 delivered"] * 4, px, width=40 * px)
    assert preprocess.glyph_height(gray(image)) == pytest.approx(px, rel=0.25)


def test_glyph_height_ignores_polarity_and_columns():
    """GIVEN light text on a dark background in two columns whose lines are offset by half a line
    WHEN the glyph height is estimated THEN it is still the font size, not a merged double line."""
    font = ImageFont.truetype(GOTHIC, 13)
    image = Image.new("L", (900, 400), 32)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.text((20, 10 + i * 26), "배송조회 601234567890", font=font, fill=230)
        draw.text((480, 23 + i * 26), "2026.03.10 14:22 완료", font=font, fill=230)
    assert preprocess.glyph_height(np.asarray(image)) == pytest.approx(13, rel=0.25)


def test_glyph_height_of_a_blank_page_is_unknown():
    """GIVEN a plain white image WHEN measured THEN no glyph height, and the OCR copy is not rescaled."""
    blank = np.full((600, 800), 255, np.uint8)
    assert preprocess.glyph_height(blank) is None
    assert preprocess.ocr_scale(None, (800, 600)) == 1.0


def test_a_large_photos_soft_text_is_measured_on_a_reduced_copy_and_brought_down():
    """GIVEN a label's lines drawn at 100 px on a 2800 x 4000 page and blurred as a 20 MP photo's defocus blurs them
    (sigma 4 px: no two neighbours differ by edge_threshold) WHEN the glyph height is measured THEN at full size
    it is unknown, on the reduced copy (soft_glyph_height) it is above the band, near the font size, so the OCR
    copy is brought down; the same lines at 24 px (in the band), and a photo no larger than rectify's detection
    copy, keep it unknown (read as before)."""
    lines = ["받는 분", "대전광역시 서구 둔산로 100", "홍*동 010-****-8474"] * 4

    def photo(px: int, width: int, height: int) -> Image.Image:
        page = Image.new("L", (width, height), 235)
        page.paste(text_image(lines, px, width=width).convert("L"), (0, 0))
        return page.filter(ImageFilter.GaussianBlur(4))
    soft = photo(100, 2800, 4000)
    assert preprocess.glyph_height(np.asarray(soft)) is None
    assert preprocess.soft_glyph_height(soft) == pytest.approx(100, rel=0.35)
    assert preprocess.ocr_scale(preprocess.soft_glyph_height(soft), soft.size) < 0.5
    assert preprocess.soft_glyph_height(photo(24, 2800, 4000)) is None
    assert preprocess.soft_glyph_height(photo(100, 1400, 1900).resize((700, 950))) is None


def test_ocr_scale_brings_glyphs_into_the_band():
    """GIVEN glyphs of 11, 24 and 80 px WHEN the OCR scale is chosen THEN small text is enlarged to the upscale
    target, text in the band is left alone and huge text is reduced to the downscale target."""
    cfg = ocr_settings()
    assert 11 * preprocess.ocr_scale(11, (1366, 768)) == pytest.approx(cfg.upscale_target_px)
    assert preprocess.ocr_scale(24, (1366, 768)) == 1.0
    assert 80 * preprocess.ocr_scale(80, (3000, 4000)) == pytest.approx(cfg.downscale_target_px)


def test_ocr_scale_is_capped_in_pixels_and_factor():
    """GIVEN tiny glyphs on a huge image WHEN scaled THEN the factor never exceeds max_upscale and the copy never
    exceeds max_ocr_pixels."""
    cfg = ocr_settings()
    assert preprocess.ocr_scale(2, (100, 100)) == cfg.max_upscale
    scale = preprocess.ocr_scale(8, (6000, 4000))
    assert 6000 * 4000 * scale * scale <= cfg.max_ocr_pixels * 1.001


def test_ocr_copy_of_small_screenshot_text_is_enlarged_and_grey():
    """GIVEN an RGBA screenshot with 12-px text WHEN the OCR copy is made THEN it is greyscale and about
    twice as large, while the original is untouched."""
    image = text_image(["운송장번호 601234567890"] * 6, 12).convert("RGBA")
    copy = preprocess.ocr_copy(image)
    assert copy.mode == "L"
    assert 1.6 <= copy.width / image.width <= 2.2
    assert image.mode == "RGBA" and image.size == (900, 20 + 22 * 6)


def test_sharpness_drops_when_blurred():
    """GIVEN the same text crisp and Gaussian-blurred WHEN sharpness is measured THEN the blurred one scores far
    lower."""
    from PIL import ImageFilter
    crisp = text_image(["배송완료 601234567890"] * 8, 20)
    blurred = crisp.filter(ImageFilter.GaussianBlur(3))
    assert preprocess.sharpness(gray(blurred)) < preprocess.sharpness(gray(crisp)) / 5


def test_sharpness_is_exact_in_strips_and_needs_little_memory():
    """GIVEN a 12 MP greyscale array (the size of a large OCR copy)
    WHEN sharpness is measured with the default strips, with 7-row strips, and by the whole-image formula
    THEN all three agree, and the strips never hold more than 30 MB (whole-image float arrays took ~140 MB)."""
    pixels = np.random.default_rng(3).integers(0, 256, (3000, 4000), dtype=np.uint8)
    g = pixels.astype(np.float64)
    whole = float((g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]).var())
    del g
    tracemalloc.start()
    try:
        measured = preprocess.sharpness(pixels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert measured == pytest.approx(whole, rel=1e-9)
    assert preprocess.sharpness(pixels, strip_rows=7) == pytest.approx(whole, rel=1e-9)
    assert peak < 30 * 2**20


def test_rule_finding_in_blocks_paints_the_same_pixels(monkeypatch):
    """GIVEN a page with horizontal and vertical rules, a thick bar and text
    WHEN rules are removed with blocks of a few rows/columns and with one block for the whole page
    THEN the two results are identical, pixel for pixel, and some rule was painted out."""
    canvas = Image.new("L", (700, 400), 255)
    canvas.paste(text_image(["운송장번호 601234567890"], 20, width=600).convert("L"), (40, 40))
    draw = ImageDraw.Draw(canvas)
    draw.line((10, 5, 690, 5), fill=0, width=2)
    draw.line((20, 0, 20, 390), fill=0, width=3)
    draw.rectangle((100, 300, 650, 340), fill=0)
    monkeypatch.setattr(preprocess, "BLOCK_PIXELS", 10**9)
    whole = np.asarray(preprocess.without_rules(canvas, 20.0, ocr_settings()))
    monkeypatch.setattr(preprocess, "BLOCK_PIXELS", 2000)  # 2-row and 5-column blocks: many block edges cross the rules
    blocks = np.asarray(preprocess.without_rules(canvas, 20.0, ocr_settings()))
    assert np.array_equal(whole, blocks)
    assert (whole != np.asarray(canvas)).any()


def test_rule_finding_keeps_its_plain_definition():
    """GIVEN random masks of any size and density WHEN their long horizontal runs and their thin dark pixels are
    found (OpenCV's morphology, in blocks) THEN each pixel is as the plain definition says: on a run of at least
    `length` pixels within the row; dark with a light pixel (or the image's edge) within `reach` rows above and within
    `reach` rows below."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        mask = rng.random((int(rng.integers(1, 30)), int(rng.integers(1, 90)))) < rng.random()
        length, reach = int(rng.integers(1, 25)), int(rng.integers(1, 6))
        height, width = mask.shape
        runs = np.zeros_like(mask)
        for y in range(height):
            for x in range(width - length + 1):
                if mask[y, x:x + length].all():
                    runs[y, x:x + length] = True
        thin = np.array([[mask[y, x] and not (y >= reach and mask[y - reach:y, x].all())
                          and not (y + reach < height and mask[y + 1:y + 1 + reach, x].all())
                          for x in range(width)] for y in range(height)], dtype=bool).reshape(mask.shape)
        assert np.array_equal(preprocess.on_long_runs(mask, length), runs)
        assert np.array_equal(preprocess.thin(mask, reach), thin)


def test_dark_mode_is_inverted_for_tesseract():
    """GIVEN a dark-mode page (light text on near black) and a light page WHEN prepared for Tesseract THEN the dark
    one is inverted to a light background, the light one left as it is."""
    cfg = ocr_settings()
    dark = Image.new("L", (200, 100), 30)
    light = Image.new("L", (200, 100), 240)
    assert np.asarray(preprocess.light_background(dark, cfg)).mean() > 200
    assert preprocess.light_background(light, cfg) is light


def test_rules_are_painted_out_but_dark_areas_and_text_stay():
    """GIVEN a light page with a black table border (a long thin line), a black bar 40 px thick and 20-px text
    WHEN rules are removed for 20-px glyphs THEN the border is white, the thick bar and the text are untouched."""
    image = text_image(["운송장번호 601234567890"], 20, width=700).convert("L")
    draw = ImageDraw.Draw(image)
    draw.line((10, 5, 690, 5), fill=0, width=2)
    canvas = Image.new("L", (700, 200), 255)
    canvas.paste(image, (0, 0))
    ImageDraw.Draw(canvas).rectangle((10, 120, 690, 160), fill=0)
    cleaned = np.asarray(preprocess.without_rules(canvas, 20.0, ocr_settings()))
    original = np.asarray(canvas)
    assert cleaned[4:7, 10:690].min() == 255
    assert (cleaned[120:161] == original[120:161]).all()
    assert (cleaned[12:50] == original[12:50]).all()


def test_dark_toolbar_rows_are_inverted_and_the_light_page_is_not():
    """GIVEN a light page under a dark browser toolbar (light text on dark grey)
    WHEN rows are prepared for OCR
    THEN the toolbar's rows become dark-on-light and the page's rows are left as they were."""
    pixels = np.full((200, 400), 245, np.uint8)
    pixels[:40] = 40
    pixels[15:25, 50:300:7] = 230  # the URL's light strokes
    pixels[100:110, 50:300:7] = 20  # the page's dark text
    out = np.asarray(preprocess.light_rows(Image.fromarray(pixels), ocr_settings()))
    assert out[:40].mean() > 180 and out[15:25, 50:300:7].max() < 60
    assert np.array_equal(out[40:], pixels[40:])


def test_grey_rows_get_a_white_background_and_keep_their_dark_text():
    """GIVEN a grey toolbar with dark text above a white page
    WHEN the band's rows are whitened
    THEN the toolbar's background becomes white and its text stays dark."""
    pixels = np.full((100, 400), 250, np.uint8)
    pixels[:40] = 200
    pixels[15:25, 50:300:7] = 50
    out = np.asarray(preprocess.white_rows(Image.fromarray(pixels), ocr_settings()))
    assert out[:15].min() == 255 and out[15:25, 50:300:7].max() < 70
    assert out[40:].min() >= 250


def test_white_rows_leave_the_image_itself():
    """GIVEN a white page without a dark or grey band
    WHEN rows are prepared for OCR
    THEN the very same image comes back (no copy)."""
    page = Image.new("L", (300, 100), 250)
    assert preprocess.light_rows(page, ocr_settings()) is page
    assert preprocess.white_rows(page, ocr_settings()) is page


def test_even_background_removes_a_moire_beat_and_keeps_the_text():
    """GIVEN a light page under a slow multiplicative beat (a photographed screen's moiré) with thin dark strokes
    WHEN the background is divided out
    THEN the background is flat near white and the strokes stay dark."""
    yy, xx = np.mgrid[0:120, 0:400].astype(np.float32)
    beat = 1.0 + 0.15 * np.sin(xx * 0.1) * np.sin(yy * 0.08)  # a beat of ~60 px, wider than the 11-px kernel
    pixels = 200 * beat
    pixels[50:70, 40:360:9] = 40  # strokes 1 px wide
    out = np.asarray(preprocess.even_background(Image.fromarray(pixels.astype(np.uint8)), 11.0, ocr_settings()))
    background = np.delete(out[50:70], np.s_[40:360:9], axis=1)
    assert pixels[:40].std() > 10 and out[:40].std() < 4 and out[:40].mean() > 235
    assert out[50:70, 40:360:9].max() < 80 and background.mean() > 230


def test_a_speckled_fax_is_despeckled_and_a_drawn_page_is_not(tmp_path):
    """GIVEN a bilevel page of text with a fax's speckle (3,000 lone dark pixels) and the same page without it WHEN
    despeckled THEN the speckled one loses its specks and real Tesseract reads its tracking number from the page;
    the clean one comes back as it is (its thin strokes untouched)."""
    import random

    from pipeline.reading import ocr
    from pipeline.reading.preprocess import despeckled

    clean = text_image(["배송 완료 확인서", "운송장번호 689212345674"] * 8, 28, width=1200).convert("L")
    clean = clean.point(lambda v: 0 if v < 128 else 255)
    speckled = clean.copy()
    rng = random.Random(7)
    for _ in range(3000):
        speckled.putpixel((rng.randrange(speckled.width), rng.randrange(speckled.height)), 0)
    cfg = ocr_settings()
    assert despeckled(clean, cfg) is clean
    assert (np.asarray(despeckled(speckled, cfg)) < 128).sum() < (np.asarray(speckled) < 128).sum() - 2500
    page, _ = ocr.ocr_page(speckled, 1, tmp_path / "page.png", 60.0, unrule=True)
    assert "689212345674" in page.text.replace(" ", "")


def test_text_chain_sees_a_caption_on_a_photo_and_nothing_without_writing():
    """GIVEN drawn phone photos of a product on a table (wood grain, brushed steel, sensor noise), without writing
    and with a caption of a date and a SKU (upright, turned a quarter, and small on a 12 MP frame) WHEN their text
    chain is measured THEN the photo without writing scores 0 and each captioned one reaches text_min_chain (the
    score capped there)."""
    from tests.reading.ocr_fakes import product_photo
    cfg = ocr_settings()
    caption = "SKU PL-BTL-500-GR  2026-03-06 15:02"
    assert preprocess.text_chain(gray(product_photo()), cfg) == 0
    assert preprocess.text_chain(gray(product_photo((4032, 3024), seed=1)), cfg) == 0
    for photo in (product_photo(caption=caption), product_photo(caption=caption, turned=True),
                  product_photo((4032, 3024), caption=caption, px=12, seed=1)):
        assert preprocess.text_chain(gray(photo), cfg) == cfg.text_min_chain


def test_text_chain_keeps_short_marks_and_specks_below_a_line():
    """GIVEN a photo with two digits on it (too few to hold any field) and one with scattered specks of text size
    WHEN measured THEN neither reaches text_min_chain."""
    cfg = ocr_settings()
    marks = Image.new("L", (800, 600), 200)
    ImageDraw.Draw(marks).text((300, 250), "12", font=ImageFont.truetype(GOTHIC, 30), fill=20)
    assert preprocess.text_chain(np.asarray(marks), cfg) < cfg.text_min_chain
    specks = Image.new("L", (800, 600), 200)
    for i in range(12):  # dots far apart from each other
        x, y = 40 + (i % 4) * 200, 60 + (i // 4) * 200
        ImageDraw.Draw(specks).ellipse((x, y, x + 12, y + 12), fill=30)
    assert preprocess.text_chain(np.asarray(specks), cfg) < cfg.text_min_chain


def test_a_downscaled_screenshots_small_glyphs_are_no_speckle(tmp_path):
    """GIVEN a capture of small Latin text (14 px) downscaled to 60 %: in black alone its glyphs fall apart into
    thousands of lone dark pixels, as a fax's speckle does, but each is joined to its glyph by its grey edge WHEN
    despeckled THEN it comes back as it is (a median wiped such captures' numbers), and real Tesseract reads its
    tracking number from the page."""
    import cv2

    from pipeline.reading import ocr
    from pipeline.reading.preprocess import despeckled

    page = text_image(["Tracking Number: 1Z96YCHS6683998616",
                       "Mar 14, 2026 8:52 PM INCHEON - KOREA, REPUBLIC OF Delivered"] * 14, 14).convert("L")
    small = page.resize((round(page.width * 0.6), round(page.height * 0.6)), Image.Resampling.LANCZOS)
    cfg = ocr_settings()
    dark = np.asarray(small) < 128
    _, _, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    assert (stats[1:, cv2.CC_STAT_AREA] <= cfg.speckle_max_px).sum() >= cfg.speckle_min_specks  # specks in black
    assert despeckled(small, cfg) is small
    read, _ = ocr.ocr_page(small, 1, tmp_path / "page.png", 60.0, screen=False)
    assert "1Z96YCHS6683998616" in read.text.replace(" ", "")


def test_text_rows_are_the_rows_of_text_light_or_dark_not_rules_or_pictures():
    """GIVEN a band with dark text on white, light text on a dark toolbar, a one-pixel rule and a tall picture
    WHEN its text rows are found THEN they are the two lines of text, each as its rows, and neither the rule nor the
    picture."""
    pixels = np.full((300, 800), 250, np.uint8)
    pixels[20:34, 40:400:5] = 30  # dark text
    pixels[60:110] = 40
    pixels[78:92, 40:600:5] = 225  # light text on the dark toolbar
    pixels[150, :] = 0  # a rule
    pixels[180:290, 100:300:3] = 0  # a picture taller than a line
    assert preprocess.text_rows(pixels, ocr_settings()) == [(20, 34), (78, 92)]


def test_binarised_in_pieces_keeps_a_grey_word_beside_a_black_one():
    """GIVEN a strip on a 246 panel holding a grey bar (170, a small label), a black bar (30, a number) and between
    them a faint border (200) along the top WHEN it is binarised whole and word by word THEN the whole strip's one
    threshold makes the grey bar panel (white), and the words' own thresholds keep it black, the black bar black,
    the panel white either way, and the border between the words stays white (thresholded alone, it was black)."""
    strip = np.full((20, 200), 246, np.uint8)
    strip[5:15, 10:60] = 170
    strip[5:15, 120:190] = 30
    strip[0:2, 70:110] = 200
    whole = np.asarray(preprocess.binarised(Image.fromarray(strip)))
    pieces = np.asarray(preprocess.binarised_in_pieces(Image.fromarray(strip), [(5, 65), (115, 195)]))
    assert whole[10, 30] == 255 and whole[10, 150] == 0
    assert pieces[10, 30] == 0 and pieces[10, 150] == 0
    assert pieces[1, 90] == 255 and np.asarray(preprocess.binarised(Image.fromarray(strip[:, 65:115])))[1, 25] == 0
    assert pieces[1, 5] == 255 and pieces[1, 100] == 255 and pieces[18, 195] == 255
