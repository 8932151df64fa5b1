"""pipeline/reading/passes/clock.py: clock candidates near the screen's edges, the vote among reads, and a real
read of a taskbar clock."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pipeline.reading import engine, ocr
from pipeline.reading.settings import settings as ocr_settings
from pipeline.reading.passes import clock
from tests.reading.ocr_fakes import TSV_HEADER, install_fake_tesseract, canned_tsv_body, browser_screenshot, text_image


@pytest.mark.parametrize("top", [580, 5])
def test_strips_are_read_only_where_the_first_pass_saw_no_whole_clock_at_an_edge(tmp_path, monkeypatch, top):
    """GIVEN a page where the first pass found only a number in the middle, and one where it found a whole clock
    (a time over a date) near the bottom or the top edge WHEN OCR'd as screens THEN the first costs the first pass
    and a read of each edge strip (nothing clock-like there: no more); the second the first pass alone: no strip
    read, and no read of the clock, which the first pass read whole (first_pass_clock)."""
    middle = install_fake_tesseract(tmp_path / "a", monkeypatch, canned_tsv_body("601234567890"))
    ocr.ocr_page(Image.new("RGB", (800, 600), "white"), 1, tmp_path / "p.png", timeout=10, screen=True)
    assert middle.read_text().count(" tsv") == 1 + 2
    edge = "\n".join([f'echo "{TSV_HEADER}"',
                      f'printf "%s\\n" "5\t1\t1\t1\t1\t1\t700\t{top - 20 if top > 300 else top}\t60\t12\t40.0\t오후2:31"',
                      f'printf "%s\\n" "5\t1\t1\t2\t1\t1\t700\t{top if top > 300 else top + 20}\t80\t12\t40.0'
                      f'\t2026-03-11-$(basename $1 .png)"'])
    log = install_fake_tesseract(tmp_path / "b", monkeypatch, edge)
    page, _ = ocr.ocr_page(Image.new("RGB", (800, 600), "white"), 1, tmp_path / "p1.png", timeout=10, screen=True)
    assert log.read_text().count(" tsv") == 1
    lines = page.text.splitlines()
    assert "오후 2:31" in lines and "2026-03-11" in lines  # the date alone: `-p1` after it is no part of the clock


@pytest.mark.parametrize(("texts", "expected"), [
    (["오후2:31", "2026-03-11"], ["오후 2:31", "2026-03-11"]),   # a taskbar clock read whole: taken as read
    (["Sat Mar 7 1:42 PM"], ["Mar 7 1:42 PM"]),                  # a menu bar's one line
    (["20:39", "2026/3/2"], ["20:39", "2026/3/2"]),              # a 24-hour time
    (["오후2:31"], []),                                           # no date: read on its own
    (["오후", "2026-03-11"], []),                                 # a date, and a day part without its time
    (["오후2:31", "3026-03-11"], []),                             # no valid date (a misread year)
])
def test_a_clock_the_first_pass_read_whole_is_taken_as_read(texts, expected):
    """GIVEN the first pass's words in a clock's crop WHEN they show a time of known day part and a valid date
    THEN they are the clock's lines, written as a clock is; else none (the crop is read on its own)."""
    words = [engine.OcrWord(text, 700, 560 + 20 * i, 80, 12, 90.0, ("1", "1", str(i + 1))) for i, text in
             enumerate(texts)]
    assert clock.first_pass_clock(words, ocr_settings()) == expected


