"""Tracking numbers: which numbers on a page are tracking numbers, whose they are, and whether they verify.

A number is taken only with evidence (patterns/tracking.toml): a label before it (or above it, heading its table
column), a carrier's name right before a number of that carrier's format, a line holding only a number of the
format of the one carrier the page names, a carrier URL's query, or a self-identifying format (UPU S10, UPS 1Z)
whose check digit verifies. Order ids, phone numbers and amounts carry no such evidence, which is what keeps
precision high. Letters OCR reads for digits (O, l) are read back as digits only inside all-numeric groups.

A read that fails its check digit is repaired by the confusion model's one rule (`_repaired`: the learned confusions
of numbers, a format with a check digit as the acceptor, the cheapest accepted reading by a margin); a carrier
without a check digit accepts only the number as read. Any misread no such reading explains stays as read and shows
up as checksum "bad", never as a plausible wrong number. Then one page-level consolidation (`_consolidated`)
clusters every sighting of a number and reports the verified member the page shows most often; a barcode's number
is exact and stands for the text's sightings a character or two off it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Iterable, Sequence
from urllib.parse import parse_qsl, urlsplit

from rapidfuzz.distance import Levenshtein

from pipeline.fields import confusions
from pipeline.fields.checkdigits import CHECKS
from pipeline.fields.closed_lists import carrier_name_regex as _carrier_name_regex
from pipeline.fields.closed_lists import HANGUL_WORD
from pipeline.fields.scripts import HANGUL_SYLLABLE
from pipeline.fields.closed_lists import label_regex as _label_regex, stop_regex as _stop_regex
from pipeline.fields.compiled import compiled
from pipeline.fields.data import cache, patterns
from pipeline.fields.keyword_match import line_bounds, one_letter_off_keyword
from pipeline.model import Barcode, TextLine, TrackingNumber, Url
from pipeline.profile import Profile

SEPARATORS = re.compile(r"[\s\-–—]")
# Letters and digits in groups joined by one space or a dash: how a number is printed, or how OCR breaks it up.
RUN = re.compile(r"[A-Za-z0-9]+(?:(?:[^\S\n]?[\-–—][^\S\n]?|[^\S\n])[A-Za-z0-9]+)*")
TOKEN = re.compile(r"[A-Za-z0-9]+")
LIST_SEPARATOR = re.compile(r"[^\S\n]*[,/、][^\S\n]*")
# A date (2026-03-10) or the part of a time or decimal (14:22, 3.5) prints like a dashed number: never one.
DATE_LIKE = re.compile(r"(?:19|20)\d{2}[^\S\n]?[\-–—.][^\S\n]?\d{1,2}[^\S\n]?[\-–—.][^\S\n]?\d{1,2}")
CUT_AFTER = re.compile(r"[:./]\d")  # 14:22, 3.5, 1/1: the token is part of a time, decimal or fraction
CUT_BEFORE = re.compile(r"\d[:.]")
# A mark or a lone jamo (OCR's reading of a small grey label it lost: `. … ,`, `- ㆍ;`): no letter, digit or syllable.
NOISE = r"(?:[^\w\s]|[_\u3130-\u318f])"
GROUP_SEPARATOR = r"(?:[^\S\n]?[\-–—][^\S\n]?|[^\S\n])"  # between the groups of a printed or OCR-split number
NUMBER_PIECE = re.compile(GROUP_SEPARATOR)
LONE_TAIL = re.compile(GROUP_SEPARATOR + r"[A-Za-z0-9]$")  # a number's reading that ends in a one-character group
OPENERS = ":：#(（[【.=)"  # what may stand right before a number: "No.", "번호:", "(CJ)6892..."
CLOSERS = ",，、.。;:：)）]】|/*"  # and right after it: a list, a sentence's end, a bracket, a table's border
MAX_NUMBER_CHARS = 22
MAX_TOKENS = 8
NUMBER_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# A query's key and value as the text shows them (`&tracking-id=7897776854`).
QUERY_PAIR = re.compile(r"[?&](?P<key>[A-Za-z][\w\-]*)=(?P<value>[A-Za-z0-9]+)(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Format:
    carrier: str
    regex: re.Pattern
    checksum: str
    self_identifying: bool
    carrier_by_country: dict


def format_regex(fmt: dict) -> str:
    """The regex of one of tracking.toml's `formats`: its `shape` (tracking.toml [shapes]: a number with letters), or
    a number of its `digits` alone, of any of these lengths (`digits = [10, 12]` is `\\d{10}|\\d{12}`)."""
    if "shape" in fmt:
        return patterns()["tracking"]["shapes"][fmt["shape"]]
    return "|".join(rf"\d{{{length}}}" for length in fmt["digits"])


@cache
def _formats() -> tuple[Format, ...]:
    return tuple(Format(carrier=f["carrier"], regex=compiled(f"(?:{format_regex(f)})"), checksum=f["checksum"],
                        self_identifying=f.get("self_identifying", False),
                        carrier_by_country=f.get("carrier_by_country", {}))
                 for f in patterns()["tracking"]["formats"])


@cache
def _name_gap() -> re.Pattern:
    """Between a carrier's name and its number: up to two separators of tracking.toml's `name_number_separators` (a
    colon, a bracket, the Naver app's middle dot as OCR reads it, one glyph or two: `대 한 통운 ㆍ - 5650...`). A
    name whose last syllable OCR lost is still a name (closed_lists.carrier_name_regex: `로 젠 택 31431517600`)."""
    separators = re.escape(patterns()["tracking"]["name_number_separators"])
    return compiled(rf"[^\S\n]*(?:[{separators}][^\S\n]*){{0,2}}")


@cache
def _line_of_a_number() -> re.Pattern:
    """A line (or table cell between bars) holding only a number (group `number`), or a number behind what is left of
    its label: one or two short Latin words (group `garbled`: a label cell OCR garbled, `운송장번호` read as `Togs` or
    `Boo ws`), or a shorter Hangul label read one jamo off (group `near`: `송 장 번 후` for 송장번호, too near other
    words to label a number anywhere, see label_fuzzy_min_syllables). Before all this, up to three short tokens of
    marks and lone jamo (group `noise`: a grey label OCR read as `. … ,` or `- ㆍ;`) count as nothing, as a line
    of no letter or digit between a label and its value does."""
    settings = patterns()["tracking"]
    near = "|".join(one_letter_off_keyword(label) for label in settings["labels"]
                    if settings["near_label_min_syllables"] <= len(label) < settings["label_fuzzy_min_syllables"]
                    and HANGUL_WORD.fullmatch(label)) or "(?!)"
    return compiled(rf"(?m)^[^\S\n]*\|?[^\S\n]*(?:(?P<noise>{NOISE}{{1,3}}(?:[^\S\n]+{NOISE}{{1,3}}){{0,2}})[^\S\n]+)?"
                    rf"(?:(?:(?P<garbled>[A-Za-z]{{1,6}}(?:[^\S\n][A-Za-z]{{1,6}})?)"
                    rf"|(?P<near>{near}))[^\S\n]*[|:]?[^\S\n]*)?"
                    rf"(?P<number>\d+(?:{GROUP_SEPARATOR}\d+)*)[^\S\n]*\|?[^\S\n]*$")


@cache
def _not_number() -> re.Pattern:
    # Whole numbers only: a tracking number that merely starts like a phone number (0101234567...) stays one.
    return compiled("(?:" + "|".join(f"(?:{r})" for r in patterns()["tracking"]["not_numbers"]) + r")(?!\d)")


@cache
def _generic() -> re.Pattern:
    return compiled(patterns()["tracking"]["generic_format"])


@cache
def _read_back() -> dict[str, str]:
    """The characters OCR was seen to read for letters and digits (confusions.read_back of the section of tracking
    numbers and of the section of every Latin value)."""
    return confusions.read_back(_model(), confusions.table())


@cache
def _digit_reads() -> dict[str, str]:
    """The characters OCR was seen to read for digits (`_read_back`: O for 0, `$` for 5), other than digits."""
    return {shown: truth for shown, truth in _read_back().items() if truth.isdigit() and not shown.isdigit()}


@cache
def _confusable_group() -> re.Pattern:
    """Groups of digits and of the characters OCR reads for digits, split as a printed number is."""
    chars = "0-9" + re.escape("".join(_digit_reads()))
    return compiled(rf"(?<![A-Za-z0-9{chars}])[{chars}]+(?:{GROUP_SEPARATOR}[{chars}]+)*(?![A-Za-z0-9{chars}])")


@cache
def _url_token() -> re.Pattern:
    return compiled(patterns()["tracking"]["url_token"])


def _digit_view(text: str) -> str:
    """The text with the characters OCR was seen to read for digits (`_digit_reads`, learned: O and o for 0) read
    back as those digits inside numbers, same length so positions hold. A number is a group of tokens (split by OCR's
    spaces or dashes) made of digits and these characters only, with at least `number_min_digits` digits in all; a
    number has no such letters, so this is a reading, not a guess. A token with any other letter (SF123, 1Z5R...) or
    a word (SOLD, Hello) is left as printed."""
    least = patterns()["tracking"]["number_min_digits"]
    reads = _digit_reads()
    table = str.maketrans(reads)

    def numeric(token: str) -> bool:
        return any(c.isdigit() for c in token) and all(c.isdigit() or c in reads for c in token)

    def read(group: re.Match) -> str:
        number = group.group()
        if (sum(c.isdigit() for c in number) < least
                or not all(numeric(token) for token in NUMBER_PIECE.split(number))):
            return number
        return number.translate(table)
    return _confusable_group().sub(read, text)


def _without_urls(text: str) -> str:
    """The text with URLs blanked out (same length, so positions hold): "tracking" in a URL's path is no label."""
    return _url_token().sub(lambda m: " " * len(m.group()), text)


def normalise(value: str) -> str:
    return SEPARATORS.sub("", value).upper()


def _check(fmt: Format, value: str) -> str:
    if fmt.checksum == "none":
        return "none"
    return "ok" if CHECKS[fmt.checksum](value) else "bad"


def _format_carrier(fmt: Format, value: str) -> str:
    return fmt.carrier_by_country.get(value[-2:], fmt.carrier) if fmt.carrier_by_country else fmt.carrier


def _model() -> confusions.Table:
    """The confusion model's tracking-number section (confusions.toml [[tracking]])."""
    return confusions.table(section="tracking")


def _verifies(value: str, carrier: str | None) -> bool:
    """The acceptor of a repaired reading: a format with a check digit, of `carrier` or self-identifying (S10, UPS
    1Z: their format names the carrier), fits `value` and its check digit verifies. A carrier without a check digit
    accepts nothing but the number as read."""
    return any(fmt.checksum != "none" and (fmt.self_identifying or fmt.carrier == carrier)
               and fmt.regex.fullmatch(value) and _check(fmt, value) == "ok" for fmt in _formats())


@cache
def _repairs() -> confusions.Table:
    """The tracking confusions a repair may undo: all but one digit read as another. A digit read as a letter or a
    mark, or a character OCR added or lost, breaks the number's shape where it happened; a digit read as another
    digit leaves a number of the same shape that only the check digit says is wrong, and a check digit tells that a
    digit is wrong, not which (`5739128453` read back as 5739118453 would pass DHL's mod 7 by chance)."""
    model = _model()
    kept = {(t, r): c for (t, r), c in model.pairs.items()
            if not (t.isdigit() and r.isdigit() and len(t) == len(r))}
    return replace(model, pairs=kept, longest=max((max(len(t), len(r)) for t, r in kept), default=1))


@cache
def _repaired(value: str, carrier: str | None) -> tuple[str, float]:
    """(reading, its cost): what the read `value` stands for by the confusion model's one rule. A read that verifies
    stands; else its variants within `repair_budget` (confusions.variants: learned confusions of numbers undone, see
    `_repairs`; the read's letters and digits in capitals; a read of digits alone only through letters read as digits
    at both its ends, `_letters_read_as_digits`) that `_verifies` accepts compete, and the cheapest wins when the next
    costs `repair_margin` more (confusions.decide); else the read stands as read, to be reported `checksum: bad` where
    it fits its carrier's format. Which confusions a check digit cannot tell apart needs no list: two readings that
    both verify are both accepted, and the margin or the page's other sightings (`_consolidated`) decide."""
    settings = patterns()["tracking"]
    accepted = lambda reading: _verifies(reading, carrier)  # noqa: E731
    if accepted(value) or sum(c.isdigit() for c in value) < settings["number_min_digits"]:
        return value, 0.0
    # A read of digits alone keeps its digits: a digit OCR added, lost or misread leaves digits that only the check
    # digit can judge, and it passes one wrong reading in 7 to 11 (`75124899383` read back as 7514899383 passed DHL's
    # mod 7). A letter or a mark where the format wants a digit shows where the misread is; so do digits where it
    # wants letters at both its ends (`_letters_read_as_digits`).
    table = _letter_repairs() if value.isdigit() else _repairs()
    if value.isdigit():
        accepted = lambda reading: (_verifies(reading, carrier)  # noqa: E731
                                    and _letters_read_as_digits(value, reading))
    found = confusions.variants(value, settings["repair_budget"], table, alphabet=NUMBER_ALPHABET,
                                limit=settings["repair_max_variants"])
    choice = confusions.decide(value, found, settings["repair_budget"], settings["repair_margin"], accepted)
    return (choice.value, choice.cost) if choice.status == "corrected" else (value, 0.0)


@cache
def _letter_repairs() -> confusions.Table:
    """The tracking confusions of letters read as digits (`EE` read as 66, `CN` as 04), the only ones a read of
    digits alone may undo."""
    model = _model()
    kept = {(t, r): c for (t, r), c in model.pairs.items() if t.isalpha() and r.isdigit()}
    return replace(model, pairs=kept, longest=max((max(len(t), len(r)) for t, r in kept), default=1))


def _letters_read_as_digits(read: str, reading: str) -> bool:
    """Whether `reading` is the digits-only `read` with letters in place of digits at both its ends and every other
    digit as read: an S10 number whose service letters and country OCR read as digits (`6630775374504` for
    EE307753745CN), its serial and check digit as printed. Both ends misread by learned confusions, and the check
    digit verifying the digits between them, is the evidence; one letter (an 18-digit row's 12 read back as 1Z)
    would pass UPS's check one time in ten."""
    return (len(reading) == len(read) and reading[0].isalpha() and reading[-1].isalpha()
            and all(a == b for a, b in zip(read, reading) if b.isdigit()))


def _self_identified(value: str) -> tuple[str, str] | None:
    for fmt in _formats():
        if fmt.self_identifying and fmt.regex.fullmatch(value):
            return _format_carrier(fmt, value), _check(fmt, value)
    return None


def validate_tracking(value: str, carrier: str | None) -> tuple[str | None, str]:
    """The carrier of a tracking number and its check-digit status: "ok", "bad" or "none" (nothing to verify).

    A self-identifying format (S10, UPS 1Z) names its carrier whatever `carrier` says. For a known carrier the
    number must fit one of its formats: a carrier with a check digit reports "bad" when it does not; a carrier
    without one (CJ, Korea Post domestic) reports "none", never "bad".
    """
    value = normalise(value)
    identified = _self_identified(value)
    carrier_formats = [f for f in _formats() if f.carrier == carrier]
    fitting = [f for f in carrier_formats if f.regex.fullmatch(value)]
    if fitting:
        if identified and identified[0] != carrier and _format_carrier(fitting[0], value) != carrier:
            return identified
        return carrier, _check(fitting[0], value)
    if identified:
        return identified
    if carrier is None:
        return None, "none"
    return carrier, "bad" if any(f.checksum != "none" for f in carrier_formats) else "none"


def fits(value: str, carrier: str) -> bool:
    return any(f.carrier == carrier and f.regex.fullmatch(value) for f in _formats())


# ---- finding numbers -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    value: str
    start: int
    end: int
    context: str                 # label | url | format
    strong_carrier: str | None   # from the label's line or the URL's host: taken even if the number does not fit
    cost: float = 0.0            # what reading it cost (confusions.cost from the text as read): 0 as read
    read: str = ""               # the text as read, where `value` is a repaired reading of it


def _windows(text: str, run: re.Match, first: int | None = None) -> Iterable[tuple[str, int, int]]:
    """Every (value, start, end) a run of tokens can spell (only from the token at `first`, if given)."""
    tokens = list(TOKEN.finditer(text, run.start(), run.end()))
    for i, token in enumerate(tokens):
        if first is not None and token.start() != first:
            continue
        if (DATE_LIKE.match(text, token.start()) or _not_number().match(text, token.start())
                or (token.start() >= 2 and CUT_BEFORE.match(text, token.start() - 2))):
            continue
        for j in range(min(len(tokens), i + MAX_TOKENS), i, -1):
            end = tokens[j - 1].end()
            value = normalise(text[token.start():end])
            if len(value) <= MAX_NUMBER_CHARS and not CUT_AFTER.match(text, end):
                yield value, token.start(), end


def _rank(value: str, first_token_has_digit: bool, carrier: str | None) -> int:
    """How sure we are that `value` is a whole tracking number: 0 = not one at all."""
    fitting = [f for f in _formats() if f.regex.fullmatch(value)]
    if carrier and any(f.carrier == carrier for f in fitting):
        return 4 if validate_tracking(value, carrier)[1] == "ok" else 3
    if fitting:
        return 2
    # A bare word ("No 6892...") must not become a letter prefix of an unknown carrier's number.
    return 1 if first_token_has_digit and _generic().fullmatch(value) else 0


def _best_number(text: str, token: re.Match, run: re.Match, carrier: str | None) -> tuple[str, int, int] | None:
    """The most convincing number starting at `token`: a verified one, then one of the carrier, then any format;
    of two as convincing, one whose groups are joined alike (`_joined_alike`), then one that does not end in a group
    of one character (a glyph after the number OCR read as a digit: KakaoTalk's `6427407566557 입니다` read as
    `6427407566557 2`; no carrier prints a number's last group as one digit), then the longer."""
    best: tuple[int, bool, bool, int, str, int, int] | None = None
    first_token_has_digit = any(c.isdigit() for c in token.group())
    for value, start, end in _windows(text, run, first=token.start()):
        rank = _rank(value, first_token_has_digit, carrier)
        alike = _joined_alike(text[start:end])
        whole_tail = not LONE_TAIL.search(text, start, end)
        if rank and (best is None or (rank, alike, whole_tail, len(value)) > best[:4]):
            best = (rank, alike, whole_tail, len(value), value, start, end)
    return (best[4], best[5], best[6]) if best else None


def _joined_alike(printed: str) -> bool:
    """Whether a number's groups are joined by one kind of separator, dashes or spaces: a page prints a number so.
    A group after a space where the groups before it were joined by dashes is something else (an icon after a blurred
    CJ window's `5849-3999-8346`, read as `0`: browser tuning 9003), unless no reading without it fits a format."""
    joints = {"-" if any(c in "-–—" for c in joint) else " " for joint in NUMBER_PIECE.findall(printed)}
    return len(joints) <= 1


def _carrier_mentions(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.lastgroup.replace("_", "-")) for m in _carrier_name_regex().finditer(text)]


