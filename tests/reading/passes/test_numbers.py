"""pipeline/reading/passes/numbers.py: long doubtful numbers and a screen's building numbers read again alone."""
from __future__ import annotations

from PIL import Image

from pipeline.reading import tesseract
from pipeline.reading.settings import settings as ocr_settings
from pipeline.reading.passes import numbers
from tests.reading.ocr_fakes import word


def test_a_long_number_of_low_confidence_is_read_again_alone(tmp_path, monkeypatch):
    """GIVEN a grey-on-dark `4422030893143` (confidence 64; 402030893143), a confident number, a doubtful UPS
    number with letters and a doubtful number whose read alone comes back as two tokens WHEN numbers are re-read
    with canned reads (the first with a box border `|` in its margin) THEN only two calls happen (the confident
    number and the one with letters are not read again), the first number takes its re-read and the last stays."""
    words = [word("4422030893143", 0, confidence=64), word("689289325376", 200, confidence=95),
             word("1ZKHJAKV0346933258", 400, confidence=50), word("31000243954838", 600, confidence=70)]
    reads = iter([[word("|", 0, confidence=80), word("402030893143", 5, confidence=93)],
                  [word("3100024", 5, confidence=90), word("3954838", 90, confidence=90)]])
    calls = []
    monkeypatch.setattr(tesseract, "band_words", lambda crop, *args, **kwargs: calls.append(crop.size) or next(reads))
    out = numbers.reread_numbers(words, Image.new("L", (800, 100), 255), tmp_path / "p.png", 60, ocr_settings())
    assert len(calls) == 2
    assert [w.text for w in out] == ["402030893143", "689289325376", "1ZKHJAKV0346933258", "31000243954838"]


def test_a_screens_building_number_is_read_again_with_its_neighbours_edges(tmp_path, monkeypatch):
    """GIVEN a clean screenshot's `광 교 중앙로 110, 1806호` (140 read as 110 at confidence 87) and a number after a
    word that is no road WHEN numbers are re-read with a canned read of the widened crop (`+=` `140,` `180`, the
    middle one at 96) THEN one call happens, for the building number, whose crop reaches two heights either side;
    `110,` becomes `140,` (its comma kept); a less confident read, or a page that is no screen, leaves it."""
    def words():
        return [word("광", 0), word("교", 30), word("중앙로", 60), word("110,", 200, width=40, confidence=87),
                word("1806호", 260), word("Tracking", 0, top=90, line="2"), word("48", 120, top=90, line="2")]
    calls = []

    def canned(confidence):
        def read(crop, *args, **kwargs):
            calls.append(crop.size)
            return [word("+=", 0, width=30), word("140,", 40, width=40, confidence=confidence), word("180", 90)]
        return read
    monkeypatch.setattr(tesseract, "band_words", canned(96))
    out = numbers.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60, ocr_settings(),
                                 buildings=True)
    assert calls == [(40 + 2 * 40, 40)]
    assert [w.text for w in out][:5] == ["광", "교", "중앙로", "140,", "1806호"]
    monkeypatch.setattr(tesseract, "band_words", canned(80))
    out = numbers.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60, ocr_settings(),
                                 buildings=True)
    assert out[3].text == "110,"
    calls.clear()
    assert numbers.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60,
                                  ocr_settings())[3].text == "110," and calls == []


def test_a_building_number_with_a_sub_number_is_read_again_and_keeps_it(tmp_path, monkeypatch):
    """GIVEN a screen's `올림픽로 300-17` (300-12 misread at confidence 80) and `센텀중앙로 12345` (a five-digit main
    number, as the national address key allows) WHEN numbers are re-read with canned reads THEN both are read again
    (the 4-digit limit of before passed them by): `300-17` becomes `300-12`, `12345` takes its read, and a read that
    lost the sub-number (`300` for `300-12`) replaces nothing."""
    def words():
        return [word("올림픽로", 0), word("300-17", 120, width=60, confidence=80),
                word("센텀중앙로", 0, top=90, line="2"), word("12345", 120, top=90, width=60, confidence=70, line="2")]
    reads = iter([[word("12346", 40, width=60, confidence=90)], [word("300-12", 40, width=60, confidence=95)]])
    monkeypatch.setattr(tesseract, "band_words", lambda crop, *args, **kwargs: next(reads))
    out = numbers.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60, ocr_settings(),
                                 buildings=True)
    assert [w.text for w in out] == ["올림픽로", "300-12", "센텀중앙로", "12346"]
    monkeypatch.setattr(tesseract, "band_words", lambda crop, *args, **kwargs: [word("300", 40, width=60,
                                                                                     confidence=99)])
    out = numbers.reread_numbers(words()[:2], Image.new("L", (800, 200), 255), tmp_path / "p.png", 60,
                                 ocr_settings(), buildings=True)
    assert out[1].text == "300-17"


def test_a_letter_prefix_read_as_a_hangul_syllable_is_read_again_with_its_number(tmp_path, monkeypatch):
    """GIVEN a KakaoTalk bubble's `SF5245335213890 입니다` read by kor+eng as `아` `5245335213890` `입` (chat tuning
    seed 9201), a confident number after `총`, and a number after a two-syllable word WHEN numbers are re-read with
    canned eng reads of the syllable and its number together (the first `SF52453352138902!|`, with the next
    syllable's edge read as a digit; the second `Z1234567890`, one letter) THEN two calls happen (the two-syllable
    word is no prefix); the first pair becomes one word `SF5245335213890` spanning both boxes, its digits as the
    first read had them; the second stays as read (one capital letter is no carrier's prefix)."""
    words = [word("아", 0, width=49), word("5245335213890", 51, width=359, confidence=84), word("입", 420),
             word("총", 0, top=90, line="2"), word("1234567890", 22, top=90, line="2"),
             word("번호", 0, top=140, line="3"), word("689212345674", 30, top=140, line="3")]
    reads = iter([[word("SF52453352138902!|", 5, confidence=88)], [word("Z1234567890", 5, confidence=80)]])
    calls = []
    monkeypatch.setattr(tesseract, "band_words", lambda crop, *args, **kwargs: calls.append(crop.size) or next(reads))
    out = numbers.reread_numbers(words, Image.new("L", (800, 200), 255), tmp_path / "p.png", 60, ocr_settings())
    assert len(calls) == 2
    assert [w.text for w in out] == ["SF5245335213890", "입", "총", "1234567890", "번호", "689212345674"]
    assert (out[0].left, out[0].right) == (0, 410)
