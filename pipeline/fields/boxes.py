"""Where on its page each field was read: the box of the words that show it (scan JSON's `box`, report.html's boxes,
the cover's proof crops).

A page's lines (PageReading.lines: OCR lines with their words' boxes in the page image's pixels, or a text layer's
lines in PDF points) are joined into one text in which every character knows its line and word (`PageText`), so any
span of that text maps to a box: the union of the parts of the words it covers (`PageText.box`; a word partly
covered gives the part its characters take, by their share of the word's width, and one character more on each side
where it is cut).

The extractors (tracking.py, timestamps.py, urls.py, addresses.py) read a page's text, which the reader assembles
from more than these lines (a photo's warped-flat copy, the address bar's consensus read), and return values, often
repaired (a misread host named as the known one it stood for). So a field's span is found again in the lines: the
characters it was read as (`needles`: a timestamp as printed, a URL's host as read, an address as read, a tracking
number's letters and digits), first exactly, each text folded the same way (`FOLDS`) with every folded character
pointing back at its own; else the closest window of the page's text (rapidfuzz's partial-ratio alignment) at
least `min_score` alike. A URL found in neither way, its host repaired from a read of the address bar that the
page's own lines read otherwise (`dhl.com` read `dhi.com` in the bar, `Ghi.corn` on the page), is found by its host:
the word of the lines whose host part the confusion model (confusions.py) makes the cheapest misread of the host, or
of the host as read, within the very budget by which the reader repairs a host (urls.toml: host_chars_per_edit,
host_max_budget) and cheaper than any other word by host_margin (`host_box`). A field found in none of these ways has
no box: no box is better than a box in the wrong place. A field that already has one (a barcode's) keeps it.

A tracking number's carrier is a fact of its own (the cover's and report.html's): its `carrier_box` is where the
page names that carrier as the reader knows carriers by name (closed_lists.carrier_name_regex, the names that label
numbers in tracking.py), the mention nearest the number; else the host of a URL of the page that is the carrier's
(the tracking page's own address). A carrier known only from the number's format has no box.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from rapidfuzz import fuzz

from pipeline.fields.closed_lists import carrier_name_regex
from pipeline.fields.confusions import cost
from pipeline.fields.data import patterns
from pipeline.model import Fields, KoreanAddress, PageReading, TextLine, Timestamp, TrackingNumber, Url

Box = tuple[int, int, int, int]


def _alnum(ch: str) -> str:
    """A tracking number's characters: letters and digits only, upper case (spaces, hyphens dropped)."""
    return ch.upper() if ch.isascii() and ch.isalnum() else ""


def _squeezed(ch: str) -> str:
    """Anything else: without white space, case-folded (a timestamp or URL however OCR spaced it)."""
    return "" if ch.isspace() else ch.casefold()


FOLDS: dict[str, Callable[[str], str]] = {"alnum": _alnum, "squeezed": _squeezed}


@dataclass(frozen=True)
class Match:
    """How a kind of field is found again: its text folded with `fold`, an inexact window taken at `min_score`
    (0-100) or more, and only when the window's length is within `max_length_change` of the needle's."""

    fold: str
    min_score: float
    max_length_change: int


# Tracking numbers: one digit of 12 misread scores 91.7; another number of the page differs in several.
MATCHES = {"tracking_numbers": Match("alnum", 90.0, 1), "timestamps": Match("squeezed", 85.0, 2),
           "urls": Match("squeezed", 85.0, 3), "korean_addresses": Match("squeezed", 80.0, 4)}
# A needle this short found inexactly could be anywhere.
MIN_FUZZY_CHARS = 6
# A value inside a run of characters with one of these stands in a URL (a tracking URL's query), not on its own.
URL_MARKS = ("/", "=", "?", "&")
# Characters about half a digit wide, and about one and a half, in the usual proportional fonts (Arial, Segoe UI,
# Noto Sans, Malgun Gothic's Latin); a Korean or Chinese character is about 1.8 digits wide.
NARROW = "ijlrtfI.,:;'!|/\\()[]{}-` "
WIDE = "mwMW@%"
# The places of one needle looked at, at most (a page repeating a value hundreds of times costs no more).
MAX_PLACES = 50


