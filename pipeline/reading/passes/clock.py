"""The clock pass: a screen's clock (taskbar, menu bar, status bar) read again on its own until reads agree.

Entry: `reread_clock(words, gray, copy_size, work_png, timeout, cfg)` -> the words with each clock's first-pass
pieces replaced by the clock's lines (words on lines ("clock", ...)). Same arguments as the address bar pass. Where
the first pass saw no whole clock (a time and a date) at the top or bottom edge, the screen's edge strips are read on
their own (a Tesseract call each), one at a time until a whole clock stands at an edge: a small taskbar clock the
first pass read as nothing or as icons is found there by the same grammar. A page whose first pass saw a whole clock
at an edge costs no strip read, one whose first strip read shows it whole no second, and a clock the first pass read
whole by the grammar (first_pass_clock) no read of its own: it is taken as the first pass read it.
"""
from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.fields.timestamps import colon_misread, mended_day_parts
from pipeline.reading import tesseract
from pipeline.reading.engine import SPACE_BETWEEN_HAN, OcrWord, enclosing
from pipeline.reading.preprocess import enlarged, glyph_height, ink_end, light_background, row_background
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
    corner. A cluster taller than a taskbar (clock_strip_lines of its pieces' median height) is none: a table's
    dates and times chain row to row into one cluster (a phone photo of a monitor: a UPS page's whole table, read
    again as a clock at five scales, 4.2 s; a Hanjin page's day header over its rows' times, taken as the clock)."""
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
        left, top, right, bottom = enclosing(cluster)
        pieces = sorted(w.height for w in cluster if anchor.search(w.text) or garble.search(w.text))
        if bottom - top > cfg.clock_strip_lines * pieces[len(pieces) // 2]:
            continue  # taller than a taskbar: a table's dates and times, chained row to row, are no clock
        edge = min(top, height - bottom) / max(1, height)
        score = (cfg.clock_score_time * has_time + cfg.clock_score_date * has_date
                 + cfg.clock_score_garble * (garbled and not has_time and not has_date) + cfg.clock_score_edge * edge)
        if score >= cfg.clock_min_score:
            scored.append(ClockCandidate((left, top, right, bottom), pieces[0], score, has_time and has_date))
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
        crop = enlarged(white_rows(light_background(gray.crop(strip), cfg)), factor)
        for w in tesseract.band_words(crop, work_png, cfg.languages, timeout, cfg.clock_psm):
            found.append(OcrWord(w.text, round((w.left / factor + strip[0]) * scale),
                                 round((w.top / factor + strip[1]) * scale), round(w.width / factor * scale),
                                 round(w.height / factor * scale), w.confidence, ("strip", str(strip[1]), *w.line)))
    return found


def white_rows(gray: Image.Image) -> Image.Image:
    """Each row scaled so that its background (its median grey, row_background) is white. An edge strip or a
    clock's crop holds rows of two backgrounds: the page's white over a dark taskbar the page's grey copy shows
    inverted (light_rows: ~220 grey); Tesseract's one threshold for the whole image then parts the page from the
    taskbar and loses the clock's text (a Windows 11 `5:47 PM` over `3/6/2026` read as nothing, clock mix tuning
    seed 9242). Rows of one background each, its text keeps its contrast."""
    pixels = np.asarray(gray).astype(np.float32)
    background = np.maximum(row_background(pixels), 1.0)
    return Image.fromarray(np.clip(pixels * (255.0 / background)[:, None], 0, 255).astype(np.uint8))


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
    clock_vote_multipliers, until the reads agree on each part of the clock (see clock_of). Where they do not and one
    read shows more than a time on its time's line (a date or a day part its languages cannot read: `3月11日 周三`,
    上午 read as `£`), the next of clock_languages reads it too."""
    reads: list[list[str]] = []
    installed = tesseract.engine().languages
    for languages in cfg.clock_languages:
        if not set(languages.split("+")) <= installed:
            continue
        for multiplier in cfg.clock_vote_multipliers:
            reads.append(_clock_lines(gray, box, round(factor * multiplier, 2), languages, work_png, timeout, cfg))
            if vote(reads, cfg).agreed:
                return clock_of(reads, cfg)
        # Another script may show the rest: `I— 20:39` is `3月2日 周一 20:39` read as kor+eng.
        if not any(
                len("".join(re.sub(cfg.clock_time_mark, "", line).split())) >= 2 and not re.search(cfg.clock_date, line)
                for read in reads for line in read if re.search(cfg.clock_time_like, line)):
            break
    return clock_of(reads, cfg)


