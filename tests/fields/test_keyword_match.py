"""pipeline/fields/keyword_match.py: one keyword matcher, two modes (a keyword anywhere in a document; a label
on one line)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.fields.keyword_match import (Mode, Text, keyword_alternation, keyword_pattern, matches,
                                          one_syllable_off_keyword, own_hits, squeeze)


@pytest.mark.parametrize("text, anywhere, in_line", [
    ("배송완료", True, True),
    ("배 송 완 료", True, True),     # one space between syllables: both modes
    ("배송  완료", True, False),     # a wider gap: the document has the word, a label regex does not take it
    ("배송\n완료", True, False),     # a line break: only the document-level question accepts it
    ("배송 완 료됨", True, True),
    ("배달완료", False, False),
])
def test_a_hangul_keyword_in_both_modes(text, anywhere, in_line):
    """GIVEN 배송완료 printed by OCR with spaces or a line break WHEN matched in each mode THEN ANYWHERE accepts any
    whitespace between syllables, IN_LINE at most one space on one line; another word matches neither."""
    assert matches("배송완료", Text.of(text)) is anywhere
    assert (re.search(keyword_pattern("배송완료", Mode.IN_LINE), text) is not None) is in_line


@pytest.mark.parametrize("text, found", [
    ("운 송 장 번호 39339821358", ["운송장번호"]),                  # 송장번호 is read inside it: one word
    ("운송장번호 393398 송장번호 확인", ["운송장번호", "송장번호"]),  # printed apart too: both
    ("수령인 서명 받은 거 있나요?", ["수령인서명"]),
    ("수령인 김민수 (서명)", ["서명", "수령인"]),
    ("签收人：本人签收", ["签收人", "签收"]),                        # 签收 in 本人签收 stands apart from 签收人
])
def test_a_keyword_inside_a_longer_one_counts_once(text, found):
    """GIVEN keywords of which one holds another (운송장번호 and 송장번호, 수령인서명 and 서명) WHEN a text is searched
    THEN the shorter counts only where it is printed outside the longer."""
    assert own_hits(["운송장번호", "수령인서명", "签收人", "송장번호", "서명", "수령인", "签收"], Text.of(text)) == found


def test_an_ascii_keyword_matches_whole_words_anywhere():
    """GIVEN `Out for Delivery` across a line break, and `ups` inside `setups` and `UPS2` WHEN matched anywhere
    THEN the phrase is found case-blind across the break, `ups` only as a word of its own."""
    assert matches("out for delivery", Text.of("Status: Out for\nDelivery"))
    assert matches("UPS", Text.of("Shipped with UPS."))
    assert not matches("ups", Text.of("setups"))
    assert not matches("ups", Text.of("UPS2 DHLX"))


@settings(max_examples=300, deadline=None)
@given(keyword=st.text(alphabet="배송완료已签收 \n", min_size=1, max_size=6).filter(str.strip),
       text=st.text(alphabet="배송완료已签收 \n\tx", max_size=30))
def test_anywhere_is_the_squeezed_substring_for_non_ascii_keywords(keyword, text):
    """GIVEN any Hangul/Han keyword (keywords are never blank) and text with any whitespace WHEN matched anywhere THEN the answer is whether
    the text without whitespace holds the keyword without whitespace (what classification has always asked)."""
    assert matches(keyword, Text.of(text)) == (squeeze(keyword) in squeeze(text))


def test_in_line_labels_keep_the_longest_first():
    """GIVEN labels 운송장 and 운송장번호 WHEN made one alternation THEN the longer is tried first, each with OCR's
    one space allowed between syllables."""
    found = re.search(keyword_alternation(["운송장", "운송장번호"]), "운 송장번 호 601234567890")
    assert found and found.group(0) == "운 송장번 호"


@pytest.mark.parametrize("text, found", [
    ("한진택배", "한진택배"),
    ("한 진 택 - 407368179912", "한 진 택"),   # the last syllable lost
    ("한 짐 택 배", "한 짐 택 배"),             # one syllable one jamo off
    ("안전한 택배", None),                      # a syllable lost inside: another word's syllables
    ("진택배", None),                           # the first lost
])
def test_one_syllable_off_is_one_jamo_or_the_last_syllable_lost(text, found):
    """GIVEN a name 한진택배 as OCR printed it WHEN matched with one syllable off THEN a syllable one jamo off or the
    last syllable lost match, a syllable lost elsewhere does not."""
    match = re.search(one_syllable_off_keyword("한진택배"), text)
    assert (match.group(0) if match else None) == found