def _labelled(text: str, mentions: list[tuple[int, str]], page_hosts: Sequence[str] = ()) -> list[_Candidate]:
    """Numbers a label reaches (`_numbers_after`). The one carrier the page names (by name, or by the host of its
    own URL: `page_hosts`) decides where a number printed in groups ends where the label's line names none."""
    max_gap = patterns()["tracking"]["max_gap_chars"]
    named = {cid for _, cid in mentions} | set(page_hosts)
    page_carrier = next(iter(named)) if len(named) == 1 else None
    found = []
    plain = _without_urls(text)
    stops = [(m.start(), m.end()) for m in _stop_regex().finditer(plain)]
    misreads = tuple(_read_back().items())
    for label in _label_regex(patterns()["tracking"]["label_fuzzy_syllables"], misreads).finditer(plain):
        if any(start <= label.start() and label.end() <= end for start, end in stops):
            continue  # the tail of another number's label (单号 in 订单号) labels nothing
        # A label read further off (a syllable more, or letters read as digits) labels only a number that a check
        # digit verifies.
        verified_only = not _label_regex().fullmatch(label.group())
        line_start, line_end = line_bounds(text, label.start())
        start, end, gap = label.end(), line_end, max_gap
        if not any(c.isdigit() for c in text[label.end():line_end]) and line_end < len(text):
            column = _column_below(text, label, line_start, line_end)  # the label heads a table column
            if column is None:
                continue
            start, end, gap = column
        on_line = [cid for pos, cid in mentions if line_start <= pos < end]
        line_carrier = on_line[0] if len(set(on_line)) == 1 else None
        numbers = _numbers_after(text, start, end, gap, line_carrier, page_carrier)
        # Digits between a label and a number on its line: OCR's noise ran on from the label (`TRACKING (0.` for
        # TRACKING ID on a photo of a monitor), so only a number a check digit verifies is taken, as after a label
        # read further off.
        if numbers and start == label.end() and any(c.isdigit() for c in text[start:numbers[0].start]):
            verified_only = True
        found += [n for n in numbers if not verified_only or _verified_by_a_format(n.value)]
    return found


