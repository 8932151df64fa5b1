"""pipeline/reading/passes/korean.py: which Latin words on Korean lines are doubtful, how kor's re-read replaces
them, and real re-reads."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import engine, tesseract
from pipeline.reading.settings import settings as ocr_settings
from pipeline.reading.passes import korean
from tests.reading.ocr_fakes import GOTHIC, text_image, word, replace_word


def test_doubtful_latin_is_low_confidence_latin_on_a_korean_line():
    """GIVEN a line mixing Hangul with a confident and a doubtful Latin word, and an English line with a doubtful
    word WHEN doubtful words are picked THEN only the doubtful Latin word of the Korean line is."""
    words = [word("부산광역시", 0, confidence=95), word("Busan", 80, confidence=93), word("AHStS", 160, confidence=6),
             word("Delivery", 0, top=90, confidence=40, line="2")]
    assert [w.text for w in korean.doubtful_latin(words, ocr_settings())] == ["AHStS"]


def test_latin_right_before_a_district_is_doubtful_whatever_its_confidence():
    """GIVEN `(61949) BABHA 서구 상무중앙로 61` (광주광역시 read as BABHA, confidence 73) and an English word before a
    word that is no administrative unit WHEN doubtful words are picked THEN BABHA is, the other is not."""
    words = [word("(61949)", 0), word("BABHA", 80, confidence=73), word("서구", 160), word("상무중앙로", 200),
             word("61,", 300), word("Item", 0, top=90, confidence=80, line="2"), word("캠핑용", 80, top=90, line="2")]
    assert [w.text for w in korean.doubtful_latin(words, ocr_settings())] == ["BABHA"]


def test_latin_beside_a_long_number_on_a_korean_page_is_doubtful():
    """GIVEN a Korean page whose Naver parcel card line kor+eng read `CJCHSHS = - 565065277837` (no Hangul left on
    the line; CJ대한통운 at confidence 20), and an English page's `Ref ABCD 565065277837` WHEN doubtful words are
    picked THEN the card's garbled name is, and nothing of the English page (no Hangul on it), nor a confident
    Latin word, nor anything beside a date (digits with dots are no number word)."""
    card = [word("배송조회", 0), word("CJCHSHS", 0, top=90, confidence=20, line="2"),
            word("=", 150, top=90, confidence=60, line="2"), word("565065277837", 230, top=90, confidence=93, line="2"),
            word("Hub", 0, top=180, confidence=40, line="3"), word("2026.03.13", 80, top=180, line="3"),
            word("Tracking", 0, top=270, confidence=91, line="4"), word("12345678901", 100, top=270, line="4")]
    assert [w.text for w in korean.doubtful_latin(card, ocr_settings())] == ["CJCHSHS"]
    english = [word("Ref", 0, confidence=40), word("565065277837", 80)]
    assert korean.doubtful_latin(english, ocr_settings()) == []


def test_a_number_with_letters_is_never_doubtful_latin():
    """GIVEN a 200-dpi scan's `운 송 장 번호 | 1Z4828WF0371297735` (confidence 52; kor alone read it as
    124828\『0371297735) and `S584` (월드컵북로58길 misread) on a Korean line WHEN doubtful words are picked THEN the
    tracking number is not, S584 is."""
    words = [word("운송장번호", 0), word("1Z4828WF0371297735", 100, confidence=52),
             word("마포구", 0, top=90, line="2"), word("S584", 80, top=90, confidence=4, line="2")]
    assert [w.text for w in korean.doubtful_latin(words, ocr_settings())] == ["S584"]


def test_latin_where_a_korean_address_has_its_road_is_doubtful_whatever_its_confidence():
    """GIVEN `성남시 분당구 BASE 95` (kor+eng's read of 정자일로 95, confidence 72), `고양시 AUSF 중앙로` (일산동구,
    71), the same Latin word after a word that is no administrative unit, and one ending a line after a unit WHEN
    doubtful words are picked THEN only BASE after 분당구 and AUSF after 고양시 are."""
    words = [word("성남시", 0), word("분당구", 80), word("BASE", 160, confidence=72), word("95,", 240),
             word("상품", 0, top=90, line="2"), word("BASE", 80, top=90, confidence=72, line="2"),
             word("고양시", 0, top=140, line="3"), word("AUSF", 80, top=140, confidence=71, line="3"),
             word("중앙로", 160, top=140, line="3"),
             word("부산광역시", 0, top=190, line="4"), word("Busan", 120, top=190, confidence=93, line="4")]
    assert [(w.text, w.line[-1]) for w in korean.doubtful_latin(words, ocr_settings())] == [
        ("BASE", "1"), ("AUSF", "3")]


def test_korean_retry_replaces_by_hangul_keeps_a_latin_word_read_as_digits_and_drops_noise(tmp_path, monkeypatch):
    """GIVEN a Korean line with four doubtful Latin words (`BASE` after 분당구, `code`, `sy`, a URL piece) WHEN kor
    reads the line again as Hangul where BASE was, as digits where `code` was, and nothing where `sy` and the URL
    were THEN BASE becomes the Hangul, `code` stays (digits replace only a word holding a digit), `sy` is dropped (a
    neighbour's ink) and the URL piece stays (the address bar's passes read it again)."""
    line = [word("분당구", 0), word("BASE", 100, confidence=72), word("95,", 200), word("code", 300, confidence=40),
            word("sy", 400, width=20, confidence=50), word("끝", 500, width=40),
            word("go.kr/trace", 600, confidence=30)]
    zoom, pad, gap = ocr_settings().retry_scale, 6, 20  # stack coordinates: see reread_as_korean

    def kor(text: str, left: int) -> engine.OcrWord:
        return engine.OcrWord(text, round((left + gap) * zoom), round((40 - (40 - pad) + gap) * zoom),
                              round(40 * zoom), round(20 * zoom), 90.0, ("1", "1", "1"))

    read = [kor("분당구", 0), kor("정자일로", 100), kor("95,", 200), kor("0006", 300), kor("끝", 500)]
    monkeypatch.setattr(tesseract, "band_words", lambda *args, **kwargs: read)
    out = korean.reread_as_korean(line, Image.new("L", (700, 100), 255), tmp_path / "p.png", 60, ocr_settings())
    assert [w.text for w in out] == ["분당구", "정자일로", "95,", "code", "끝", "go.kr/trace"]


def reread_with_canned_kor(tmp_path, monkeypatch, line: list[engine.OcrWord], kor: list[tuple[str, int, int]],
                           crop_left: int) -> list[str]:
    """reread_as_korean over `line`, kor reading the stack as `kor` ((text, left, right) in the OCR copy's x); the
    stack's crop starts at `crop_left` (the first word it holds, less the pad)."""
    zoom, gap = ocr_settings().retry_scale, max(w.height for w in line if w.confidence < 70 or w.text == "OSS")
    shift = gap - crop_left
    read = [engine.OcrWord(text, round((left + shift) * zoom), round(gap * zoom), round((right - left) * zoom),
                           round(20 * zoom), 90.0, ("1", "1", "1")) for text, left, right in kor]
    monkeypatch.setattr(tesseract, "band_words", lambda *args, **kwargs: read)
    out = korean.reread_as_korean(line, Image.new("L", (1400, 100), 255), tmp_path / "p.png", 60, ocr_settings())
    return [w.text for w in out]


def test_korean_retry_replaces_the_hangul_word_whose_box_swallowed_the_doubtful_one(tmp_path, monkeypatch):
    """GIVEN the first pass's `별시 송파구 OS = 311,` where Tesseract gave 송파구 a box over `OS =` (a q55 re-save of
    송파구 오금로 311) WHEN kor reads the region as `송파구 오 금 로` THEN the region is replaced whole: 송파구 is not
    written twice and `=` does not stay between the road and its number."""
    line = [word("별시", 814, width=40), word("송파구", 862, width=165), word("OS", 941, width=30, confidence=30),
            word("=", 980, width=11), word("311,", 1034, width=17), word("2035", 1060, width=61)]
    kor = [("별시", 814, 854), ("송파구", 874, 939), ("오", 954, 965), ("금", 966, 1010), ("로", 1000, 1018),
           ("311,", 1033, 1063), ("2035", 1072, 1130)]
    assert reread_with_canned_kor(tmp_path, monkeypatch, line, kor, crop_left=808) == [
        "별시", "송파구 오 금 로", "311,", "2035"]


def test_korean_retry_ignores_a_neighbours_second_read_stretched_over_the_region(tmp_path, monkeypatch):
    """GIVEN `특별시 송파구 SSE 311,` (오금로 read as SSE, 송파구 boxed right) WHEN kor reads 송파구 again with a box
    stretched over SSE (centred just past the first 송파구), then `오 금 로` THEN the region takes 오 금 로 only:
    송파구 is a second read of the word beside it, not of the region (it came out 송파구 송파구 오 금 로)."""
    line = [word("특별시", 931, width=62), word("송파구", 1010, width=61), word("SSE", 1087, width=48, confidence=60),
            word("311,", 1153, width=46)]
    kor = [("특", 935, 952), ("별시", 953, 993), ("송파구", 1003, 1144), ("오", 1086, 1110), ("금", 1110, 1136),
           ("로", 1136, 1153), ("311,", 1153, 1199)]
    assert reread_with_canned_kor(tmp_path, monkeypatch, line, kor, crop_left=925) == [
        "특별시", "송파구", "오 금 로", "311,"]


def test_korean_retry_leaves_a_url_piece_beside_a_url_word(tmp_path, monkeypatch):
    """GIVEN a q55 re-save's bar `회 @ ups. com/track?locjen_KR&tracknum=...` where `ups.` is doubtful (confidence
    45) WHEN kor reads `노` over it THEN `ups.` stays (it holds a URL's mark beside a URL word): the address bar's
    passes read it, and without it the bar lost its host."""
    line = [word("회", 137, width=18, confidence=36), word("@", 221, width=22), word("ups.", 262, width=36,
            confidence=45), word("com/track?locjen_KR&tracknum=1ZPAV", 305, width=522, confidence=6)]
    kor = [("와", 137, 156), ("@", 221, 244), ("노", 280, 304), ("<00027(20?1060000.18&872", 305, 912)]
    assert reread_with_canned_kor(tmp_path, monkeypatch, line, kor, crop_left=125)[2] == "ups."


def test_korean_retry_gives_a_kor_word_to_one_doubtful_word_only(tmp_path, monkeypatch):
    """GIVEN `해운대구 ASSES 4s, 1507` (센텀중앙로 48 misread) where the two doubtful words' spans meet past their
    boxes WHEN kor reads `센 퉁 앙 로 48,` THEN 로, centred where both spans reach, goes to the nearer word only
    (it was written twice: 센퉁앙로 로 48)."""
    line = [word("해운대구", 1049, width=80), word("ASSES", 1138, width=97, confidence=20),
            word("4s,", 1242, width=29, confidence=40), word("1507", 1280, width=65)]
    kor = [("해운대구", 1052, 1132), ("센", 1144, 1177), ("퉁", 1180, 1198), ("앙", 1207, 1232),
           ("로", 1231, 1246), ("48,", 1245, 1274), ("1507", 1283, 1348)]
    assert reread_with_canned_kor(tmp_path, monkeypatch, line, kor, crop_left=1043) == [
        "해운대구", "센 퉁 앙 로", "48,", "1507"]


def test_a_district_split_into_syllables_is_an_administrative_unit():
    """GIVEN `승 파 구 OSS 311,` (송파구 split into syllables, 오금로 read as a confident OSS) and `배 송 OSS 3` WHEN
    doubtful words are picked THEN OSS after the syllables of a district is, the one after 배 송 is not."""
    words = [word("승", 0), word("파", 20), word("구", 40), word("OSS", 60, confidence=90), word("311,", 100),
             word("배", 0, top=90, line="2"), word("송", 20, top=90, line="2"),
             word("OSS", 60, top=90, confidence=90, line="2"), word("3", 100, top=90, line="2")]
    assert [(w.text, w.line[-1]) for w in korean.doubtful_latin(words, ocr_settings())] == [("OSS", "1")]


@pytest.mark.e2e
def test_real_tesseract_rereads_a_boxed_address_line_stacked_with_others(tmp_path):
    """GIVEN a page whose address line sits in a grey box (a carrier's table row) above a plain line, and kor+eng's
    first read, which takes the road name 센텀중앙로 for Latin WHEN the doubtful lines are stacked and read with kor
    THEN the road is read in Hangul. (Each line is binarised before stacking: on a JPEG re-save of a UPS page, grey
    boxes made Tesseract split the stack into garbled lines; this synthetic page reads either way.)"""
    image = text_image(["Delivery address (Postal code 48059) 부산광역시 해운대구 센텀중앙로 48, 1507호",
                        "Item 여성 니트 가디건 프리사이즈"], 24, width=1100).convert("L")
    boxed = image.copy()
    ImageDraw.Draw(boxed).rectangle((10, 4, 1000, 46), fill=225)
    boxed.paste(Image.fromarray(np.minimum(np.asarray(image), 225).astype(np.uint8)).crop((10, 4, 1000, 46)), (10, 4))
    words = engine.parse_words(tesseract.run_tesseract(boxed, "kor+eng", 60, 6))
    after = next(i for i, w in enumerate(words) if w.text == "해운대구") + 1
    road = words[after]
    assert not korean.HANGUL.search(road.text)  # the first pass's misread this test is about
    # The second line doubtful too, so that the stack holds two lines.
    words = [replace_word(w, w.text, 10.0, right=w.right) if w.text == "Item" else w for w in words]
    out = korean.reread_as_korean(words, boxed, tmp_path / "p.png", timeout=60, cfg=ocr_settings())
    replaced = [w.text for w in out if w.line == road.line and w.left == road.left]
    assert replaced and "앙로" in replaced[0]


@pytest.mark.e2e
def test_real_tesseract_rereads_a_korean_word_kor_eng_took_for_latin(tmp_path):
    """GIVEN a line `주소 센텀중앙로 48` and first-pass words where the road name came back as the Latin `AHStS`
    (confidence 6) WHEN the doubtful words are read again with kor alone THEN `AHStS` is replaced by Hangul and the
    confident Korean word is left as it was."""
    image = text_image(["주소  센텀중앙로 48"], 24, width=500).convert("L")
    page_words = engine.parse_words(tesseract.run_tesseract(image, "kor", 60, 7))
    label = next(w for w in page_words if "주소" in w.text)
    road = [w for w in page_words if w is not label]
    garbled = replace_word(road[0], "AHStS", 6.0, right=max(w.right for w in road))
    words = [label, garbled]
    out = korean.reread_as_korean(words, image, tmp_path / "p.png", timeout=60, cfg=ocr_settings())
    assert out[0] == label
    assert korean.HANGUL.search(out[1].text) and "AHStS" not in out[1].text


@pytest.mark.e2e
def test_real_tesseract_rereads_a_small_grey_label_beside_a_black_number(tmp_path):
    """GIVEN a summary row as Safari shows it on a downscaled capture: a small grey `송장번호` (170 on a 246 panel)
    beside a bold black number, the label first read as the Latin `SAMS` (confidence 20) WHEN the doubtful word is
    read again with kor THEN the label comes back in Hangul. (One Otsu threshold for the whole row falls between the
    panel and the black digits and drops the grey label whole; each word's piece is binarised on its own.)"""
    bold = ImageFont.truetype(GOTHIC.replace("NanumGothic.ttf", "NanumGothicBold.ttf"), 20)
    image = Image.new("L", (520, 60), 246)
    draw = ImageDraw.Draw(image)
    draw.text((20, 18), "송장번호", font=ImageFont.truetype(GOTHIC, 18), fill=170)
    draw.text((102, 16), "272879067075", font=bold, fill=30)
    head = word("배송조회", 0, top=0, line="0")  # the page holds Hangul
    label = replace(word("SAMS", 18, top=14, confidence=20), width=76, height=24)
    number = replace(word("272879067075", 102, top=14, confidence=96), width=216, height=26)
    out = korean.reread_as_korean([head, label, number], image, tmp_path / "p.png", timeout=60, cfg=ocr_settings())
    assert [w.text for w in out][2:] == ["272879067075"]
    assert "장" in out[1].text and "번" in out[1].text