@dataclass(frozen=True)
class ClockRead:
    """What one read of a clock shows, part by part, each part as its grammar accepts it (None where the read
    shows no such part): the day part (`am`, `pm`, or `24h` for a time alone on its line or past 12), the hour and
    the minute of its first time (minute 00-59), the year, month and day of its first valid date (year None where
    the clock prints none: a macOS menu bar), with the lines and spans they were read at."""

    day_part: str | None = None
    marker: str | None = None  # the day part as printed (오후, PM, 下午)
    hour: int | None = None
    minute: int | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    time_at: tuple[int, re.Match] | None = None  # (line index, match of clock_time_parts)
    date_at: tuple[int, re.Match] | None = None  # (line index, match of one of clock_date_parts)


@dataclass(frozen=True)
class Vote:
    """The clock the reads agree on, part by part: each part's most frequent value among the reads that show it
    (the earliest among equals). `agreed`: a time and a date are voted and each of their parts was read alike at
    least twice."""

    day_part: str | None
    marker: str | None
    hour: int | None
    minute: int | None
    year: int | None
    month: int | None
    day: int | None
    agreed: bool


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parts_of(read: list[str], cfg: OcrSettings) -> ClockRead:
    """A read's clock parts (see ClockRead): the day part from the closed lists clock_am and clock_pm, wherever a
    line shows one (a read whose colon was lost, `오후 2246`, still votes for its 오후); the time from
    clock_time_parts; the date from the first of clock_date_parts that gives a valid date."""
    found: dict = {}
    for index, line in enumerate(read):
        marker = day_part_marker(line, cfg)
        if marker and "marker" not in found:
            found["marker"] = marker.group(0)
            found["day_part"] = "pm" if re.fullmatch(cfg.clock_pm, marker.group(0)) else "am"
        dates = [d for form in cfg.clock_date_parts if (d := re.search(form, line))]
        time = next((t for t in re.finditer(cfg.clock_time_parts, line)
                     if not any(d.start() < t.end() and t.start() < d.end() for d in dates)), None)
        if time and "time_at" not in found and int(time.group("mi")) <= 59 and int(time.group("h")) <= 23:
            found.update(hour=int(time.group("h")), minute=int(time.group("mi")), time_at=(index, time))
            if not marker and (found["hour"] > 12 or re.search(cfg.clock_time, line)):
                found.setdefault("day_part", "24h")  # `14:31`, or a time alone on its line: a 24-hour clock
        for form in cfg.clock_date_parts:
            date = re.search(form, line)
            if date and "date_at" not in found and (value := _valid_date(date)) is not None:
                found.update(year=value[0], month=value[1], day=value[2], date_at=(index, date))
    if found.get("day_part") in ("am", "pm") and found.get("hour") is not None and not 1 <= found["hour"] <= 12:
        found.update(day_part="24h" if found["hour"] > 12 else found["day_part"])
    return ClockRead(**found)


def day_part_marker(line: str, cfg: OcrSettings) -> re.Match | None:
    """The first day part the line shows (clock_am, clock_pm: 오전/오후, AM/PM, 上午/下午)."""
    return re.search(f"{cfg.clock_am}|{cfg.clock_pm}", line)


def _valid_date(match: re.Match) -> tuple[int | None, int, int] | None:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    month = _MONTHS.index(groups["mon"][:3].lower()) + 1 if groups.get("mon") else int(groups["mo"])
    try:
        datetime.date(year or 2024, month, int(groups["d"]))  # 2024: 29 February is a date where no year is shown
    except ValueError:
        return None
    return (year, month, int(groups["d"])) if year is None or 2000 <= year <= 2099 else None


def vote(reads: list[list[str]], cfg: OcrSettings) -> Vote:
    """Each part of the clock voted on its own across the reads (see Vote): one scale reads the time and loses its
    day part (`25 2:46`), another the day part and loses the colon (`오후 2246`); a day part that some read shows
    (오후, PM, 上午) outvotes a time read alone without it (`12:57` is noon, `上午12:57` past midnight)."""
    parsed = [parts_of(read, cfg) for read in reads]

    def winner(name: str, among=None) -> tuple[object, int]:
        values = [getattr(p, name) for p in parsed if getattr(p, name) is not None]
        values = [v for v in values if among is None or v in among]
        if not values:
            return None, 0
        counts = Counter(values)
        best = max(counts.values())
        return next(v for v in values if counts[v] == best), best

    day_part, day_votes = winner("day_part", ("am", "pm"))
    if day_part is None:
        day_part, day_votes = winner("day_part")
    markers = [p.marker for p in parsed if p.day_part == day_part and p.marker]
    marker = Counter(markers).most_common(1)[0][0] if markers else None
    (hour, hour_votes), (minute, minute_votes) = winner("hour"), winner("minute")
    (month, month_votes), (day, d_votes) = winner("month"), winner("day")
    year, year_votes = winner("year")
    dated = [p for p in parsed if p.month is not None]
    if dated and sum(p.year is None for p in dated) > len(dated) / 2:
        year, year_votes = None, 2  # most reads show no year: the clock prints none (a menu bar)
    agreed = (None not in (day_part, hour, minute, month, day)
              and min(day_votes, hour_votes, minute_votes, month_votes, d_votes, year_votes) >= 2)
    return Vote(day_part, marker, hour, minute, year, month, day, agreed)


