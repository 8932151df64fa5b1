"""OCR-tolerant keyword matching: how a keyword may look once OCR has printed it, in two explicit modes.

OCR spaces Hangul syllables apart at random ("배 송 완료" for 배송완료), widens or drops the space of a phrase, and
misreads one letter (jamo) of a syllable. `keyword_pattern` is the one place that says which gaps a keyword may
have, in one of two modes, because the two callers ask different questions:

- `ANYWHERE` (judging: classification, validation): does the keyword occur in the document at all? Any whitespace,
  line breaks included, may stand between any two characters of a non-ASCII keyword (a label wrapped by the page
  layout still counts); an ASCII keyword matches as whole words, its spaces any whitespace. `matches` and `hits`.
- `IN_LINE` (fields: a label before the number or address it introduces): the keyword must sit on one line,
  with at most one space between two Hangul syllables and any run of spaces where the keyword has one; a wider
  gap or a line break would let a label claim what the next line holds. `keyword_alternation`,
  `one_letter_off_keyword`, `one_syllable_off_keyword` and `latin_bounded` build the fields' label patterns on it.

Merging the modes would change results: IN_LINE rejects "배 송  완료" (two spaces) and a keyword broken across
lines, which the document-level question must accept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import combinations

from pipeline.fields.scripts import HANGUL_SYLLABLE

WHITESPACE = re.compile(r"\s+")


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line of `text` that holds offset `pos`, its line break left out: where an IN_LINE label
    and what it introduces must both stand."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


class Mode(Enum):
    ANYWHERE = "anywhere"  # a keyword anywhere in a document, split by any whitespace
    IN_LINE = "in_line"    # a label inside a regex, on one line, split as OCR splits Hangul syllables


def keyword_pattern(word: str, mode: Mode) -> str:
    """The regex of `word` as OCR prints it, in `mode` (see the module's docstring). ANYWHERE expects case-folded
    text and keyword (`Text`); IN_LINE leaves case to the caller's flags."""
    if mode is Mode.ANYWHERE:
        if word.isascii():
            return r"(?<![0-9a-z])" + r"\s+".join(map(re.escape, word.split())) + r"(?![0-9a-z])"
        return r"\s*".join(re.escape(char) for char in WHITESPACE.sub("", word))
    pieces = []
    for i, char in enumerate(word):
        if char == " ":
            pieces.append(r"[^\S\n]*")
            continue
        pieces.append(re.escape(char))
        following = word[i + 1] if i + 1 < len(word) else ""
        if HANGUL_SYLLABLE.match(char) and HANGUL_SYLLABLE.match(following):
            pieces.append(r"[^\S\n]?")
    return "".join(pieces)


# ---- ANYWHERE: keywords in a document ------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """A reading's text, case-folded, in the two forms it is searched in."""

    words: str     # whitespace collapsed: what keywords are matched against
    squeezed: str  # whitespace removed: for exact tokens OCR may have split (an order id)

    @classmethod
    def of(cls, text: str) -> "Text":
        folded = text.casefold()
        return cls(words=WHITESPACE.sub(" ", folded), squeezed=WHITESPACE.sub("", folded))


@lru_cache(maxsize=4096)
def _anywhere(keyword: str) -> re.Pattern:
    return re.compile(keyword_pattern(keyword.casefold(), Mode.ANYWHERE))


def matches(keyword: str, text: Text) -> bool:
    """Whether `keyword` occurs in `text` (Mode.ANYWHERE, case-folded)."""
    return _anywhere(keyword).search(text.words) is not None


def hits(keywords, text: Text) -> list[str]:
    """The `keywords` that occur in `text`, in their order."""
    return [k for k in keywords if matches(k, text)]


def own_hits(keywords, text: Text) -> list[str]:
    """The `keywords` that occur in `text` outside every occurrence of a longer one of them that holds them, in
    their order: a word printed once counts once, so 송장번호 read inside 운송장번호, or 서명 inside 수령인서명, is no
    keyword of its own there; printed apart from it (`수령인 김민수 (서명)`), it is."""
    spans = {k: [m.span() for m in _anywhere(k).finditer(text.words)] for k in keywords}
    return [k for k, found in spans.items() if any(
        not any(start <= s and e <= end and end - start > e - s for other, taken in spans.items() if other != k
                for start, end in taken) for s, e in found)]


def squeeze(text: str) -> str:
    """Case-folded, without whitespace."""
    return WHITESPACE.sub("", text.casefold())


# ---- IN_LINE: labels inside field patterns -------------------------------------------------------

def spaced_keyword(word: str) -> str:
    """Regex for a keyword as OCR prints it on one line (Mode.IN_LINE)."""
    return keyword_pattern(word, Mode.IN_LINE)


def one_jamo_off(syllable: str) -> str:
    """A character class of the Hangul syllables one letter (jamo) away from `syllable` (데: 대, 더, 떼, 덴, ...)."""
    code = ord(syllable) - 0xAC00
    initial, medial, final = code // 588, code % 588 // 28, code % 28
    near = {0xAC00 + i * 588 + medial * 28 + final for i in range(19)}
    near |= {0xAC00 + initial * 588 + m * 28 + final for m in range(21)}
    near |= {0xAC00 + initial * 588 + medial * 28 + f for f in range(28)}
    return "[" + "".join(chr(c) for c in sorted(near)) + "]"


def one_letter_off_keyword(word: str, syllables: int = 1) -> str:
    """Regex for a Hangul keyword (OCR spaces allowed) with any one syllable read one jamo off (롯데택배 as 롯더택배),
    or up to `syllables` of them, each one jamo off (운송장번호 as 운 송 정 변 호)."""
    gap = r"[^\S\n]?"
    hangul = [i for i, c in enumerate(word) if HANGUL_SYLLABLE.match(c)]
    return "|".join(gap.join(one_jamo_off(c) if j in off else re.escape(c) for j, c in enumerate(word))
                    for off in combinations(hangul, min(syllables, len(hangul))))


def one_syllable_off_keyword(word: str, syllables: int = 1) -> str:
    """Regex for a Hangul keyword (OCR spaces allowed) with any one syllable read one jamo off (up to `syllables`
    of them: one_letter_off_keyword), or with its last syllable lost: OCR runs a name's last syllable into what
    stands right after it (the Naver card's middle dot: 대한통운 read as `대 한 통 -`, 한진택배 as `한 진 택 -`;
    로젠택배 as `로 젠 택` before a number). Only the last: a syllable lost inside a name leaves other words'
    syllables (편리한 택배 is no 한진택배)."""
    hangul = [i for i, c in enumerate(word) if HANGUL_SYLLABLE.match(c)]
    if not hangul or hangul[-1] != len(word) - 1:
        return one_letter_off_keyword(word, syllables)
    return one_letter_off_keyword(word, syllables) + "|" + spaced_keyword(word[:-1].rstrip())


def keyword_alternation(words: list[str]) -> str:
    """One alternation of keywords (Mode.IN_LINE), longest first so that 운송장번호 wins over 운송장, keywords of one
    length in their order in `words` (the same regex in every process: a set's order changes with the process)."""
    return "|".join(spaced_keyword(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True))


def latin_bounded(pattern: str) -> str:
    """Keep a keyword from matching inside a longer Latin word (UPS in "pick-ups", DHL in "DHLX")."""
    return rf"(?<![A-Za-z]){pattern}(?![a-z])"
