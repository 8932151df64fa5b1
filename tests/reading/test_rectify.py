"""pipeline/reading/rectify.py: the photographed screen (or sheet) found and straightened; None where there is none.

The photos are built here with a fixed seed and a known projection, so the true corners are known: a screen in a
black bezel on a desk (light and dark mode), a sheet on a table; perspective, blur and sensor noise as a phone adds.
"""
from __future__ import annotations

import dataclasses
import time
import tomllib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.reading import rectify

GOTHIC = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
PHOTO = (1200, 900)
# Where the monitor's outside corners land in the photo (top-left, top-right, bottom-right, bottom-left).
MONITOR_QUAD = [(95, 80), (1130, 40), (1160, 850), (60, 870)]
SHEET_QUAD = [(70, 50), (1110, 75), (1140, 860), (45, 835)]
BEZEL = (24, 24, 24, 50)  # left, top, right, bottom (the chin) in screen pixels


def screen_image(dark: bool, size: tuple[int, int] = (960, 600)) -> Image.Image:
    """A browser-like page: a light address bar, then full-width text lines (the page dark or light)."""
    background, ink = ((30, 30, 32), (225, 225, 225)) if dark else ((250, 250, 250), (20, 20, 20))
    page = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(GOTHIC, 22)
    draw.rectangle((0, 0, size[0], 60), fill=(222, 222, 222))
    draw.text((20, 18), "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=689289325376", font=font,
              fill=(40, 40, 40))
    for row in range(8):
        # The same digits across the line: its ink has the same height at both ends.
        draw.text((30, 100 + row * 60), "689289325376 " * 7, font=font, fill=ink)
    return page


def projected(flat: Image.Image, quad: list[tuple[float, float]], scene: tuple[int, int, int], seed: int
              ) -> Image.Image:
    """`flat` seen in perspective (its corners on `quad`) on a plain scene, blurred, with sensor noise."""
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [flat.width, 0], [flat.width, flat.height],
                                                     [0, flat.height]]), np.float32(quad))
    warped = cv2.warpPerspective(np.asarray(flat), matrix, PHOTO, flags=cv2.INTER_CUBIC)
    mask = cv2.warpPerspective(np.full((flat.height, flat.width), 255, np.uint8), matrix, PHOTO)
    photo = np.where(mask[..., None] > 127, warped, np.uint8(scene))
    blurred = np.asarray(Image.fromarray(photo).filter(ImageFilter.GaussianBlur(0.9)), dtype=np.float32)
    noisy = blurred + np.random.default_rng(seed).normal(0, 4.0, blurred.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def monitor_photo(dark: bool) -> tuple[Image.Image, np.ndarray]:
    """A phone photo of a monitor and the true corners of its screen (inside the bezel)."""
    screen = screen_image(dark)
    left, top, right, bottom = BEZEL
    monitor = Image.new("RGB", (screen.width + left + right, screen.height + top + bottom), (16, 16, 18))
    monitor.paste(screen, (left, top))
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [monitor.width, 0], [monitor.width, monitor.height],
                                                     [0, monitor.height]]), np.float32(MONITOR_QUAD))
    corners = np.float32([[left, top], [left + screen.width, top], [left + screen.width, top + screen.height],
                          [left, top + screen.height]]).reshape(-1, 1, 2)
    return projected(monitor, MONITOR_QUAD, (96, 84, 70), seed=1), \
        cv2.perspectiveTransform(corners, matrix).reshape(4, 2)


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


@pytest.mark.parametrize("dark", [False, True], ids=["light-page", "dark-mode-page"])
def test_screen_corners_found_inside_the_bezel(dark):
    """GIVEN a phone photo of a monitor whose screen (light, or a dark-mode page only 14 levels above its black
    bezel) sits in perspective on a desk
    WHEN find_quad looks for the rectangle
    THEN it returns the screen's corners (the bezel's inner edge, not its outside), each within 2 px."""
    photo, truth = monitor_photo(dark)
    quad = rectify.find_quad(gray(photo))
    assert quad is not None
    assert np.abs(quad - truth).max() < 2.0, (quad, truth)


def test_sheet_of_paper_corners_found():
    """GIVEN a phone photo of a printed page lying on a wooden table, in perspective
    WHEN find_quad looks for the rectangle
    THEN it returns the sheet's corners within 2 px."""
    page = Image.new("RGB", (850, 1100), (245, 245, 240))
    draw = ImageDraw.Draw(page)
    draw.rectangle((80, 200, 770, 500), outline=(0, 0, 0), width=3)
    draw.text((100, 240), "운송장번호 689289325376", font=ImageFont.truetype(GOTHIC, 28), fill=(0, 0, 0))
    photo = projected(page, SHEET_QUAD, (139, 115, 85), seed=2)
    quad = rectify.find_quad(gray(photo))
    assert quad is not None
    assert np.abs(quad - np.float32(SHEET_QUAD)).max() < 2.0, quad


