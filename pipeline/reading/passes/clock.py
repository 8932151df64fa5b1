"""The clock pass: a screen's clock (taskbar, menu bar, status bar) read again on its own until reads agree.

Entry: `reread_clock(words, gray, copy_size, work_png, timeout, cfg)` -> the words with each clock's first-pass
pieces replaced by the clock's lines (words on lines ("clock", ...)). Same arguments as the address bar pass. A page
where the first pass saw no clock piece near an edge costs no Tesseract call.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from PIL import Image

from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord, lines_of
from pipeline.reading.preprocess import enlarged, ink_end, light_background
from pipeline.reading.settings import OcrSettings


def clock_candidates(words: list[OcrWord], size: tuple[int, int],
                     cfg: OcrSettings) -> list[tuple[tuple[int, int, int, int], int]]:
    """Where the screen's clock may be, best first, at most clock_max_boxes: the box (OCR-copy pixels) and text
    height of clusters of first-pass words that look like pieces of a clock (clock_anchor: a time, a date,
    오후/PM/下午, 월/日, a weekday; clock_garble: digits alone), scored by grammar (a time, a date) and by nearness to
    the top or bottom edge of the screen (a taskbar at the bottom or the top, or at a side with its clock at the
    bottom; a menu bar, a status bar), never by a fixed corner."""
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
            scored.append((score, ((left, top, right, bottom), line)))
    return [found for _, found in sorted(scored, key=lambda item: -item[0])[:cfg.clock_max_boxes]]


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


def _clock_neighbours(a: OcrWord, b: OcrWord, cfg: OcrSettings) -> bool:
    """Two clock pieces of one clock: on one line or on stacked lines, within clock_join_heights of each other."""
    reach = cfg.clock_join_heights * max(a.height, b.height)
    gap_x = max(a.left, b.left) - min(a.right, b.right)
    gap_y = max(a.top, b.top) - min(a.top + a.height, b.top + b.height)
    return gap_x <= reach and gap_y <= reach


def read_clock(gray: Image.Image, box: tuple[int, int, int, int], factor: float, work_png: Path, timeout: float,
               cfg: OcrSettings) -> list[str]:
    """The clock's lines in `box` (original pixels), read on their own as sparse text at `factor` times the
    clock_vote_multipliers, until two whole reads agree (see clock_of). Where no read is whole but one shows more
    than a time (a date its languages cannot read: `3月11日 周三`), the next of clock_languages reads it too."""
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
        if any(whole_clock(read, cfg) for read in reads) or not any(
                len("".join(re.sub(cfg.clock_time_mark, "", line).split())) >= 2 and not re.search(cfg.clock_date, line)
                for read in reads for line in read if re.search(cfg.clock_time_like, line)):
            break
    return clock_of(reads, cfg)


def _agreeing(reads: list[list[str]], cfg: OcrSettings) -> bool:
    keys = [_clock_key(read, cfg) for read in reads if whole_clock(read, cfg)]
    return len(keys) != len(set(keys))


def _clock_key(lines: list[str], cfg: OcrSettings) -> str:
    """What a read says the time is: its digits (the date and the time), with whether it reads a PM marker."""
    text = "\n".join(lines)
    return "".join(c for c in text if c.isdigit()) + ("+" if re.search(cfg.clock_pm, text) else "")


def clock_of(reads: list[list[str]], cfg: OcrSettings) -> list[str]:
    """The clock the reads show: the whole read (a time line and a date, ocr.toml) whose time and date most whole
    reads agree on (the earliest among equals); else the first whole time line and date line of all the reads; else
    the first read less its times without 오전/오후 (their hour is unknown)."""
    whole = [read for read in reads if whole_clock(read, cfg)]
    if whole:
        votes = Counter(_clock_key(read, cfg) for read in whole)
        return next(read for read in whole if votes[_clock_key(read, cfg)] == max(votes.values()))
    lines = [line for read in reads for line in read]
    time_line = next((line for line in lines if re.search(cfg.clock_time, line)), None)
    date_line = next((line for line in lines if re.search(cfg.clock_date, line)), None)
    if time_line and date_line:
        return [time_line, date_line]
    first = reads[0] if reads else []
    return [line for line in first if re.search(cfg.clock_time, line) or not re.search(cfg.clock_time_like, line)]


def whole_clock(lines: list[str], cfg: OcrSettings) -> bool:
    text = "\n".join(lines)
    return bool(re.search(cfg.clock_time, text) and re.search(cfg.clock_date, text))


def _clock_lines(gray: Image.Image, box: tuple[int, int, int, int], scale: float, languages: str, work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[str]:
    crop = light_background(gray.crop(box), cfg)
    words = tesseract.band_words(enlarged(crop, scale), work_png, languages, timeout, cfg.clock_psm)
    lines, _ = lines_of(words)
    # Only lines with digits: the tray's labels (ENG, 한, icons read as `=`) would part the time from the date.
    return [line.text for line in lines if any(c.isdigit() for c in line.text)]


def reread_clock(words: list[OcrWord], gray: Image.Image, copy_size: tuple[int, int], work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[OcrWord]:
    """The words with each clock's first-pass pieces replaced by the lines of its read (see read_clock)."""
    scale = copy_size[0] / gray.width
    # The screen's clock, wherever its first-pass pieces are (none on a page without one: no call).
    for pieces, height in clock_candidates(words, copy_size, cfg):
        line = height / scale
        crop = clock_crop(gray, tuple(round(v / scale) for v in pieces), line, cfg)
        box = tuple(round(v * scale) for v in crop)
        inside = [w for w in words if box[0] <= w.left + w.width / 2 <= box[2] and box[1] <= w.top + w.height / 2
                  <= box[3] and (any(c.isdigit() for c in w.text) or re.search(cfg.clock_anchor, w.text))]
        factor = min(cfg.clock_max_scale, max(1.0, cfg.clock_target_px / max(1.0, line)))
        clock = read_clock(gray, crop, factor, work_png, timeout, cfg)
        if clock:
            words = [w for w in words if w not in inside] + [
                OcrWord(text, box[0], box[1] + i, box[2] - box[0], 1, 0.0, ("clock", str(box[1]), str(i)))
                for i, text in enumerate(clock)]
    return words
