"""Timestamps read with the lines' boxes (fields/timestamps.py Layout): what the text's order alone cannot say."""
from __future__ import annotations

from pipeline.fields.extract import extract_fields
from pipeline.fields.timestamps import wrapped_cells
from pipeline.model import PageReading, TextLine

# Real Tesseract on a FedEx page on Android Chrome (clock-mix tuning seed 9241): the day header `Mar 5, 2026` over its
# row, and the status bar's `13:29`, read last though it stands at the top of the screen.
FEDEX = (("Date/Time Activity", (41, 492, 311, 517)),
         ("Mar 5, 2026", (41, 550, 171, 571)),
         ("9:40 AM Delivered", (40, 560, 326, 596)),
         ("Mar 4, 2026 Out for", (41, 648, 304, 670)),
         ("1:43 PM delivery", (42, 676, 310, 700)),
         ("13:29", (7, 0, 154, 89)))


def _stamps(rows, profile, boxed=True) -> list[str]:
    text = "\n".join(line for line, _ in rows)
    lines = tuple(TextLine(line, box) for line, box in rows) if boxed else ()
    return [t.value for t in extract_fields([PageReading(index=1, text=text, source="ocr", lines=lines)],
                                            profile).timestamps]


def test_a_row_above_its_day_header_is_no_row_of_it(profile):
    """GIVEN a phone's page whose status bar time was read after the table WHEN its timestamps are read with the
    lines' boxes THEN the status bar's `13:29` is no row of the day header below it, and each wrapped cell's date
    dates its own time (`1:43 PM` is of 4 March, not of the header's 5 March)."""
    assert _stamps(FEDEX, profile) == ["2026-03-05T09:40:00+09:00", "2026-03-04T13:43:00+09:00"]


def test_without_boxes_the_text_order_is_all_there_is(profile):
    """GIVEN the same text without boxes WHEN read THEN the rows are read in text order (the status bar's time a row
    of the header above it in the text): the boxes are what tells them apart."""
    assert "2026-03-05T13:29:00+09:00" in _stamps(FEDEX, profile, boxed=False)


# Real Tesseract on a KakaoTalk capture (chat tuning seed 9201): day separators centred over bubbles whose times stand
# beside them, left or right, and the status bar's `오후 2:11` above all.
KAKAO = (("오후 2:11", (2, 0, 325, 177)),
         ("< 최 서 연 =", (50, 175, 1134, 234)),
         ("2026 년 3 월 10 일 화요일", (367, 636, 809, 707)),
         ("수령인 서명 받은 거 있나요?", (211, 1073, 818, 1121)),
         ("오전 1:35", (899, 1127, 1036, 1156)),
         ("받았다고 하네요", (431, 1334, 775, 1382)),
         ("오후 7:18", (211, 1387, 349, 1417)),
         ("2026 년 3 월 11 일 수요일", (367, 1498, 810, 1571)),
         ("송 장 번호 40737702916 입니", (427, 2193, 1076, 2257)),
         ("오후 1:32", (211, 2324, 348, 2354)))


def test_a_chat_bubble_s_time_beside_its_separator_is_a_row_of_it(profile):
    """GIVEN a KakaoTalk capture's lines WHEN its timestamps are read with the lines' boxes THEN each bubble's time
    is a row of the separator above it, though it stands right or left of the separator's column; the status bar's
    time, above every separator, is none."""
    assert _stamps(KAKAO, profile) == ["2026-03-10T01:35:00+09:00", "2026-03-10T19:18:00+09:00",
                                       "2026-03-11T13:32:00+09:00"]


