"""Text on coloured panels made dark on white: each pixel's difference from its own local background.

Entry: `panel_contrast(gray, glyph_px, cfg)` -> (the page as OCR should see it, the share of its ink that stands on
a background other than the page's).

A chat screen prints its text on panels of many colours and both polarities: WeChat's green bubbles, KakaoTalk's
yellow bubbles on a blue-grey page, DingTalk's white text on blue bubbles, a dark theme's yellow bubble that the
page's inversion turns into light text on dark, KakaoTalk's white day pill, grey bubble times on blue-grey.
Tesseract binarises the page with one threshold and loses most of it (a blue bubble's `单号 SF5600541111950`, every
KakaoTalk bubble time). Here the background of every pixel is the grey of the nearest pixel of a flat area (a
panel's inside: no step within 3x3 over contrast_flat_range) wide enough not to be a glyph's stroke (eroded by
contrast_core_glyphs text heights), and the page OCR reads is 255 minus contrast_gain times a pixel's distance
from the range of the backgrounds around it (contrast_edge_px): text of any colour on any panel comes out dark on
white, and a panel's or an avatar's edge, whose greys lie between two backgrounds, vanishes.

It is used only where it matters: on a phone's screen (text at least contrast_min_glyph_px high) where at least
contrast_min_panel_share of the ink stands on backgrounds other than the page's own (the most common flat grey), as
a chat's bubbles and pills do; a web page's text on its page background, a document's on paper, is read as it is.
At a desktop's text sizes the grey separators the faint pass reads enlarged came out of the first pass as
confident garble that kept that pass off them (a WeChat for Windows capture: `aH 278 #£7:50`, read 74).
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from pipeline.reading.settings import OcrSettings


def local_background(pixels: np.ndarray, glyph_px: float, cfg: OcrSettings) -> np.ndarray | None:
    """Each pixel's background grey: that of the nearest pixel of a flat area wider than a glyph's stroke, or None
    when the page has no flat area (a photo's grain)."""
    square = np.ones((3, 3), np.uint8)
    steps = cv2.dilate(pixels, square).astype(np.int16) - cv2.erode(pixels, square)
    flat = (steps <= cfg.contrast_flat_range).astype(np.uint8)
    reach = max(1, round(cfg.contrast_core_glyphs * glyph_px))
    core = cv2.erode(flat, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 2 * reach + 1)))
    if not core.any():
        return None
    # Labelled by its nearest core pixel: label i is the i-th core pixel in row-major order.
    _, labels = cv2.distanceTransformWithLabels(1 - core, cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL)
    grey = pixels.ravel()[np.flatnonzero(core.ravel())]
    return grey[labels.ravel() - 1].reshape(pixels.shape)


def panel_contrast(gray: Image.Image, glyph_px: float | None, cfg: OcrSettings) -> tuple[Image.Image, float]:
    """The page with each pixel's distance from its local background made ink (dark on white, any polarity), and
    the share of the ink (pixels at least contrast_ink_step from their background) whose background is not the
    page's own grey (more than contrast_page_tolerance from the commonest background). The page unchanged and 0.0
    where no text size or no flat area is known, the text is under contrast_min_glyph_px high, or the page exceeds
    photo_min_pixels (a photo)."""
    if glyph_px is None or glyph_px < cfg.contrast_min_glyph_px or gray.width * gray.height > cfg.photo_min_pixels:
        return gray, 0.0
    pixels = np.asarray(gray)
    background = local_background(pixels, glyph_px, cfg)
    if background is None:
        return gray, 0.0
    # Between two flat areas (a bubble's edge, an avatar's) a pixel's grey lies between their greys: no ink there.
    # Ink is the distance from the range of the backgrounds around a pixel, so edges vanish and glyphs stay.
    reach = np.ones((2 * cfg.contrast_edge_px + 1,) * 2, np.uint8)
    low = cv2.erode(background, reach).astype(np.int16)
    high = cv2.dilate(background, reach).astype(np.int16)
    signed = pixels.astype(np.int16)
    distance = np.maximum(np.maximum(low - signed, signed - high), 0)
    ink = distance >= cfg.contrast_ink_step
    if not ink.any():
        return gray, 0.0
    page = int(np.argmax(np.bincount(background.ravel(), minlength=256)))
    off_page = np.abs(background[ink].astype(np.int16) - page) > cfg.contrast_page_tolerance
    share = float(off_page.mean())
    made = np.clip(255.0 - distance * cfg.contrast_gain, 0, 255).astype(np.uint8)
    return Image.fromarray(made), share


def panels_evened(gray: Image.Image, glyph_px: float | None, cfg: OcrSettings) -> Image.Image:
    """The page OCR should read: panel_contrast's where its ink stands on panels (contrast_min_panel_share), else
    the page as it is."""
    made, share = panel_contrast(gray, glyph_px, cfg)
    return made if share >= cfg.contrast_min_panel_share else gray