def _verified_by_a_format(value: str) -> bool:
    """Whether some carrier's format with a check digit fits `value` and its check digit verifies."""
    return any(fmt.regex.fullmatch(value) and _check(fmt, value) == "ok" for fmt in _formats())


def _column_below(text: str, label: re.Match, line_start: int, line_end: int) -> tuple[int, int, int] | None:
    """Where the value of a label that ends its text on its line is, and how far into it the number may start:
    - the header and the row have as many cells: the label's cell of the row;
    - the label heads the first column: the row's first cell (OCR splits header words and row values into
      different numbers of pieces, but a row still starts with its first column);
    - else the whole next line, unless the header also names other numbers (then the row's numbers cannot be
      told apart and none is taken).
    One Hangul syllable after a Hangul label ending its line is the label's particle, no header cell: a sentence
    wrapped after it (a KakaoTalk bubble's `택배 송 장 번 호 는` over `4615943007171 입 니다.`) is no table whose cells
    line up with the words above."""
    max_gap = patterns()["tracking"]["max_gap_chars"]
    row_start = line_end + 1
    while row_start < len(text) and not any(ch.isalnum() for ch in text[row_start:line_bounds(text, row_start)[1]]):
        # Lines between a label and its value that hold no letter or digit: blank, or OCR's read of an icon or a rule
        # (`=` between a KakaoTalk bubble's 송장번호는 and its number).
        row_start = line_bounds(text, row_start)[1] + 1
    row_end = line_bounds(text, row_start)[1]
    after = text[label.end():line_end]
    if HANGUL_SYLLABLE.fullmatch(after.strip()) and HANGUL_SYLLABLE.match(label.group()[-1:]):
        after = ""
    header = text[line_start:label.start()] + "LABEL" + after
    cells = list(re.finditer(r"\S+", text[row_start:row_end]))
    if not cells:
        return None
    if len(cells) == len(header.split()):
        # The header's word that holds the label (a Han label glued to the word before it: 韩国单号).
        index = next(i for i, word in enumerate(header.split()) if "LABEL" in word)
        return row_start + cells[index].start(), row_start + cells[index].end(), max_gap
    if not text[line_start:label.start()].strip():
        return row_start + cells[0].start(), row_end, 0
    if _stop_regex().search(text, line_start, line_end):
        return None
    return row_start, row_end, max_gap


