"""Korean addresses: the parts of pipeline/fields/addresses.py that are computed from the data, not listed."""
from __future__ import annotations

from pipeline.fields.addresses import extract_addresses, road_end_misreads, rows_text
from pipeline.model import TextLine


def test_road_endings_one_jamo_off_are_computed_and_stand_for_their_ending():
    """GIVEN the road endings 로 and 길 WHEN the syllables that may end a road are computed THEN each ending stands
    for itself, a syllable one jamo off stands for its ending (르, 료, 도 for 로; 킬, 릴, 일 for 길), and one two jamo
    off (림, 동) or a common syllable far from both (시, 구) ends no road."""
    endings = road_end_misreads()
    assert endings["로"] == "로" and endings["길"] == "길"
    assert [endings.get(s) for s in "르료도록"] == ["로"] * 4
    assert [endings.get(s) for s in "킬릴일기"] == ["길"] * 4
    assert not {"림", "동", "시", "구", "번"} & set(endings)


def test_an_address_cut_into_lines_listed_apart_is_read_by_its_row():
    """GIVEN a phone card's address row that Tesseract cut into three lines and listed apart, between the timeline's
    lines, with a syllable's lower half read as `=` under 동우 (real Tesseract, phone mix tuning seed 9202)
    WHEN its addresses are extracted with the lines' boxes THEN the row is read as one line and the road list names
    the road (동우로52번길 is 동운로52번길 of 광주 북구); without the boxes the text gives no address."""
    lines = [TextLine("받는 분 주소", (59, 567, 200, 603)), TextLine("광 주 광역시 북구", (58, 613, 258, 638)),
             TextLine("(61094)", (57, 652, 155, 677)), TextLine("배 송 완료", (57, 725, 166, 767)),
             TextLine("동우", (271, 613, 320, 627)), TextLine("=", (273, 625, 323, 638)),
             TextLine("배 송 출발 배 송 완료", (444, 509, 766, 531)),
             TextLine("로 52 번 길 76, 108 동 857 호", (327, 609, 664, 645)),
             TextLine("SAHUB 2026.03.08 13:36:11", (58, 776, 429, 799))]
    text = "\n".join(line.text for line in lines)
    assert extract_addresses(text, 1) == []
    assert "광 주 광역시 북구 동우 로 52 번 길 76, 108 동 857 호" in rows_text(lines).splitlines()
    found = extract_addresses(text, 1, lines)
    assert [(a.value, a.road_check, a.as_read) for a in found] == [
        ("광주광역시 북구 동운로52번길 76", "corrected", "광주광역시 북구 동우로52번길 76")]


def test_a_row_read_adds_only_addresses_the_road_list_names():
    """GIVEN two lines at one height that join into an address whose road no list names WHEN extracted with boxes
    THEN nothing is added (a row's reading is taken only where the road list names its road)."""
    lines = [TextLine("서울특별시 송파구", (0, 100, 200, 130)), TextLine("모르 12", (220, 100, 300, 130))]
    assert extract_addresses("\n".join(line.text for line in lines), 1, lines) == []