def clock_of(reads: list[list[str]], cfg: OcrSettings) -> list[str]:
    """The clock the reads show, each part as voted (see vote): written as the read that shows most of the voted
    parts shows it (its time line and date line, or its one line of a menu bar; the earliest among equals), each
    part it read otherwise written as voted. Where no read shows a time of known day part (`LF 10:52` and no
    오전/오후 anywhere) the time is left out (its hour is unknown); where no read shows a time at all, the first
    read less its times without 오전/오후."""
    if not any(re.search(f"{cfg.clock_time_mark}|{cfg.clock_date_mark}", line) for read in reads for line in read):
        return []  # no read shows a piece of a clock (a URL's digits near the edge): no clock here
    voted = vote(reads, cfg)
    parsed = [parts_of(read, cfg) for read in reads]
    if voted.hour is None or voted.day_part is None:
        dates = [(p, read) for p, read in zip(parsed, reads) if p.date_at]
        if voted.hour is not None and dates:
            p, read = max(dates, key=lambda item: _agreement(item[0], voted))
            return [_written(read[p.date_at[0]], p, voted, cfg, date_only=True)]
        first = reads[0] if reads else []
        return [line for line in first if re.search(cfg.clock_time, line) or not re.search(cfg.clock_time_like, line)]
    timed = [(p, read) for p, read in zip(parsed, reads) if p.time_at]
    if not any(p.date_at for p, _ in timed):
        # No read shows both: the time as voted, over the date of the read that shows most of the voted date.
        p, read = max(timed, key=lambda item: _agreement(item[0], voted))
        lines = [_written(read[p.time_at[0]], p, voted, cfg)]
        dates = [(q, r) for q, r in zip(parsed, reads) if q.date_at]
        if dates:
            q, r = max(dates, key=lambda item: _agreement(item[0], voted))
            lines.append(_written(r[q.date_at[0]], q, voted, cfg, date_only=True))
        return lines
    p, read = max(((p, read) for p, read in timed if p.date_at), key=lambda item: _agreement(item[0], voted))
    if p.time_at[0] == p.date_at[0]:
        return [_written(read[p.time_at[0]], p, voted, cfg)]
    order = sorted((p.time_at[0], p.date_at[0]))
    return [_written(read[i], p, voted, cfg, date_only=i == p.date_at[0]) for i in order]


def _agreement(parsed: ClockRead, voted: Vote) -> int:
    """How many of the voted parts a read shows as voted: the template the clock is written in."""
    names = ("day_part", "hour", "minute", "year", "month", "day")
    return sum(getattr(parsed, name) == getattr(voted, name) for name in names if getattr(voted, name) is not None)