def test_clean_screenshot_flat_image_and_scan_give_none_quickly():
    """GIVEN a clean screenshot (a large framed table on a page), a flat grey image, and a scan-like page (a big
    ruled frame, skewed 0.8 degrees as on a flatbed)
    WHEN rectified looks for a photographed rectangle
    THEN each gives None, cheaply (a bound that catches a search gone quadratic, not a speed target: that is
    bench's)."""
    screenshot = screen_image(dark=False, size=(1366, 768))
    ImageDraw.Draw(screenshot).rectangle((100, 90, 1266, 700), outline=(120, 120, 120), width=2)
    flat = Image.new("RGB", (1600, 1200), (128, 128, 128))
    scan = Image.new("L", (1700, 2200), 250)
    ImageDraw.Draw(scan).rectangle((150, 200, 1550, 2000), outline=0, width=4)
    scan = scan.rotate(0.8, resample=Image.BICUBIC, fillcolor=250)
    for image in (screenshot, flat, scan):
        start = time.perf_counter()
        assert rectify.rectified(image) is None
        assert time.perf_counter() - start < 2.0


def test_straightened_screen_has_horizontal_text_lines():
    """GIVEN a phone photo of a monitor showing full-width text lines, tilted by the perspective
    WHEN it is rectified
    THEN the address bar ends at the same row at the image's left and right (within 2 px), and the first text
    line's rows of ink are the same at its left and right ends (within 2 px)."""
    photo, _ = monitor_photo(dark=False)
    out = rectify.rectified(photo)
    assert out is not None
    pixels = gray(out).astype(np.float32)
    third = out.width // 3

    def bar_bottom(columns: np.ndarray) -> int:
        rows = columns.mean(axis=1)
        return int(np.flatnonzero(rows[: out.height // 4] > 240)[0])  # first page-white row below the grey bar

    def ink_centre(columns: np.ndarray, top: int) -> float:
        darkness = 255 - columns[top: top + out.height // 8].mean(axis=1)
        return float((darkness * np.arange(len(darkness))).sum() / darkness.sum())

    left, right = pixels[:, :third], pixels[:, -third:]
    assert abs(bar_bottom(left) - bar_bottom(right)) <= 2
    top = bar_bottom(pixels)
    assert abs(ink_centre(left, top) - ink_centre(right, top)) <= 2


def test_output_keeps_resolution_and_is_bounded():
    """GIVEN a large (6000 x 4500) phone photo of a monitor
    WHEN it is rectified with the configured bound, and with a bound of 2 MP
    THEN the output is no larger than the quad's longest sides (no upscaling), and within the bound."""
    photo, _ = monitor_photo(dark=False)
    large = photo.resize((6000, 4500), Image.BILINEAR)
    quad = rectify.find_quad(gray(large))
    assert quad is not None
    width = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
    height = max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1]))
    out = rectify.rectified(large)
    assert out is not None
    assert out.width <= round(width) and out.height <= round(height)
    assert out.width * out.height <= rectify.settings().max_output_pixels
    small_bound = dataclasses.replace(rectify.settings(), max_output_pixels=2_000_000)
    bounded = rectify.warped(large, quad, small_bound)
    assert bounded.width * bounded.height <= 2_000_000
    assert abs(bounded.width / bounded.height - out.width / out.height) < 0.01


def test_settings_file_holds_every_threshold():
    """GIVEN rectify.toml
    WHEN the settings are loaded
    THEN the file's keys are exactly RectifySettings' fields (none defaulted in code, none unused) and the warp's
    interpolation is one cv2 knows."""
    data = tomllib.loads(rectify.SETTINGS_FILE.read_text(encoding="utf-8"))
    keys = {key for section in data.values() for key in section}
    assert keys == {f.name for f in dataclasses.fields(rectify.RectifySettings)}
    cfg = rectify.RectifySettings.load()
    assert cfg.interpolation in rectify.INTERPOLATIONS
    assert 0 < cfg.min_area_fraction < 1 and cfg.min_angle_deg < 90 < cfg.max_angle_deg


def test_a_box_on_the_flat_copy_is_placed_back_on_the_photo():
    """GIVEN a phone photo of a monitor, rectified, and boxes on its flat copy (the whole copy, and its top-left
    quarter) WHEN placed back on the photo THEN the whole copy's box is the box around the true screen corners
    (within 3 px), the quarter's box holds the screen's top-left corner and stays inside the whole."""
    photo, corners = monitor_photo(dark=False)
    flat, quad = rectify.rectified_with_quad(photo)
    whole, quarter = rectify.boxes_on_photo([(0, 0, flat.width, flat.height), (0, 0, flat.width // 2,
                                                                               flat.height // 2)],
                                            quad, flat.size, photo.size)
    around = (corners[:, 0].min(), corners[:, 1].min(), corners[:, 0].max(), corners[:, 1].max())
    assert all(abs(a - b) <= 3 for a, b in zip(whole, around))
    assert quarter[0] - 3 <= corners[0][0] <= quarter[2] and quarter[1] - 3 <= corners[0][1] <= quarter[3]
    assert whole[0] <= quarter[0] < quarter[2] < whole[2] and whole[1] <= quarter[1] < quarter[3] < whole[3]
