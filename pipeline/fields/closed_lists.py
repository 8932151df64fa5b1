"""Closed lists of the tracking fields: the words and codes a read is one of, or is not taken.

- `s10_countries()`: the ISO countries a UPU S10 number may end in (an S10 number ending otherwise never verifies);
- `label_regex()`: the labels of a tracking number, as written and as OCR misreads them (a syllable one jamo off,
  a Latin label's letters read as the confusion model learned OCR reads them); `stop_regex()`: the labels of other
  numbers;
- `carrier_name_regex()`: the carriers' names, one named group per carrier id (a long Hangul name also with up to
  label_fuzzy_syllables syllables one jamo off, or its last syllable lost).

Each is built from the patterns in use (pipeline/fields/patterns/tracking.toml) and cached per patterns. The other
closed worlds have their own module: the national road list (pipeline/fields/road_names.py, which also holds the
시·도 and 시·군·구 it is keyed by), the 시·도 names an address starts with (patterns/addresses.toml `sido`), and the
profile's hosts, which a read host is repaired toward (pipeline/fields/urls.py with the confusion model).
"""
from __future__ import annotations

import re

from pipeline.fields.compiled import compiled
from pipeline.fields.data import cache, patterns
from pipeline.fields.keyword_match import (keyword_alternation, latin_bounded, one_letter_off_keyword,
                                          one_syllable_off_keyword)

HANGUL_WORD = re.compile(r"[가-힣]+")


@cache
def s10_countries() -> frozenset[str]:
    return frozenset(patterns()["tracking"]["s10"]["countries"])


@cache
def label_regex(syllables_off: int = 1, misreads: tuple[tuple[str, str], ...] = ()) -> re.Pattern:
    """Labels as written, and long Hangul ones with up to `syllables_off` syllables one jamo off; with `misreads`
    ((character read, the letter in capitals it stands for): what the confusion model learned OCR reads for letters,
    confusions.read_back), Latin ones with their letters so read too (`_misread_label`), each right before its label
    as written."""
    labels = patterns()["tracking"]["labels"]
    fuzzy_min = patterns()["tracking"]["label_fuzzy_min_syllables"]
    near = [one_letter_off_keyword(label, syllables_off) for label in labels
            if len(label) >= fuzzy_min and HANGUL_WORD.fullmatch(label)]
    written = [keyword_alternation(labels)]
    if misreads:
        reads: dict[str, str] = {}
        for shown, truth in misreads:
            reads[truth] = reads.get(truth, "") + shown
        misread = [(label, _misread_label(label, reads)) for label in labels if label.isascii()]
        written = [variant for _, variant in sorted(misread, key=lambda pair: -len(pair[0])) if variant] + written
    return compiled(latin_bounded(f"(?:{'|'.join(written + near)})"), re.IGNORECASE)


def _misread_label(label: str, reads: dict[str, str]) -> str | None:
    """Regex of a Latin `label` whose letters may be read as what `reads` lists for them (a letter in capitals -> the
    characters OCR was seen to read for it: confusions.read_back), not followed by a digit (`Tracking 1012345670` is
    the label Tracking and a number), or None where no letter of the label has such a reading. A letter stands for
    itself in either case."""
    if not any(c.upper() in reads for c in label):
        return None
    pieces = []
    for c in label:
        if c == " ":
            pieces.append(r"[^\S\n]*")
        elif c.upper() in reads:
            pieces.append("[" + re.escape(c.upper() + c.lower() + reads[c.upper()]) + "]")
        else:
            pieces.append(re.escape(c))
    return "".join(pieces) + r"(?!\d)"


@cache
def stop_regex() -> re.Pattern:
    return compiled(latin_bounded(f"(?:{keyword_alternation(patterns()['tracking']['stop_labels'])})"),
                      re.IGNORECASE)


@cache
def carrier_name_regex() -> re.Pattern:
    fuzzy_min = patterns()["tracking"]["carrier_name_fuzzy_min_syllables"]
    syllables = patterns()["tracking"]["label_fuzzy_syllables"]

    def names_regex(names: list[str]) -> str:
        near = [one_syllable_off_keyword(n, syllables) for n in names
                if len(n) >= fuzzy_min and HANGUL_WORD.fullmatch(n)]
        # A long name read off first: it holds the name as written, and its last syllable lost is longer than a
        # short name it starts with (`로 젠 택` is 로젠택배, not 로젠 and a stray 택).
        return "|".join(near + [keyword_alternation(names)])

    groups = [f"(?P<{cid.replace('-', '_')}>{names_regex(names)})"
              for cid, names in patterns()["tracking"]["carrier_names"].items()]
    return compiled(latin_bounded(f"(?:{'|'.join(groups)})"))
