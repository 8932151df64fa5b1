"""Languages of a text by script (patterns.toml [languages]): Hangul -> ko, Han ideographs -> zh, Latin -> en.

Shares are weighted (a syllable or ideograph says more than a letter) and thresholded: a few Hanja in Korean
text, a stray ideograph from chi_sim OCR or a URL in a Korean page do not make the page Chinese or English.
"""
from __future__ import annotations

import re
from functools import cache

from pipeline.fields.data import patterns

SCRIPTS = {
    "ko": re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]"),            # syllables and jamo
    "zh": re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]"),            # unified and compatibility Han
}
URL_OR_MAIL = re.compile(r"\S*(?:://|www\.|@)\S*|\S+\.(?:com|net|org|kr|cn)\S*", re.IGNORECASE)


@cache
def _latin_word() -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z])[A-Za-z]{{{patterns()['languages']['min_latin_word']},}}(?![A-Za-z])")


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
