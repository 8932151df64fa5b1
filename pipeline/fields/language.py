"""Languages of a text by script (patterns.toml [languages]): Hangul -> ko, Han ideographs -> zh, Latin -> en.

Shares are weighted (a syllable or ideograph says more than a letter) and thresholded: a few Hanja in Korean
text, a stray ideograph from chi_sim OCR or a URL in a Korean page do not make the page Chinese or English.
"""
from __future__ import annotations

import re
from functools import cache

from pipeline.fields.data import patterns
from pipeline.fields.scripts import HAN, HANGUL, RANGES

SCRIPTS = {"ko": HANGUL, "zh": HAN}
URL_OR_MAIL = re.compile(r"\S*(?:://|www\.|@)\S*|\S+\.(?:com|net|org|kr|cn)\S*", re.IGNORECASE)


@cache
def _latin_word() -> re.Pattern:
    latin = RANGES["latin"]
    return re.compile(rf"(?<![{latin}])[{latin}]{{{patterns()['languages']['min_latin_word']},}}(?![{latin}])")


def detect_languages(text: str) -> tuple[str, ...]:
    """Subset of ("ko", "en", "zh") present in the text, most text first."""
    config = patterns()["languages"]
    counts = {lang: len(regex.findall(text)) for lang, regex in SCRIPTS.items()}
    counts["en"] = sum(len(w) for w in _latin_word().findall(URL_OR_MAIL.sub(" ", text)))
    weighted = {lang: n * config["weights"][lang] for lang, n in counts.items()}
    total = sum(weighted.values())
    if not total:
        return ()
    present = [lang for lang in weighted
               if counts[lang] >= config["min_chars"][lang] and weighted[lang] / total >= config["min_share"][lang]]
    return tuple(sorted(present, key=lambda lang: (-weighted[lang], lang)))