def _numbers_after(text: str, pos: int, end: int, max_gap: int, carrier: str | None,
                   page_carrier: str | None = None) -> list[_Candidate]:
    """The numbers a label reaches from `pos` (a list of them, "A, B"), of the label line's `carrier` where one
    is named there. `page_carrier`: the one carrier the page names, whose verified number may stand right after a
    stray group (`_past_a_stray_group`), and whose format, where the line names no carrier, says where a number of
    groups ends: a CJ page's `운송장번호 583107093735 0` (an icon after the number read as 0, hosts tuning 9005) is
    CJ's 12 digits, not a 13-digit number of another carrier."""
    found: list[_Candidate] = []
    stop = _stop_regex().search(text, pos, end)
    end = stop.start() if stop else end
    gap_start = pos
    while pos < end:
        run = RUN.search(text, pos, end)
        if not run:
            break
        if run.start() > 0 and not text[run.start() - 1].isspace() and text[run.start() - 1] not in OPENERS:
            return found  # glued to the character before (123\5555...): a fragment of something OCR broke
        tokens = list(TOKEN.finditer(text, run.start(), run.end()))
        taken = None
        for at, token in enumerate(tokens):
            if not found and token.start() - gap_start > max_gap:
                return found
            if found and token.start() != run.start():
                break  # after a first number only a list ("A, B") continues
            taken = _best_number(text, token, run, carrier or page_carrier)
            if taken and (carrier or page_carrier):
                taken = _past_a_stray_group(text, tokens, at, run, taken, carrier or page_carrier)
            if taken or sum(c.isdigit() for c in token.group()) >= 4:
                break  # a number that is not a tracking number ends the label's reach
        if not taken:
            if any(sum(c.isdigit() for c in t.group()) >= 4 for t in tokens):
                return found
            pos = run.end()  # words between label and number: (CJ대한통운), No.
            continue
        value, start, stop_at = taken
        if stop_at < len(text) and not text[stop_at].isspace() and text[stop_at] not in CLOSERS:
            return found  # glued to the character after (1730000 041006「173...): a fragment OCR broke
        found.append(_Candidate(value, start, stop_at, "label", carrier))
        follow = LIST_SEPARATOR.match(text, stop_at)
        if not follow or follow.end() >= end or not text[follow.end()].isalnum():
            return found
        pos = gap_start = follow.end()
    return found