def test_edge_strips_stand_in_for_a_clock_the_first_pass_did_not_see(monkeypatch):
    """GIVEN first-pass words with a table row in a 1366x768 capture's middle and nothing at its edges, and strips
    whose read shows a top taskbar's `8:17 PM` over `3/10/2026` in the top strip, nothing in the bottom one WHEN the
    clock pass runs THEN each strip is read once, the bottom one first, the clock is read where the strip saw it, and
    its lines join the words on lines of their own."""
    cfg = ocr_settings()
    words = [engine.OcrWord("2026.03.06", 300, 700, 110, 24, 90.0, ("1", "1", "1")),
             engine.OcrWord("16:56", 420, 700, 60, 24, 90.0, ("1", "1", "1"))]
    asked, crops = [], []

    def strips(gray, boxes, text_px, scale, work_png, timeout, cfg):
        asked.append(boxes)
        if boxes[0][1] > 0:
            return []
        return [engine.OcrWord("8:17 PM", 2400, 6, 90, 20, 90.0, ("strip", "0", "1")),
                engine.OcrWord("3/10/2026", 2390, 34, 110, 20, 90.0, ("strip", "0", "2"))]

    def read(gray, crop, factor, work_png, timeout, cfg):
        crops.append(crop)
        return ["8:17 PM", "3/10/2026"]
    monkeypatch.setattr(clock, "strip_words", strips)
    monkeypatch.setattr(clock, "read_clock", read)
    out = clock.reread_clock(words, Image.new("L", (1366, 768), 255), (2732, 1536), Path("/tmp/p.png"), 10, cfg)
    assert [[box[1] for box in boxes] for boxes in asked] == [[768 - round(cfg.clock_strip_lines * 12)], [0]]
    assert len(crops) == 1 and crops[0][1] == 0 and crops[0][2] > 1250
    assert [w.text for w in out if w.line[0] == "clock"] == ["8:17 PM", "3/10/2026"]


@pytest.mark.parametrize(("first_pass", "read_first"), [
    ([], "bottom"),                                                                  # no piece of a clock seen
    ([engine.OcrWord("2206", 2600, 8, 40, 12, 30.0, ("1", "1", "1"))], "top"),      # a garbled top clock seen
])
def test_the_strip_that_reads_a_whole_clock_ends_the_strip_reads(monkeypatch, first_pass, read_first):
    """GIVEN a 1366x768 capture whose first pass saw a table row in its middle, and maybe a top clock's garbled
    digits, and strips that each read a whole clock WHEN the clock pass runs THEN only one strip is read: the one
    where the first pass saw a piece of a clock, else the bottom one (a screen shows one clock)."""
    cfg = ocr_settings()
    words = [engine.OcrWord("2026.03.06", 300, 700, 110, 24, 90.0, ("1", "1", "1")),
             engine.OcrWord("16:56", 420, 700, 60, 24, 90.0, ("1", "1", "1"))] + first_pass
    asked = []

    def strips(gray, boxes, text_px, scale, work_png, timeout, cfg):
        asked.append("top" if boxes[0][1] == 0 else "bottom")
        top = 6 if boxes[0][1] == 0 else 1500
        return [engine.OcrWord("8:17 PM", 2400, top, 90, 12, 90.0, ("strip", "0", "1")),
                engine.OcrWord("3/10/2026", 2390, top + 16, 110, 12, 90.0, ("strip", "0", "2"))]
    monkeypatch.setattr(clock, "strip_words", strips)
    monkeypatch.setattr(clock, "read_clock", lambda *args: ["8:17 PM", "3/10/2026"])
    out = clock.reread_clock(words, Image.new("L", (1366, 768), 255), (2732, 1536), Path("/tmp/p.png"), 10, cfg)
    assert asked == [read_first]
    assert [w.text for w in out if w.line[0] == "clock"] == ["8:17 PM", "3/10/2026"]


def test_a_whole_clock_at_an_edge_costs_no_strip_read(monkeypatch):
    """GIVEN first-pass words holding a taskbar's `오후 2:31` over `2026-03-11` at the bottom edge WHEN the clock
    pass runs THEN no strip is read."""
    words = [engine.OcrWord("오후", 2600, 1490, 30, 12, 90.0, ("1", "1", "1")),
             engine.OcrWord("2:31", 2640, 1490, 40, 12, 90.0, ("1", "1", "1")),
             engine.OcrWord("2026-03-11", 2600, 1512, 80, 12, 90.0, ("1", "1", "2"))]

    def no_strips(*args, **kwargs):
        raise AssertionError("a strip was read")
    monkeypatch.setattr(clock, "strip_words", no_strips)
    monkeypatch.setattr(clock, "read_clock", lambda *args: ["오후 2:31", "2026-03-11"])
    out = clock.reread_clock(words, Image.new("L", (1366, 768), 255), (2732, 1536), Path("/tmp/p.png"), 10,
                             ocr_settings())
    assert [w.text for w in out if w.line[0] == "clock"] == ["오후 2:31", "2026-03-11"]


