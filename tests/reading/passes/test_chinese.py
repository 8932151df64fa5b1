"""pipeline/reading/passes/chinese.py: which words kor+eng doubted, and whether chi_sim reads them as Chinese (a
Chinese forwarder's 签收单 beside a Korean address), on real Tesseract reads and through ocr_page."""
from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import engine, ocr, tesseract
from pipeline.reading.passes import chinese
from pipeline.reading.settings import settings as ocr_settings
from tests.reading.ocr_fakes import GOTHIC, TSV_HEADER, install_fake_tesseract, text_image, word

SERIF_SC = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"  # its face 0 is Japanese; SC is face 2


def test_doubtful_words_are_unsure_letters_not_numbers_least_confident_first():
    """GIVEN a first pass with a confident Korean word, a number read at 40, and garbled labels (`ams` at 22, `FT`
    at 1, `RET` at 12, `떠` at 8) WHEN the doubtful words are picked THEN the garbled ones are, the least confident
    first; not the confident word, nor the number."""
    words = [word("경기도", 0, confidence=94), word("ams", 0, top=90, confidence=22, line="2"),
             word("268433824993", 80, top=90, confidence=40, line="2"), word("FT", 0, top=140, confidence=1, line="3"),
             word("RET", 0, top=190, confidence=12, line="4"), word("떠", 60, top=190, confidence=8, line="4")]
    assert [w.text for w in chinese.doubtful_words(words, ocr_settings())] == ["FT", "떠", "RET", "ams"]


def _receipt(labels: list[str], values: list[str]) -> Image.Image:
    """A bordered label | value table of a delivery document, labels in `labels`' script (Noto Serif CJK SC for
    Han, NanumGothic else), values in NanumGothic, at a 200-dpi scan's text size."""
    image = Image.new("L", (1300, 120 + 80 * len(labels)), 250)
    draw = ImageDraw.Draw(image)
    han = ImageFont.truetype(SERIF_SC, 32, index=2)
    gothic = ImageFont.truetype(GOTHIC, 32)
    for i, (label, value) in enumerate(zip(labels, values)):
        top = 60 + i * 80
        draw.rectangle((60, top, 400, top + 80), fill=236, outline=0, width=2)
        draw.rectangle((400, top, 1240, top + 80), outline=0, width=2)
        font = han if any("\u4e00" <= c <= "\u9fff" for c in label) else gothic
        draw.text((84, top + 22), label, font=font, fill=0)
        draw.text((424, top + 22), value, font=gothic, fill=0)
    return image


VALUES = ["CJ대한통운", "(14120) 경기도 안양시 동안구 경수대로 39", "본인", "2026-03-07 20:53", "2026-03-09 23:46"]


@pytest.mark.e2e
def test_real_tesseract_finds_chinese_labels_a_korean_first_pass_garbled(tmp_path):
    """GIVEN a 签收单 whose labels (承运商, 收货地址, 签收人, 签收时间, 打印时间) are Chinese and whose values are
    Korean, first read with kor+eng, and the same table with Korean labels WHEN the doubtful words are read with
    chi_sim THEN the 签收单 looks Chinese and the Korean table does not."""
    cfg = ocr_settings()
    zh = _receipt(["承运商", "收货地址", "签收人", "签收时间", "打印时间"], VALUES)
    ko = _receipt(["택배사", "배송지 주소", "수령인", "배송완료 일시", "출력일시"], VALUES)
    for labels, chinese_labels in ((zh, True), (ko, False)):
        copy = ocr.ocr_copy(labels, True, cfg)[2]  # its borders painted out, as a document's first pass reads it
        words = tesseract.words(copy, "kor+eng", 60, cfg.column_psm)
        text = " ".join(w.text for w in words)
        assert "경기도" in text and not ocr.looks_chinese(text, len(words), engine.lines_of(words)[1], cfg)
        assert chinese.han_in_doubt(words, copy, tmp_path / "p.png", 60, cfg) is chinese_labels