def _past_a_stray_group(text: str, tokens: list[re.Match], at: int, run: re.Match, taken: tuple[str, int, int],
                        carrier: str) -> tuple[str, int, int]:
    """`taken` (the best number from token `at`), or where it is no number of `carrier` (neither its format nor its
    check digit) the number of `carrier` whose check digit verifies right after a stray group of at most
    `stray_group_max_chars` letters or digits (an icon OCR read as `01` before a FedEx number: `01 823483771620`
    is no catch-all 14-digit number)."""
    if fits(taken[0], carrier):
        return taken
    most = patterns()["tracking"]["stray_group_max_chars"]
    for token in tokens[at + 1:]:
        if len(normalise(text[tokens[at].start():token.start()])) > most:
            break
        later = _best_number(text, token, run, carrier)
        if later and fits(later[0], carrier) and validate_tracking(later[0], carrier)[1] == "ok":
            return later
    return taken


def _named(text: str) -> list[_Candidate]:
    """A carrier's name right before a number (Coupang's order page: "로젠택배 48525388853") is a label only for
    a number of that carrier's format whose check digit, if the carrier has one, verifies."""
    eligible = set(patterns()["tracking"]["name_labels_carriers"])
    found = []
    for name in _carrier_name_regex().finditer(_without_urls(text)):
        carrier = name.lastgroup.replace("_", "-")
        if carrier not in eligible:
            continue
        line_end = line_bounds(text, name.start())[1]
        run = RUN.match(text, _name_gap().match(text, name.end()).end(), line_end)
        if not run or not run.group()[0].isdigit():
            continue
        taken = _best_number(text, run, run, carrier)  # the number must start the run: it is its own first token
        if taken and fits(taken[0], carrier) and validate_tracking(taken[0], carrier)[1] != "bad":
            found.append(_Candidate(*taken, "carrier-name", carrier))
    return found


def _lone_lines(text: str, page_carriers: set[str]) -> list[_Candidate]:
    """A line that is nothing but a number, on a page of one carrier (its name or its URL): the number of a
    label OCR lost (a shaded label cell) or of a page's summary, taken only if it has that carrier's format and
    its check digit, if the carrier has one, verifies. Also behind one short Latin word (a garbled label) when the
    carrier's check digit verifies it, and behind a short Hangul label read one jamo off (`_line_of_a_number`)."""
    eligible = page_carriers & set(patterns()["tracking"]["name_labels_carriers"])
    if len(eligible) != 1:
        return []
    carrier = eligible.pop()
    found = []
    for line in _line_of_a_number().finditer(text):
        value = normalise(line.group("number"))
        if line.group("garbled"):
            # Behind a garbled label only with a check digit that verifies: `Tel 0212345678` must not pass unchecked.
            taken = validate_tracking(value, carrier)[1] == "ok"
        else:
            # Alone, or behind a short Hangul label read one jamo off (no other number's label reads so): a phone
            # number alone on its line is no tracking number.
            taken = validate_tracking(value, carrier)[1] != "bad" and not (
                line.group("near") is None and _not_number().fullmatch(line.group("number")))
        if taken and fits(value, carrier):
            found.append(_Candidate(value, line.start("number"), line.end("number"), "lone-line", carrier))
    return found


def _self_identifying(text: str) -> list[_Candidate]:
    """Numbers whose format names the carrier and whose check digit verifies, anywhere on the page, as read or as
    repaired (`_repaired`); the marks OCR was seen to read for letters and digits (`_read_back`: `$` for 5) are read
    back first, the text keeping its length, so that a number holding one is one run. A candidate's `cost` is what
    its reading cost, from the text as read."""
    as_read = text
    text = text.translate(str.maketrans({shown: truth for shown, truth in _read_back().items() if not shown.isalnum()}))
    found = []
    for run in RUN.finditer(text):
        taken_until = -1
        for value, start, end in _windows(text, run):
            if start < taken_until:
                continue
            read, _ = _repaired(value, None)
            identified = _self_identified(read)
            if identified and identified[1] == "ok":
                spent = confusions.cost(normalise(as_read[start:end]), read, model=_model())
                found.append(_Candidate(read, start, end, "format", None, cost=spent, read=value))
                taken_until = end
    return found


def _from_urls(urls: Sequence[Url], profile: Profile) -> list[_Candidate]:
    found = []
    for url in urls:
        parts = urlsplit(url.value)
        carrier = profile.carrier_for_host(url.host)
        values = [v for k, v in parse_qsl(parts.query) if _known_param(k, carrier)]
        last_segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if carrier in patterns()["tracking"]["url_path_carriers"] and fits(normalise(last_segment), carrier):
            values.append(last_segment)  # a carrier page addressed by the number itself: ilogen.com/.../trace/N
        for raw in values:
            value, spent = normalise(raw), 0.0
            if carrier and not fits(value, carrier) and not _self_identified(value):
                value, spent = _repaired(value, carrier)  # misread: what it stands for, where one reading verifies
            if carrier and not fits(value, carrier) and not _self_identified(value):
                continue  # a carrier's page shows its own numbers: this one is misread or has icons glued on
            if value and (_generic().fullmatch(value) or any(f.regex.fullmatch(value) for f in _formats())):
                found.append(_Candidate(value, -1, -1, "url", carrier, cost=spent, read=normalise(raw)))
    return found


def with_page_numbers(urls: Sequence[Url], numbers: Sequence[TrackingNumber], profile: Profile) -> list[Url]:
    """The page's URLs, each carrier URL whose tracking number (a query's value, or the path's last segment where the
    carrier addresses its page so) was read as none of the page's reported numbers but as a copy of exactly one of
    them that verifies (the page-level consolidation's rule: within copy_budget of the tracking confusions where the
    URL's reading fails its check, within cluster_budget where it has none to fail) with that number in its place:
    a photographed bar read FedEx's `trknbr=823483771620` as `823423771620`, and the page's label the number. A
    URL whose number the page reports, or that no verified number is near (two parcels' pages), stays as read."""
    settings = patterns()["tracking"]
    verified = [n for n in numbers if n.checksum == "ok"]
    reported = {n.value for n in numbers}
    out = []
    for url in urls:
        carrier = profile.carrier_for_host(url.host)
        parts = urlsplit(url.value)
        raws = [v for k, v in parse_qsl(parts.query) if _known_param(k, carrier)]
        if carrier in settings["url_path_carriers"]:
            raws.append(parts.path.rstrip("/").rsplit("/", 1)[-1])
        for raw in raws:
            value = normalise(raw)
            if not carrier or not value or value in reported or url.value.count(raw) != 1:
                continue
            budget = settings["copy_budget"] if validate_tracking(value, carrier)[1] == "bad" \
                else settings["cluster_budget"]
            near = [n for n in verified if n.carrier == carrier and _copies(value, n.value, budget)]
            if len(near) == 1:
                url = replace(url, value=url.value.replace(raw, near[0].value))
        out.append(url)
    return out