# Real Tesseract on a CJ page on iOS Safari (clock-mix tuning seed 9241): the narrow table wraps each row's date
# (`2026 년 03 월` over `09 일`) and time (`16 시 04` over `분`) onto a second line. Words: (start, end, x0, y0, x1, y1).
WRAPPED = (
    TextLine("날짜 시간 현 재 위치 태", (51, 578, 602, 612),
             ((0, 2, 51, 578, 97, 603), (3, 5, 282, 578, 329, 603), (6, 7, 432, 578, 463, 603),
              (8, 9, 470, 578, 478, 603), (10, 12, 484, 578, 525, 603), (13, 14, 590, 595, 602, 612))),
    TextLine("2026 년 03 월 16 시 04 5 배 송 완", (50, 651, 661, 690),
             ((0, 4, 50, 658, 133, 681), (5, 6, 114, 652, 137, 690), (7, 9, 144, 658, 196, 682),
              (10, 11, 176, 652, 201, 690), (12, 14, 284, 659, 327, 679), (15, 16, 320, 651, 342, 689),
              (17, 19, 345, 660, 374, 679), (20, 21, 460, 673, 467, 675), (22, 23, 590, 658, 609, 681),
              (24, 25, 620, 658, 637, 672), (26, 27, 644, 658, 661, 681))),
    TextLine("09 일 분 옥 천 148 글", (50, 665, 633, 712),
             ((0, 2, 50, 690, 78, 709), (3, 4, 82, 688, 101, 712), (5, 6, 281, 688, 304, 711),
              (7, 8, 431, 673, 472, 697), (9, 10, 482, 675, 496, 694), (11, 14, 497, 665, 531, 712),
              (15, 16, 589, 673, 633, 708))),
)
# Real Tesseract on a Korea Post page in Whale (the same seed): a desktop table's rows stand as close (6 px apart),
# but each holds a whole time of its own.
CLOSE_ROWS = (
    TextLine("2026 년 03 월 10 일 02 시 51 분 청 원 546 배 송 출발", (123, 405, 1056, 429),
             ((0, 4, 123, 411, 166, 426), (5, 6, 154, 408, 167, 429), (7, 9, 170, 411, 197, 425),
              (10, 11, 187, 408, 198, 429), (12, 14, 203, 411, 229, 426), (15, 16, 217, 408, 231, 429),
              (17, 19, 502, 411, 529, 425), (20, 21, 518, 408, 529, 429), (22, 24, 534, 411, 562, 426),
              (25, 26, 550, 408, 564, 429), (27, 28, 745, 411, 766, 426), (29, 30, 771, 411, 777, 424),
              (31, 34, 775, 408, 796, 429), (35, 36, 1005, 411, 1056, 426), (37, 38, 1020, 405, 1034, 428),
              (39, 41, 1032, 411, 1056, 426))),
    TextLine("2026 년 03 월 09 일 16 시 45 분 인 천 6\\ 간 선 하차", (123, 435, 1056, 465),
             ((0, 4, 123, 448, 166, 463), (5, 6, 154, 445, 167, 465), (7, 9, 170, 447, 197, 463),
              (10, 11, 187, 445, 198, 465), (12, 14, 202, 448, 229, 463), (15, 16, 218, 445, 232, 465),
              (17, 19, 502, 449, 529, 462), (20, 21, 518, 441, 530, 465), (22, 24, 533, 449, 562, 463),
              (25, 26, 550, 441, 564, 465), (27, 28, 745, 448, 757, 463), (29, 30, 762, 449, 769, 463),
              (31, 33, 773, 449, 792, 461), (34, 35, 1005, 448, 1056, 463), (36, 37, 1019, 435, 1033, 465),
              (38, 40, 1032, 448, 1056, 463))),
)


# Real Tesseract on a DHL page on iOS Safari (phone mix tuning seed 9202): each row's date (`Mar5,` over `2026`) and
# time (`4:47` over `AM`) wrap; a dot OCR read beside the first row's time, and the rows' text stands 0.7 of its
# height above the wrapped line (the line's box is taller than its text: `Departed` sits higher).
WRAPPED_WITH_SPECK = (
    TextLine('Mar6, 2:52 .', (64, 806, 811, 842),
             ((0, 5, 64, 806, 171, 842), (6, 10, 237, 806, 311, 836), (11, 12, 806, 833, 811, 838))),
    TextLine('2026 PM GIMPO-SI, KR Delivered', (62, 832, 915, 894),
             ((0, 4, 62, 864, 147, 894), (5, 7, 239, 864, 289, 893), (8, 17, 411, 834, 593, 871),
              (18, 20, 608, 835, 654, 864), (21, 30, 746, 832, 915, 865))),
    TextLine('Mar5, 4:47 SEOUL - Departed', (64, 1335, 912, 1376),
             ((0, 5, 64, 1338, 171, 1374), (6, 10, 236, 1338, 311, 1367), (11, 16, 411, 1337, 535, 1368),
              (17, 18, 547, 1354, 557, 1357), (19, 27, 746, 1335, 912, 1376))),
    TextLine('2026 AM KOREA from facility', (62, 1393, 964, 1434),
             ((0, 4, 62, 1396, 147, 1426), (5, 7, 236, 1396, 288, 1425), (8, 13, 413, 1395, 536, 1425),
              (14, 18, 743, 1393, 828, 1426), (19, 27, 842, 1393, 964, 1434))),
)


