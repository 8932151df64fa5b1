"""The clock pass: a screen's clock (taskbar, menu bar, status bar) read again on its own until reads agree.

Entry: `reread_clock(words, gray, copy_size, work_png, timeout, cfg)` -> the words with each clock's first-pass
pieces replaced by the clock's lines (words on lines ("clock", ...)). Same arguments as the address bar pass. Where
the first pass saw no whole clock (a time and a date) at the top or bottom edge, the screen's edge strips are read on
their own first (a Tesseract call each): a small taskbar clock the first pass read as nothing or as icons is found
there by the same grammar. A page whose first pass saw a whole clock at an edge costs no strip read.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline.reading import tesseract
from pipeline.reading.engine import SPACE_BETWEEN_HAN, OcrWord
from pipeline.reading.preprocess import enlarged, glyph_height, ink_end, light_background
from pipeline.reading.settings import OcrSettings

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class ClockCandidate:
    """A cluster of clock pieces: its box and text height (OCR-copy pixels), its score, and whether it holds both a
    time and a date (a whole clock)."""

    box: Box
    line: int
    score: float
    whole: bool


def clock_candidates(words: list[OcrWord], size: tuple[int, int], cfg: OcrSettings) -> list[ClockCandidate]:
    """Where the screen's clock may be, best first, at most clock_max_boxes: clusters of words that look like
    pieces of a clock (clock_anchor: a time, a date, 오후/PM/下午, 월/日, a weekday; clock_garble: digits alone),
    scored by grammar (a time, a date) and by nearness to the top or bottom edge of the screen (a taskbar at the
    bottom or the top, or at a side with its clock at the bottom; a menu bar, a status bar), never by a fixed
    corner."""
    anchor, time_like = re.compile(cfg.clock_anchor), re.compile(cfg.clock_time_mark)
    garble = re.compile(cfg.clock_garble)
    anchors = [w for w in words if anchor.search(w.text) or garble.search(w.text)]
    clusters: list[list[OcrWord]] = []
    for word in sorted(anchors, key=lambda w: (w.top, w.left)):
        near = [c for c in clusters if any(_clock_neighbours(word, other, cfg) for other in c)]
        merged = [word] + [w for c in near for w in c]
        clusters = [c for c in clusters if c not in near] + [merged]
    # A clock's piece the first pass garbled past recognition still holds digits (`38112` for 3월 11일): words with
    # digits on a cluster's line and within reach join it.
    for cluster in clusters:
        while grown := [w for w in words if w not in cluster and any(c.isdigit() for c in w.text)
                        and any(w.line == c.line and _clock_neighbours(w, c, cfg) for c in cluster)]:
            cluster += grown
    width, height = size
    scored = []
    for cluster in clusters:
        text = " ".join(w.text for w in cluster)
        has_time = bool(time_like.search(text))
        has_date = bool(re.search(cfg.clock_date_mark, text))
        garbled = any(garble.search(w.text) for w in cluster)
        left, top = min(w.left for w in cluster), min(w.top for w in cluster)
        right, bottom = max(w.right for w in cluster), max(w.top + w.height for w in cluster)
        edge = min(top, height - bottom) / max(1, height)
        score = (cfg.clock_score_time * has_time + cfg.clock_score_date * has_date
                 + cfg.clock_score_garble * (garbled and not has_time and not has_date) + cfg.clock_score_edge * edge)
        if score >= cfg.clock_min_score:
            line = min(w.height for w in cluster if anchor.search(w.text) or garble.search(w.text))
            scored.append(ClockCandidate((left, top, right, bottom), line, score, has_time and has_date))
    return sorted(scored, key=lambda found: -found.score)[:cfg.clock_max_boxes]


def edge_strips(words: list[OcrWord], gray: Image.Image, scale: float, cfg: OcrSettings) -> tuple[list[Box], float]:
    """The top and bottom strips of the screen (original pixels), clock_strip_lines text heights high (the median
    height of the first pass's words), and that text height; none where the first pass read no word or the page has
    more pixels than clock_strip_max_pixels (a photo)."""
    heights = sorted(w.height for w in words if any(c.isalnum() for c in w.text))
    if not heights or gray.width * gray.height > cfg.clock_strip_max_pixels:
        return [], 0.0  # no text at all, or a photo larger than any screen: no screen edge to find a clock on
    text_px = heights[len(heights) // 2] / scale
    high = min(gray.height, round(cfg.clock_strip_lines * text_px))
    return [(0, 0, gray.width, high), (0, gray.height - high, gray.width, gray.height)], text_px


def strip_words(gray: Image.Image, strips: list[Box], text_px: float, scale: float, work_png: Path, timeout: float,
                cfg: OcrSettings) -> list[OcrWord]:
    """The words of each strip read on its own as sparse text, enlarged as a clock is (clock_target_px), placed in
    OCR-copy pixels on lines of their own ("strip", top, ...)."""
    factor = min(cfg.clock_max_scale, max(1.0, cfg.clock_target_px / max(1.0, text_px)))
    found = []
    for strip in strips:
        crop = enlarged(light_background(gray.crop(strip), cfg), factor)
        for w in tesseract.band_words(crop, work_png, cfg.languages, timeout, cfg.clock_psm):
            found.append(OcrWord(w.text, round((w.left / factor + strip[0]) * scale),
                                 round((w.top / factor + strip[1]) * scale), round(w.width / factor * scale),
                                 round(w.height / factor * scale), w.confidence, ("strip", str(strip[1]), *w.line)))
    return found


def clock_crop(gray: Image.Image, box: tuple[int, int, int, int], line: float,
               cfg: OcrSettings) -> tuple[int, int, int, int]:
    """The crop (original pixels) that holds a clock whose first-pass pieces lie in `box` (original pixels, text
    `line` px high): widened both ways to where the ink of its rows ends (the first pass may have seen only the
    time of `3月2日 周一 20:39`), then by clock_pad_heights text heights across and clock_pad_lines down and up (the
    other line of a two-line clock, unseen by the first pass)."""
    left, top, right, bottom = box
    left = ink_end(gray, top, bottom, left, -1, cfg)
    right = ink_end(gray, top, bottom, right, 1, cfg)
    pad_x, pad_y = round(cfg.clock_pad_heights * line), round(cfg.clock_pad_lines * line)
    return (max(0, left - pad_x), max(0, top - pad_y), min(gray.width, right + pad_x),
            min(gray.height, bottom + pad_y))


def crop_text_px(gray: Image.Image, crop: Box, line: float, cfg: OcrSettings) -> float:
    """The clock's text height: the crop's own (glyph_height of its pixels) where that is lower than the first
    pass's word (a two-line clock read as one tall word), else the word's."""
    measured = glyph_height(np.asarray(gray.crop(crop)), cfg)
    return min(line, measured) if measured else line


def _clock_neighbours(a: OcrWord, b: OcrWord, cfg: OcrSettings) -> bool:
    """Two clock pieces of one clock: on one line or on stacked lines, within clock_join_heights of each other."""
    reach = cfg.clock_join_heights * max(a.height, b.height)
    gap_x = max(a.left, b.left) - min(a.right, b.right)
    gap_y = max(a.top, b.top) - min(a.top + a.height, b.top + b.height)
    return gap_x <= reach and gap_y <= reach


def read_clock(gray: Image.Image, box: tuple[int, int, int, int], factor: float, work_png: Path, timeout: float,
               cfg: OcrSettings) -> list[str]:
    """The clock's lines in `box` (original pixels), read on their own as sparse text at `factor` times the
    clock_vote_multipliers, until two whole reads agree (see clock_of). Where no two whole reads agree and one read
    shows more than a time on its time's line (a date or a day part its languages cannot read: `3月11日 周三`, 上午
    read as `£`), the next of clock_languages reads it too."""
    reads: list[list[str]] = []
    installed = tesseract.engine().languages
    for languages in cfg.clock_languages:
        if not set(languages.split("+")) <= installed:
            continue
        for multiplier in cfg.clock_vote_multipliers:
            reads.append(_clock_lines(gray, box, round(factor * multiplier, 2), languages, work_png, timeout, cfg))
            if _agreeing(reads, cfg):
                return clock_of(reads, cfg)
        # Another script may show the rest: `I— 20:39` is `3月2日 周一 20:39` read as kor+eng.
        if not any(
                len("".join(re.sub(cfg.clock_time_mark, "", line).split())) >= 2 and not re.search(cfg.clock_date, line)
                for read in reads for line in read if re.search(cfg.clock_time_like, line)):
            break
    return clock_of(reads, cfg)


def _agreeing(reads: list[list[str]], cfg: OcrSettings) -> bool:
    keys = [_clock_key(read, cfg) for read in reads if whole_clock(read, cfg)]
    return len(keys) != len(set(keys))


def _clock_key(lines: list[str], cfg: OcrSettings) -> str:
    """What a read says the time is: its clock's digits (the date and the time), with whether it reads a PM or an
    AM marker (`12:57` alone is noon, `上午12:57` past midnight: they do not agree)."""
    text = "\n".join(clock_lines_of(lines, cfg))
    marker = "+" if re.search(cfg.clock_pm, text) else "-" if re.search(cfg.clock_am, text) else ""
    return "".join(c for c in text if c.isdigit()) + marker


def clock_of(reads: list[list[str]], cfg: OcrSettings) -> list[str]:
    """The clock the reads show: the whole read (a time line and a date, ocr.toml) whose time and date most whole
    reads agree on (the earliest among equals); else the first whole time line and date line of all the reads; else
    the first read less its times without 오전/오후 (their hour is unknown)."""
    whole = [read for read in reads if whole_clock(read, cfg)]
    if whole:
        votes = Counter(_clock_key(read, cfg) for read in whole)
        return clock_lines_of(next(read for read in whole if votes[_clock_key(read, cfg)] == max(votes.values())), cfg)
    lines = [line for read in reads for line in read]
    time_line = next((line for line in lines if re.search(cfg.clock_time, line)), None)
    date_line = next((line for line in lines if re.search(cfg.clock_date, line)), None)
    if time_line and date_line:
        return [time_line, date_line]
    first = reads[0] if reads else []
    return [line for line in first if re.search(cfg.clock_time, line) or not re.search(cfg.clock_time_like, line)]


def clock_lines_of(read: list[str], cfg: OcrSettings) -> list[str]:
    """A whole read's clock: its first time line and first date line in their order (one line where one holds
    both), without the tray's other lines (a stray `6` between `오후 6:18` and `2026-03-05`); else the read."""
    time_line = next((line for line in read if re.search(cfg.clock_time, line)), None)
    date_line = next((line for line in read if re.search(cfg.clock_date, line)), None)
    if time_line is None or date_line is None:
        return read
    return [line for line in read if line in (time_line, date_line)][:1 if time_line == date_line else 2]