def _written(line: str, parsed: ClockRead, voted: Vote, cfg: OcrSettings, date_only: bool = False) -> str:
    """`line` of a read with its clock parts written as voted. A time line is written whole (its day part where the
    locale puts it: `오후 2:31`, `下午2:31`, `2:31 PM`; a tray's stray marks dropped), a line that also holds the
    date (a menu bar) as its date and its time; a date line as its date alone, its numbers as voted."""
    edits: list[tuple[int, int, str]] = []
    if parsed.date_at and line is not None and parsed.date_at[0] is not None:
        date = parsed.date_at[1] if date_only or parsed.time_at is None or parsed.date_at[0] == parsed.time_at[0] \
            else None
        if date is not None:
            groups = date.re.groupindex
            values = {"y": voted.year, "mo": voted.month, "d": voted.day}
            for name, value in values.items():
                if name in groups and date.group(name) is not None and value is not None:
                    edits.append((date.start(name), date.end(name), str(value).zfill(len(date.group(name)))))
            if "mark" in groups and date.group("mark") not in ("월", "月"):
                # 월 read as another mark (`3S 3 일`): written as the 일 or 日 after the day says.
                edits.append((date.start("mark"), date.end("mark"), "월" if date.group(0).endswith("일") else "月"))
            if "mon" in groups and date.group("mon") and voted.month is not None:
                edits.append((date.start("mon"), date.end("mon"), _MONTHS[voted.month - 1].title()))
            if date_only:
                # The date alone: what a tray shows left of it (`BE, 0200` for its icons) is no part of the clock.
                return _edited(line, edits, date.start(), date.end())
    time = parsed.time_at[1]
    hour = str(voted.hour).zfill(len(time.group("h")) if voted.day_part == "24h" else 1)
    clock = f"{hour}:{voted.minute:02d}"
    if voted.day_part in ("am", "pm"):
        marker = voted.marker or ""
        latin = marker.isascii()
        clock = f"{clock} {marker}" if latin else f"{marker}{' ' if re.match('[가-힣]', marker) else ''}{clock}"
    if parsed.date_at and parsed.date_at[0] == parsed.time_at[0]:
        # A menu bar's one line: its date as read (numbers as voted) and the time, without what lies between or
        # around them (a weekday read as `WG`, 오후 read as `25`, the menu bar's icons).
        date = parsed.date_at[1]
        written = _edited(line, edits, date.start(), date.end())
        if "mon" in date.re.groupindex and voted.month is not None and voted.day is not None:
            written = f"{_MONTHS[voted.month - 1].title()} {voted.day}"  # `FriMar6`: the form a time takes after it
        return f"{written} {clock}" if date.start() < time.start() else f"{clock} {written}"
    return clock


def _edited(line: str, edits: list[tuple[int, int, str]], start: int, end: int) -> str:
    out, at = [], start
    for left, right, text in sorted(edits):
        out += [line[at:left], text]
        at = right
    return "".join(out + [line[at:end]])