def _page(lines) -> PageReading:
    return PageReading(index=1, text="\n".join(line.text for line in lines), source="ocr", lines=lines)


def test_a_row_whose_cells_wrapped_is_read_whole(profile):
    """GIVEN a phone's table row whose date and time cells wrapped onto the next line WHEN read THEN the row's
    cells are joined cell by cell and its time read (the lines alone hold no whole timestamp)."""
    assert wrapped_cells(WRAPPED)[0].splitlines()[1] == "2026 년 03 월 09 일 16 시 04 분 옥 천 148 배 송 완 글"
    assert [t.value for t in extract_fields([_page(WRAPPED)], profile).timestamps] == ["2026-03-09T16:04:00+09:00"]


def test_close_rows_with_times_of_their_own_are_not_joined(profile):
    """GIVEN a desktop table's two rows 6 px apart, each with its whole time WHEN read THEN no row is joined to the
    next (a join would date one row's time with the other's date) and each row gives its own time."""
    assert wrapped_cells(CLOSE_ROWS) is None
    assert [t.value for t in extract_fields([_page(CLOSE_ROWS)], profile).timestamps] == [
        "2026-03-10T02:51:00+09:00", "2026-03-09T16:45:00+09:00"]


# Real Tesseract on the Naver app's parcel card (phone mix tuning seed 9202): the status bar's `3:08`, read last,
# stands at the top of the screen; the card's last row under it in the text is at the bottom.
STATUS_BAR_OVER_A_ROW = (("SIAGW 2026-03-11 20:22", (56, 1500, 500, 1530)),
                         ("곤 지 암", (56, 1700, 200, 1730)),
                         ("3:08", (8, 0, 158, 113)),
                         ("2026-03-10 12:47", (300, 1740, 600, 1770)))


def test_a_status_bar_time_over_the_last_row_is_no_clock(profile):
    """GIVEN a phone's status bar time read last, over the page's last row in the text WHEN read with the boxes THEN
    no taskbar clock is made of them (the two lines stand apart) and the row keeps its own time; without the boxes
    the text alone reads them as a clock."""
    assert _stamps(STATUS_BAR_OVER_A_ROW, profile) == ["2026-03-11T20:22:00+09:00", "2026-03-10T12:47:00+09:00"]
    assert "2026-03-10T03:08:00+09:00" in _stamps(STATUS_BAR_OVER_A_ROW, profile, boxed=False)


def test_the_clock_pass_lines_are_a_clock(profile):
    """GIVEN a taskbar clock as the clock pass writes it (its time line over its date line in the clock's box) WHEN
    read with the boxes THEN it is the capture."""
    clock = (("2026-03-09 15:38 Delivered", (100, 300, 700, 320)),
             ("오후 2:31", (1800, 1040, 1900, 1058)), ("2026-03-11", (1800, 1058, 1900, 1076)))
    page = PageReading(index=1, text="\n".join(t for t, _ in clock), source="ocr",
                       lines=tuple(TextLine(t, b) for t, b in clock))
    stamps = extract_fields([page], profile).timestamps
    assert [(t.value, t.role) for t in stamps] == [("2026-03-09T15:38:00+09:00", "event"),
                                                   ("2026-03-11T14:31:00+09:00", "capture")]


# Real Tesseract on a CJ page on Android Chrome (clock-mix tuning seed 9242): the date column and the time column
# read as two lists, the time column's header stating its zone as OCR read `(GMT+8)`.
COLUMNS = (("날짜", (63, 793, 119, 824)),
           ("2026/03/13", (62, 873, 239, 902)),
           ("2026/03/12", (62, 952, 239, 981)),
           ("2026/03/11", (62, 1031, 239, 1060)),
           ("시 간 (641+8) 현 재 위치", (318, 774, 703, 839)),
           ("12:58", (320, 875, 402, 899)),
           ("06:11", (318, 954, 397, 978)),
           ("21:38", (319, 1033, 402, 1057)))


