"""Message-export CSV -> PDF transcript: every row, sender, time and message in the text layer, in every encoding."""
from __future__ import annotations

import csv
import io
import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from pipeline.errors import FileProblem
from pipeline.ingest.transcript import column_roles, transcribe, transcript_settings

SETTINGS = transcript_settings()

ROWS = [
    ("2026-03-10 14:22", "구매자 김민수", "상품을 아직 못 받았어요. 언제 도착하나요?"),
    ("2026-03-10 15:05", "판매자", "택배사 확인 결과 3월 9일 배송완료로 나옵니다. 현관 앞을 확인해 주세요."),
    ("2026-03-11 09:12", "구매자 김민수", "아 찾았습니다. 감사합니다!"),
]
CHINESE_ROWS = [
    ("2026-03-10 14:22", "买家", "还没有收到货，请问什么时候到？"),
    ("2026-03-10 15:05", "卖家客服", "快递显示3月9日已经签收了，请您看一下门口。"),
]


def page_texts(path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def squeezed(text: str) -> str:
    """Without whitespace: wrapping a long cell puts line breaks inside it."""
    return re.sub(r"\s+", "", text)


def write_csv(path, rows, encoding, header=("일시", "보낸 사람", "내용"), delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("rows,header,encoding", [
    (ROWS, ("일시", "보낸 사람", "내용"), "utf-8-sig"),
    (ROWS, ("일시", "보낸 사람", "내용"), "utf-8"),
    (ROWS, ("일시", "보낸 사람", "내용"), "cp949"),
    (ROWS, ("일시", "보낸 사람", "내용"), "euc-kr"),
    (CHINESE_ROWS, ("发送时间", "发送人", "消息内容"), "gb18030"),
    (CHINESE_ROWS, ("发送时间", "发送人", "消息内容"), "utf-8-sig"),
    (ROWS + CHINESE_ROWS, ("Sent At", "From", "Message"), "gb18030"),
])
def test_every_row_is_in_the_text_layer(tmp_path, rows, header, encoding):
    """GIVEN a message export CSV in an encoding Excel writes (Korean, Chinese or mixed text)
    WHEN it is transcribed
    THEN the PDF's text layer holds the title, the header and every row's time, sender and message exactly"""
    src = write_csv(tmp_path / "messages.csv", rows, encoding, header)
    transcript = transcribe(src, tmp_path / "messages.pdf", "messages.csv")
    text = squeezed("".join(page_texts(transcript.path)))
    assert transcript.rows == len(rows)
    assert transcript.encoding.replace("-sig", "") in (encoding.replace("-sig", ""), "cp949")
    assert transcript.columns == dict(zip(("time", "sender", "message"), header))
    assert squeezed(f"messages.csv — {len(rows)} rows — converted by evpack from CSV") in text
    for cell in header + tuple(cell for row in rows for cell in row):
        assert squeezed(cell) in text


def test_long_threads_repeat_the_header_on_every_page_and_wrap_long_messages(tmp_path):
    """GIVEN a 120-row export with some very long messages, one longer than a page
    WHEN it is transcribed
    THEN it spans several pages, each page starts the table with the header row, and every message is whole"""
    rows = [(f"2026-03-{10 + i % 5} 1{i % 10}:{i % 60:02d}", f"보낸이{i}", f"메시지 {i}번 " + "배송 문의 내용입니다 " * (i % 9))
            for i in range(120)]
    rows[7] = (rows[7][0], rows[7][1], "아주 긴 메시지 " * 900)
    src = write_csv(tmp_path / "long.csv", rows, "utf-8-sig")
    transcript = transcribe(src, tmp_path / "long.pdf", "long.csv")
    pages = page_texts(transcript.path)
    assert transcript.pages == len(pages) > 3
    for page in pages:
        assert squeezed("일시보낸사람내용") in squeezed(page)
    whole = squeezed("".join(pages))
    for row in rows:
        assert squeezed(row[1] + row[2])[:200] in whole
    # A row split across pages continues after the repeated header on the next page.
    assert whole.replace(squeezed("일시보낸사람내용"), "").count("아주긴메시지") == 900


def test_a_csv_without_known_columns_is_still_a_full_table(tmp_path):
    """GIVEN a CSV whose header names no known column, and one with no header at all
    WHEN they are transcribed
    THEN every cell of every row is in the text layer, and no role is claimed"""
    odd = write_csv(tmp_path / "odd.csv", [("x1", "y1", "z1"), ("x2", "y2", "z2")], "utf-8", header=("a", "b", "c"))
    transcript = transcribe(odd, tmp_path / "odd.pdf", "odd.csv")
    assert transcript.columns == {} and transcript.rows == 3  # no header recognised: the first row is data too
    assert all(cell in squeezed("".join(page_texts(transcript.path))) for cell in "a b c x1 y1 z1 x2 y2 z2".split())
    bare = write_csv(tmp_path / "bare.tsv", ROWS, "cp949", header=None, delimiter="\t")
    transcript = transcribe(bare, tmp_path / "bare.pdf", "bare.tsv")
    text = squeezed("".join(page_texts(transcript.path)))
    assert transcript.rows == len(ROWS)
    assert "Column1" in text and all(squeezed(cell) in text for row in ROWS for cell in row)


def test_a_header_without_known_names_is_told_by_the_timestamps_under_it(tmp_path):
    """GIVEN a CSV whose first row has no digits and whose second row has a timestamp
    WHEN it is transcribed
    THEN the first row is the header (repeated), and only the data rows are counted"""
    src = write_csv(tmp_path / "t.csv", ROWS, "utf-8", header=("언제", "누가", "뭐라고"))
    transcript = transcribe(src, tmp_path / "t.pdf", "t.csv")
    assert transcript.rows == len(ROWS)


@pytest.mark.parametrize("example", SETTINGS["columns"]["examples"], ids=lambda e: "|".join(e["header"]))
def test_column_examples(example):
    """GIVEN a header row from the settings' examples
    WHEN its columns are recognised
    THEN time, sender and message are the columns the example names (-1: not recognised)"""
    roles = column_roles(example["header"])
    for role in ("time", "sender", "message"):
        assert roles.get(role, -1) == example[role]


@pytest.mark.parametrize("cell", SETTINGS["detect"]["timestamp_examples"])
def test_timestamp_examples(cell):
    """GIVEN a printed date or time  WHEN matched  THEN it looks like a timestamp"""
    assert re.search(SETTINGS["detect"]["timestamp_pattern"], cell)


@pytest.mark.parametrize("cell", SETTINGS["detect"]["not_timestamp_examples"])
def test_not_timestamp_examples(cell):
    """GIVEN a header name or an order number  WHEN matched  THEN it is not a timestamp"""
    assert not re.search(SETTINGS["detect"]["timestamp_pattern"], cell)


def test_output_is_byte_stable_and_embeds_the_fonts(tmp_path):
    """GIVEN the same CSV transcribed twice
    WHEN the two PDFs are compared
    THEN they are identical, and Korean and Chinese fonts are embedded"""
    src = write_csv(tmp_path / "m.csv", ROWS + CHINESE_ROWS, "utf-8-sig")
    first = transcribe(src, tmp_path / "a.pdf", "m.csv").path.read_bytes()
    second = transcribe(src, tmp_path / "b.pdf", "m.csv").path.read_bytes()
    assert first == second
    fonts = {str(font["/BaseFont"]) for font in PdfReader(tmp_path / "a.pdf").pages[0]["/Resources"]["/Font"].values()}
    assert any("NanumGothic" in f for f in fonts) and any("WenQuanYi" in f for f in fonts)


def test_characters_no_font_has_are_spelled_out_not_drawn_as_boxes(tmp_path):
    """GIVEN a message with an emoji outside the fonts' reach
    WHEN transcribed
    THEN the text layer reads [U+1F64F] in its place, and the rest of the message is intact"""
    src = write_csv(tmp_path / "e.csv", [("2026-03-10 14:22", "구매자", "감사합니다 🙏 好的")], "utf-8")
    text = squeezed("".join(page_texts(transcribe(src, tmp_path / "e.pdf", "e.csv").path)))
    assert "감사합니다[U+1F64F]好的" in text


def test_text_that_cannot_be_decoded_is_refused(tmp_path):
    """GIVEN a 'CSV' in an encoding evpack cannot read safely
    WHEN transcribed
    THEN it is an unsupported-format problem that says how to save it"""
    src = tmp_path / "sjis.csv"
    src.write_bytes(b"\x80\x81,\xff\xfe\n\x80\x81,\xff\xfe\n")
    with pytest.raises(FileProblem) as problem:
        transcribe(src, tmp_path / "x.pdf", "sjis.csv")
    assert problem.value.rule == "unsupported-format" and "UTF-8" in problem.value.fix
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("budget, rows, columns", [("csv_rows", 4, 3), ("csv_columns", 2, 5), ("csv_bytes", 2, 3)])
def test_a_csv_past_a_budget_is_too_large_before_it_is_laid_out(tmp_path, monkeypatch, budget, rows, columns):
    """GIVEN ingest.toml budgets of 3 rows, 4 columns and 1,000 bytes (monkeypatched small) and a CSV past one of them
    WHEN transcribed THEN FileProblem(too-large) names the budget and the fix, and no transcript is written."""
    from pipeline.ingest import transcript
    real = transcript.ingest_rules()
    small = {**real, "budgets": {**real["budgets"], "csv_rows": 3, "csv_columns": 4, "csv_bytes": 1000}}
    monkeypatch.setattr(transcript, "ingest_rules", lambda: small)
    body = "\n".join(",".join(["2026-03-10 14:22", "판매자"] + ["배송"] * (columns - 2)) for _ in range(rows))
    if budget == "csv_bytes":
        body += "," + "x" * 2000
    (tmp_path / "m.csv").write_text(body, encoding="utf-8")
    with pytest.raises(FileProblem) as raised:
        transcribe(tmp_path / "m.csv", tmp_path / "m.pdf", "m.csv")
    assert raised.value.rule == "too-large" and f"budgets.{budget}" in raised.value.message
    assert "Seller Center" in raised.value.fix and not (tmp_path / "m.pdf").exists()