def _clock_lines(gray: Image.Image, box: tuple[int, int, int, int], scale: float, languages: str, work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[str]:
    crop = white_rows(light_background(gray.crop(box), cfg))
    words = tesseract.band_words(enlarged(crop, scale), work_png, languages, timeout, cfg.clock_psm)
    # Only rows with digits: the tray's labels (ENG, 한, icons read as `=`) would part the time from the date.
    return [mended(row, cfg) for row in rows_of(words) if any(c.isdigit() for c in row)]


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


def mended(row: str, cfg: OcrSettings) -> str:
    """A clock's row with its day part and its time's separator mended where OCR garbled or lost them."""
    return mended_separator(mended_day_part(row, cfg), cfg)


def mended_separator(line: str, cfg: OcrSettings) -> str:
    """A line whose time right after its day part (clock_am, clock_pm; right before it where the marker is Latin,
    `1149 PM`) shows no separator: the digits as an hour of 1-12 and a minute of 00-59, the colon lost, read as a
    space or as one more character between them (`오전 12 51` is 오전 12:51, `오후 11151` 오후 11:51, `오후 2246`
    오후 2:46; a blurred photo's menu bar read so at every scale), where exactly one split fits. Where two fit (`오후
    1149`: 11:49 with the colon lost, or 1:49 with it read as 1) nothing tells them apart, and a capture's time ten
    hours off is a false fact: the line stays as read (no clock rather than a guessed one; fields.timestamps
    colon_misread decides, as for a chat bubble's time). Else the line as read."""
    marker = day_part_marker(line, cfg)
    if marker is None:
        return line
    latin = marker.group(0).isascii()
    before, after = line[:marker.start()], line[marker.end():]
    tokens = before.split()[-2:] if latin else after.split()[:2]
    if len(tokens) == 2 and tokens[0].isdigit() and tokens[1].isdigit() and len(tokens[0]) <= 2 \
            and len(tokens[1]) == 2:
        token = " ".join(tokens)  # the colon read as a space: `12 51`
        hour, minute = int(tokens[0]), int(tokens[1])
        spaced = before.rstrip() if latin else after.lstrip()
        if (spaced.endswith if latin else spaced.startswith)(token) and 1 <= hour <= 12 and minute <= 59:
            at = len(before.rstrip()) - len(token) if latin else marker.end() + len(after) - len(spaced)
            return f"{line[:at]}{hour}:{minute:02d}{line[at + len(token):]}"
    token = (tokens[-1] if latin else tokens[0]) if tokens else ""
    decoded = colon_misread(token) if token.isdigit() else None
    if decoded is None:
        return line
    at = before.rindex(token) if latin else marker.end() + after.index(token)
    return f"{line[:at]}{int(decoded[0])}:{decoded[1]}{line[at + len(token):]}"


def mended_day_part(line: str, cfg: OcrSettings) -> str:
    """A line whose two Hangul syllables before a time (its separator read or lost: `오우 4 48`) are a day part
    (clock_day_parts) read one stroke off: the nearest day part by jamo edits, where it is within
    clock_day_part_max_edits and the next is clock_day_part_margin edits further (`오우 2:23` is 오후: one jamo from
    오후, three from 오전); else the line as read (fields.timestamps mended_day_parts, a chat bubble's rule too)."""
    return mended_day_parts(line, cfg.clock_day_parts, cfg.clock_day_part_max_edits, cfg.clock_day_part_margin)


def first_pass_clock(words: list[OcrWord], cfg: OcrSettings) -> list[str]:
    """The clock's lines as the first pass read them (`words`: its words in the clock's crop), where that read is
    whole by the clock's grammar (parts_of: a time whose day part is known, 오후 8:24 or 20:39, and a valid date),
    written as clock_of writes a clock; [] where it is not (the crop is then read on its own, read_clock)."""
    read = [mended(row, cfg) for row in rows_of(words) if any(c.isdigit() for c in row)]
    parts = parts_of(read, cfg)
    if None in (parts.day_part, parts.hour, parts.minute, parts.month, parts.day):
        return []
    return clock_of([read], cfg)


def _whole(words: list[OcrWord], cfg: OcrSettings) -> bool:
    """Whether the clock lines among `words` (lines ("clock", ...)) show a time and a date."""
    parts = parts_of([w.text for w in words if w.line[0] == "clock"], cfg)
    return parts.time_at is not None and parts.date_at is not None


def reread_clock(words: list[OcrWord], gray: Image.Image, copy_size: tuple[int, int], work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[OcrWord]:
    """The words with each clock's first-pass pieces replaced by the lines of its read (see read_clock), the best
    candidate first; once a read shows a whole clock (a time and a date) no later candidate is read: a screen shows
    one clock."""
    scale = copy_size[0] / gray.width
    # The screen's clock, wherever its first-pass pieces are; where the first pass saw no whole clock at the top or
    # bottom edge, the edge strips read on their own join the first pass's words (each read sees clocks the other
    # missed: a top taskbar read as icons by the first pass, a dark Windows 10 clock by the strip).
    found = clock_candidates(words, copy_size, cfg)
    strips, text_px = edge_strips(words, gray, scale, cfg)
    bands = [(round(strip[1] * scale), round(strip[3] * scale)) for strip in strips]

    def whole_at_edge(candidates: list[ClockCandidate]) -> bool:
        return any(c.whole and c.box[1] < bottom and c.box[3] > top for c in candidates for top, bottom in bands)

    if strips and not whole_at_edge(found):
        # One strip at a time, and none once a whole clock stands at an edge (a screen shows one clock): first the
        # strip where the first pass saw a piece of a clock, else the bottom one (a Windows taskbar's, the
        # commonest). A page whose bottom taskbar the bottom strip reads whole no longer reads its top strip (tabs
        # and toolbar: the dearer of the two, 0.1-0.5 s CPU on the tuning seeds).
        seen = [any(c.box[1] < bottom and c.box[3] > top for c in found) for top, bottom in bands]
        extra: list[OcrWord] = []
        for at in sorted(range(len(strips)), key=lambda i: (not seen[i], -strips[i][1])):
            extra += strip_words(gray, [strips[at]], text_px, scale, work_png, timeout, cfg)
            found = clock_candidates(words + extra, copy_size, cfg)
            if whole_at_edge(found):
                break
    read: list[Box] = []
    for candidate in found:
        if any(w.line[0] == "clock" for w in words) and _whole(words, cfg):
            break  # a screen shows one clock: a later candidate is the page's rows near the edge (a day header and
            #        its time over a window's bottom edge), whose words a clock's read would replace
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
        # A clock the first pass read whole (a time of known day part and a valid date) is taken as read: re-reading
        # it at two scales or more gave the same lines on every such clock of tuning seed 9001 (7 of 7).
        clock = first_pass_clock([w for w in words if box[0] <= w.left + w.width / 2 <= box[2]
                                  and box[1] <= w.top + w.height / 2 <= box[3]], cfg) \
            or read_clock(gray, crop, factor, work_png, timeout, cfg)
        if clock:
            # Its lines stacked in the clock's box, each its share of the height: where the clock's time and date
            # were read (pipeline/fields/boxes.py).
            share = max(1, (box[3] - box[1]) // len(clock))
            words = [w for w in words if w not in inside] + [
                OcrWord(text, box[0], box[1] + i * share, box[2] - box[0], share, 0.0,
                        ("clock", str(box[1]), str(box[0]), str(i)))
                for i, text in enumerate(clock)]
    return words
