"""OCR of one page image: the first pass over the whole page, then the re-read passes (pipeline/reading/passes/).

`ocr_page` sizes the page's text (preprocess), reads it with kor+eng (or Chinese where the first read looks
Chinese, or where chi_sim reads a document's doubtful words as Chinese: passes/chinese.py), then runs the passes
in order: Korean words read as Latin (or on a Chinese read, its doubtful Latin words read with chi_sim alone),
doubtful numbers, and on a screen the address bar, the clock and the lines of faint text the first pass left
unread (a chat's grey time separators). Each pass takes the words so far and returns them improved; a pass that
fails or times out leaves them as they were.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.errors import OcrFailed, OcrTimeout
from pipeline.fields.scripts import HAN
from pipeline.model import PageReading
from pipeline.output import imageops
from pipeline.reading import tesseract
from pipeline.reading.contrast import panels_evened
from pipeline.reading.engine import OcrLine, band_text, lines_of
from pipeline.reading.recheck import page_lines
from pipeline.reading.passes.address_bar import reread_address_bar
from pipeline.reading.passes.chinese import han_in_doubt, reread_as_chinese, reread_zone_statements
from pipeline.reading.passes.clock import reread_clock
from pipeline.reading.passes.faint import reread_faint
from pipeline.reading.passes.korean import reread_as_korean
from pipeline.reading.passes.numbers import reread_numbers
from pipeline.reading.preprocess import (
    denoised_sharpness, despeckled, enlarged, even_background, glyph_height, light_background, light_rows, ocr_scale,
    sharpness, soft_glyph_height, without_rules)
from pipeline.reading.settings import OcrSettings, settings


def looks_chinese(text: str, words: int, confidence: float | None, cfg: OcrSettings) -> bool:
    """kor+eng reads Chinese as a few Han characters or as low-confidence Latin garbage."""
    if len(HAN.findall(text)) >= cfg.chinese_retry_min_han:
        return True
    return (confidence is not None and words >= cfg.chinese_retry_min_words
            and confidence < cfg.chinese_retry_below_confidence)


def ocr_copy(image: Image.Image, unrule: bool, cfg: OcrSettings) -> tuple[Image.Image, float, Image.Image]:
    """The page's grey copy with its background evened, its text's glyph height, and the copy OCR reads: sized
    for that glyph height, table borders painted out when `unrule`."""
    gray = light_rows(light_background(despeckled(imageops.visible_rgb(image).convert("L"), cfg), cfg), cfg)
    glyph = glyph_height(np.asarray(gray), cfg)
    glyph = soft_glyph_height(gray, cfg) if glyph is None else glyph
    return gray, glyph, enlarged(without_rules(gray, glyph, cfg) if unrule else gray, ocr_scale(glyph, gray.size, cfg))


def panels_copy(gray: Image.Image, glyph: float | None, copy: Image.Image, unrule: bool,
                cfg: OcrSettings) -> Image.Image:
    """The copy OCR reads of a screen whose text stands on coloured panels (a chat's bubbles and pills): made dark
    on white (contrast.panels_evened) at the copy's scale; else `copy` itself. The grey copy the band passes crop,
    and the sharpness the blur rules measure, stay the page's own."""
    evened = panels_evened(gray, glyph, cfg)
    if evened is gray:
        return copy
    return enlarged(without_rules(evened, glyph, cfg) if unrule else evened, copy.width / gray.width)


def copy_sharpness(copy: Image.Image) -> tuple[float, float]:
    """The OCR copy's sharpness and its sharpness after a median (PageReading.sharpness, sharpness_denoised): what
    the rules profile's blur thresholds for photos were measured on."""
    return round(sharpness(np.asarray(copy)), 1), round(denoised_sharpness(np.asarray(copy)), 1)


def top_row_first(lines: tuple[OcrLine, ...], top_band: int = 0) -> tuple[OcrLine, ...]:
    """The lines in reading order, those standing wholly above the first line moved before it (in their order), and
    so are those starting above it within the page's `top_band` (pixels from the top). Tesseract sometimes gives a
    phone's status bar (`8:42 KT 57%`) last, and the clock pass puts a status bar's time, read in a crop taller
    than the bar, after every other line; the text then reads it under the chat's last day separator, as one of
    that day's times. A moved line takes the lines stacked right under it in its box along (one left edge, one width,
    each starting where the last ends: a clock's time and date lines as the clock pass places them): a top taskbar's
    `5:20 PM` moved alone left its `3/13/2026` at the text's end, and the two no longer made one timestamp (phone-mix
    tuning photo 9201/03)."""
    if not lines:
        return lines
    first = lines[0]
    above = [line for line in lines[1:] if line.top + line.height <= first.top
             or line.top < first.top and line.top < top_band]
    at = 0
    while at < len(above):
        under = next((line for line in lines if line not in above and line.left == above[at].left
                      and line.width == above[at].width and line.top == above[at].top + above[at].height), None)
        if under is not None:
            above.insert(at + 1, under)
        at += 1
    return tuple(above) + tuple(line for line in lines if line not in above)


def ocr_page(image: Image.Image, index: int, work_png: Path, timeout: float, psm: int | None = None,
             screen: bool = False, unrule: bool = False, photographed: bool = False,
             languages: str | None = None, cfg: OcrSettings | None = None) -> tuple[PageReading, str]:
    """OCR one page image (any mode, any size) -> its PageReading and the languages used. `psm` None: the
    settings' psm for screenshots and photos. `screen`: the page may be a screen capture, so its address bar and
    taskbar clock are read again on their own (small passes). `unrule`: a photographed document or a scan, whose
    table borders are painted out first. `photographed`: a photographed screen warped flat, whose bands are read
    with the background divided out (moiré), and whose sharpness is not measured (None: the caller measures the
    photo's own, on which the profile's blur thresholds were set). `languages`: read with these alone (another copy
    of a page whose languages are known); None: kor+eng, or Chinese where the first pass looks Chinese. `cfg`: the
    reading settings (Context.ocr); None: ocr.toml's defaults.

    A timeout or Tesseract failure gives a page with source "none" and a warning; a missing Tesseract raises.
    """
    cfg = cfg or settings()
    gray, glyph, copy = ocr_copy(image, unrule, cfg)
    blur, blur_denoised = (None, None) if photographed else copy_sharpness(copy)
    if screen and not photographed:
        copy = panels_copy(gray, glyph, copy, unrule, cfg)
    page = PageReading(index=index, text="", source="none", width=image.width, height=image.height,
                       sharpness=blur, sharpness_denoised=blur_denoised)
    decide = languages is None
    languages = languages or cfg.languages
    try:
        words = tesseract.words(copy, languages, timeout, psm, scratch=work_png)
    except (OcrTimeout, OcrFailed) as exc:
        return replace(page, warning=f"page {index}: {exc.message}"), languages
    lines, confidence = lines_of(words)
    text = "\n".join(line.text for line in lines)
    chinese = decide and "chi_sim" in tesseract.engine().languages and (
        looks_chinese(text, len(words), confidence, cfg)
        or unrule and han_in_doubt(words, copy, work_png, timeout, cfg))
    if chinese:
        try:
            retry = tesseract.words(copy, cfg.chinese_languages, timeout, psm, scratch=work_png)
        except (OcrTimeout, OcrFailed):
            retry = []  # the first pass stands
        _, retry_confidence = lines_of(retry)
        if (retry_confidence or 0) > (confidence or 0):
            words, confidence, languages = retry, retry_confidence, cfg.chinese_languages
    if languages == cfg.languages:
        words = reread_as_korean(words, copy, work_png, timeout, cfg)
        if "chi_sim" in tesseract.engine().languages:
            words = reread_zone_statements(words, copy, work_png, timeout, cfg)
    elif languages == cfg.chinese_languages:
        words = reread_as_chinese(words, copy, work_png, timeout, cfg)
    words = reread_numbers(words, copy, work_png, timeout, cfg, buildings=screen)
    bar_reads: tuple[str, ...] = ()
    chrome = ("", "")
    if screen:
        bands = even_background(gray, glyph, cfg) if photographed else gray
        words, bar_reads, chrome = reread_address_bar(words, bands, copy.size, work_png, timeout, cfg,
                                                            photographed)
        words = reread_clock(words, bands, copy.size, work_png, timeout, cfg)
        if not photographed:
            words = reread_faint(words, gray, copy.size, work_png, timeout, cfg, languages)
    lines = top_row_first(lines_of(words)[0], round(cfg.header_fraction * copy.height))
    header, footer = band_text(lines, copy.height, cfg.header_fraction, cfg.footer_fraction)
    return replace(page, text="\n".join(line.text for line in lines), source="ocr",
                   confidence=None if confidence is None else round(confidence, 1),
                   header_text=header, footer_text=footer, bar_reads=bar_reads, tabs_text=chrome[0],
                   bookmarks_text=chrome[1], lines=page_lines(lines, copy.width / image.width)), languages
