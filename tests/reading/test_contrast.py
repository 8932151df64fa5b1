"""pipeline/reading/contrast.py: text on coloured panels (a chat's bubbles and pills) made dark on white, used only
where the ink stands on panels; and a real first pass reading a number off a blue bubble it could not read before."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import ocr
from pipeline.reading.contrast import panel_contrast, panels_evened
from pipeline.reading.settings import settings as ocr_settings
from tests.reading.ocr_fakes import GOTHIC

PAGE = (178, 199, 218)        # KakaoTalk's blue-grey page
BLUE = (50, 150, 250)         # DingTalk's own bubble, white text on it
YELLOW = (254, 229, 0)        # KakaoTalk's own bubble, dark text on it
TIME_GREY = (136, 136, 136)   # a bubble's time beside it (tuning seed 9201, a KakaoTalk capture: 59 from the page)


def bubbles_page() -> tuple[Image.Image, dict[str, tuple[int, int, int, int]]]:
    """A 700x520 chat-like page: a blue bubble with white text, a yellow bubble with dark text, a grey time beside
    it on the page. The text boxes drawn, by name."""
    image = Image.new("RGB", (700, 520), PAGE)
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.truetype(GOTHIC, 30), ImageFont.truetype(GOTHIC, 20)
    boxes = {}
    draw.rounded_rectangle((60, 60, 640, 150), 20, fill=BLUE)
    draw.text((90, 85), "송장번호 689212345674", font=font, fill=(255, 255, 255))
    boxes["blue"] = draw.textbbox((90, 85), "송장번호 689212345674", font=font)
    draw.rounded_rectangle((200, 230, 640, 320), 20, fill=YELLOW)
    draw.text((230, 255), "사진 보내드릴게요", font=font, fill=(25, 25, 25))
    boxes["yellow"] = draw.textbbox((230, 255), "사진 보내드릴게요", font=font)
    draw.text((80, 290), "오후 4:55", font=small, fill=TIME_GREY)
    boxes["time"] = draw.textbbox((80, 290), "오후 4:55", font=small)
    return image, boxes


def test_text_of_either_polarity_on_any_panel_comes_out_dark_on_white():
    """GIVEN white text on a blue bubble, dark text on a yellow one and a grey time on the page WHEN made dark on
    white THEN each text's box holds ink well under mid-grey (KakaoTalk's grey time too), the panels' and the page's plain areas are white,
    and most of the ink stands on panels (over the share that turns the pass on)."""
    image, boxes = bubbles_page()
    cfg = ocr_settings()
    made, share = panel_contrast(image.convert("L"), 30.0, cfg)
    pixels = np.asarray(made)
    for name in ("blue", "yellow", "time"):
        left, top, right, bottom = boxes[name]
        assert pixels[top:bottom, left:right].min() < 100, name  # well under the page's one threshold
    assert pixels[200, 350] == 255 and pixels[70, 300] == 255 and pixels[240, 620] >= 250  # page, blue, yellow
    assert share >= cfg.contrast_min_panel_share


def test_a_page_of_dark_text_on_its_own_background_is_left_as_it_is():
    """GIVEN dark text on a white page (a web page, a document) WHEN evened THEN the very same image comes back:
    its ink stands on the page's own background."""
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).text((40, 80), "CJ대한통운 689212345674 배송완료", font=ImageFont.truetype(GOTHIC, 26),
                               fill=20)
    cfg = ocr_settings()
    assert panel_contrast(image, 26.0, cfg)[1] < cfg.contrast_min_panel_share
    assert panels_evened(image, 26.0, cfg) is image


def test_no_text_size_a_desktop_s_text_or_a_photo_sized_page_is_left_as_it_is():
    """GIVEN no glyph height, a desktop's text size (under contrast_min_glyph_px), or a page above
    photo_min_pixels WHEN evened THEN unchanged, share 0."""
    image, _ = bubbles_page()
    gray = image.convert("L")
    cfg = ocr_settings()
    assert panel_contrast(gray, None, cfg) == (gray, 0.0)
    assert panel_contrast(gray, cfg.contrast_min_glyph_px - 1, cfg) == (gray, 0.0)
    huge = Image.new("L", (4000, 2000), 200)
    assert panel_contrast(huge, 30.0, cfg) == (huge, 0.0)


@pytest.mark.e2e
def test_real_tesseract_reads_the_number_on_a_blue_bubble(tmp_path):
    """GIVEN the bubbles page WHEN OCR'd as a screen (real Tesseract) THEN its text holds the number on the blue
    bubble and the grey time, which the page's one threshold loses."""
    image, _ = bubbles_page()
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, screen=True)
    squeezed = "".join(page.text.split())
    assert "689212345674" in squeezed
    assert "오후4:55" in squeezed