def test_date_and_time_columns_read_as_two_lists_are_paired_by_row(profile):
    """GIVEN a table's date column and time column read one after the other WHEN read with the boxes THEN each time
    takes the date on its row (not the last date of the list as a day header) and the zone its column's header
    states; without the boxes the last date heads every time."""
    assert _stamps(COLUMNS, profile) == ["2026-03-13T12:58:00+08:00", "2026-03-12T06:11:00+08:00",
                                         "2026-03-11T21:38:00+08:00"]
    assert _stamps(COLUMNS, profile, boxed=False) == ["2026-03-11T12:58:00+08:00", "2026-03-11T06:11:00+08:00",
                                                      "2026-03-11T21:38:00+08:00"]


def test_a_clock_whose_lines_the_reading_order_parted_is_read_together(profile):
    """GIVEN a top taskbar's clock whose time line the reading order moved to the text's top (with the status bars)
    and whose date line it left at the end (real reader, clock-mix tuning seed 9241, UPS in Firefox) WHEN read with
    the boxes THEN the two lines standing one under the other are read together as the capture clock."""
    rows = (("5:12 PM", (1685, 0, 1920, 44)),
            ("www.ups.com/track?loc=ko_KR&tracknum=1Z2UV3KS6605989154", (100, 60, 900, 80)),
            ("Delivered 03/09/2026 15:23", (100, 300, 500, 320)),
            ("3/9/2026", (1685, 44, 1920, 88)))
    page = PageReading(index=1, text="\n".join(t for t, _ in rows), source="ocr",
                       lines=tuple(TextLine(t, b) for t, b in rows))
    stamps = extract_fields([page], profile).timestamps
    assert ("2026-03-09T17:12:00+09:00", "capture") in [(t.value, t.role) for t in stamps]


# Two tables side by side, each headed by its time column's zone: the reading order gives both headers first.
SIDE_BY_SIDE = (("Time (GMT+8) Location", (20, 100, 300, 120)),
                ("Time (KST) Location", (420, 100, 700, 120)),
                ("2026-03-10 14:22 Shenzhen", (20, 140, 300, 160)),
                ("2026-03-11 09:05 Incheon", (420, 140, 700, 160)))


def test_a_zone_statement_heads_the_rows_under_it_on_the_page(profile):
    """GIVEN two tables side by side, each time column's header stating its zone, read headers first WHEN read with
    the lines' boxes THEN each row is in the zone of the header that stands over it (not the last one read before
    it); without the boxes the text order is all there is."""
    assert _stamps(SIDE_BY_SIDE, profile) == ["2026-03-10T14:22:00+08:00", "2026-03-11T09:05:00+09:00"]
    assert _stamps(SIDE_BY_SIDE, profile, boxed=False)[0] == "2026-03-10T14:22:00+09:00"


def test_a_page_level_note_under_the_table_governs_its_rows(profile):
    """GIVEN a foot note under the table that states the page's zone WHEN read with the boxes THEN the rows above it,
    which no statement heads, are in its zone, and the screen's top band is not."""
    rows = (("2026-03-10 14:22 Shenzhen", (20, 140, 300, 160)),
            ("2026-03-11 09:05 Guangzhou", (20, 170, 300, 190)),
            ("* All times are Beijing time (UTC+8).", (20, 210, 400, 228)))
    assert _stamps(rows, profile) == ["2026-03-10T14:22:00+08:00", "2026-03-11T09:05:00+08:00"]


