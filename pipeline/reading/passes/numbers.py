"""The numbers pass: long numbers of low confidence, and a screen's building numbers, read again on their own.

Entry: `reread_numbers(words, copy, work_png, timeout, cfg, buildings=False)` -> the words with a number's text
replaced where its read alone is one number read with more confidence. Same arguments as the Korean pass; one
Tesseract call per number read again, at most number_retry_max_words (and building_retry_max_words) of them.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from PIL import Image

from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord
from pipeline.reading.settings import OcrSettings


def reread_numbers(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                   cfg: OcrSettings, buildings: bool = False) -> list[OcrWord]:
    """`words` with each long number of low confidence, and with `buildings` (a screen's small text) each building
    number after a road name, read again on its own as one line; the new read replaces the word's digits only if
    it is one number, read with more confidence. Numbers with letters (UPS 1Z, S10) are left: read alone with eng
    their letters came out worse (1ZKHJAKV... as 1ZKHIAKV...). A scan's building numbers are left too: cropped
    with its large Korean neighbours, eng lost digits (140 read as 1 at 96, 81 as 8)."""
    doubtful = sorted((w for w in words if w.text.isdigit() and len(w.text) >= cfg.number_retry_min_digits
                       and w.confidence < cfg.number_retry_below_confidence), key=lambda w: w.confidence)
    replacements: dict[int, OcrWord] = {}
    for word in doubtful[:cfg.number_retry_max_words]:
        pad = round(cfg.number_retry_pad_fraction * word.height)
        # Punctuation alone is a border in the margin (`|` beside a boxed number), not part of the read.
        read = [w for w in _read_alone(word, copy, pad, pad, work_png, timeout, cfg)
                if any(c.isalnum() for c in w.text)]
        if len(read) == 1 and read[0].text.isdigit() and read[0].confidence > word.confidence:
            replacements[id(word)] = replace(word, text=read[0].text, confidence=read[0].confidence)
    for word in _building_numbers(words, cfg)[:cfg.building_retry_max_words] if buildings else []:
        # With its neighbours' edges in the crop Tesseract reads the number better than cut tight; the read whose
        # middle falls within the number's box is its read.
        pad_x, pad_y = (round(f * word.height) for f in (cfg.building_pad_heights, cfg.number_retry_pad_fraction))
        left = min(pad_x, word.left)  # where the number starts within the crop
        read = [w for w in _read_alone(word, copy, pad_x, pad_y, work_png, timeout, cfg)
                if left <= w.left + w.width / 2 <= left + word.width]
        digits = read[0].text.rstrip(",.") if len(read) == 1 else ""
        # A building number again, with a sub-number where the first read had one (300-12 is never cut to 300).
        if (re.fullmatch(cfg.building_number, digits) and ("-" in digits) == ("-" in word.text)
                and read[0].confidence > word.confidence):
            kept = word.text[len(word.text.rstrip(",.")):]  # its comma stays
            replacements[id(word)] = replace(word, text=digits + kept, confidence=read[0].confidence)
    return [replacements.get(id(w), w) for w in words]


def _read_alone(word: OcrWord, copy: Image.Image, pad_x: int, pad_y: int, work_png: Path, timeout: float,
                cfg: OcrSettings) -> list[OcrWord]:
    """The words of `word`'s box, widened by the pads, read as one line (coordinates within the crop)."""
    crop = copy.crop((max(0, word.left - pad_x), max(0, word.top - pad_y), min(copy.width, word.right + pad_x),
                      min(copy.height, word.top + word.height + pad_y)))
    return tesseract.band_words(crop, work_png, cfg.number_retry_languages, timeout, cfg.line_psm)


def _building_numbers(words: list[OcrWord], cfg: OcrSettings) -> list[OcrWord]:
    """Building numbers right after a road name on their line (`중앙로` `110,`, `올림픽로` `300-12`), the least
    confident first."""
    found = []
    for line in dict.fromkeys(w.line for w in words):  # in reading order, so that ties sort the same every run
        row = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        found += [number for road, number in zip(row, row[1:])
                  if re.fullmatch(cfg.building_number, number.text) and re.search(cfg.building_road, road.text)]
    return sorted(found, key=lambda w: w.confidence)