@dataclass(frozen=True)
class PageText:
    """A page's lines joined by newlines; `where[i]`: the line and the character in it of text[i] (-1 for a
    newline)."""

    text: str
    where: tuple[tuple[int, int], ...]
    lines: tuple[TextLine, ...]

    @classmethod
    def of(cls, lines: Sequence[TextLine]) -> "PageText":
        text, where = [], []
        for number, line in enumerate(lines):
            if number:
                text.append("\n")
                where.append((-1, -1))
            text.append(line.text)
            where += [(number, at) for at in range(len(line.text))]
        return cls("".join(text), tuple(where), tuple(lines))

    def folded(self, fold: Callable[[str], str]) -> tuple[str, list[int]]:
        """The text folded (newlines kept, so no exact match runs over two lines) and, for each of its characters,
        the index in `text` of the character it came from."""
        out, back = [], []
        for index, ch in enumerate(self.text):
            for piece in ("\n" if ch == "\n" else fold(ch)):
                out.append(piece)
                back.append(index)
        return "".join(out), back

    def stands_alone(self, start: int, end: int) -> bool:
        """Whether text[start:end] is no part of a longer run of letters and digits, nor of a URL (a run of
        non-space characters with any of URL_MARKS)."""
        if start > 0 and self.text[start - 1].isalnum() or end < len(self.text) and self.text[end].isalnum():
            return False
        left = max(self.text.rfind(" ", 0, start), self.text.rfind("\n", 0, start)) + 1
        right = min(at for at in (self.text.find(" ", end), self.text.find("\n", end), len(self.text)) if at >= 0)
        return not any(mark in self.text[left:right] for mark in URL_MARKS)

    def box(self, start: int, end: int) -> Box | None:
        """The box of text[start:end]: the union of the parts of the words (or, without words, of the lines) that
        its characters fall in (see above). None for a span of no characters."""
        covered: dict[int, list[int]] = {}
        for number, at in self.where[start:end]:
            if number >= 0:
                covered.setdefault(number, []).append(at)
        parts = []
        for number, ats in covered.items():
            line = self.lines[number]
            first, last = min(ats), max(ats) + 1
            words = [word for word in line.words if word[0] < last and first < word[1]] or \
                [(0, len(line.text)) + tuple(line.box)]
            for w_start, w_end, x0, y0, x1, y1 in words:
                lo, hi = max(first, w_start) - w_start, min(last, w_end) - w_start
                # A part of a word is placed by its characters' usual widths (a URL's `i` and `w` differ), and
                # widened by one character where it is cut, so a box never cuts the value.
                widths = [char_width(ch) for ch in line.text[w_start:w_end]] or [1.0]
                lo, hi = max(lo - 1, 0) if lo else 0, min(hi + 1, len(widths)) if hi < len(widths) else len(widths)
                total = sum(widths)
                parts.append((math.floor(x0 + (x1 - x0) * sum(widths[:lo]) / total), y0,
                              math.ceil(x0 + (x1 - x0) * sum(widths[:hi]) / total), y1))
        if not parts:
            return None
        return (min(p[0] for p in parts), min(p[1] for p in parts), max(p[2] for p in parts), max(p[3] for p in parts))


def char_width(ch: str) -> float:
    """A character's usual width in a proportional font, a digit's being 1 (Latin fonts draw digits alike)."""
    if ch in NARROW:
        return 0.5
    if ch in WIDE:
        return 1.5
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.8
    return 1.2 if ch.isupper() else 1.0


def find(page: PageText, needles: Sequence[str], match: Match, whole: bool = False) -> Box | None:
    """The box of the first needle found on the page: each needle exactly first (the first place in reading order;
    with `whole`, the first that stands as a word of its own, no letter or digit touching it, where there is one),
    then inexactly (the best window)."""
    fold = FOLDS[match.fold]
    text, back = page.folded(fold)
    wanted = [folded for folded in ("".join(fold(ch) for ch in needle) for needle in needles) if folded]
    for needle in wanted:
        places = [(back[at], back[at + len(needle) - 1] + 1) for at in _occurrences(text, needle)]
        if places:
            alone = [(start, end) for start, end in places if page.stands_alone(start, end)] if whole else []
            return page.box(*(alone or places)[0])
    for needle in wanted:
        if len(needle) < MIN_FUZZY_CHARS or len(text) < len(needle) - match.max_length_change:
            continue
        found = fuzz.partial_ratio_alignment(needle, text, score_cutoff=match.min_score)
        if found is None:
            continue
        # The window covers the part of the needle that aligned: the characters of the rest (a misread first or
        # last one) are taken from beside it, as far as its line goes, after it first.
        start, end = found.dest_start, found.dest_end
        for _ in range(found.src_start):
            start -= 1 if start > 0 and text[start - 1] != "\n" else 0
        while end - start < len(needle) and end < len(text) and text[end] != "\n":
            end += 1
        while end - start < len(needle) and start > 0 and text[start - 1] != "\n":
            start -= 1
        window = text[start:end].strip("\n")
        if not window or abs(len(window) - len(needle)) > match.max_length_change or \
                "\n" in window and match.fold == "alnum":
            continue
        start += text[start:end].index(window[0])
        return page.box(back[start], back[start + len(window) - 1] + 1)
    return None


# What leads a URL's host in a word (a scheme, however misread: `https://`, `htps:/`) and what ends it.
HOST_LEAD = re.compile(r"^[A-Za-z]{2,6}[:;.,]?/+")
HOST_END = re.compile(r"[/?#]")


