"""The data of field extraction: one TOML file per family in pipeline/fields/patterns/ (tracking, timestamps, dates,
urls, addresses, languages), read through the one loader (pipeline/datafiles.py) into one frozen FieldPatterns.

`patterns()` is the patterns in use, every family by name: `patterns()["tracking"]["formats"]`. They are passed in,
as the reading settings are: `Context.fields` (a caller's own FieldPatterns, else the shipped ones) is put in use by
the runner for each stage it runs (`using`), so a test or a caller can give other patterns without touching a
global; with none in use, `patterns()` is the shipped files, loaded once per process. A missing or broken file is a
DataFileError naming it (exit 4), never a traceback.

What is built from the patterns (compiled regexes, tables) is cached per patterns: `per_patterns` keys a function's
results on the `version` of the patterns in use as well as on its arguments, so other patterns never meet regexes
compiled from the shipped ones. Field modules import it as `cache`, in place of functools' (`from
pipeline.fields.data import cache, patterns`), so every builder of theirs is cached this way.

What the patterns are: evpack looks for these in the text of evidence (OCR or a PDF text layer). Every pattern has
named examples in tests/fields/examples/<family>.toml: `match` (text -> the normalised value(s) it must give) and
`reject` (text that must give nothing). tests/fields/test_patterns.py runs each by name against the whole
extractor, so an example documents its pattern *and* guards it against the other patterns. Regexes are Python `re`
syntax in TOML literal strings; `<<name>>` inside a timestamp or date form stands for the timestamp part of that
name.

The text is noisy: Tesseract inserts spaces inside numbers, URLs and Korean words, reads hyphens as en dashes,
confuses l/I/1 and O/0 and loses the dot in `.html`. Patterns tolerate the spacing and dashes, and read a letter
inside an all-numeric number as the digit it stands for (O -> 0). Any other misread of a tracking number is repaired
only by the confusion model (confusions.toml [[tracking]]) where one reading's check digit then verifies; any other
wrong digit stays visible as a failing check digit.

The keyword helpers the patterns are built with live in pipeline/fields/keyword_match.py.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from pipeline.datafiles import load_toml

PATTERNS_DIR = Path(__file__).with_name("patterns")
FAMILIES = ("tracking", "timestamps", "dates", "urls", "addresses", "languages")

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True, eq=False)
class FieldPatterns:
    """Every family of field patterns by name, each the parsed table of its file, and `version`, a hash of them all
    (equal patterns, equal version: the key of what is built from them). Frozen: the object cannot be changed and
    its tables are its own copy, which the field modules only read (plain dicts and lists, as `str.maketrans` and
    the regex builders take them); other patterns are another object (`replace`, `from_data`)."""

    families: dict
    version: str

    def __getitem__(self, family: str) -> dict:
        return self.families[family]

    def __iter__(self) -> Iterator[str]:
        return iter(self.families)

    def __eq__(self, other) -> bool:
        return isinstance(other, FieldPatterns) and other.version == self.version

    def __hash__(self) -> int:
        return hash(self.version)

    @classmethod
    def from_data(cls, data: Mapping) -> FieldPatterns:
        """The patterns of `data` (a table per family, as the files hold them), copied. A family missing is a
        ValueError."""
        missing = [family for family in FAMILIES if family not in data]
        if missing:
            raise ValueError(f"field patterns without the families {', '.join(missing)}")
        families = {family: copy.deepcopy(dict(data[family])) for family in FAMILIES}
        text = json.dumps(families, sort_keys=True, ensure_ascii=False, default=repr)
        return cls(families, hashlib.sha256(text.encode()).hexdigest()[:12])

    @classmethod
    def load(cls, directory: Path = PATTERNS_DIR) -> FieldPatterns:
        """The patterns of `directory` (`<family>.toml` each); a DataFileError names a missing or broken file."""
        return cls.from_data({family: load_toml(directory / f"{family}.toml", f"The {family} field patterns file")
                              for family in FAMILIES})

    def replace(self, family: str, **values: Any) -> FieldPatterns:
        """Other patterns: these, with some keys of one family's table set to other values."""
        return FieldPatterns.from_data({**self.families, family: {**self.families[family], **values}})


def load_patterns(directory: Path = PATTERNS_DIR) -> FieldPatterns:
    """The patterns of `directory`: FieldPatterns.load."""
    return FieldPatterns.load(directory)


@functools.cache
def shipped() -> FieldPatterns:
    """The shipped patterns (pipeline/fields/patterns/), read once per process."""
    return FieldPatterns.load()


_IN_USE: ContextVar[FieldPatterns | None] = ContextVar("field_patterns", default=None)


def patterns() -> FieldPatterns:
    """The patterns in use: the ones `using` put in use in this context, else the shipped ones."""
    return _IN_USE.get() or shipped()


@contextmanager
def using(field_patterns: FieldPatterns | None) -> Iterator[FieldPatterns]:
    """Put `field_patterns` in use for the block (None: the shipped ones); the patterns before come back after."""
    token = _IN_USE.set(field_patterns)
    try:
        yield patterns()
    finally:
        _IN_USE.reset(token)


# Entries each per_patterns function keeps: far more than the builders (one per patterns version) and the reads
# one batch repeats need, and a bound on what a long batch of distinct reads can hold.
PER_PATTERNS_ENTRIES = 4096


def per_patterns(function: F) -> F:
    """A cache keyed on the version of the patterns in use as well: for what is built from them. Bounded
    (least-recently-used, PER_PATTERNS_ENTRIES per function), since some are keyed on what was read."""
    built = functools.lru_cache(maxsize=PER_PATTERNS_ENTRIES)(
        lambda version, *args, **kwargs: function(*args, **kwargs))

    @functools.wraps(function)
    def cached(*args, **kwargs):
        return built(patterns().version, *args, **kwargs)

    cached.cache_clear = built.cache_clear
    return cached


cache = per_patterns  # the name field modules import in place of functools' cache: `from ...data import cache`