def test_a_screen_shows_one_clock(monkeypatch):
    """GIVEN first-pass words holding a taskbar's `10:10 PM` over `3/10/2026` at the bottom edge and, a little
    higher, a page's day header `Friday, 3/6/2026` over its row's `19:59` (browser tuning seed 9002, FedEx in Chrome)
    WHEN the clock pass runs THEN only the taskbar is read (once a read shows a whole clock no later candidate is),
    and the page's row keeps its words."""
    cfg = ocr_settings()
    words = [engine.OcrWord("Friday,", 60, 1290, 70, 24, 90.0, ("1", "1", "1")),
             engine.OcrWord("3/6/2026", 140, 1290, 90, 24, 90.0, ("1", "1", "1")),
             engine.OcrWord("19:59", 60, 1330, 60, 24, 90.0, ("1", "1", "2")),
             engine.OcrWord("10:10", 2600, 1490, 50, 12, 90.0, ("1", "2", "1")),
             engine.OcrWord("PM", 2655, 1490, 20, 12, 90.0, ("1", "2", "1")),
             engine.OcrWord("3/10/2026", 2600, 1512, 80, 12, 90.0, ("1", "2", "2"))]
    assert len(clock.clock_candidates(words, (2732, 1536), cfg)) == 2
    crops = []

    def read(gray, crop, factor, work_png, timeout, cfg):
        crops.append(crop)
        return ["10:10 PM", "3/10/2026"] if crop[1] > 700 else ["19:59", "Friday, 3/6/2026"]
    monkeypatch.setattr(clock, "read_clock", read)
    monkeypatch.setattr(clock, "first_pass_clock", lambda words, cfg: [])  # each candidate read on its own
    out = clock.reread_clock(words, Image.new("L", (1366, 768), 255), (2732, 1536), Path("/tmp/p.png"), 10, cfg)
    assert len(crops) == 1 and crops[0][1] > 700
    assert [w.text for w in out if w.line[0] == "clock"] == ["10:10 PM", "3/10/2026"]
    assert {"Friday,", "3/6/2026", "19:59"} <= {w.text for w in out}


def test_each_row_of_a_strip_is_read_on_its_own_background(tmp_path):
    """GIVEN an edge strip of a white page over a grey taskbar (a dark taskbar as the page's grey copy inverts it)
    whose clock is `5:47 PM` over `3/6/2026` WHEN read as the strip is read THEN each row's background is white
    (white_rows) and the clock is read; as the strip stood, Tesseract's one threshold parts the page from the
    taskbar and reads nothing of it."""
    from PIL import ImageDraw, ImageFont
    from tests.reading.ocr_fakes import GOTHIC
    import numpy as np
    from pipeline.reading import tesseract
    image = Image.new("L", (900, 76), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 28, 900, 76), fill=222)
    font = ImageFont.truetype(GOTHIC, 13)
    draw.text((780, 34), "5:47 PM", font=font, fill=40)
    draw.text((775, 54), "3/6/2026", font=font, fill=40)
    evened = clock.white_rows(image)
    assert np.median(np.asarray(evened)[40]) == 255 and np.asarray(evened).min() < 80
    read = [w.text for w in tesseract.band_words(evened.resize((1800, 152)), tmp_path / "s.png", "kor+eng", 30, 11)]
    assert "5:47" in read and "3/6/2026" in read


