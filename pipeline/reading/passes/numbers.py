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

from pipeline.fields.scripts import HANGUL_SYLLABLE
from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord
from pipeline.reading.settings import OcrSettings


def reread_numbers(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                   cfg: OcrSettings, buildings: bool = False) -> list[OcrWord]:
    """`words` with each long number of low confidence, and with `buildings` (a screen's small text) each building
    number after a road name, read again on its own as one line; the new read replaces the word's digits only if
    it is one number, read with more confidence. Numbers with letters (UPS 1Z, S10) are left: read alone with eng
    their letters came out worse (1ZKHJAKV... as 1ZKHIAKV...). A scan's building numbers are left too: cropped
    with its large Korean neighbours, eng lost digits (140 read as 1 at 96, 81 as 8). A long number right after a
    word of one Hangul syllable is read again with it: capital letters read there before the number's own digits
    are its prefix (`아 8833057233233` for SF8833057233233), one word with the number."""
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
    # A number's letter prefix a Korean read turned into a Hangul syllable (`SF5245335213890` read `아
    # 5245335213890` in a KakaoTalk bubble): the syllable and the number read again together with eng, taken where
    # that read is capital letters followed by the number's own digits (the digits are never changed here).
    merged: dict[int, OcrWord] = {}
    for syllable, first_read in _syllable_before_a_number(words, cfg)[:cfg.number_retry_max_words]:
        number = replacements.get(id(first_read), first_read)
        pad = round(cfg.number_retry_pad_fraction * number.height)
        span = replace(syllable, width=number.right - syllable.left, top=min(syllable.top, number.top),
                       height=max(syllable.top + syllable.height, number.top + number.height)
                       - min(syllable.top, number.top))
        read = [w for w in _read_alone(span, copy, pad, pad, work_png, timeout, cfg) if w.text.strip()]
        first = read[0].text if read else ""
        letters = first[:len(first) - len(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
        if len(letters) >= 2 and first[len(letters):].startswith(number.text):
            merged[id(syllable)] = replace(span, text=letters + number.text, confidence=read[0].confidence)
            merged[id(first_read)] = None
    if merged:
        words = [merged.get(id(w), w) for w in words if merged.get(id(w), w) is not None]
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


def _syllable_before_a_number(words: list[OcrWord], cfg: OcrSettings) -> list[tuple[OcrWord, OcrWord]]:
    """(syllable, number) of each long number (number_retry_min_digits) right after a word of one Hangul syllable on
    its line, no wider a gap between them than the syllable's height."""
    return [(syllable, number) for syllable, number in _neighbours(words)
            if HANGUL_SYLLABLE.fullmatch(syllable.text) and number.text.isdigit()
            and len(number.text) >= cfg.number_retry_min_digits and number.left - syllable.right <= syllable.height]


def _building_numbers(words: list[OcrWord], cfg: OcrSettings) -> list[OcrWord]:
    """Building numbers right after a road name on their line (`중앙로` `110,`, `올림픽로` `300-12`), the least
    confident first."""
    found = [number for road, number in _neighbours(words)
             if re.fullmatch(cfg.building_number, number.text) and re.search(cfg.building_road, road.text)]
    return sorted(found, key=lambda w: w.confidence)


def _neighbours(words: list[OcrWord]) -> list[tuple[OcrWord, OcrWord]]:
    """Each pair of words next to each other on a line, left to right, line by line in reading order (so that ties
    sort the same every run)."""
    pairs = []
    for line in dict.fromkeys(w.line for w in words):
        row = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        pairs += zip(row, row[1:])
    return pairs