def _queried(text: str, named: set[str]) -> list[_Candidate]:
    """Numbers after a tracking parameter of a URL's query the text shows without its host (a photographed
    address bar read in part: `htmi?submit=1&tracking-id=7897776854`): the key names the number as a label does,
    taken where a format's check digit verifies it or it fits a carrier the page names (check digit not failing).
    Where the URL was read whole, its query's number is the same sighting (`_from_urls`)."""
    found = []
    for query in QUERY_PAIR.finditer(text):
        value = normalise(query.group("value"))
        if _known_param(query.group("key"), None) and (_verified_by_a_format(value) or any(
                fits(value, cid) and validate_tracking(value, cid)[1] != "bad" for cid in named)):
            found.append(_Candidate(value, query.start("value"), query.end("value"), "url", None))
    return found


def _known_param(key: str, carrier: str | None) -> bool:
    """A tracking parameter's name (url_params, case aside), or OCR's misread of one, priced by the confusion model
    (the `confusion` section, hosts' and URLs' characters): anywhere, a key the learned confusions alone make of a
    name, cheaper than one edit OCR was never seen to make (`wbInum` for wblnum, l read as I); on a carrier's own
    page, a key of at least url_param_min_chars_for_edit letters within one such edit (`wvblnum`, a JPEG re-save of
    hanjin.com); shorter keys (num, sid1) are too near other keys."""
    key = key.lower()
    names = _param_names()
    if key in names:
        return True
    unseen = confusions.table().substitute
    least = patterns()["tracking"]["url_param_min_chars_for_edit"]
    loose = carrier is not None and len(key) >= least
    return any(confusions.cost(key, name, unseen) <= unseen if loose and len(name) >= least
               else confusions.cost(key, name, unseen) < unseen for name in names)


@cache
def _param_names() -> frozenset[str]:
    return frozenset(name.lower() for name in patterns()["tracking"]["url_params"])


def _carrier_for(candidate: _Candidate, mentions: list[tuple[int, str]], page_hosts: list[str]) -> str | None:
    """The carrier from the strongest evidence that fits the number: the label's line or the URL's host, the
    nearest carrier name, the page's URLs. If none fits, the label's or URL's carrier still stands, or for a
    labelled number the one carrier the page names; a carrier with a check digit then reports the number as bad
    (an EMS proof of delivery scanned at 200 dpi: `EM221576791KR` under its label read as `64221576791`, which
    must not stand as another parcel's number)."""
    if _self_identified(candidate.value):
        return None  # validate_tracking names it from the format
    by_distance = sorted(mentions, key=lambda m: abs(m[0] - candidate.start)) if candidate.start >= 0 else mentions
    for cid in [candidate.strong_carrier] + [cid for _, cid in by_distance] + page_hosts:
        if cid and fits(candidate.value, cid):
            return cid
    named = {cid for _, cid in mentions} | set(page_hosts)
    if candidate.strong_carrier is None and candidate.context == "label" and len(named) == 1:
        return named.pop()
    return candidate.strong_carrier