def test_day_parts_read_one_stroke_off_are_mended_by_jamo():
    """GIVEN ocr.toml's clock_day_parts_examples (a read line and the line the clock keeps) WHEN mended THEN each
    gives its line: a day part one jamo off the nearest and three off the other is that part; two off is left."""
    import tomllib
    from pipeline.reading.settings import SETTINGS_FILE
    examples = tomllib.loads(SETTINGS_FILE.read_text(encoding="utf-8"))["clock"]["clock_day_parts_examples"]
    assert len(examples) >= 4
    for read, kept in examples:
        assert clock.mended_day_part(read, ocr_settings()) == kept, read


@pytest.mark.parametrize("read, kept", [
    ("오후 1149", "오후 1149"),           # 11:49 (the colon lost) or 1:49 (the colon read as 1): no guess
    ("오후 1049", "오후 1049"),           # 10:49, or 1:49 with the colon read as 0: no guess either
    ("오후 11151", "오후 11:51"),         # the colon read as one more digit
    ("오후 2246", "오후 2:46"),           # 22 is no hour after 오후: the colon read as 2
    ("오전 12 51", "오전 12:51"),         # the colon read as a space
    ("11 34 PM", "11:34 PM"),
    ("오후 12 345", "오후 12 345"),
    ("OOO 3 될 12 일 ( 옥 ) 오전 817", "OOO 3 될 12 일 ( 옥 ) 오전 8:17"),
    ("1149 PM", "1149 PM"),
    ("1749 PM", "1:49 PM"),              # 17 is no hour before PM: the colon read as 7
    ("오후 2:46", "오후 2:46"),           # a time with its separator: as read
    ("오후 1399", "오후 1399"),           # no hour of 1-12 with a minute of 00-59 fits
    ("2026 1149", "2026 1149"),          # no day part beside it: no clock's time
    ("오후 12345678", "오후 12345678"),
])
def test_a_time_whose_colon_was_lost_is_mended_beside_its_day_part(read, kept):
    """GIVEN a clock's row whose time right after its day part (before AM/PM) shows no separator WHEN mended THEN
    its digits are an hour of 1-12 and a minute of 00-59, the colon lost or read as one character; else as read."""
    assert clock.mended_separator(read, ocr_settings()) == kept


def test_a_menu_bar_whose_month_mark_and_colon_a_photo_lost_is_a_clock():
    """GIVEN reads of a photographed macOS menu bar (phone-mix tuning photos 9201/13 and 9201/33): 월 read as `될`
    or `S`, the colon lost or read as 1 at every scale WHEN mended and voted THEN the clock is the date with 월 and
    the time, which the fields read as the capture's time; where the digits fit two times (`1149`: 11:49 with the
    colon lost, 1:49 with it read as 1) the bar stays as read and gives no capture time."""
    from pipeline.fields.timestamps import extract_timestamps
    cfg = ocr_settings()
    for reads, expected, value in (
            ([["OOO 3 될 12 일 ( 옥 ) 오후 11151"], ["COO 38129 4) 오후 11151"], ["OOO 3 될 12 일 ( 옥 ) 오후 11151"]],
             ["3 월 12 일 오후 11:51"], "2026-03-12T23:51:00+09:00"),
            ([["「 3S 3 일 (Fy) 오후 1149"], ["; 3S 3 일 (Fr) 2H 1149"], ["J 3S 3% (Fs) 오후 1149"]],
             ["「 3S 3 일 (Fy) 오후 1149"], None)):
        lines = clock.clock_of([[clock.mended(line, cfg) for line in read] for read in reads], cfg)
        assert lines == expected
        assert [t.value for t in extract_timestamps(lines[0], 1, 2026)] == ([value] if value else [])


def test_a_read_is_made_of_rows_by_geometry():
    """GIVEN sparse-text words of a macOS menu bar that Tesseract put on two lines, though on one row, and a
    taskbar's time over its date WHEN made into rows THEN the menu bar is one row, left to right, and the taskbar
    two, top to bottom."""
    def at(text, left, top, line):
        return engine.OcrWord(text, left, top, 12 * len(text), 20, 90.0, ("1", str(line), "1"))
    menu = [at("(토)", 160, 11, 2), at("오후", 210, 10, 2), at("8:48", 260, 12, 2), at("3월", 40, 10, 1),
            at("14일", 90, 11, 1)]
    assert clock.rows_of(menu) == ["3월 14일 (토) 오후 8:48"]
    assert clock.rows_of([at("2026-03-05", 10, 40, 2), at("오후", 10, 10, 1), at("6:18", 60, 12, 1)]) == \
        ["오후 6:18", "2026-03-05"]


