"""The one script counter: one set of Unicode ranges for Hangul, Han, kana and Latin."""
from __future__ import annotations

import pytest

from pipeline.fields.scripts import HANGUL, HANGUL_SYLLABLE, LATIN, script_counts, script_of


@pytest.mark.parametrize("char, script", [
    ("한", "hangul"), ("ㅋ", "hangul"), ("\u1100", "hangul"),       # syllable, compatibility jamo, jamo
    ("中", "han"), ("\u3400", "han"), ("\uf900", "han"), ("\U00020000", "han"),
    ("か", "kana"), ("カ", "kana"), ("\uff76", "kana"),              # hiragana, katakana, half-width katakana
    ("a", "latin"), ("Z", "latin"), ("é", "latin"), ("ß", "latin"),
    ("1", None), ("×", None), ("÷", None), ("。", None), (" ", None), ("-", None),
])
def test_every_character_has_one_script_or_none(char, script):
    assert script_of(char) == script


def test_kana_is_not_han():
    """GIVEN Japanese text WHEN counted THEN kana count as kana, only the ideographs as han."""
    counts = script_counts("配達しました")
    assert counts["han"] == 2 and counts["kana"] == 4 and counts["hangul"] == 0


def test_counts_and_regexes_agree():
    text = "배송 완료 Delivered 已签收 ㅋㅋ 123"
    counts = script_counts(text)
    assert counts == {"hangul": 6, "latin": 9, "han": 3}
    assert len(HANGUL.findall(text)) == counts["hangul"] and len(LATIN.findall(text)) == counts["latin"]
    assert len(HANGUL_SYLLABLE.findall(text)) == 4  # the jamo are Hangul but no syllable