def test_a_document_whose_doubtful_words_read_chinese_is_read_again_with_chi_sim(tmp_path, monkeypatch):
    """GIVEN a tesseract whose kor+eng read is confident Korean with three garbled labels (page confidence 75, no
    Han: no retry by looks_chinese), whose chi_sim read of the stacked labels is confident Han, and whose
    chi_sim+kor+eng read is more confident WHEN a document is OCR'd (unrule) THEN the labels are probed and the page
    read again with chi_sim+kor+eng; a screen (not unrule) is never probed."""
    korean = [f'printf "%s\\n" "5\t1\t1\t1\t{i}\t1\t300\t{10 + 60 * i}\t200\t30\t95.0\t경기도"' for i in range(1, 6)]
    garbled = [f'printf "%s\\n" "5\t1\t1\t1\t{i}\t2\t10\t{10 + 60 * i}\t100\t30\t20.0\tams{i}"' for i in range(1, 4)]
    probe = 'printf "%s\\n" "5\t1\t1\t1\t1\t1\t40\t40\t200\t30\t93.0\t运单号收货地址"'  # in the first row
    retry = 'printf "%s\\n" "5\t1\t1\t1\t1\t1\t10\t10\t200\t30\t96.0\t运单号"'
    body = (f'echo "{TSV_HEADER}"\ncase "$4" in\n  chi_sim) {probe};;\n  chi_sim+kor+eng) {retry};;\n'
            f'  *) {chr(10).join(korean + garbled)};;\nesac')
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, body)
    image = text_image(["运单号 경기도"] * 5, 24)
    page, languages = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=10, unrule=True)
    assert languages == "chi_sim+kor+eng" and page.text == "运单号"
    calls = [line.split(" -l ")[1].split()[0] for line in log.read_text().splitlines()]
    assert calls[:3] == ["kor+eng", "chi_sim", "chi_sim+kor+eng"]
    log.write_text("")
    _, languages = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=10, unrule=False)
    assert languages == "kor+eng"
    assert "chi_sim" not in log.read_text()


def test_a_chinese_reads_garbled_label_takes_what_chi_sim_reads_alone(tmp_path, monkeypatch):
    """GIVEN a page read with chi_sim+kor+eng whose bold label 运单号 came back as `ams` (22) beside its number, a
    doubtful Hangul word, and a tesseract whose chi_sim reads the label's crop as 运单号 (96) WHEN the Chinese
    read's doubtful words are read again THEN `ams` becomes 运单号 and the number, the Hangul word and the
    confident words stay as they were; a read with a Latin letter in it replaces nothing."""
    cfg = ocr_settings()
    words = [word("ams", 0, top=40, confidence=22), word("6276853205610", 100, top=40, confidence=95),
             word("우체", 0, top=90, confidence=30, line="2"), word("签收时间", 0, top=140, confidence=93, line="3")]
    for read, expected in (("运单号", "运单号"), ("Ams", "ams")):
        body = f'echo "{TSV_HEADER}"\nprintf "%s\\n" "5\t1\t1\t1\t1\t1\t20\t25\t60\t20\t96.0\t{read}"'
        install_fake_tesseract(tmp_path / read, monkeypatch, body)
        out = chinese.reread_as_chinese(words, Image.new("L", (400, 200), 255), tmp_path / "p.png", 10, cfg)
        assert [w.text for w in out] == [expected, "6276853205610", "우체", "签收时间"]


def _zone_page(words_of_lines: list[list[tuple[str, float]]]) -> list[engine.OcrWord]:
    return [word(text, 100 * i, top=40 * n, confidence=confidence, line=str(n))
            for n, line in enumerate(words_of_lines) for i, (text, confidence) in enumerate(line)]


def test_zone_noise_is_doubtful_words_on_a_line_beside_a_table_of_times():
    """GIVEN a time column's header whose `[北京时间]` kor+eng read as `[ 카 호 뻐 미 ]` (confidence 40, 35, 74, 0), a
    tab strip's doubtful words far from any date, and a row's doubtful place (`1Hub` at 9, on a dated line) WHEN
    the noise a zone's statement may be is picked THEN it is the header's run from its first doubtful word to its
    last, not the tab strip's nor the row's."""
    words = _zone_page([[("ccs", 14), ("송", 15), ("조회", 97)], [("배송", 93)], [("조회", 93)], [("번호", 93)],
                        [("처리일시", 93), ("[", 93), ("카", 40), ("호", 35), ("뻐", 74), ("미", 0), ("]", 90)],
                        [("2026-03-04", 93), ("08:18", 93), ("42", 9), ("1Hub", 9)]])
    runs = chinese.zone_noise(words, ocr_settings())
    assert [" ".join(w.text for w in words[first:last + 1]) for first, last in runs] == ["카 호 뻐 미"]