def test_the_crop_measures_its_own_text_height():
    """GIVEN a crop holding a 12-px two-line clock the first pass read as one 58-px word WHEN its text height is
    measured THEN it is about the clock's, not the word's; and a word's height stands where it is the lower."""
    image = text_image(["22:05", "2026/3/6"], 12, width=120, gap=1.4).convert("L")
    measured = clock.crop_text_px(image, (0, 0, image.width, image.height), 58.0, ocr_settings())
    assert 6 <= measured <= 16
    assert clock.crop_text_px(image, (0, 0, image.width, image.height), 5.0, ocr_settings()) == 5.0


@pytest.mark.parametrize("reads, expected", [
    # The time and date most whole reads agree on wins: one scale misread 2:34 as 2:31.
    ([["오후 2:31", "2026-03-11"], ["오후 2:34", "2026-03-11"], ["오후 2:34", "2026-03-11"]], ["오후 2:34", "2026-03-11"]),
    # A q55 re-save: no read is whole; the 2x read's time line and the 2.5x read's date line are.
    ([["LF 10:52", "2026-03715"], ["LF 10:52", "2026-03715"], ["오후 10:52", "2026-03715"], ["2S 10:52", "2026-03-15"]],
     ["오후 10:52", "2026-03-15"]),
    # `24 12:25` is 오전 12:25 with its 오전 garbled, not a 24-hour noon: the read that reads 오전 wins.
    ([["24 12:25", "2026-03-12"], ["24 12:25", "2026-03-12"], ["오전 12:25", "2026-03-12"]], ["오전 12:25", "2026-03-12"]),
    # Any locale: a zh Windows clock, a macOS menu bar.
    ([["2:27", "2026/3/16"]], ["2:27", "2026/3/16"]),
    ([["@ 3 월 11 일 (수) 오후 8:24"]], ["3 월 11 일 오후 8:24"]),
    ([["@©O 3 月 2 日周一 20:39"]], ["3 月 2 日 20:39"]),
    # No whole time line anywhere: the first read stands, less its time whose 오전/오후 was not read.
    ([["LF 10:52", "2026-03-15"], ["2S 10:52", "2026-03-15"], ["LF 10:52"], []], ["2026-03-15"]),
    # A time whose colon was lost is its hour and minute (mended_separator); no date is valid: the time alone.
    ([["오전 12:25", "2026-03°12"], [], [], []], ["오전 12:25"]),
    # `12:57` alone is noon, `上午12:57` past midnight: they do not agree, and the two reads that read 上午 win.
    ([["12:57", "2026/3/7"], ["上午12:57", "2026/3/7"], ["上午12:57", "2026/3/7"]], ["上午12:57", "2026/3/7"]),
    # A whole read's clock is its time line and its date line: a stray `6` of the tray between them is no part.
    ([["오후 6:18", "6", "2026-03-05"], ["오후 6:18", "2026-03-05"]], ["오후 6:18", "2026-03-05"]),
])
def test_clock_is_the_whole_read_most_reads_agree_on(reads, expected):
    """GIVEN a clock's reads at several scales (canned) WHEN the clock is made of them THEN the whole read most
    whole reads agree with wins, else the first whole time line and date line of all reads, else the first read
    less its times without 오전/오후."""
    assert clock.clock_of(reads, ocr_settings()) == expected


