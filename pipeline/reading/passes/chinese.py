"""The Chinese probe: Han words on a page kor+eng read as Korean or English, found by reading its doubtful words
with chi_sim.

Entries: `han_in_doubt(words, copy, work_png, timeout, cfg)` -> whether chi_sim reads Chinese where kor+eng
doubted; `reread_as_chinese(words, copy, work_png, timeout, cfg)` -> a Chinese read's doubtful words replaced by
what chi_sim alone reads in them, where that is confident Han; `reread_zone_statements(words, copy, work_png,
timeout, cfg)` -> a Korean or English read's noise beside a table of times replaced by what chi_sim reads there,
where that states the times' zone.

A 签收单 of a Chinese forwarder for a parcel delivered in Korea prints its labels in Chinese (运单号, 收货地址,
签收时间) beside a Korean carrier and address: kor+eng reads the labels as low-confidence Latin or Hangul garbage
(`ams` for 运单号, `FT ENS TA]` for 打印时间) and the Korean text well, so the page's confidence (65-72) and its
Han count (none) look Korean, and the Chinese retry (ocr.looks_chinese) never ran. Here the first pass's doubtful
words (under chinese_probe_below_confidence, with a letter and few digits), the least confident first, are cropped
from the OCR copy, stacked one under another and read once with chinese_probe_languages: a page whose doubtful
words chi_sim reads as chinese_probe_min_han or more distinct Han characters, each in a word read at
chinese_probe_min_confidence or more, looks Chinese. Garbage a Korean page's speckle or table rules make is read
as a few Han strokes (`一`, `十`, `工`) or at low confidence, never as many distinct confident characters.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PIL import Image

from pipeline.fields.scripts import HAN, HANGUL_SYLLABLE, LATIN
from pipeline.fields.timestamps import extract_dates, extract_timestamps, stated_zones
from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord, enclosing, joined
from pipeline.reading.preprocess import binarised
from pipeline.reading.settings import OcrSettings


def doubtful_words(words: list[OcrWord], cfg: OcrSettings, below: float | None = None) -> list[OcrWord]:
    """The words kor+eng doubted that may be another script: under `below` (chinese_probe_below_confidence),
    holding a Latin letter, a Hangul syllable or a Han character and fewer than chinese_probe_max_digits digits (a
    number is read well enough as digits), the least confident first, at most chinese_probe_max_words."""
    below = cfg.chinese_probe_below_confidence if below is None else below
    doubtful = [w for w in words if w.confidence < below
                and (LATIN.search(w.text) or HANGUL_SYLLABLE.search(w.text) or HAN.search(w.text))
                and sum(c.isdigit() for c in w.text) < cfg.chinese_probe_max_digits]
    return sorted(doubtful, key=lambda w: w.confidence)[:cfg.chinese_probe_max_words]


def _stacked_reads(doubtful: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                   cfg: OcrSettings, sides: bool = True) -> list[list[OcrWord]]:
    """What chinese_probe_languages reads in each doubtful word's crop: the crops (binarised, so that a label's grey
    cell reads as its text does) stacked one under another and read in one call; a word's read is the words whose
    middle falls in its row. `sides`: the crop is padded left and right too (else only above and below, so that a
    neighbour's glyph is not read into the word)."""
    boxes = []
    for word in doubtful:
        pad = round(cfg.stack_pad_fraction * word.height)
        side = pad if sides else 0
        boxes.append((max(0, word.left - side), max(0, word.top - pad), min(copy.width, word.right + side),
                      min(copy.height, word.top + word.height + pad)))
    gap = max(w.height for w in doubtful)  # blank rows keep the words apart
    stack = Image.new("L", (max(b[2] - b[0] for b in boxes) + 2 * gap,
                            sum(b[3] - b[1] + gap for b in boxes) + gap), 255)
    rows, top = [], gap
    for box in boxes:
        stack.paste(binarised(copy.crop(box)), (gap, top))
        rows.append((top, top + box[3] - box[1]))
        top += box[3] - box[1] + gap
    read = tesseract.band_words(stack, work_png, cfg.chinese_probe_languages,
                                min(timeout, cfg.chinese_probe_seconds), cfg.stack_psm)
    # Each row's words, placed back where its crop stands on the copy, on the line of the word it was cropped from.
    return [sorted((replace(w, left=box[0] + w.left - gap, top=box[1] + w.top - low, line=word.line)
                    for w in read if low <= w.top + w.height / 2 < high), key=lambda w: w.left)
            for word, box, (low, high) in zip(doubtful, boxes, rows)]


def han_in_doubt(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                 cfg: OcrSettings) -> bool:
    """Whether chi_sim reads chinese_probe_min_han distinct confident Han characters in the page's doubtful words
    (one Tesseract call on their stacked crops; none when fewer than chinese_probe_min_words are doubtful)."""
    doubtful = doubtful_words(words, cfg)
    if len(doubtful) < cfg.chinese_probe_min_words:
        return False
    read = [w for row in _stacked_reads(doubtful, copy, work_png, timeout, cfg) for w in row]
    han = {c for w in read if w.confidence >= cfg.chinese_probe_min_confidence for c in HAN.findall(w.text)}
    return len(han) >= cfg.chinese_probe_min_han


def reread_as_chinese(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                      cfg: OcrSettings) -> list[OcrWord]:
    """`words` of a page read with chinese_languages, each doubtful word (doubtful_words under the Korean pass's
    retry_below_confidence, without Hangul) that chi_sim alone reads in its crop (padded above and below only:
    padded left and right, a garbled word beside `日下午` read as `下午`, and the line as `日下下午`) as Han only (no
    letter, no digit), every piece at chinese_probe_min_confidence or more, replaced by that read: chi_sim+kor+eng
    still read a 签收单's bold label 运单号 as `ams` or `“same` (confidence 22-50) beside its number, which chi_sim
    reads alone as 运单号 (96); the number then has its label."""
    doubtful = [w for w in doubtful_words(words, cfg, cfg.retry_below_confidence)
                if not HANGUL_SYLLABLE.search(w.text)]  # Korean stays
    if not doubtful:
        return words
    replaced = {}
    for word, row in zip(doubtful, _stacked_reads(doubtful, copy, work_png, timeout, cfg, sides=False)):
        text = "".join(w.text for w in row)
        if row and all(w.confidence >= cfg.chinese_probe_min_confidence for w in row) and HAN.search(text) and not (
                LATIN.search(text) or HANGUL_SYLLABLE.search(text) or any(c.isdigit() for c in text)):
            replaced[id(word)] = text
    return [replace(w, text=replaced[id(w)]) if id(w) in replaced else w for w in words]


def zone_noise(words: list[OcrWord], cfg: OcrSettings) -> list[tuple[int, int]]:
    """(first, last) index in `words` of each run of noise that may be a zone's statement kor+eng could not read
    (`[北京时间]` read `[ 카 호 뻐 미 ]`, `* 以上时间均为北京时间` read `* DLERTTEH db RETA)`, `(UTC)` read `(076)` at
    confidence 0): a line's words under chinese_probe_below_confidence (with a letter or a digit) no more than one
    sure word apart, from the first to the last, on a line with no date that stands by a line with one as a table's
    notice, header or foot note does: within two lines of it in the reading order, across it, and no further from
    it than five of its heights (a taskbar's icons under a table or beside its clock's date are none), and making no
    timestamp with the dated line next to it (a clock's time over its date); at most chinese_probe_max_words runs,
    the least confident first. A word less than half the page's median word height high is no glyph (a speck or a
    rule's edge read as `7`, one pixel high, under a photographed table's last row: its own chi_sim call loaded a
    model to read nothing) and is never doubted."""
    heights = sorted(w.height for w in words)
    least = heights[len(heights) // 2] / 2 if heights else 0
    doubted = {id(w) for w in words if w.confidence < cfg.chinese_probe_below_confidence
               and any(ch.isalnum() for ch in w.text) and w.height >= least}
    lines: dict[tuple[str, ...], list[int]] = {}
    for index, word in enumerate(words):
        lines.setdefault(word.line, []).append(index)
    members = list(lines.values())
    boxes = [enclosing(words[i] for i in line) for line in members]
    texts = [" ".join(words[i].text for i in line) for line in members]
    dated = [bool(extract_dates(text)) for text in texts]
    runs = []
    for at, line in enumerate(members):
        if dated[at] or not any(dated[max(0, at - 2):at + 3]) or not any(id(words[i]) in doubted for i in line):
            continue
        if any(dated[near] and len(extract_timestamps(f"{texts[at]}\n{texts[near]}", 0, None)) > len(
                extract_timestamps(texts[near], 0, None)) for near in (at - 1, at + 1) if 0 <= near < len(members)):
            continue  # a time over its date (a clock, a wrapped cell) is part of a timestamp, no statement
        clusters: list[list[int]] = []  # doubtful words no more than one sure word apart
        for i in (i for i in line if id(words[i]) in doubted):
            if clusters and line.index(i) - line.index(clusters[-1][-1]) <= 2:
                clusters[-1].append(i)
            else:
                clusters.append([i])
        for first, last in ((cluster[0], cluster[-1]) for cluster in clusters):
            left, top, right, bottom = enclosing(words[first:last + 1])
            if any(dated[near] and left < boxes[near][2] and boxes[near][0] < right
                   and max(boxes[near][1] - bottom, top - boxes[near][3]) <= 5 * (boxes[near][3] - boxes[near][1])
                   for near in range(max(0, at - 2), min(len(members), at + 3))):
                runs.append((first, last))
    runs.sort(key=lambda run: sum(w.confidence for w in words[run[0]:run[1] + 1]) / (run[1] - run[0] + 1))
    return sorted(runs[:cfg.chinese_probe_max_words])


def reread_zone_statements(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                           cfg: OcrSettings) -> list[OcrWord]:
    """`words` of a page read with kor+eng, each run of noise beside its table of times (zone_noise) replaced by what
    chinese_probe_languages reads in its crop (all runs in one call), where its line then states the zone of its
    times (fields' stated_zones: the closed list of zone cues is the acceptor) and did not before, with Han read or
    every word read at chinese_probe_min_confidence or more (`(UTC)` at 88 where kor+eng read `(076)` at 0). A
    Chinese zone line on a Korean page (`以下时间均为北京时间`) is read as noise, and its rows were read in Korea's
    zone."""
    runs = zone_noise(words, cfg)
    if not runs:
        return words
    spans = []
    for first, last in runs:
        run = words[first:last + 1]
        left, top, right, bottom = enclosing(run)
        spans.append(OcrWord(" ".join(w.text for w in run), left, top, right - left, bottom - top,
                             min(w.confidence for w in run), run[0].line))
    replaced: dict[int, tuple[int, list[OcrWord]]] = {}
    for (first, last), read in zip(runs, _stacked_reads(spans, copy, work_png, timeout, cfg)):
        line = [i for i, w in enumerate(words) if w.line == words[first].line]
        before = " ".join(words[i].text for i in line)
        after = joined([words[i] for i in line if i < first] + read + [words[i] for i in line if i > last])[0]
        sure = HAN.search(after) or all(w.confidence >= cfg.chinese_probe_min_confidence for w in read)
        if read and sure and stated_zones(after) and not stated_zones(before):
            replaced[first] = (last, read)
    found, at = [], 0
    while at < len(words):
        last, read = replaced.get(at, (at, [words[at]]))
        found += read
        at = last + 1
    return found