@pytest.mark.e2e
def test_real_tesseract_reads_a_chinese_zone_line_beside_a_korean_table(tmp_path):
    """GIVEN a Korean table of times under a Chinese notice (`以上时间均为北京时间` in Noto Serif CJK SC) that kor+eng
    reads as noise, and the same table under a Korean notice WHEN the zone pass reads the noise with chi_sim THEN
    the Chinese notice is read and states Beijing time; the Korean page's words are left as they were."""
    cfg = ocr_settings()
    for notice, states in (("以上时间均为北京时间", True), ("아래 시간은 참고용입니다", False)):
        image = Image.new("L", (900, 260), 255)
        draw = ImageDraw.Draw(image)
        gothic = ImageFont.truetype(GOTHIC, 22)
        draw.text((40, 30), "2026-03-10 14:22 집화처리 곤지암", font=gothic, fill=0)
        draw.text((40, 80), "2026-03-11 09:05 배송출발 옥천", font=gothic, fill=0)
        font = ImageFont.truetype(SERIF_SC, 22, index=2) if states else gothic
        draw.text((40, 150), "* " + notice, font=font, fill=0)
        copy = ocr.ocr_copy(image.convert("RGB"), False, cfg)[2]
        words = tesseract.words(copy, "kor+eng", 60, cfg.psm)
        read = chinese.reread_zone_statements(words, copy, tmp_path / "p.png", 60, cfg)
        text = engine.lines_of(read)[0][-1].text
        assert ("北京时间" in text) is states, text
        if not states:
            assert read == words


def test_zone_noise_leaves_out_a_speck_lower_than_half_a_word():
    """GIVEN a table's last dated row and under it a doubtful `7` only one pixel high (a rule's edge on a photo of a
    monitor), beside it a doubtful word of the page's height WHEN the noise a zone's statement may be is picked THEN
    the speck is none (no chi_sim call for it), the word of text height still is."""
    words = _zone_page([[("Delivered", 93), ("2026-03-05", 93), ("14:04", 93)], [("7", 47), ("=", 90)]])
    words[3] = engine.OcrWord("7", words[3].left, words[3].top, 7, 1, 47.0, words[3].line)
    assert chinese.zone_noise(words, ocr_settings()) == []
    words[3] = engine.OcrWord("7", words[3].left, words[3].top, 7, 12, 47.0, words[3].line)
    assert chinese.zone_noise(words, ocr_settings()) == [(3, 3)]


def test_a_latin_zone_cue_is_taken_only_where_chi_sim_reads_it_surely(monkeypatch):
    """GIVEN a time column's header whose `(UTC)` kor+eng read as `(076)` at confidence 0, over a dated row WHEN the
    zone pass reads the word again THEN `(UTC)` read at 88 (chinese_probe_min_confidence 85) replaces it, since the
    line then states a zone; read at 60 it does not (no Han, not sure), nor does a sure read that states no zone."""
    words = _zone_page([[("시간", 93), ("(076)", 0), ("처리현황", 93)], [("2026-03-13", 93), ("06:53", 95)]])
    assert chinese.zone_noise(words, ocr_settings()) == [(1, 1)]
    for read, confidence, taken in (("(UTC)", 88.0, True), ("(UTC)", 60.0, False), ("(O76)", 95.0, False)):
        monkeypatch.setattr(chinese, "_stacked_reads", lambda spans, *args, **kw: [
            [word(read, spans[0].left, top=spans[0].top, confidence=confidence, line=spans[0].line[-1])]])
        texts = [w.text for w in chinese.reread_zone_statements(words, Image.new("L", (400, 100)), None, 10,
                                                                 ocr_settings())]
        assert texts == ["시간", "(UTC)" if taken else "(076)", "처리현황", "2026-03-13", "06:53"]