@pytest.mark.parametrize("reads, expected", [
    # A blurred top taskbar: one scale lost the colon (`오후 2246`), the others the day part (`25 2:46`): the day part
    # of the one and the time of the others make the clock.
    ([["오후 2246", "2026-03-11"], ["25 2:46", "2026-03-11"], ["25 2:46", "2026-03-11"]], ["오후 2:46", "2026-03-11"]),
    # Each part by its own majority: the minute of two reads, the day of two others.
    ([["오후 2:31", "2026-03-18"], ["오후 2:34", "2026-03-11"], ["오후 2:34", "2026-03-11"], ["오후 2:31", "2026-03-11"],
      ["오후 2:34", "2026-03-18"]], ["오후 2:34", "2026-03-11"]),
    # An English Windows 10 clock whose PM one scale lost, a month a scale misread (13 is no month: no vote).
    ([["2:31 PM", "13/11/2026"], ["2:31", "3/11/2026"], ["2:31 PM", "3/11/2026"]], ["2:31 PM", "3/11/2026"]),
    # A zh 12-hour clock: 下午 read by two scales, lost by one.
    ([["2:31", "2026/3/11"], ["下午2:31", "2026/3/11"], ["下午2:31", "2026/3/11"]], ["下午2:31", "2026/3/11"]),
    # A macOS menu bar read with its date one scale misread: its date and time as the majority reads them.
    ([["3월 17일 (수) 오전 8:17"], ["3월 11일 (수) 오전 8:17"], ["3월 11일 (수) 오전 8:17"]], ["3월 11일 오전 8:17"]),
    ([["Wed Mar 11  8:17 AM"], ["Wed Mar 11  8:47 AM"], ["Wed Mar 11  8:17"]], ["Mar 11 8:17 AM"]),
    ([["3月11日 周三 08:17"], ["3月11日 周三 08:17"]], ["3月11日 08:17"]),
    # What lies between a menu bar's date and time is no part of it: 周五 read as `WG`, 오후 read as `25` by one read.
    ([["> 3 月 6 日 WG 18:19"], ["> 3 月 6 日 WG 18:19"]], ["3 月 6 日 18:19"]),
    ([["3 월 14 일 ( 토 ) 25 8:02"], ["3 월 14 일 ( 토 ) 오후 8:02"]], ["3 월 14 일 오후 8:02"]),
    # A small menu bar read glued (`FriMar6`), written as a month-name date a time follows.
    ([["@@O 『0040660804"], ["@@©O _ FriMar6 6:08 PM"], ["0@<> FriMar6 6:08 PM"]], ["Mar 6 6:08 PM"]),
    # The colon read as a dot by one scale, the day part by another.
    ([["오프 2 46", "2026-0313"], ["V3 2.46", "2026.03 13"], ["오후 246", "2026-03-13"]], ["오후 2:46", "2026-03-13"]),
    # A candidate whose reads show no piece of a clock (a URL's digits near the top edge) is no clock.
    ([["9r=825922725100", "88.com BGmail @ AF"], ["r=825922725100", "88.com Gmail @ AE"]], []),
])
def test_each_part_of_the_clock_is_voted_on_its_own(reads, expected):
    """GIVEN a clock's reads at several scales (canned), none or few whole and alike WHEN the clock is made of them
    THEN each part (day part, hour, minute, year, month, day) is the value most reads that show it agree on, and the
    clock is written as the read that shows most of them writes it."""
    assert clock.clock_of(reads, ocr_settings()) == expected


def test_reads_agree_when_each_part_was_read_alike_twice():
    """GIVEN reads of a clock WHEN voted THEN they agree (the re-reading stops) once every part of a time and a date
    was read alike twice, even where no two reads are alike as wholes; never on one read, nor without a date."""
    cfg = ocr_settings()
    assert not clock.vote([["오후 2:31", "2026-03-11"]], cfg).agreed
    assert clock.vote([["오후 2:31", "2026-03-11"], ["오후 2:31", "2026-03-11"]], cfg).agreed
    assert clock.vote([["오후 2246", "2026-03-11"], ["2S 2:46", "2026-03-11"], ["오후 2:46", "2026-0311"]], cfg).agreed
    assert not clock.vote([["오후 2:31"], ["오후 2:31"]], cfg).agreed


