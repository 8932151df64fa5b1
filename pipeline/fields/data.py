"""The data of field extraction: one TOML file per family in pipeline/fields/patterns/ (tracking, timestamps, dates,
urls, addresses, languages), read through the one loader (pipeline/datafiles.py) and loaded once per process.

`patterns()` is every family by name, each the parsed table of its file: `patterns()["tracking"]["formats"]`. A
missing or broken file is a DataFileError naming it (exit 4), never a traceback.

What the patterns are: evpack looks for these in the text of evidence (OCR or a PDF text layer). Every pattern has
named examples in tests/fields/examples/<family>.toml: `match` (text -> the normalised value(s) it must give) and
`reject` (text that must give nothing). tests/fields/test_patterns.py runs each by name against the whole
extractor, so an example documents its pattern *and* guards it against the other patterns. Regexes are Python `re`
syntax in TOML literal strings; `<<name>>` inside a timestamp or date form stands for the timestamp part of that
name.

The text is noisy: Tesseract inserts spaces inside numbers, URLs and Korean words, reads hyphens as en dashes,
confuses l/I/1 and O/0 and loses the dot in `.html`. Patterns tolerate the spacing and dashes, and read a letter
inside an all-numeric number as the digit it stands for (O -> 0). A digit is read back only where a
self-identifying format's check digit then verifies (tracking `formats`); any other wrong digit stays visible as a
failing check digit.

The keyword helpers the patterns are built with live in pipeline/fields/keyword_match.py.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from pipeline.datafiles import load_toml

PATTERNS_DIR = Path(__file__).with_name("patterns")
FAMILIES = ("tracking", "timestamps", "dates", "urls", "addresses", "languages")


def load_patterns(directory: Path = PATTERNS_DIR) -> dict:
    """Every family of `directory` by name (`<family>.toml` each); a DataFileError names a missing or broken file."""
    return {family: load_toml(directory / f"{family}.toml", f"The {family} field patterns file")
            for family in FAMILIES}


@cache
def patterns() -> dict:
    """The shipped patterns, read once per process."""
    return load_patterns()
