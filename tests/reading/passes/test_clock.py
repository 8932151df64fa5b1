"""pipeline/reading/passes/clock.py: clock candidates near the screen's edges, the vote among reads, and a real
read of a taskbar clock."""
from __future__ import annotations

import pytest
from PIL import Image

from pipeline.reading import engine, ocr
from pipeline.reading.settings import settings as ocr_settings
from pipeline.reading.passes import clock
from tests.reading.ocr_fakes import TSV_HEADER, install_fake_tesseract, canned_tsv_body, browser_screenshot


@pytest.mark.parametrize("top", [580, 5])
def test_clock_pass_runs_only_where_the_first_pass_saw_a_clock_piece_near_an_edge(tmp_path, monkeypatch, top):
    """GIVEN a page where the first pass found only a number in the middle, and one where it found a time piece
    near the bottom or the top edge WHEN OCR'd as screens THEN the first costs one Tesseract call; the second a clock
    pass too: since no read shows a whole clock and its line holds more than the time, a read at every vote scale
    in each language set; the edge's first-pass word gives way to the clock pass's first read."""
    middle = install_fake_tesseract(tmp_path / "a", monkeypatch, canned_tsv_body("601234567890"))
    ocr.ocr_page(Image.new("RGB", (800, 600), "white"), 1, tmp_path / "p.png", timeout=10, screen=True)
    assert middle.read_text().count(" tsv") == 1
    edge = "\n".join([f'echo "{TSV_HEADER}"',
                      f'printf "%s\\n" "5\t1\t1\t1\t1\t1\t700\t{top}\t60\t15\t40.0\t오후2:31-$(basename $1 .png)"'])
    log = install_fake_tesseract(tmp_path / "b", monkeypatch, edge)
    page, _ = ocr.ocr_page(Image.new("RGB", (800, 600), "white"), 1, tmp_path / "p1.png", timeout=10, screen=True)
    sets = len(ocr_settings().clock_languages)  # kor+eng, kor, chi_sim+eng: the fake has them all
    assert log.read_text().count(" tsv") == 1 + sets * len(ocr_settings().clock_vote_multipliers)
    assert "오후2:31-p1-band" in page.text.splitlines() and "오후2:31-p1" not in page.text.splitlines()


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
    ([["@ 3 월 11 일 (수) 오후 8:24"]], ["@ 3 월 11 일 (수) 오후 8:24"]),
    ([["@©O 3 月 2 日周一 20:39"]], ["@©O 3 月 2 日周一 20:39"]),
    # No whole time line anywhere: the first read stands, less its time whose 오전/오후 was not read.
    ([["LF 10:52", "2026-03-15"], ["2S 10:52", "2026-03-15"], ["LF 10:52"], []], ["2026-03-15"]),
    ([["오전 1225", "2026-03°12"], [], [], []], ["오전 1225", "2026-03°12"]),
])
def test_clock_is_the_whole_read_most_reads_agree_on(reads, expected):
    """GIVEN a clock's reads at several scales (canned) WHEN the clock is made of them THEN the whole read most
    whole reads agree with wins, else the first whole time line and date line of all reads, else the first read
    less its times without 오전/오후."""
    assert clock.clock_of(reads, ocr_settings()) == expected


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
    assert [box[1] for box, _ in found] == [2, 872]


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