def test_clock_date_parts_match_their_examples():
    """GIVEN ocr.toml's clock_date_parts and their examples (text, the date as (year-)month-day, "" for none) WHEN a
    read of the text is taken apart THEN its date is the example's: a date of any locale, invalid ones not."""
    import tomllib
    from pipeline.reading.settings import SETTINGS_FILE
    cfg = ocr_settings()
    examples = tomllib.loads(SETTINGS_FILE.read_text(encoding="utf-8"))["clock"]["clock_date_parts_examples"]
    for text, expected in examples:
        parts = clock.parts_of([text], cfg)
        got = "" if parts.month is None else "-".join(
            f"{v:02d}" for v in (parts.year, parts.month, parts.day) if v is not None)
        assert got == expected, text


def test_clock_candidates_are_clock_pieces_near_the_top_or_bottom_edge():
    """GIVEN first-pass words of a 1600x900 capture: event rows (date and time) in the page's middle, a macOS menu
    bar's clock at the top edge, a Windows clock's time at the bottom edge WHEN clock candidates are scored THEN the
    edge clocks are candidates, the one with a date first, and no table row is."""
    def at(text, left, top, line):
        return engine.OcrWord(text, left, top, 12 * len(text), 20, 90.0, ("1", "1", str(line)))
    rows = [w for i in range(6) for w in (at("2026.03.10", 100, 300 + 40 * i, 10 + i),
                                          at("14:22", 260, 300 + 40 * i, 10 + i))]
    menu = [at("(수)", 1380, 2, 1), at("오후", 1430, 2, 1), at("8:24", 1480, 2, 1)]
    taskbar = [at("2:27", 1520, 872, 30)]
    found = clock.clock_candidates(rows + menu + taskbar, (1600, 900), ocr_settings())
    assert [c.box[1] for c in found] == [2, 872] and [c.whole for c in found] == [True, False]


def test_a_cluster_taller_than_a_taskbar_is_no_clock():
    """GIVEN first-pass words of a photographed monitor's flat copy (2562x1437): a day header `2026.03.05 (목)` over
    its rows' times down to the bottom edge (phone-mix tuning photo 9201/18, Hanjin), which chain row to row into one
    cluster of a time and a date, and a Windows clock (`오전 2:28` over `2026-03-08`) at the top edge WHEN clock
    candidates are scored THEN the clock is one and the table is none: it stands taller than clock_strip_lines of its
    pieces' height (a taskbar)."""
    def at(text, left, top, line):
        return engine.OcrWord(text, left, top, 12 * len(text), 24, 90.0, ("1", "1", str(line)))
    table = [at("2026.03.05", 160, 790, 1), at("(목)", 300, 790, 1)] + [
        w for i in range(1, 13) for w in (at(f"{i + 2}:29", 160, 790 + 42 * i, 1 + i),
                                          at("배송", 260, 790 + 42 * i, 1 + i))]
    taskbar = [at("오전", 2362, 14, 20), at("2:28", 2410, 14, 20), at("2026-03-08", 2362, 44, 21)]
    found = clock.clock_candidates(table + taskbar, (2562, 1437), ocr_settings())
    assert [(c.box[1], c.whole) for c in found] == [(14, True)]
    assert clock.clock_candidates(table, (2562, 1437), ocr_settings()) == []


@pytest.mark.e2e
def test_real_tesseract_reads_the_taskbar_clock(tmp_path):
    """GIVEN a generated desktop capture whose taskbar shows `오후 2:31` over `2026-03-11` in 12-px text WHEN OCR'd
    as a screen THEN the footer holds the time directly above the date, and the fields read 2026-03-11 14:31 KST."""
    from pipeline.fields.extract import extract_fields
    from pipeline.profile import Profile
    image = browser_screenshot("cjlogistics.com/ko/tool/parcel/tracking", ("오후 2:31", "2026-03-11"))
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, screen=True)
    assert "오후 2:31\n2026-03-11" in page.footer_text
    stamps = {t.value for t in extract_fields([page], Profile.load()).timestamps}
    assert "2026-03-11T14:31:00+09:00" in stamps