def host_box(page: PageText, url: Url) -> Box | None:
    """The box of the host part of the page's word that reads as `url`'s host (see the module's docstring): the
    cheapest misread of its host or its host as read, within the host's repair budget, cheaper than the next word's
    host by the margin (words that read alike count once: the first in reading order). None without such a word."""
    settings = patterns()["urls"]
    truths = {t.lower() for t in (url.host, url.as_read) if t}
    budget = min(settings["host_max_budget"], len(url.host) / settings["host_chars_per_edit"])
    margin = settings["host_margin"]
    found: dict[str, tuple[float, int, int]] = {}
    for word in re.finditer(r"\S+", page.text):
        lead = HOST_LEAD.match(word.group())
        first = lead.end() if lead else 0
        stop = HOST_END.search(word.group(), first)
        start, end = word.start() + first, word.start() + (stop.start() if stop else len(word.group()))
        read = page.text[start:end]  # as read: the model prices `l` read as `I` apart from a change of case
        if read in found or not read:
            continue
        spent = min(cost(read, truth, budget + margin) for truth in truths)
        if spent <= budget + margin:
            found[read] = (spent, start, end)
    ranked = sorted(found.values())
    if not ranked or ranked[0][0] > budget or len(ranked) > 1 and ranked[1][0] - ranked[0][0] < margin:
        return None
    return page.box(ranked[0][1], ranked[0][2])


def _occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0 and len(found) < MAX_PLACES:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def needles(field: TrackingNumber | Timestamp | Url | KoreanAddress) -> list[str]:
    """The characters `field` was read as, the most telling first."""
    if isinstance(field, TrackingNumber):
        return [field.value]
    if isinstance(field, Timestamp):
        return [field.text, field.value]
    if isinstance(field, Url):
        shown = field.value.split("://", 1)[-1]
        read = shown.replace(field.host, field.as_read, 1) if field.as_read else ""
        return [n for n in (field.value, read, shown, field.as_read, field.host) if n]
    return [n for n in (field.as_read, field.value) if n]


KINDS = tuple(MATCHES)


def with_boxes(fields: Fields, pages: Sequence[PageReading],
               carrier_for_host: Callable[[str], str | None] | None = None) -> Fields:
    """`fields` with each field's box on its page, where its page's lines show it, and each tracking number's
    carrier_box (see the module's docstring; `carrier_for_host`: the carrier whose site a host is, the profile's);
    fields that have a box, or whose page has no lines, stay as they are."""
    texts = {page.index: PageText.of(page.lines) for page in pages if page.lines}
    if not texts:
        return fields
    boxed = {}
    for kind in KINDS:
        found = []
        for field in getattr(fields, kind):
            page = texts.get(field.page)
            if page is not None and getattr(field, "box", None) is None:
                # A tracking number is shown on its own (a label's) rather than inside a URL, unless read there.
                whole = isinstance(field, TrackingNumber) and field.source != "url"
                box = find(page, needles(field), MATCHES[kind], whole)
                if box is None and isinstance(field, Url):
                    box = host_box(page, field)
                field = replace(field, box=box) if box else field
            found.append(field)
        boxed[kind] = tuple(found)
    numbers = []
    for number in boxed["tracking_numbers"]:
        page = texts.get(number.page)
        if page is not None and number.carrier and number.carrier_box is None:
            urls = [u for u in boxed["urls"] if u.page == number.page]
            box = carrier_box(page, number.carrier, number.box, urls, carrier_for_host)
            number = replace(number, carrier_box=box) if box else number
        numbers.append(number)
    return replace(fields, **boxed | {"tracking_numbers": tuple(numbers)})


def carrier_box(page: PageText, carrier: str, near: Box | None, urls: Sequence[Url],
                carrier_for_host: Callable[[str], str | None] | None) -> Box | None:
    """Where `page` shows `carrier`: the box of its name nearest `near` (the number's box; the first in reading
    order without one), else of the host of the first of `urls` that is the carrier's site (as read, where OCR
    misread it)."""
    mentions = [page.box(m.start(), m.end()) for m in carrier_name_regex().finditer(page.text)
                if m.lastgroup and m.lastgroup.replace("_", "-") == carrier]
    mentions = [box for box in mentions if box]
    if mentions:
        return min(mentions, key=lambda box: _distance(box, near)) if near else mentions[0]
    for url in urls:
        if carrier_for_host is not None and carrier_for_host(url.host) == carrier:
            box = find(page, [n for n in (url.as_read, url.host) if n], MATCHES["urls"])
            if box:
                return box
    return None


def _distance(a: Box, b: Box) -> float:
    """How far apart two boxes' centres are."""
    return math.hypot((a[0] + a[2] - b[0] - b[2]) / 2, (a[1] + a[3] - b[1] - b[3]) / 2)

