"""The data of field extraction (pipeline/fields/patterns.toml), loaded once per process, and regex helpers."""
from __future__ import annotations

import re
from functools import cache
from itertools import combinations
from pathlib import Path

from pipeline.datafiles import load_toml
from pipeline.fields.scripts import HANGUL_SYLLABLE

PATTERNS_FILE = Path(__file__).with_name("patterns.toml")



@cache
def patterns() -> dict:
    return load_toml(PATTERNS_FILE, "Field patterns")


def spaced_keyword(word: str) -> str:
    """Regex for a keyword as OCR prints it: Hangul syllables may be split by spaces, a space may widen or go."""
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


def keyword_alternation(words: list[str]) -> str:
    """One alternation of keywords, longest first so that 운송장번호 wins over 운송장."""
    return "|".join(spaced_keyword(w) for w in sorted(set(words), key=len, reverse=True))


def latin_bounded(pattern: str) -> str:
    """Keep a keyword from matching inside a longer Latin word (UPS in "pick-ups", DHL in "DHLX")."""
    return rf"(?<![A-Za-z]){pattern}(?![a-z])"
