"""Timestamps and dates: every printed form of patterns/timestamps.toml, normalised to ISO 8601 with an offset.

Each timestamp carries the IANA zone it was read in. The zone, strongest evidence first: one named next to the
time (UTC, GMT+8, CST, 北京时间, +08:00); on a page that says its times are local (현지 시간, local time), the zone
of the place its row names; the zone the page states for the event rows after the statement (`stated_zones`: a
notice, a column header, a phone's Chinese UI; never for a capture clock, which is in the machine's zone); else the
default, KST (the evidence is judged in Korea's terms). Every cue, place and name is data
(patterns/timestamps.toml): no zone is guessed without one. A date without a time is not a timestamp;
`extract_dates` reads those. Impossible values (month 13, hour 25, 30 February) give nothing.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from rapidfuzz.distance import Levenshtein

from pipeline.fields import confusions
from pipeline.fields.compiled import compiled
from pipeline.fields.data import cache, patterns
from pipeline.fields.keyword_match import line_bounds
from pipeline.model import Timestamp

PART = re.compile(r"<<(\w+)>>")
NUMERIC_OFFSET = re.compile(r"(?P<sign>[+-])[^\S\n]*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")
REFERENCE = datetime(2026, 1, 1)  # stated zones agree when their offsets agree on this day


def wrapped_cells(lines: Sequence, gap: float = 0.8) -> tuple[str, tuple[Box, ...]] | None:
    """The text of `lines` (TextLine: text, box, words' boxes) with each table row whose cells wrapped onto the line
    under it (a phone's narrow table: `2026 년 03 월 | 16 시 04 | 곤지암` over `09 일 | 분 | Hub`) written as one
    line, cell by cell (`2026 년 03 월 09 일 16 시 04 분 곤지암 Hub`), and each line's box; None where no row
    wrapped. Heights are the text's, from the words' boxes (the median word's height; a line's box spans a taller
    cell's words too), and a word with no letter or digit or under half that height is a speck, no cell. A line
    wraps onto the next where neither holds a whole timestamp of its own, the next starts under it (its top below
    the line's top and no further than `gap` text heights below the line's text, its median word's bottom), the
    line has two cells or more (its words parted by gaps wider than a text height), and each word of the next that
    lies under one of them (within a text height of it: a word OCR split) is no wider than it and a text height; a
    word under none is a cell the line leaves empty, placed by its left edge."""
    texts, boxes, joined, skip = [], [], False, False
    for line, after in zip(lines, list(lines[1:]) + [None]):
        if skip:
            skip = False
            continue
        merged = _wrapped(line, after, gap) if after is not None else None
        if merged is None:
            texts.append(line.text)
            boxes.append(tuple(line.box))
            continue
        texts.append(merged)
        boxes.append((min(line.box[0], after.box[0]), line.box[1], max(line.box[2], after.box[2]), after.box[3]))
        joined = skip = True
    return ("\n".join(texts), tuple(boxes)) if joined else None


def _wrapped(line, after, gap: float) -> str | None:
    """`line` and the line `after` it written as one, cell by cell, where `after` holds the wrapped rest of its
    cells (see wrapped_cells); else None."""
    words = [w for w in line.words if any(ch.isalnum() for ch in line.text[w[0]:w[1]])]
    height = _text_height(words)
    words = [w for w in words if 2 * (w[5] - w[3]) >= height]  # a speck (a mark, a dot read as 5) is no cell
    if not words or not after.words or height <= 0 or _timed(line.text) or _timed(after.text):
        return None  # a line with a whole time of its own is a row of its own (a desktop table's rows stand close)
    bottom = sorted(w[5] for w in words)[len(words) // 2]  # where the row's text ends, a taller cell's aside
    if not (line.box[1] < after.box[1] <= bottom + gap * height and after.box[3] > line.box[3]):
        return None
    cells: list[list[tuple]] = []
    for word in sorted(words, key=lambda w: w[2]):
        if cells and word[2] - max(w[4] for w in cells[-1]) <= height:
            cells[-1].append(word)
        else:
            cells.append([word])
    spans = [(min(w[2] for w in cell), max(w[4] for w in cell)) for cell in cells]
    under: dict[int, list[tuple]] = {}
    alone: list[tuple] = []  # words of a cell the line leaves empty (a column whose text starts lower)
    for word in sorted(after.words, key=lambda w: w[2]):
        overlaps = [min(right, word[4]) - max(left, word[2]) for left, right in spans]
        best = max(range(len(spans)), key=overlaps.__getitem__)
        if overlaps[best] < -height:
            alone.append(word)
        elif word[4] - word[2] > spans[best][1] - spans[best][0] + height:
            return None
        else:
            under.setdefault(best, []).append(word)
    if len(cells) < 2:
        return None  # one cell wrapped is a paragraph's next line, no table row
    parts = [(left, " ".join([line.text[w[0]:w[1]] for w in cell] + [after.text[w[0]:w[1]]
                                                                     for w in under.get(index, [])]))
             for index, (cell, (left, _)) in enumerate(zip(cells, spans))]
    parts += [(w[2], after.text[w[0]:w[1]]) for w in alone]
    return " ".join(text for _, text in sorted(parts))


def _text_height(words: Sequence[tuple]) -> int:
    """The height of a line's text: the median of its words' heights (its box spans every word of a row whose
    cells stand at different heights, a taller one than its text)."""
    heights = sorted(w[5] - w[3] for w in words)
    return heights[len(heights) // 2] if heights else 0


def column_rows(lines: Sequence) -> list[tuple[int, str]]:
    """A table's date column and time column read as two lists (a phone's narrow table: `2026/03/13` ... then
    `12:58` ...), paired again by the rows they stand on: (index of the time's line, `date time`) for each line that
    starts with a time ([day_headers] row) and has, on its row (the vertical centre of one within the other's box)
    and left of it, a line that holds only a date ([dates] forms, with a weekday), the nearest such."""
    forms, rows, _ = _day_header()
    dated = [line for line in lines if any(form.fullmatch(line.text.strip()) for form in forms)]
    found = []
    for index, line in enumerate(lines):
        if not rows[0].match(line.text.strip()) or line in dated:
            continue
        centre = (line.box[1] + line.box[3]) / 2
        beside = [date for date in dated if date.box[2] <= line.box[0] and (
            date.box[1] <= centre <= date.box[3] or line.box[1] <= (date.box[1] + date.box[3]) / 2 <= line.box[3])]
        if beside:
            date = max(beside, key=lambda d: d.box[2])
            found.append((index, f"{date.text.strip()} {line.text.strip()}"))
    return found


def stacked_pairs(lines: Sequence) -> list[tuple[int, str]]:
    """Two lines standing one right under the other (Layout.stacked) that the reading order parted: (index of the
    upper line, `upper\nlower`) for each line holding a time whose line right under it on the page is not the next
    line of the text (a top taskbar's `5:12 PM` moved to the text's top with the status bars, its `3/9/2026` left
    at the end)."""
    time = compiled(r"\d{1,2}[:;]\d{2}")
    found = []
    for index, line in enumerate(lines):
        if not time.search(line.text):
            continue
        height = max(1, line.box[3] - line.box[1])
        for other_index, other in enumerate(lines):
            if other_index in (index, index + 1) or not (
                    line.box[1] < other.box[1] and other.box[1] - line.box[3] <= height
                    and abs(other.box[0] - line.box[0]) <= height):
                continue
            found.append((index, f"{line.text}\n{other.text}"))
    return found


def _timed(line: str) -> bool:
    """Whether a line holds a whole timestamp of its own (its year's date and its time; a year-less date too)."""
    return bool(extract_timestamps(line, 0, REFERENCE.year))


@dataclass(frozen=True)
class Zone:
    """A zone a time is read in: its rules, and its IANA name ("" for an offset that has none, such as +05:45)."""

    info: tzinfo
    name: str


@dataclass(frozen=True)
class Form:
    name: str
    regex: re.Pattern
    year_from: str       # "" (printed), "document" (the document's year), "relative" (a day before `today`),
    #                      "weekday" (the latest such weekday before `today`), "today" (`today` itself)
    role: str = "event"  # capture: the form is a screen's clock or a print header's time
    min_per_text: int = 1  # read only where the text holds at least this many of the form (a chat's separators)
    stacked: bool | str = False  # two lines of one cell or clock (a date over a time, a time over a date): true,
    #   read only where the lines' boxes show the second line right under the first, at its left edge
    #   (Layout.stacked); "where-known", that too where the boxes are known, and read as text where they are not


Box = tuple[int, int, int, int]


class Layout:
    """Where each line of a text stands on the page: the boxes [x0, y0, x1, y1] of text.split("\n"), in order
    (PageReading.lines where their text is the page's). Field extraction asks it what the text alone cannot say:
    whether a row lies under its day header, whether a time's line is the line right under a date's."""

    def __init__(self, text: str, boxes: Sequence[Box]):
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        if len(self.starts) != len(boxes):
            raise ValueError(f"{len(boxes)} boxes for {len(self.starts)} lines")
        self.boxes = tuple(tuple(box) for box in boxes)

    def box(self, offset: int) -> Box:
        return self.boxes[bisect_right(self.starts, offset) - 1]

    def below(self, upper: int, lower: int, across: bool = True) -> bool:
        """Whether the line of text offset `lower` lies under the line of `upper` (its top below the other's
        middle, and where `across`, the two overlapping across): a day header heads the rows under it, never a line
        the reading order put after it (a phone's status bar read last) nor one of another column (a time column
        read after the date column beside it). A chat's day separator stands centred over bubbles whose times
        stand beside them, left or right of it (`across` False)."""
        top, bottom = self.box(upper), self.box(lower)
        return bottom[1] >= (top[1] + top[3]) / 2 and (not across or bottom[0] <= top[2] and bottom[2] >= top[0])

    def stacked(self, upper: int, lower: int) -> bool:
        """Whether the line of `lower` is the line right under the line of `upper` in one column: its top within a
        text height of the other's bottom, its left edge within a text height of the other's (a table cell's date
        wrapped over its time: `Mar 4, 2026` over `1:43 PM`)."""
        top, bottom = self.box(upper), self.box(lower)
        height = max(1, top[3] - top[1])
        return (top[1] < bottom[1] and bottom[1] - top[3] <= height and abs(bottom[0] - top[0]) <= height)


@dataclass(frozen=True)
class DateMention:
    text: str
    value: date
    start: int


def _expand(regex: str) -> str:
    """`regex` with each `<<part>>` written out: the parts of [parts], `relative_day` and `colon_read`
    (colon_reads), parts within parts too."""
    rules = patterns()["timestamps"]
    parts = {**rules["parts"], "relative_day": "|".join(map(re.escape, _relative_days())),
             "colon_read": colon_reads()}
    while PART.search(regex):
        regex = PART.sub(lambda m: parts[m.group(1)], regex)
    return regex


@cache
def colon_reads() -> str:
    """A class of the characters OCR was seen to read for a time's colon (`17158` for 17:58): the single-character
    reads of `:` in the confusion model's timestamp section (confusions.toml [[timestamp]], learned from the times
    the tuning captures print), spaces aside (a space is a gap, not a colon read); `(?!)`, which matches nothing,
    where it holds none."""
    model = confusions.table(section="timestamp")
    reads = sorted(read for truth, read in model.pairs if truth == ":" and len(read) == 1 and not read.isspace())
    return f"[{''.join(re.escape(read) for read in reads)}]" if reads else "(?!)"


@cache
def _relative_days() -> dict[str, int]:
    """Each word of `relative_days` and how many days before the page's date it means (its entry's place)."""
    return {word: back for back, words in enumerate(patterns()["timestamps"]["relative_days"]) for word in words}


@cache
def _forms() -> tuple[Form, ...]:
    return tuple(Form(f["name"], compiled(_expand(f["regex"])), f.get("year", ""), f.get("role", "event"),
                      f.get("min_per_text", 1), f.get("stacked", False))
                 for f in patterns()["timestamps"]["forms"])


@cache
def _date_forms() -> tuple[re.Pattern, ...]:
    return tuple(compiled(_expand(regex)) for regex in patterns()["dates"]["forms"])


@cache
def _zone_names() -> str:
    # One-letter names (the Z of ISO 8601) only count inside the ISO form, never as a word next to a time.
    names = [n for n in patterns()["timestamps"]["zones"] if len(n) > 1]
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@cache
def _zone_after() -> re.Pattern:
    return compiled(rf"[^\S\n]*[(\[]?[^\S\n]*(?:(?P<name>{_zone_names()})(?P<offset>[^\S\n]*[+-][^\S\n]*\d{{1,2}}"
                      rf"(?::?\d{{2}})?)?|(?P<bare>[+-]\d{{2}}:?\d{{2}}))(?![A-Za-z\d])[)\]]?")


@cache
def _zone_before() -> re.Pattern:
    return compiled(rf"(?<![A-Za-z])(?P<name>{_zone_names()})[)\]:：]?[^\S\n]*$")


def _numeric_offset(text: str) -> Zone | None:
    """The zone of a printed offset (+08:00, +9): a whole hour as IANA's Etc/GMT zone (whose sign is inverted)."""
    numeric = NUMERIC_OFFSET.search(text)
    minutes = int(numeric.group("h")) * 60 + int(numeric.group("m") or 0) if numeric else 24 * 60
    if minutes > 14 * 60:
        return None  # no zone is that far from UTC: not an offset
    minutes = -minutes if numeric.group("sign") == "-" else minutes
    if minutes == 0:
        return named_zone("UTC")
    if minutes % 60 == 0:
        return named_zone(f"Etc/GMT{-minutes // 60:+d}")
    return Zone(timezone(timedelta(minutes=minutes)), "")


def _named_offset(name: str) -> Zone:
    return named_zone(patterns()["timestamps"]["zones"][name])


@cache
def named_zone(iana: str) -> Zone:
    return Zone(ZoneInfo(iana), iana)


def default_zone() -> Zone:
    return named_zone(patterns()["timestamps"]["default_zone"])


@dataclass(frozen=True)
class StatedZone:
    """A page's statement of its times' zone: where it is printed in its text and the zone it names."""

    start: int
    zone: Zone


@cache
def _cue_rules() -> dict:
    return patterns()["timestamps"]["stated_zones"]


@cache
def _cue_names() -> tuple[tuple[str, str], ...]:
    """(text, IANA zone) of every cue a statement may name: [stated_zones] names (a phone's Chinese carrier too),
    [zones]' names of a place or a zone's words (北京时间, Hong Kong Time: not a bare abbreviation, which a sentence
    may use otherwise: `UTC-based`), and each abbreviation of [zones] in brackets, ASCII or full-width ((CST),
    （KST）, (HKT))."""
    zones = patterns()["timestamps"]["zones"]
    found = {cue["text"]: cue["zone"] for cue in _cue_rules()["names"]}
    for name, zone in zones.items():
        if name.isascii() and name.isupper() and " " not in name:
            if len(name) > 1:
                found.setdefault(f"({name})", zone)
                found.setdefault(f"（{name}）", zone)
        else:
            found.setdefault(name, zone)
    return tuple(found.items())


@cache
def _iana_names() -> dict[str, tuple[str, ...]]:
    """The tz database's names of a place (Asia/Shanghai, America/Los_Angeles), by their area (`Asia/`): a page that
    prints one states it."""
    from zoneinfo import available_timezones
    areas: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            areas.setdefault(name.split("/", 1)[0] + "/", []).append(name)
    return {area: tuple(names) for area, names in areas.items()}


def _iana_cues(line: str) -> list[tuple[int, int, Zone]]:
    """(start, end, zone) of each tz database name printed whole on `line` (no letter, digit or slash either side)."""
    found = []
    if "/" not in line:
        return found
    for name in (name for area, names in _iana_names().items() if area in line for name in names):
        at = line.find(name)
        while at >= 0:
            end = at + len(name)
            edges = (line[at - 1] if at else " ") + (line[end] if end < len(line) else " ")
            if not any(ch.isalnum() or ch in "/_" for ch in edges):
                found.append((at, end, named_zone(name)))
            at = line.find(name, end)
    return found


@cache
def _exact_cues() -> tuple[tuple[re.Pattern, Zone], ...]:
    """The cues' names (_cue_names) as printed: any case, spaces between words as any run of spaces, CJK
    characters with or without a space between them."""
    found = []
    for text, zone in _cue_names():
        regex = ""
        for i, ch in enumerate(text):
            if ch.isspace():
                regex += r"[^\S\n]+" if i and text[i - 1].isascii() else ""  # CJK: the space is optional anyway
            else:
                regex += re.escape(ch) + (r"[^\S\n]?" if not ch.isascii() else "")
        found.append((compiled(regex.removesuffix(r"[^\S\n]?"), re.IGNORECASE), named_zone(zone)))
    return tuple(found)


@cache
def _offset_cue() -> re.Pattern:
    prefixes = "|".join(map(re.escape, patterns()["timestamps"]["offset_prefixes"]))
    return compiled(rf"(?<![A-Za-z])(?:{prefixes})[^\S\n]*(?P<offset>[+\-][^\S\n]*\d{{1,2}}(?::?\d{{2}})?)(?!\d)")


# An offset's shape: a prefix of 2-5 letters or digits (GMT as OCR may read it), its sign and number. In brackets
# OCR may part the prefix and add noise (`(6041 ㅜ ㅠ +8)` for `(GMT+8)`): there, whatever stands before the sign.
# A closing bracket's curve OCR may read as a brace or a square bracket (`(6607+7}` for `(GMT+7)`).
OFFSET_SHAPE = re.compile(r"(?P<open>[(（][^\S\n]*)?(?P<prefix>(?(open)[^()（）+\-\n]{2,12}?|[^\W_]{2,5}))[^\S\n]*"
                          r"(?P<sign>[+\-])[^\S\n]*(?P<num>[^\W_]{1,2}(?::?\d{2})?)(?![^\W_])"
                          r"(?P<close>[^\S\n]*[)）}\]])?")


@cache
def _listed_offsets() -> tuple[str, ...]:
    """Every offset a cue may state, as printed after GMT or UTC: -12 to +14 hours, and the offsets of other minutes
    that a zone of the tz database keeps in winter or in summer (+5:30, +5:45, -3:30, ...)."""
    hours = [f"{h:+d}" for h in range(-12, 15)]
    odd = set()
    for names in _iana_names().values():
        for name in names:
            for day in (REFERENCE, REFERENCE.replace(month=7)):
                offset = ZoneInfo(name).utcoffset(day)
                minutes = int(offset.total_seconds()) // 60
                if minutes % 60:
                    odd.add(f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60}:{abs(minutes) % 60:02d}")
    return tuple(hours + sorted(odd))


def _fuzzy_cues(line: str, taken: list[tuple[int, int]]) -> list[tuple[int, Zone]]:
    """Cues of the closed list OCR misread, on a line that reads as a zone's context (a time column's label, a
    notice's words): each span the confusion model prices against the list and `decide`s on, within the budget a
    cue's length allows (stated_zones chars_per_edit, max_budget) and by the margin. An offset (`6407+8` for
    `GMT+8`) is decided on its sign and number; its prefix only marks it as an offset, and in the brackets of such a
    line any 2-5 characters may stand for it at one edit OCR was never seen to make (the model's default
    substitution)."""
    rules = _cue_rules()
    found = []
    for match in OFFSET_SHAPE.finditer(line):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        prefix = min(confusions.cost(match.group("prefix"), p) for p in patterns()["timestamps"]["offset_prefixes"])
        if match.group("open") and match.group("close"):
            prefix = min(prefix, confusions.table().substitute)
        read = match.group("sign") + match.group("num")
        candidates = [(prefix + confusions.cost(read, offset, rules["max_budget"]), offset)
                      for offset in _listed_offsets()]
        choice = confusions.decide(read, [(c, o) for c, o in candidates if c != float("inf")], rules["max_budget"],
                                   rules["margin"], set(_listed_offsets()).__contains__)
        if choice.status == "as-read" and prefix > rules["max_budget"] - rules["margin"]:
            continue  # a bare number after something that is no zone's name
        if choice.status in ("as-read", "corrected") and (zone := _numeric_offset(choice.value)) is not None:
            found.append((match.start(), zone))
    for cue in rules["names"]:  # misreads of the list's own names only: an abbreviation's are too near another's
        text, zone_name = cue["text"], cue["zone"]
        budget = min(rules["max_budget"], len(text.replace(" ", "")) / rules["chars_per_edit"])
        if budget < 1.0:
            continue  # a cue of fewer than chars_per_edit characters counts only as printed
        best = (float("inf"), 0)
        for size in (len(text) - 1, len(text), len(text) + 1):
            for start in range(0, max(0, len(line) - size) + 1):
                if any(s < start + size and start < e for s, e in taken):
                    continue
                priced = confusions.cost(line[start:start + size], text, budget)
                best = min(best, (priced, start))
        if best[0] <= budget:
            found.append((best[1], named_zone(zone_name)))
    return found


def stated_zones(text: str) -> tuple[StatedZone, ...]:
    """Where `text` states the zone of its times, in text order (patterns/timestamps.toml [stated_zones]): the
    closed list's names and GMT/UTC offsets as printed anywhere, and on a line that reads as a zone's context
    (`context`) as OCR misread them (see _fuzzy_cues). One statement a line: cues of one offset on a line agree,
    a place's zone (Asia/Shanghai) named over a bare offset (Etc/GMT-8); cues of different offsets on a line
    compare zones (北京时间 与 한국시간), stating none. Remembered for the texts last asked about: a page's text is
    asked about for its own rows and for each of its bands', with the patterns in use."""
    return _stated_zones(patterns().version, text)


@lru_cache(maxsize=64)
def _stated_zones(version: str, text: str) -> tuple[StatedZone, ...]:
    found = []
    at = 0
    for line in text.split("\n"):
        statement = _line_statement(version, line)
        if statement is not None:
            found.append(replace(statement, start=at + statement.start))
        at += len(line) + 1
    return tuple(found)


@lru_cache(maxsize=1024)
def _line_statement(version: str, line: str) -> StatedZone | None:
    """The statement of one line (see stated_zones), its start in the line; None where it states none."""
    context = compiled(_cue_rules()["context"])
    cues: list[tuple[int, Zone]] = []
    taken: list[tuple[int, int]] = []
    for regex, zone in _exact_cues():
        for match in regex.finditer(line):
            cues.append((match.start(), zone))
            taken.append(match.span())
    for match in _offset_cue().finditer(line):
        if (zone := _numeric_offset(match.group("offset"))) is not None:
            cues.append((match.start(), zone))
            taken.append(match.span())
    for start, end, zone in _iana_cues(line):
        cues.append((start, zone))
        taken.append((start, end))
    if context.search(line):
        cues += _fuzzy_cues(line, taken)
    zone = _agreed_zone(zone for _, zone in cues)
    return None if zone is None else StatedZone(min(start for start, _ in cues), zone)


def _agreed_zone(zones: Iterable[Zone | None]) -> Zone | None:
    """The one zone `zones` name where they agree on the offset (a place's name before an Etc/ offset, then by name:
    the same zone whatever their order); None where they name none or zones of different offsets."""
    named = [zone for zone in zones if zone is not None]
    if len({zone.info.utcoffset(REFERENCE.replace(tzinfo=zone.info)) for zone in named}) != 1:
        return None
    return min(named, key=lambda z: (z.name.startswith("Etc/") or not z.name, z.name))


def stated_zone(texts: Iterable[str]) -> Zone | None:
    """The zone the last statement of `texts` names (see stated_zones), or None: the zone that governs the rows of
    the texts after these."""
    return next((cue.zone for text in reversed(list(texts)) for cue in reversed(stated_zones(text))), None)


@cache
def _local_time_cue() -> re.Pattern:
    return compiled(patterns()["timestamps"]["local_times"]["regex"])


@cache
def _places() -> tuple[tuple[re.Pattern, str], ...]:
    """(whole-word pattern of its places, IANA zone): the lists' zones first, then the tz database's (_tz_places)."""
    places = {zone: list(names) for zone, names in patterns()["timestamps"]["local_times"]["places"].items()}
    listed = {name.casefold() for names in places.values() for name in names}
    derived: dict[str, list[str]] = {}
    for name, zone in _tz_places().items():
        if name.casefold() not in listed:
            derived.setdefault(zone, []).extend((name, name.upper()))
    return tuple((compiled(r"(?<![A-Za-z])(?:" + "|".join(map(_spaced, names)) + r")(?![a-z])"), zone)
                 for zone, names in [*places.items(), *derived.items()])


def _spaced(name: str) -> str:
    """`name` as a pattern that OCR's spaces between Hangul or Han characters do not part (중 국 선전)."""
    return "".join(re.escape(ch) + ("[^\\S\\n]?" if not ch.isascii() and after and not after.isascii() else "")
                   for ch, after in zip(name, name[1:] + " "))


def _tz_places() -> dict[str, str]:
    """Place names the tz database gives, each with its zone: the city of every zone of zone.tab named by area and
    city only (Anchorage, Ho_Chi_Minh; not a state's towns such as America/North_Dakota/Center, nor a link such as
    US/Central or Australia/North, whose last words are common words), and each country of iso3166.tab whose zones
    all keep one offset on the reference day (Vietnam, Germany; not China, whose Urumqi keeps another), with the
    first of them (the most populous, as zone.tab lists them)."""
    from importlib.resources import files
    tables = files("tzdata").joinpath("zoneinfo")
    found: dict[str, str] = {}
    zones: dict[str, list[str]] = {}
    for row in tables.joinpath("zone.tab").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            code, _, zone = row.split("\t")[:3]
            zones.setdefault(code, []).append(zone)
            if zone.count("/") == 1 and not zone.startswith(("Antarctica/", "Arctic/")):
                found.setdefault(zone.split("/")[1].replace("_", " "), zone)
    for row in tables.joinpath("iso3166.tab").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            code, country = row.split("\t")[:2]
            kept = zones.get(code, [])
            if kept and len({ZoneInfo(zone).utcoffset(REFERENCE) for zone in kept}) == 1:
                found.setdefault(country, kept[0])
    return found


def says_times_are_local(texts: Iterable[str]) -> bool:
    """Whether a page says its times are local to each row's place (현지 시간, local time, 当地时间)."""
    return any(_local_time_cue().search(text) for text in texts)


def _row_zone(text: str, start: int, end: int) -> Zone | None:
    """The zone a row names for its time anywhere on its line outside the time (a zone column: `GMT+8`, `CST`,
    `Asia/Shanghai`, `北京时间`): a statement (stated_zones) or a name of [zones] standing as a word. None where the
    line names none, or zones of different offsets."""
    line_start, line_end = line_bounds(text, start)
    line = text[line_start:line_end]
    statement = _line_statement(patterns().version, line)
    zones = [statement.zone] if statement is not None else []
    at = 0
    while (named := _zone_after().search(line, at)) is not None:
        at = max(named.end(), at + 1)
        begin = named.start("name") if named.group("name") else -1
        if begin < 0 or line_start + begin in range(start, end) or line[begin - 1:begin].isalnum():
            continue  # no name (a bare number after a sign is a phone number's as often), the time's own, a word's end
        offset = named.group("offset")
        zones.append(_numeric_offset(offset) if offset and named.group("name") in patterns()["timestamps"][
            "offset_prefixes"] else _named_offset(named.group("name")))
    return _agreed_zone(zones)


def governing_zone(cues: Sequence[StatedZone], start: int, stated: Zone | None, chrome_until: int = 0,
                   layout: Layout | None = None) -> Zone | None:
    """The zone the page's statements (`cues`, in text order) give an event row at text offset `start`: the
    statement that heads it, else a page-level one, else `stated` (the pages before). Where the `layout` is known,
    the statement that heads a row is the nearest one above it on the page whose line stands across it (a
    notice over the table, the time column's header; a second table's header heads only its own rows), by
    geometry, whatever the reading order; where it is not, the last one before it in the text. A row no statement
    heads takes the page's first (a foot note, a notice beside the table), unless it is in the screen's top band
    (the text before `chrome_until`: a menu bar, a status bar)."""
    if layout is not None:
        row = layout.box(start)
        above = [cue for cue in cues if layout.box(cue.start) != row and layout.below(cue.start, start)]
        heading = max(above, key=lambda cue: (layout.box(cue.start)[1], cue.start), default=None)
    else:
        heading = next((cue for cue in reversed(cues) if cue.start < start), None)
    if heading is not None:
        return heading.zone
    return next((cue.zone for cue in cues if start >= chrome_until), stated)


def _place_zone(text: str, start: int) -> Zone | None:
    """The zone of the first listed place named on the line of `start` (the row's location column)."""
    line_start, line_end = line_bounds(text, start)
    line = text[line_start:line_end]
    return next((named_zone(zone) for regex, zone in _places() if regex.search(line)), None)


def _month(groups: dict) -> int:
    if groups.get("mon"):
        return patterns()["timestamps"]["months"].index(groups["mon"][:3].lower()) + 1
    return int(groups["mo"])


def _year(raw: str) -> int:
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


def _day_month(groups: dict, form: str) -> tuple[int, int]:
    month, day = _month(groups), int(groups["d"])
    if form in ("month-day-year", "month-day-year-over-time", "taskbar-clock-english", "taskbar-clock-english-ocr") \
            and month > 12 >= day:
        month, day = day, month  # 25/03/2026: only day-first reads
    return month, day


def _hour(groups: dict) -> int:
    hour = int(groups["h"])
    marker = groups.get("ampm") or groups.get("ampm_after")
    if not marker or hour > 12:
        return hour
    return (hour % 12) + (12 if _is_pm(marker) else 0)


def _is_pm(marker: str) -> bool:
    """Whether a day part names the afternoon: listed in `pm`, or, as OCR misread it (`PlM` for PM, glued to the
    next word), nearer a name of `pm` than any of `am` by the confusion model."""
    rules = patterns()["timestamps"]
    if marker in rules["pm"] or marker in rules["am"]:
        return marker in rules["pm"]
    return min(confusions.cost(marker, name) for name in rules["pm"]) < min(
        confusions.cost(marker, name) for name in rules["am"])


def _build(groups: dict, form: Form, default_year: int | None, zone: tzinfo, today: date | None,
           now: date | None = None) -> datetime | None:
    if form.year_from in ("relative", "weekday", "today"):
        if today is None:
            return None  # 昨天 of no known day
        if form.year_from == "relative":
            back = _relative_days()[groups["rel"]]
        elif form.year_from == "weekday":
            name = re.sub(r"\s", "", groups["wd"])
            weekday = next(i for i, names in enumerate(patterns()["timestamps"]["weekdays"]) if name in names)
            back = (today.weekday() - weekday) % 7 or 7
        else:
            back = 0
        day = today - timedelta(days=back)
        year, month, day = day.year, day.month, day.day
    else:
        month, day = _day_month(groups, form.name)
        year = default_year if form.year_from == "document" else _year(groups["y"])
        if form.year_from == "document" and now is not None and (year is None or (year, month, day) > (
                now.year, now.month, now.day)):
            # The latest such day up to `now`: none is printed, or the document's year puts it after the capture
            # (12月30日 on a capture whose clock shows 2026/1/5 is of 2025).
            year = now.year if (month, day) <= (now.month, now.day) else now.year - 1
        if year is None:
            return None
    try:
        return datetime(year, month, day, _hour(groups), int(groups["mi"]), int(groups.get("s") or 0), tzinfo=zone)
    except ValueError:
        return None  # month 13, hour 25, 30 February: not a time, whatever it is


def _zone_near(text: str, start: int, end: int) -> tuple[Zone | None, int]:
    """The zone named right after (or just before) a time, and where the printed text then ends."""
    after = _zone_after().match(text, end)
    if after:
        if after.group("bare"):
            offset = _numeric_offset(after.group("bare"))
        elif after.group("offset") and after.group("name") in patterns()["timestamps"]["offset_prefixes"]:
            offset = _numeric_offset(after.group("offset"))
        else:
            offset = _named_offset(after.group("name"))
        if offset is not None:
            return offset, after.end()
    line_start = text.rfind("\n", 0, start) + 1
    lookbehind = patterns()["timestamps"]["zone_lookbehind_chars"]
    before = _zone_before().search(text, max(line_start, start - lookbehind), start)
    return (_named_offset(before.group("name")) if before else None), end


def _printed(text: str) -> str:
    return re.sub(r"[^\S\n]*\n\s*", " ", text).strip()


@cache
def _day_header() -> tuple[tuple[re.Pattern, ...], tuple[re.Pattern, ...], Form]:
    rules = patterns()["timestamps"]["day_headers"]
    headers = (rules["header"].replace("<<date>>", f"(?:{date})") for date in patterns()["dates"]["forms"])
    return (tuple(compiled(_expand(header), re.MULTILINE) for header in headers),
            tuple(compiled(_expand(row), re.MULTILINE) for row in (rules["row"], rules["bubble_row"])),
            Form("day-header-rows", compiled(""), ""))


@cache
def _separator_end() -> re.Pattern:
    return compiled(_expand(patterns()["timestamps"]["day_headers"]["separator"]), re.MULTILINE)


@dataclass(frozen=True)
class _Header:
    """A day header decoded from a garbled line (see _garbled_headers), standing in for a match of a header form."""

    span: tuple[int, int]
    groups: dict

    def start(self) -> int:
        return self.span[0]

    def end(self) -> int:
        return self.span[1]

    def groupdict(self) -> dict:
        return self.groups


def _garbled_headers(text: str, year_near: int | None = None, latest: date | None = None) -> list[_Header]:
    """Day headers whose date OCR garbled, its weekday read (`20264 38 7 일 토요일` for 2026년 3월 7일 토요일: 년 read
    as 4, 월 as 8), decoded with the weekday as their check ([day_headers] garbled_header): the year, then the
    month and the day as a leading part (one or two digits) of two later runs of digits, each digit left over costing
    1 where it trails a run the date uses (a unit read as a digit) and 2 in a run the date does not use; of the
    readings whose date falls on the printed weekday, the cheapest, where no other is as cheap. The year is as
    garbled as the rest (`20204 34 6 일 금요일` for 2026년 3월 6일): one digit off `year_near` (the document's year,
    else the reference day's), it is that year where the date falls on the weekday in it, the year as read costing
    1 more (2020-03-06 and 2026-03-06 are both Fridays). No date after `latest` (the capture's or the reading's
    day) is a separator's."""
    rules = patterns()["timestamps"]["day_headers"]
    # Monday first, as datetime counts them: the first syllable of each day's Korean name (월 of 월요일).
    weekdays = [next(name for name in names if name.endswith("요일"))[0]
                for names in patterns()["timestamps"]["weekdays"]]
    found = []
    for match in compiled(rules["garbled_header"], re.MULTILINE).finditer(text):
        runs = re.findall(r"\d+", match.group("digits"))
        year, runs = int(runs[0][:4]), [runs[0][4:]] + runs[1:]
        years = [(0, year)]
        if year_near is not None and sum(a != b for a, b in zip(str(year), str(year_near))) == 1:
            years = [(0, year_near), (1, year)]
        readings = []
        for (year_cost, year), (i, month_run) in ((y, r) for y in years for r in enumerate(runs)):
            for j in range(i + 1, len(runs)):
                for m_len in (1, 2):
                    for d_len in (1, 2):
                        if len(month_run) < m_len or len(runs[j]) < d_len:
                            continue
                        try:
                            day = date(year, int(month_run[:m_len]), int(runs[j][:d_len]))
                        except ValueError:
                            continue
                        if day.weekday() != weekdays.index(match.group("wd")) or (latest is not None and day > latest):
                            continue
                        cost = year_cost + (len(month_run) - m_len) + (len(runs[j]) - d_len) + sum(
                            (1 if k == 0 else 2) * len(run) for k, run in enumerate(runs) if k not in (i, j))
                        readings.append((cost, day))
        readings.sort()
        if readings and (len(readings) == 1 or readings[1][0] > readings[0][0]):
            day = readings[0][1]
            found.append(_Header(match.span(), {"y": str(day.year), "mo": str(day.month), "d": str(day.day)}))
    return found


def _day_rows(text: str, layout: Layout | None = None, year_near: int | None = None,
              latest: date | None = None) -> Iterable[tuple[int, int, dict]]:
    """(start, end, groups) of every row under a line holding only a date of any [dates] form (a day header over
    its rows, patterns/timestamps.toml [day_headers]): a line that starts with a time, or a time with its day part
    anywhere on a line (a chat bubble's); the groups hold the header's date and the row's time. Where the `layout`
    is known, a row lies under its header on the page (Layout.below; a bubble's time anywhere across): a line the
    reading order put after the header but that stands above it (a phone's status bar `13:29`, read last) is no row
    of it. `year_near` and `latest` decode garbled headers (_garbled_headers)."""
    forms, rows, _ = _day_header()
    headers = [m for form in forms for m in form.finditer(text)]
    # A bubble's day part read one stroke off (`오우 3:14`) is read as the day part it is (mended_day_parts keeps
    # every offset: the rows are found in the mended text, at the places of the text as read).
    misread = patterns()["timestamps"]["day_headers"]["bubble_day_parts"]
    mended = mended_day_parts(text, misread["parts"], misread["max_edits"], misread["margin"])
    headers = sorted(headers + [m for m in _garbled_headers(text, year_near, latest) if not any(
        h.start() <= m.start() < h.end() for h in headers)], key=lambda m: m.start())
    # A separator whose date OCR garbled (`202644 24 144 토요일`) heads another day: the rows under it are no rows of
    # the header above it.
    ends = [m.start() for m in _separator_end().finditer(text)]
    for this, following in zip(headers, headers[1:] + [None]):
        until = min([following.start() if following else len(text)] + [end for end in ends if end > this.end()])
        date = {k: v for k, v in this.groupdict().items() if k in ("y", "mo", "d", "mon") and v is not None}
        taken = -1
        # rows[1] is a chat bubble's time (bubble_row): beside its bubble, under the separator but not across it.
        for match, bubble in sorted(((m, i == 1) for i, row in enumerate(rows)
                                     for m in row.finditer(mended, this.end(), until)), key=lambda m: m[0].start()):
            groups = match.groupdict()
            if groups.get("run"):
                decoded = colon_misread(groups["run"]) if groups["run"][0] != "0" else None
                if decoded is None:
                    continue
                groups = {**groups, "h": decoded[0], "mi": decoded[1]}
            if match.start() >= taken and (layout is None
                                           or layout.below(this.start(), match.start(), across=not bubble)):
                taken = match.end()
                yield match.start(), match.end(), {**groups, **date}


def mended_day_parts(line: str, parts: Sequence[str], max_edits: int, margin: int) -> str:
    """`line` with each two Hangul syllables before a time (its separator read or lost: `오우 4 48`) that are a day
    part of `parts` read one stroke off replaced by it: the nearest by jamo edits, where within `max_edits` and the
    next is `margin` edits further (`오우 2:23` is 오후: one jamo from 오후, three from 오전); else as read. Each
    replacement is as long as what it replaces (two syllables), so offsets into the line stay valid. A clock's row
    (passes/clock.py mended_day_part) and a chat bubble's time (_day_rows) alike."""
    def mend(match: re.Match) -> str:
        read = unicodedata.normalize("NFD", match.group(1))
        costs = sorted((Levenshtein.distance(read, unicodedata.normalize("NFD", part)), part) for part in parts)
        (best, part), (second, _) = costs[0], costs[1]
        return part if best <= max_edits and second - best >= margin else match.group(0)
    # Before a time's digits, whatever its separator became (a colon read, lost, or read as one more digit).
    return re.sub(r"(?<![가-힣])([가-힣]{2})(?=[^\S\n]*\d{1,2}(?:[:;]|[^\S\n]?\d)\d)", mend, line)


def unpadded_hours(stamps: Sequence[Timestamp]) -> set[str]:
    """The values of `stamps` (a page's event times) printed with a one-digit hour (`2:10:57`) on a page whose other
    24-hour times print theirs in two (`03:30:26`, `04:15:36`, two or more): the table's form pads its hours, so
    such an hour lost a digit to OCR (12, 22 or 02 as well as 2) and its time stays unread. A time with a day part
    (오후 2:10, 2:10 PM) is a 12-hour clock's, never padded, and is not judged."""
    clock = compiled(r"(?<![\d:])(?P<h>\d{1,2}):\d{2}(?::\d{2})?(?![\d:])")
    rules = patterns()["timestamps"]
    parts = sorted(rules["am"] + rules["pm"], key=len, reverse=True)  # the day parts a 12-hour time may carry
    marker = compiled(rf"(?i:{'|'.join(map(re.escape, parts))})(?![A-Za-z])")
    hours = {}
    for stamp in stamps:
        match = clock.search(stamp.text)
        if stamp.role == "event" and match and not marker.search(stamp.text):
            hours[stamp.value] = match.group("h")
    padded = sum(len(hour) == 2 and hour.startswith("0") for hour in hours.values())
    return {value for value, hour in hours.items() if len(hour) == 1} if padded >= 2 else set()


def colon_misread(run: str) -> tuple[str, str] | None:
    """(hour, minute) as printed in the run of digits `run` of a 12-hour time whose colon OCR lost or read as one
    digit (`407`, `8814` for 8:14, `11143` for 11:43), where one reading alone gives an hour of 1-12 and a minute of
    00-59; None where none or two do (`1032`: 10:32 or 1:32; `1149`: 11:49 or 1:49, a time ten hours off being a
    false fact). The chat bubbles' times here and a clock's (passes/clock.py mended_separator) alike."""
    readings = {(run[:h_len], run[-2:]) for h_len in (1, 2) for colon in (0, 1)
                if h_len + colon + 2 == len(run) and 1 <= int(run[:h_len]) <= 12 and int(run[-2:]) < 60}
    return readings.pop() if len(readings) == 1 else None


def extract_timestamps(text: str, page: int, default_year: int | None, stated: Zone | None = None,
                       local: bool = False, today: date | None = None, now: date | None = None,
                       cues: Iterable[StatedZone] | None = None, chrome_until: int = 0,
                       layout: Layout | None = None) -> list[Timestamp]:
    """Timestamps in text order. Overlapping readings: the leftmost wins, then the more specific form, then a day
    header's row (which outranks the forms read on `today`). `stated` is the zone the page states, `local` whether
    it says its times are local to each row's place, `today` the day a 今天/昨天 counts from (the capture's), `now`
    the reference day (the capture's, else the day of the reading): a date printed without its year, in a document
    that prints no year or whose year would put it after `now`, is the latest such day up to `now`. Each carries its
    form's role (capture for a clock's or a print header's form, else event).

    A stated zone governs the page's event rows: a row takes the last of `cues` (this text's statements,
    `stated_zones`; None: found here) before it (a second table's header governs its own rows), else the first after
    it (a page's summary above its table's header, a foot note), else `stated` (the zone the pages before stated
    last). The text before `chrome_until` is the screen's top band (a menu bar, a status bar, the browser's own
    rows), which no statement of the page below it governs. A capture (the screen's clock, a print header) is in the
    zone of the machine that took it, never in one the page states: it takes only a zone printed beside it.

    `layout` (the lines' boxes on the page, where known) places what the text alone cannot: a day header's rows
    under it, and the two lines of a cell or a clock under each other (forms marked `stacked`: a status bar's time
    read last is no clock with the table's last date under it in the text)."""
    rows_form = _day_header()[2]
    forms = _forms()
    rows_order = next((i - 0.5 for i, form in enumerate(forms) if form.year_from == "today"), len(forms))
    found_by_form = [(order, form, [m for m in form.regex.finditer(text) if not form.stacked or (
        layout.stacked(m.start(), m.end() - 1) if layout is not None else form.stacked == "where-known")])
        for order, form in enumerate(forms)]
    matches = sorted([(m.start(), order, m.end(), m.groupdict(), form) for order, form, found in found_by_form
                      if len(found) >= form.min_per_text for m in found]
                     + [(start, rows_order, end, groups, rows_form) for start, end, groups in _day_rows(
                         text, layout, default_year or (now.year if now else None), now)],
                     key=lambda item: item[:2])
    cues = sorted(stated_zones(text) if cues is None else cues, key=lambda cue: cue.start)
    taken_until = -1
    found = []
    for start, _, match_end, groups, form in matches:
        if start < taken_until:
            continue
        taken_until = match_end  # an impossible reading still claims its span: no fragment of it is read again
        zone, end = _zone_near(text, start, match_end)
        if groups.get("zone"):
            zone = _named_offset("Z") if groups["zone"] == "Z" else _numeric_offset(groups["zone"])
        if zone is None and form.role != "capture":
            # An event row: the zone its own line names (a zone column), the place it names where the page says
            # its times are local, the statement that heads it, the page's (governing_zone).
            zone = (_row_zone(text, start, match_end) or (_place_zone(text, start) if local else None)
                    or governing_zone(cues, start, stated, chrome_until, layout))
        zone = zone or default_zone()
        moment = _build(groups, form, default_year, zone.info, today, now)
        if moment:
            found.append(Timestamp(text=_printed(text[start:end]), value=moment.isoformat(), page=page,
                                   zone=zone.name, role=form.role))
    return found


def extract_dates(text: str) -> list[DateMention]:
    """Every full date (with its year) in text order, timestamps' dates included: for delivery dates and years."""
    found: dict[int, DateMention] = {}
    for regex in _date_forms():
        for match in regex.finditer(text):
            if any(m.start <= match.start() < m.start + len(m.text) for m in found.values()):
                continue
            groups = match.groupdict()
            try:
                value = date(_year(groups["y"]), _month(groups), int(groups["d"]))
            except ValueError:
                continue
            found[match.start()] = DateMention(match.group(0).strip(), value, match.start())
    return [found[k] for k in sorted(found)]


def document_year(texts: Iterable[str]) -> int | None:
    """The year printed most often in a document's full dates: the year of its dates printed without one."""
    years = Counter(d.value.year for text in texts for d in extract_dates(text))
    if not years:
        return None
    return max(years.items(), key=lambda item: (item[1], item[0]))[0]
