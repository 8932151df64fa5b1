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
least `min_score` alike. A field found in neither way has no box: no box is better than a box in the wrong place.
A field that already has one (a barcode's) keeps it.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from rapidfuzz import fuzz

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


def with_boxes(fields: Fields, pages: Sequence[PageReading]) -> Fields:
    """`fields` with each field's box on its page, where its page's lines show it (see the module's docstring);
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
                field = replace(field, box=box) if box else field
            found.append(field)
        boxed[kind] = tuple(found)
    return replace(fields, **boxed)