def whole_clock(lines: list[str], cfg: OcrSettings) -> bool:
    text = "\n".join(lines)
    return bool(re.search(cfg.clock_time, text) and re.search(cfg.clock_date, text))


def _clock_lines(gray: Image.Image, box: tuple[int, int, int, int], scale: float, languages: str, work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[str]:
    crop = light_background(gray.crop(box), cfg)
    words = tesseract.band_words(enlarged(crop, scale), work_png, languages, timeout, cfg.clock_psm)
    # Only rows with digits: the tray's labels (ENG, 한, icons read as `=`) would part the time from the date.
    return [mended_day_part(row, cfg) for row in rows_of(words) if any(c.isdigit() for c in row)]


def rows_of(words: list[OcrWord]) -> list[str]:
    """The words' text by rows of the image, top to bottom, each row left to right: a word belongs to the row its
    vertical centre falls within (sparse text may part one row of a menu bar, `3 월 14 일` | `( 토 ) 오후 8:48`, into
    lines of its own); words joined as lines_of joins them (no space between Han characters)."""
    rows: list[list[OcrWord]] = []
    for word in sorted(words, key=lambda w: w.top + w.height / 2):
        centre = word.top + word.height / 2
        row = next((r for r in rows if min(w.top for w in r) <= centre <= max(w.top + w.height for w in r)), None)
        if row is None:
            rows.append([word])
        else:
            row.append(word)
    return [SPACE_BETWEEN_HAN.sub("", " ".join(w.text for w in sorted(row, key=lambda w: w.left))) for row in rows]


def mended_day_part(line: str, cfg: OcrSettings) -> str:
    """A line whose two Hangul syllables before a time are a day part (clock_day_parts) read one stroke off: the
    nearest day part by jamo edits, where it is within clock_day_part_max_edits and the next is clock_day_part_margin
    edits further (`오우 2:23` is 오후: one jamo from 오후, three from 오전); else the line as read."""
    def mend(match: re.Match) -> str:
        read = unicodedata.normalize("NFD", match.group(1))
        costs = sorted((Levenshtein.distance(read, unicodedata.normalize("NFD", part)), part)
                       for part in cfg.clock_day_parts)
        (best, part), (second, _) = costs[0], costs[1]
        if best <= cfg.clock_day_part_max_edits and second - best >= cfg.clock_day_part_margin:
            return part + match.group(2)
        return match.group(0)
    return re.sub(r"([가-힣]{2})([^\S\n]*\d{1,2}[:;]\d{2})", mend, line)


def reread_clock(words: list[OcrWord], gray: Image.Image, copy_size: tuple[int, int], work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[OcrWord]:
    """The words with each clock's first-pass pieces replaced by the lines of its read (see read_clock)."""
    scale = copy_size[0] / gray.width
    # The screen's clock, wherever its first-pass pieces are; where the first pass saw no whole clock at the top or
    # bottom edge, the edge strips read on their own join the first pass's words (each read sees clocks the other
    # missed: a top taskbar read as icons by the first pass, a dark Windows 10 clock by the strip).
    found = clock_candidates(words, copy_size, cfg)
    strips, text_px = edge_strips(words, gray, scale, cfg)
    bands = [(round(strip[1] * scale), round(strip[3] * scale)) for strip in strips]
    if strips and not any(c.whole and c.box[1] < bottom and c.box[3] > top for c in found for top, bottom in bands):
        found = clock_candidates(words + strip_words(gray, strips, text_px, scale, work_png, timeout, cfg),
                                 copy_size, cfg)
    read: list[Box] = []
    for candidate in found:
        centre_x, centre_y = (candidate.box[0] + candidate.box[2]) / 2, (candidate.box[1] + candidate.box[3]) / 2
        if any(b[0] <= centre_x <= b[2] and b[1] <= centre_y <= b[3] for b in read):
            continue  # the same clock seen twice (by the first pass and a strip)
        line = candidate.line / scale
        crop = clock_crop(gray, tuple(round(v / scale) for v in candidate.box), line, cfg)
        box = tuple(round(v * scale) for v in crop)
        read.append(box)
        inside = [w for w in words if box[0] <= w.left + w.width / 2 <= box[2] and box[1] <= w.top + w.height / 2
                  <= box[3] and (any(c.isdigit() for c in w.text) or re.search(cfg.clock_anchor, w.text))]
        text_height = crop_text_px(gray, crop, line, cfg)
        factor = min(cfg.clock_max_scale, max(1.0, cfg.clock_target_px / max(1.0, text_height)))
        clock = read_clock(gray, crop, factor, work_png, timeout, cfg)
        if clock:
            words = [w for w in words if w not in inside] + [
                OcrWord(text, box[0], box[1] + i, box[2] - box[0], 1, 0.0, ("clock", str(box[1]), str(i)))
                for i, text in enumerate(clock)]
    return words
