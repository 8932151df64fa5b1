"""pipeline/reading/deskew.py: the skew of a scanned page (text lines and ruled table) found to within 0.1 degree in
both directions, no angle for pages without line structure, and the page turned back upright, paper-filled, same
size."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from pipeline.reading import deskew
from pipeline.datafiles import DataFileError

GOTHIC = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
PAPER = 248


@cache
def receipt_page() -> Image.Image:
    """An upright delivery receipt at ~100 dpi: title, a ruled two-column table, a sentence, a footer."""
    width, height = 830, 1170
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(GOTHIC, 15)
    draw.text((width // 2, 80), "인 수 증", font=ImageFont.truetype(GOTHIC, 36), fill=0, anchor="mm")
    rows = [("운송장번호", "689222279180"), ("배송일시", "2026.03.10 14:22"), ("받는 분", "김민준"),
            ("주소", "경기도 성남시 분당구 정자일로 95"), ("상품명", "무선 이어폰 케이스"), ("수량", "1 박스")]
    top, row_px, left, right, label_px = 160, 42, 75, width - 75, 170
    for i, (label, value) in enumerate(rows):
        y = top + i * row_px
        draw.rectangle((left, y, right, y + row_px), outline=0, width=2)
        draw.rectangle((left, y, left + label_px, y + row_px), fill=232, outline=0, width=2)
        draw.text((left + 12, y + row_px // 2), label, font=font, fill=0, anchor="lm")
        draw.text((left + label_px + 14, y + row_px // 2), value, font=font, fill=0, anchor="lm")
    draw.text((left, top + len(rows) * row_px + 40), "위 물품을 이상 없이 인수하였음을 확인합니다.", font=font, fill=0)
    draw.text((width // 2, height - 75), "본 인수증은 배송 사실 확인용으로 발행됩니다.", font=font, fill=60, anchor="mm")
    return page


def scanned(page: Image.Image, angle: float, seed: int = 1) -> Image.Image:
    """A flatbed scan of `page` turned `angle` degrees counter-clockwise: light paper fill, blur, noise, specks."""
    rng = np.random.default_rng(seed)
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(turned, np.float32) * (PAPER - 10) / 255 + 10 + rng.normal(0, 6, turned.size[::-1])
    pixels[rng.random(pixels.shape) < 0.0004] = 40
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("angle", [0.3, -0.3, 0.8, -0.8, 1.7, -1.7, 3.5, -3.5])
def test_known_rotations_are_recovered_within_a_tenth_of_a_degree(angle):
    """GIVEN a receipt with a ruled table scanned turned `angle` degrees (PIL's counter-clockwise convention)
    WHEN its skew is measured
    THEN the angle comes back with the same sign, within 0.1 degree."""
    found = deskew.skew_angle(np.asarray(scanned(receipt_page(), angle)))

    assert found is not None
    assert found == pytest.approx(angle, abs=0.1)


def test_a_straight_page_is_measured_straight_and_left_untouched():
    """GIVEN an upright scanned receipt
    WHEN it is measured and deskewed
    THEN its skew is below the rotation minimum and deskewed returns the very same image object."""
    page = scanned(receipt_page(), 0.0)

    angle = deskew.skew_angle(np.asarray(page))

    assert angle is not None and abs(angle) < deskew.settings().min_angle_degrees
    assert deskew.deskewed(page) is page


def test_a_blank_page_has_no_angle_and_is_left_untouched():
    """GIVEN a blank scanned sheet (paper, noise and a few specks, no text)
    WHEN it is measured and deskewed
    THEN there is no angle and the image comes back unchanged."""
    page = scanned(Image.new("L", (830, 1170), 255), 1.0)

    assert deskew.skew_angle(np.asarray(page)) is None
    assert deskew.deskewed(page) is page


@pytest.mark.parametrize("blur", [0, 4, 16])
def test_photo_like_noise_has_no_angle(blur):
    """GIVEN a full-contrast noise image: sharp grain, or blurred into blotches of a photo's size
    WHEN it is measured and deskewed
    THEN there is no angle and the image comes back unchanged."""
    rng = np.random.default_rng(5)
    grain = Image.fromarray(rng.integers(0, 256, (900, 1200), dtype=np.uint8))
    photo = ImageOps.autocontrast(grain.filter(ImageFilter.GaussianBlur(blur)))

    assert deskew.skew_angle(np.asarray(photo)) is None
    assert deskew.deskewed(photo) is photo


def test_a_skewed_page_is_turned_upright_same_size_with_paper_corners():
    """GIVEN a receipt scanned turned 1.5 degrees counter-clockwise
    WHEN it is deskewed
    THEN the result has the same size and mode, measures straight, and the corners the rotation uncovered are
    paper-coloured, not black."""
    page = scanned(receipt_page(), 1.5)

    upright = deskew.deskewed(page)

    assert upright is not page
    assert (upright.size, upright.mode) == (page.size, page.mode)
    assert abs(deskew.skew_angle(np.asarray(upright))) < 0.1
    corners = np.asarray(upright)[[0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.min() > PAPER - 30


def test_a_colour_page_keeps_its_mode_and_gets_a_paper_coloured_fill():
    """GIVEN a scan on cream paper in RGB, turned -1 degree
    WHEN it is deskewed
    THEN it stays RGB, same size, straight, with cream (not black or white) uncovered corners."""
    gray = scanned(receipt_page(), -1.0)
    cream = Image.merge("RGB", (gray, gray.point(lambda v: int(v * 0.97)), gray.point(lambda v: int(v * 0.88))))

    upright = deskew.deskewed(cream)

    assert (upright.size, upright.mode) == (cream.size, "RGB")
    assert abs(deskew.skew_angle(np.asarray(upright.convert("L")))) < 0.1
    red, _, blue = upright.getpixel((0, 0))
    assert red > PAPER - 30 and blue < red - 15


def test_a_large_page_is_measured_on_a_small_copy():
    """GIVEN a page larger than the working copy (the receipt enlarged 3x, turned 0.6 degree)
    WHEN its skew is measured
    THEN the angle is still found within 0.1 degree (the search works on the downscaled copy)."""
    big = receipt_page().resize((2490, 3510), Image.Resampling.BICUBIC)
    assert max(big.size) > deskew.settings().max_side_px

    found = deskew.skew_angle(np.asarray(scanned(big, 0.6)))

    assert found == pytest.approx(0.6, abs=0.1)


def test_a_missing_settings_file_is_a_typed_error_that_names_it(tmp_path: Path):
    """GIVEN no deskew settings file where one is expected
    WHEN the settings are loaded
    THEN a DataFileError names the file and says how to repair the installation."""
    missing = tmp_path / "deskew.toml"

    with pytest.raises(DataFileError) as error:
        deskew.DeskewSettings.load(missing)

    assert str(missing) in error.value.message and "reinstall" in error.value.fix


def test_a_page_with_transparency_comes_back_upright_on_white():
    """GIVEN a skewed scan saved with an alpha channel (LA, fully opaque)
    WHEN it is deskewed
    THEN it comes back as it looks on white (RGB, alpha composited), upright, same size."""
    page = scanned(receipt_page(), 0.9)
    with_alpha = Image.merge("LA", (page, Image.new("L", page.size, 255)))

    upright = deskew.deskewed(with_alpha)

    assert (upright.mode, upright.size) == ("RGB", page.size)
    assert abs(deskew.skew_angle(np.asarray(upright.convert("L")))) < 0.1
