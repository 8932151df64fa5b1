"""The one script counter: which writing system a character belongs to, by one set of Unicode ranges.

Four scripts: hangul (syllables, jamo and compatibility jamo), han (CJK ideographs: unified, extension A,
compatibility, and the supplementary planes' extensions), kana (hiragana, katakana and their extensions, half-width
katakana) and latin (ASCII letters and the Latin-1 and Latin Extended-A/B letters). Everything else (digits,
punctuation, symbols) belongs to none. The regexes are built from the same ranges.
"""
from __future__ import annotations

import re
from collections import Counter

SYLLABLES = "\uac00-\ud7a3"
RANGES: dict[str, str] = {
    "hangul": SYLLABLES + "\u1100-\u11ff\u3130-\u318f",
    "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f",
    "kana": "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f",
    "latin": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f",
}
# Punctuation and full-width forms written between CJK characters (ideographic space, 、。「」, full-width ASCII).
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"

HANGUL = re.compile(f"[{RANGES['hangul']}]")
HANGUL_SYLLABLE = re.compile(f"[{SYLLABLES}]")  # a whole syllable, not a lone jamo
HAN = re.compile(f"[{RANGES['han']}]")
KANA = re.compile(f"[{RANGES['kana']}]")
LATIN = re.compile(f"[{RANGES['latin']}]")
_ANY = re.compile("|".join(f"(?P<{name}>[{chars}])" for name, chars in RANGES.items()))


def script_of(char: str) -> str | None:
    """"hangul", "han", "kana" or "latin" for one character; None for any other."""
    match = _ANY.match(char)
    return match.lastgroup if match else None


def script_counts(text: str) -> Counter:
    """Characters per script (keys: hangul, han, kana, latin; a script not present counts 0)."""
    return Counter(match.lastgroup for match in _ANY.finditer(text))