def rows_joined(text: str, lines: Sequence[TextLine]) -> str:
    """`text` with the line break between two of its lines replaced by a space where their boxes say they are
    pieces of one row of the page: each one's vertical middle within the other's height, the second starting right
    of the first's end; or the second's box wholly within the first's (OCR read a few strokes of the row a second
    time as a line of their own: `brorootwk` in the box of a KakaoTalk bubble's `대 한 통 운 송 장 번호`, which
    otherwise stood between the label and its number on the line under it). OCR's layout analysis parts a row where
    something beside it disturbs it (`운 송 장 번 호 6` over `34723306838`, a phone capture's label and number, a
    JPEG's noise above them); the page shows one row, and a label reaches its number only on its row. The same
    length as `text`, so positions hold; `text` as it is where its lines are not `lines` joined."""
    joined = "\n".join(line.text for line in lines)
    at = text.find(joined) if lines else -1
    if at < 0:
        return text
    chars = list(text)
    end = at
    for first, second in zip(lines, lines[1:]):
        end += len(first.text)
        (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = first.box, second.box
        beside = ay0 <= (by0 + by1) / 2 <= ay1 and by0 <= (ay0 + ay1) / 2 <= by1 and ax1 <= bx0
        within = ax0 <= bx0 and bx1 <= ax1 and ay0 <= by0 and by1 <= ay1
        if (beside or within) and first.text.strip() and second.text.strip():
            chars[end] = " "
        end += 1  # the line break
    return "".join(chars)


def extract_tracking(text: str, urls: Sequence[Url], profile: Profile, page: int,
                     barcodes: Sequence[Barcode] = (), source: str = "ocr",
                     lines: Sequence[TextLine] = ()) -> list[TrackingNumber]:
    """Tracking numbers of one page, deduplicated by value: the barcodes' first (exact, see `_with_barcodes`),
    then the text's in the order of the evidence that found them. `source` is what the text was read from
    (`ocr` or `text` for a PDF's text layer); a number taken from a URL's query reports `url`. `lines`: the page's
    OCR lines with their boxes, by which pieces of one row are read as one line (`rows_joined`)."""
    text = rows_joined(text, lines)
    mentions = _carrier_mentions(text)
    # The carriers of the page's own URLs, its address bar's first: a tab's or a bookmark's host is another page's.
    page_hosts = [c for c in (profile.carrier_for_host(u.host) for u in sorted(urls, key=lambda u: not u.address_bar)
                              if u.of_page) if c]
    digits = _digit_view(text)
    candidates = (_from_urls(urls, profile) + _queried(text, {cid for _, cid in mentions} | set(page_hosts))
                  + _labelled(digits, mentions, page_hosts) + _named(digits)
                  + _lone_lines(digits, {cid for _, cid in mentions} | set(page_hosts)) + _self_identifying(text))
    url_spans = [m.span() for m in _url_token().finditer(text)]
    members: dict[str, _Member] = {}
    for candidate in candidates:
        carrier = _carrier_for(candidate, mentions, page_hosts)
        value, spent = _repaired(candidate.value, carrier)
        if value != candidate.value:
            carrier = _carrier_for(replace(candidate, value=value), mentions, page_hosts)
        carrier, checksum = validate_tracking(value, carrier)
        # Where the number was read: the text's once per place, the URLs' once (a URL's query and the URL's text
        # on the page are one sighting).
        in_url = candidate.context == "url" or any(a <= candidate.start < b for a, b in url_spans)
        place = ("url", value) if in_url else ("", candidate.start)
        number = TrackingNumber(value, carrier, checksum, page=page, context=candidate.context,
                                source="url" if candidate.context == "url" else source)
        member = members.setdefault(value, _Member(number))
        if member.number.carrier is None and carrier is not None:
            member.number = number
        member.places.add(place)
        member.reads |= {read for read in (candidate.value, candidate.read) if read and read != value}
        member.strength = min(member.strength, CONTEXTS.index(candidate.context))
        member.cost = min(member.cost, spent + candidate.cost)
    coded = _from_barcodes(barcodes, digits, [cid for _, cid in mentions] + page_hosts, profile, page)
    return without_weaker_numbers(_consolidated(list(members.values()), coded))


# ---- barcodes ------------------------------------------------------------------------------------------------

def _from_barcodes(symbols: Sequence[Barcode], digits: str, named: list[str], profile: Profile,
                   page: int) -> list[TrackingNumber]:
    """The page's barcodes whose content is a tracking number (patterns/tracking.toml [barcodes]): a symbology
    that may carry one (never a retail EAN/UPC), holding a carrier's tracking URL (its number, as in a URL), or a
    number that
    - is self-identifying with a check digit that verifies (S10, UPS 1Z), or
    - fits a format of a carrier the page names (its check digit, if it has one, not failing), or
    - fits some carrier's format and the page's text shows it, at most `replaces_max_edits` characters off (the
      label's human-readable line under the bars), or
    - is the page's one such number fitting a format of a carrier whose name labels a number, its check digit
      not failing (`name_labels_carriers`: not Coupang's catch-all 10-14 digits): a label carries one parcel's, and a
      photographed label's text may be lost to OCR while its bars decode.
    The decoded value is exact: no OCR confusion is read back in it."""
    rules = patterns()["tracking"]["barcodes"]
    values: list[tuple[str, str | None, Barcode]] = []
    for symbol in symbols:
        if symbol.format not in rules["formats"]:
            continue
        content = symbol.text.strip()
        if content.lower().startswith(("http://", "https://")):
            host = (urlsplit(content).hostname or "").lower()
            values += [(c.value, c.strong_carrier, symbol) for c in _from_urls([Url(content, host, page)], profile)
                       if c.strong_carrier]
        elif re.fullmatch(rules["content"], normalise(content)):
            values.append((normalise(content), None, symbol))
    carriers = patterns()["tracking"]["name_labels_carriers"]
    lone = {value for value, _, _ in values
            if any(fits(value, cid) and validate_tracking(value, cid)[1] != "bad" for cid in carriers)}
    found: dict[str, TrackingNumber] = {}
    for value, carrier, symbol in values:
        if value in found:
            continue
        carrier = carrier or next((cid for cid in named if fits(value, cid)
                                   and validate_tracking(value, cid)[1] != "bad"), None)
        identified = _self_identified(value)
        if carrier is None and not (identified and identified[1] == "ok") and value not in lone and not (
                any(f.regex.fullmatch(value) for f in _formats())
                and _shown_in_text(value, digits, rules["replaces_max_edits"])):
            continue
        if carrier is None and value in lone and len(lone) > 1 and not (identified and identified[1] == "ok") \
                and not _shown_in_text(value, digits, rules["replaces_max_edits"]):
            continue  # two numbers in bars, neither named nor shown: which is the parcel's cannot be told
        carrier, checksum = validate_tracking(value, carrier)
        found[value] = TrackingNumber(value, carrier, checksum, page=page, context="barcode", source="barcode",
                                      box=symbol.box)
    return list(found.values())


def _shown_in_text(value: str, digits: str, max_edits: int) -> bool:
    """Whether the text spells `value`, or a number at most `max_edits` characters off it (OCR's reading of the
    human-readable line)."""
    for run in RUN.finditer(digits):
        if sum(c.isdigit() for c in run.group()) < 4:
            continue
        for window, _, _ in _windows(digits, run):
            if abs(len(window) - len(value)) <= max_edits and \
                    Levenshtein.distance(window, value, score_cutoff=max_edits) <= max_edits:
                return True
    return False


def _off_a_barcode(member: "_Member", code: TrackingNumber, max_edits: int, budget: float) -> bool:
    """Whether a text sighting is OCR's reading of a barcode's number (the label's human-readable line, a POD's
    number beside its bars): its value, or what was read where it was repaired, at most `max_edits` characters off
    the decoded value. A sighting that verifies by a check digit is another parcel's number unless the learned
    confusions explain it within `budget` (consecutive labels' numbers differ in a digit or two and both verify; a
    misread that passes a check digit is one in 7 to 11)."""
    for read in {member.number.value} | member.reads:
        if read == code.value:
            return True
        if Levenshtein.distance(read, code.value, score_cutoff=max_edits) > max_edits:
            continue
        if member.number.checksum != "ok" or read != member.number.value:
            return True
        if confusions.cost(read, code.value, budget, _model()) <= budget:
            return True
    return False


def _with_barcodes(coded: list[TrackingNumber], members: list["_Member"]) -> tuple[list[TrackingNumber],
                                                                                   list["_Member"]]:
    """The barcodes' sightings in the page-level consolidation: a barcode's number is exact, so it is the reading
    of every text sighting off it (`_off_a_barcode`, within `replaces_max_edits`): it confirms the text's reading of
    the same number and replaces one OCR misread, and those sightings are consolidated no further. Its carrier,
    where the barcode named none, is that of such a sighting whose carrier's format the value fits. Returns the
    barcodes' numbers and the text's sightings left."""
    max_edits = patterns()["tracking"]["barcodes"]["replaces_max_edits"]
    budget = patterns()["tracking"]["cluster_budget"]
    numbers, left = [], list(members)
    for number in coded:
        seen = [m for m in left if _off_a_barcode(m, number, max_edits, budget)]
        left = [m for m in left if not any(m is s for s in seen)]
        if number.carrier is None:
            carrier = next((m.number.carrier for m in seen if m.number.carrier
                            and fits(number.value, m.number.carrier)), None)
            if carrier is not None:
                carrier, checksum = validate_tracking(number.value, carrier)
                number = replace(number, carrier=carrier, checksum=checksum)
        numbers.append(number)
    return numbers, left


# Why a number was taken (TrackingNumber.context), strongest first. A label or a carrier's URL names the number
# itself (strong); a self-checking format or a carrier's name vouch for it; a lone line of digits is the weakest
# reason, which no re-encoding is bound to read again (compress does not hold a file to it).
CONTEXTS = ("label", "url", "format", "carrier-name", "lone-line")
STRONG_CONTEXTS = frozenset(CONTEXTS[:2])
REASONED_CONTEXTS = frozenset(CONTEXTS[:4])


@dataclass
class _Member:
    """Every sighting of one reading on a page: the number as reported, the places it was read (the URLs' copies
    once, the text's once per place), what was read where it was repaired, its strongest evidence (index in
    CONTEXTS) and its cheapest reading's cost (0 where read as it stands)."""
    number: TrackingNumber
    places: set = field(default_factory=set)
    reads: set = field(default_factory=set)  # the text as read where it differs from the reading (repaired)
    strength: int = len(CONTEXTS)
    cost: float = float("inf")


def _consolidated(members: list[_Member], coded: Sequence[TrackingNumber] = ()) -> list[TrackingNumber]:
    """One page-level consolidation of every sighting of a number (text, a URL's query, a repaired reading, a
    barcode): readings that may be OCR's copies of one another form a cluster, and of each cluster the member seen
    most often is reported (ties broken by the cheaper reading, then the stronger evidence; both where all of that
    ties). Barcode numbers come first.
    - A barcode's number (`coded`) is exact: it is reported, and the text's sightings off it are its readings
      (`_with_barcodes`), whatever they verify or how often the page shows them.
    - Members that pass their check (or have none to fail) are one cluster when one is a misread of the other within
      `cluster_budget` of the tracking confusions (confusions.cost, either way, between the readings or what was
      read where one was repaired; of one carrier or of none): one edit never seen and a cheap learned one. Two
      parcels' numbers differ in more, and a check digit tells most single misreads apart: what it cannot tell
      apart (UPS's S and 5, B and 8 in a shipper code; S10's prefix; any digit of a carrier without one) is left to
      how often the page shows each.
    - Of a cluster, the members that verify compete; where none does, all.
    - A member failing its check digit is a copy of a verified member of its carrier within `copy_budget`, or
      holding a run of three quarters of it (see `misread_of`), and is then dropped; else it is its own cluster
      with the failing members near it, reported as read (`checksum: bad`)."""
    settings = patterns()["tracking"]
    numbers, members = _with_barcodes(list(coded), members)

    def near(a: _Member, b: _Member, budget: float) -> bool:
        if a.number.carrier and b.number.carrier and a.number.carrier != b.number.carrier:
            return False
        # A sighting is what was read: a repaired reading is near another where its read is.
        return any(_copies(x, y, budget) for x in {a.number.value} | a.reads for y in {b.number.value} | b.reads)

    failing = [m for m in members if m.number.checksum == "bad"]
    passing = [m for m in members if m.number.checksum != "bad"]
    verified = [m for m in passing if m.number.checksum == "ok"]
    failing = [m for m in failing if not any(misread_of(m.number, v.number)
                                             or near(m, v, settings["copy_budget"]) for v in verified)]
    clusters = (_clusters(passing, lambda a, b: near(a, b, settings["cluster_budget"]))
                + _clusters(failing, lambda a, b: near(a, b, settings["copy_budget"])))
    kept: set[int] = set()
    for cluster in clusters:
        pool = [m for m in cluster if m.number.checksum == "ok"] or cluster
        rank = {id(m): (len(m.places), -m.cost, -m.strength) for m in pool}
        best = max(rank.values())
        kept |= {key for key, value in rank.items() if value == best}
    return numbers + [m.number for m in members if id(m) in kept]


def _copies(x: str, y: str, budget: float) -> bool:
    """Whether either reading is OCR's misread of the other within `budget` of the tracking confusions."""
    model = _model()
    return min(confusions.cost(x, y, budget, model), confusions.cost(y, x, budget, model)) <= budget


def _clusters(members: list[_Member], linked) -> list[list[_Member]]:
    """The connected groups of `members` under `linked` (a pair's test), in the members' order."""
    groups: list[list[_Member]] = []
    for member in members:
        joined = [g for g in groups if any(linked(member, other) for other in g)]
        merged = [m for g in joined for m in g] + [member]
        groups = [g for g in groups if not any(g is j for j in joined)] + [merged]
    return groups


def without_weaker_numbers(numbers: list[TrackingNumber]) -> list[TrackingNumber]:
    """The page's numbers less those whose evidence is weaker than another number's (not copies: see
    `_consolidated`):
    - a lone-line number where its carrier's number stands by a label, a URL, a name or its format (the lone-line
      rule is for receipts whose label cells OCR lost; a photographed toolbar gave `15827837 010`);
    - a number no format vouches for (`unattributed`) where a verified number stands (a photo's garbled table
      row)."""
    verified = [n for n in numbers if n.checksum == "ok"]

    def weaker(n: TrackingNumber) -> bool:
        if n.context == "lone-line" and any(o.carrier == n.carrier and o.context != "lone-line" for o in numbers):
            return True
        return unattributed(n) and bool(verified)
    return [n for n in numbers if not weaker(n)]


def unattributed(number: TrackingNumber) -> bool:
    """A number no format vouches for: of no carrier and no check digit, or given its page's one carrier without
    fitting any of that carrier's formats."""
    if number.carrier is None:
        return number.checksum == "none"
    return number.checksum == "bad" and not fits(number.value, number.carrier)


def misread_of(number: TrackingNumber, verified: TrackingNumber) -> bool:
    """`number` fails its check digit and is OCR's second, worse copy of a verified number of the same carrier on
    the same page: one or two characters differ (a UPS page showed 1Z3WSSSS0317603134 in its table and
    1Z3WSS5S0317603134 in its address bar), or three quarters of it are a run of the verified one (a photographed
    bar cut 871483346594 to 483346594 and read its icons as 000). Reporting it would raise a false mismatch."""
    if number.carrier != verified.carrier or len(number.value) != len(verified.value):
        return False
    if sum(a != b for a, b in zip(number.value, verified.value)) <= 2:
        return True
    run = SequenceMatcher(None, number.value, verified.value, autojunk=False).find_longest_match()
    return run.size * 4 >= len(number.value) * 3


def repaired_number(value: str, carrier: str | None) -> str:
    """What a number read in a carrier's URL stands for by the confusion model's one rule (_repaired, against the
    carrier's format and check digit), in capitals; `value` as read where the rule keeps the read."""
    reading, _ = _repaired(normalise(value), carrier)
    return value if reading == normalise(value) else reading