# Real Tesseract on a DHL page on iOS Safari (a zone column; extra clock-mix seed 9642): each row's time wrapped over
# its AM/PM, its zone column's `(GMT+09:00)` on the wrapped half, so the time's own line names no zone.
ZONE_COLUMN_WRAPPED = (
    TextLine("Wednesday, March 11, 2026", (48, 850, 421, 878),
             ((0, 10, 48, 850, 203, 878), (11, 16, 216, 851, 294, 874), (17, 20, 308, 852, 345, 877),
              (21, 25, 356, 852, 421, 874))),
    TextLine("12:00 : Arrived _", (52, 913, 675, 950),
             ((0, 5, 52, 918, 123, 939), (6, 7, 302, 937, 305, 940), (8, 15, 401, 913, 491, 950),
              (16, 17, 668, 943, 675, 946))),
    TextLine("PM (GMT+09:00) at facility GIMPO-SI, KR", (51, 928, 749, 976),
             ((0, 2, 51, 950, 88, 971), (3, 14, 176, 928, 349, 963), (15, 17, 401, 952, 425, 972),
              (18, 26, 434, 949, 515, 976), (27, 36, 574, 934, 704, 959), (37, 39, 718, 934, 749, 955))),
    TextLine("2:36 Departed © GUANGZHOU,", (50, 1011, 761, 1054),
             ((0, 4, 50, 1032, 106, 1054), (5, 13, 403, 1015, 518, 1042), (14, 15, 550, 1011, 566, 1048),
              (16, 26, 574, 1016, 761, 1041))),
    TextLine("AM (GMT+08:00) — from CHINA", (49, 1042, 658, 1085),
             ((0, 2, 49, 1048, 92, 1085), (3, 14, 176, 1046, 349, 1073), (15, 16, 373, 1042, 388, 1078),
              (17, 21, 401, 1047, 460, 1070), (22, 27, 574, 1048, 658, 1070))),
)


def test_a_wrapped_row_is_reported_once_in_its_own_zone(profile):
    """GIVEN a zone column's rows wrapped over two lines, the second row's time on a line of its own WHEN read THEN
    its time is reported once, in the zone its row names (the row read whole: `2:36 AM (GMT+08:00)`), never also in
    the zone of the row above it, which its half alone took."""
    values = [t.value for t in extract_fields([_page(ZONE_COLUMN_WRAPPED)], profile).timestamps]
    assert "2026-03-11T02:36:00+08:00" in values
    assert not [v for v in values if v.startswith("2026-03-11T02:36") and v != "2026-03-11T02:36:00+08:00"]


def test_wrapped_rows_are_measured_by_their_words_not_their_boxes(profile):
    """GIVEN a phone's table whose rows wrap date and time, one row with a dot OCR read as a word, the other's box
    taller than its text WHEN read THEN the dot makes no cell and the gap is measured from the text's words: both
    rows are joined cell by cell and both times read."""
    text, _ = wrapped_cells(WRAPPED_WITH_SPECK)
    assert text.splitlines() == ["Mar6, 2026 2:52 PM GIMPO-SI, KR Delivered",
                                 "Mar5, 2026 4:47 AM SEOUL KOREA Departed from facility"]
    assert sorted(t.value for t in extract_fields([_page(WRAPPED_WITH_SPECK)], profile).timestamps) == [
        "2026-03-05T04:47:00+09:00", "2026-03-06T14:52:00+09:00"]


def test_an_hour_that_lost_its_digit_in_a_padded_table_stays_unread(profile):
    """GIVEN an EMS table read by real Tesseract (phone mix tuning seed 9201) whose hours print in two digits
    (`03:30:26`), two rows' `16:30:30` and `14:49:40` read `6:30:30` and `4:49:40` WHEN read THEN those two stay
    unread (16, 06 or 6 fit) and the padded rows are read; a 12-hour clock's `6:30 PM` is never judged so."""
    text = ("날짜 시간 현 재 위치 배 송 상태\n2026.03.10 03:30:26 옥 천 146 배 송 줄 발\n"
            "2026.03.09 6:30:30 인 천 6\\/ 간 선 하 차\n2026.03.09 04:15:36 인 천 6\\/ 간 선 상 차\n"
            "2026.03.08 4:49:40 인 천 6\\/ 집 화 처리")
    page = PageReading(index=1, text=text, source="ocr")
    assert sorted(t.value for t in extract_fields([page], profile).timestamps) == [
        "2026-03-09T04:15:36+09:00", "2026-03-10T03:30:26+09:00"]
    twelve = PageReading(index=1, text=text.replace("6:30:30", "6:30 PM"), source="ocr")
    assert "2026-03-09T18:30:00+09:00" in [t.value for t in extract_fields([twelve], profile).timestamps]
