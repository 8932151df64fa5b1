"""The Korean pass: Latin words kor+eng read on Korean lines, likely Korean, read again with kor alone.

Entry: `reread_as_korean(words, copy, work_png, timeout, cfg)` -> the words with each doubtful region replaced by
kor's Hangul (or digits over a word with a digit), or dropped where kor read nothing. `copy` is the OCR copy the
words' boxes are in. One Tesseract call for all doubtful lines (stacked), none when no word is doubtful.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from PIL import Image

from pipeline.fields.scripts import HANGUL_SYLLABLE, LATIN
from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord
from pipeline.reading.preprocess import binarised_in_pieces, enlarged
from pipeline.reading.settings import OcrSettings

HANGUL = HANGUL_SYLLABLE  # a word with a whole syllable is Korean; a lone jamo is OCR noise


def doubtful_latin(words: list[OcrWord], cfg: OcrSettings) -> list[OcrWord]:
    """Latin words on lines that hold Hangul, likely Korean that kor+eng read as Latin: those of low confidence,
    and any between an administrative unit and a number or Hangul (a road name's or a district's place in a Korean
    address). On a page that holds Hangul, a line holding a word of `retry_beside_number_min_digits` digits or more
    counts as such a line: its label or carrier name may be read as Latin whole (`CJCHSHS = - 565065277837` for
    `CJ대한통운 · 565065277837`, `SAMS 37581179666` for `송장번호 37581179666`). Not numbers with letters
    (1Z4828WF0371297735)."""
    korean_lines = {w.line for w in words if HANGUL.search(w.text)}
    if korean_lines:
        least = cfg.retry_beside_number_min_digits
        korean_lines |= {w.line for w in words if w.text.isdigit() and len(w.text) >= least}
    latin = [w for w in words if w.line in korean_lines and LATIN.search(w.text) and not HANGUL.search(w.text)
             and sum(c.isdigit() for c in w.text) < cfg.retry_number_min_digits]
    road_place = _in_road_place(words, cfg)
    return [w for w in latin if w.confidence < cfg.retry_below_confidence or id(w) in road_place]


def _in_road_place(words: list[OcrWord], cfg: OcrSettings) -> set[int]:
    """ids of the Latin words between a word like 분당구 (or 분 당 구) and a number or Hangul (고양시 AUSF 중앙로), and
    of those right before such a word (광주광역시 read as `BABHA 서구`, confidence 73), on one line."""
    after_unit = re.compile(cfg.retry_after_unit)
    found: set[int] = set()
    run: list[OcrWord] | None = None  # Latin words since the last unit word of the line, None outside such a run
    latin: list[OcrWord] = []  # the Latin words just before this one
    line = None
    syllables = ""  # the line's run of one-syllable words so far: OCR splits 송파구 into 송 파 구
    for w in words:  # Tesseract lists a line's words together, left to right
        if w.line != line:
            run, line, syllables, latin = None, w.line, "", []
        if run and (w.text[:1].isdigit() or HANGUL.match(w.text)):
            found.update(id(x) for x in run)
        syllables = syllables + w.text if HANGUL.fullmatch(w.text) else ""
        is_latin = bool(LATIN.search(w.text)) and not HANGUL.search(w.text)
        if after_unit.search(w.text):
            found.update(id(x) for x in latin)
        latin = latin + [w] if is_latin else []
        if after_unit.search(w.text) or (len(syllables) > 1 and after_unit.search(syllables[-6:])):
            run = []
        elif run is not None and is_latin:
            run.append(w)
        else:
            run = None
    return found


URL_MARKS = re.compile(r"[/.:?=&]")


def reread_as_korean(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                     cfg: OcrSettings) -> list[OcrWord]:
    """`words` with the doubtful Latin ones read again with kor alone: the lines holding them cropped from the OCR
    copy and stacked in one image (one call); a doubtful word takes what kor read over its span."""
    doubtful = doubtful_latin(words, cfg)
    if not doubtful:
        return words
    # The least confident lines first, at most retry_max_lines of them (see ocr.toml).
    confidence = {}
    for word in doubtful:
        confidence[word.line] = min(confidence.get(word.line, 100.0), word.confidence)
    lines = sorted(confidence, key=confidence.get)[:cfg.retry_max_lines]
    doubtful = [w for w in doubtful if w.line in lines]
    boxes, spans = [], []
    for line in lines:
        # The doubtful words of the line and two words either side: a table row's other cells cost time, not help.
        on_line = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        marked = [i for i, w in enumerate(on_line) if any(w is d for d in doubtful)]
        members = on_line[max(0, marked[0] - 2):marked[-1] + 3]
        height = max(w.height for w in members)
        pad = round(cfg.stack_pad_fraction * height)
        boxes.append((max(0, min(w.left for w in members) - pad), max(0, min(w.top for w in members) - pad),
                      min(copy.width, max(w.right for w in members) + pad),
                      min(copy.height, max(w.top + w.height for w in members) + pad)))
        # Each word (padded) is binarised on its own, the stretches between words by the line's threshold.
        spans.append([(w.left - pad - boxes[-1][0], w.right + pad - boxes[-1][0]) for w in members])
    gap = max(w.height for w in doubtful)  # blank rows keep the lines apart
    offsets, y = [], gap
    for box in boxes:
        offsets.append(y)
        y += box[3] - box[1] + gap
    stack = Image.new("L", (max(b[2] - b[0] for b in boxes) + 2 * gap, y), 255)
    for box, top, line_spans in zip(boxes, offsets, spans):
        # Binarised: light-grey text (a carrier name beside a number) reads as black text does, and a line's grey
        # box does not break the stack's layout (a boxed address line was read as four garbled lines). Word by
        # word: one threshold for the line drops a small grey label beside a black number (Safari's summary).
        stack.paste(binarised_in_pieces(copy.crop(box), line_spans), (gap, top))
    zoom = cfg.retry_scale
    read = [replace(w, left=round(w.left / zoom), top=round(w.top / zoom), width=round(w.width / zoom),
                    height=round(w.height / zoom))
            for w in tesseract.band_words(enlarged(stack, zoom), work_png, cfg.retry_languages, timeout, cfg.stack_psm)]
    replacements: dict[int, str] = {}
    url_hint = re.compile(cfg.url_hint)
    for at, line in enumerate(lines):
        box, top = boxes[at], offsets[at]
        bottom = top + box[3] - box[1]
        on_line = [w for w in read if top <= w.top + w.height / 2 < bottom]
        shift = gap - box[0]  # OCR-copy x to stack x
        # A word that looks like part of a URL, or holds a URL's marks beside one (`ups.` before
        # `com/track?...`), is never Korean: the address bar's passes read it again.
        first_pass = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        url_pieces = {id(w) for i, w in enumerate(first_pass) if url_hint.search(w.text) or (
            URL_MARKS.search(w.text) and any(url_hint.search(n.text) for n in first_pass[max(0, i - 1):i + 2]))}
        groups = _swallowed_regions(first_pass,
                                    [w for w in doubtful if w.line == line and id(w) not in url_pieces])
        found = _kor_words_by_region(groups, on_line, first_pass, box, shift)
        for group, texts in zip(groups, found):
            doubtful_here = [w for w in group if any(w is d for d in doubtful)]
            # Only a read without Latin letters replaces the region: kor alone turns real Latin words into noise.
            # Digits alone replace only a word with a digit (`4g` read again as `48`), not `code` read as `0006`.
            if texts and not any(LATIN.search(text) for text in texts) and (
                    any(HANGUL.search(text) for text in texts)
                    or any(c.isdigit() for w in doubtful_here for c in w.text)):
                replacements.update({id(w): "" for w in group})
                replacements[id(group[0])] = " ".join(texts)
            elif on_line and not texts:
                # kor read the line and nothing there: `sy` was a neighbour's ink. A piece of a URL stays: the
                # address bar's passes read it again.
                replacements.update({id(w): "" for w in doubtful_here if not URL_MARKS.search(w.text)})
    read_again = [replace(w, text=replacements[id(w)]) if id(w) in replacements else w for w in words]
    return [w for w in read_again if w.text]  # the dropped ones


def _swallowed_regions(line: list[OcrWord], doubtful: list[OcrWord]) -> list[list[OcrWord]]:
    """The regions a line's doubtful words stand in, left to right: each doubtful word with the non-Latin words
    whose boxes hold at least half of it or of a word already taken, or half of which it holds (Tesseract gave
    `송파구` a box over the garbled `OS =` beside it: 송파구 OS = 311 for 송파구 오금로 311), so that kor's read of
    the region replaces all of it."""
    def overlap(a: OcrWord, b: OcrWord) -> float:
        return min(a.right, b.right) - max(a.left, b.left)

    groups: list[list[OcrWord]] = []
    for word in sorted(doubtful, key=lambda w: w.left):
        group = [word]
        while grown := [w for w in line if not any(w is g for g in group) and not LATIN.search(w.text)
                        and any(overlap(w, g) >= 0.5 * min(w.width, g.width) for g in group)]:
            group += grown
        # A doubtful word inside another's region joins it.
        joined = next((g for g in groups if any(w is x for w in group for x in g)), None)
        if joined is not None:
            joined.extend(w for w in group if not any(w is x for x in joined))
        else:
            groups.append(group)
    return [sorted(g, key=lambda w: w.left) for g in groups]


def _kor_words_by_region(groups: list[list[OcrWord]], read: list[OcrWord], line: list[OcrWord],
                         box: tuple[int, int, int, int], shift: int) -> list[list[str]]:
    """The kor words (stack coordinates) that stand in each region: centred between the region's neighbours
    (kor may see a last syllable past the first pass's box); a word two regions could take goes to the nearer."""
    spans = []
    for group in groups:
        outside = [w for w in line if not any(w is g for g in group)]
        left = max((w.right for w in outside if w.right <= group[0].left), default=box[0])
        right = min((w.left for w in outside if w.left >= max(g.right for g in group)), default=box[2])
        spans.append((left + shift, right + shift, group[0].left + shift, max(g.right for g in group) + shift))
    found: list[list[str]] = [[] for _ in groups]
    for word in read:
        if any(w.text == word.text and min(w.right, word.left + word.width - shift) > max(w.left, word.left - shift)
               and not any(w is g for group in groups for g in group) for w in line):
            continue  # kor read a word outside the regions again, its box stretched over one (송파구 over SSE)
        centre = word.left + word.width / 2
        takers = [i for i, (left, right, _, _) in enumerate(spans) if left <= centre < right]
        if takers:
            nearest = min(takers, key=lambda i: max(spans[i][2] - centre, centre - spans[i][3], 0))
            found[nearest].append(word.text)
    return found
