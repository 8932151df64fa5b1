"""Languages of a text by script (patterns/languages.toml): Hangul -> ko, Han ideographs -> zh, Latin -> en.

Shares are weighted (a syllable or ideograph says more than a letter) and thresholded: a few Hanja in Korean
text, a stray ideograph from chi_sim OCR or a URL in a Korean page do not make the page Chinese or English.
"""
from __future__ import annotations

import re

from pipeline.fields.data import cache, patterns
from pipeline.fields.scripts import HAN, HANGUL, RANGES
from pipeline.profile import Profile

SCRIPTS = {"ko": HANGUL, "zh": HAN}


@cache
def _latin_word() -> re.Pattern:
    latin = RANGES["latin"]
    return re.compile(rf"(?<![{latin}])[{latin}]{{{patterns()['languages']['min_latin_word']},}}(?![{latin}])")


@cache
def _url_or_mail(common_tlds: tuple[str, ...]) -> re.Pattern:
    """A URL or mail address, whose letters are no English: a scheme, www. or @, or a word ending in a common
    top-level domain."""
    endings = "|".join(sorted({re.escape(t.rsplit(".", 1)[-1]) for t in common_tlds}))
    return re.compile(rf"\S*(?:://|www\.|@)\S*|\S+\.(?:{endings})\S*", re.IGNORECASE)


@cache
def _shipped_profile() -> Profile:
    return Profile.load()


def detect_languages(text: str, profile: Profile | None = None) -> tuple[str, ...]:
    """Subset of ("ko", "en", "zh") present in the text, most text first. `profile` (default: the shipped one)
    names the top-level domains of the URLs left out of the count."""
    if not text or text.isspace():
        return ()
    config = patterns()["languages"]
    counts = {lang: len(regex.findall(text)) for lang, regex in SCRIPTS.items()}
    urls = _url_or_mail((profile or _shipped_profile()).web.common_tlds)
    counts["en"] = sum(len(w) for w in _latin_word().findall(urls.sub(" ", text)))
    weighted = {lang: n * config["weights"][lang] for lang, n in counts.items()}
    total = sum(weighted.values())
    if not total:
        return ()
    present = [lang for lang in weighted
               if counts[lang] >= config["min_chars"][lang] and weighted[lang] / total >= config["min_share"][lang]]
    return tuple(sorted(present, key=lambda lang: (-weighted[lang], lang)))
