"""pipeline/reading/ocr.py: one page read end to end (first pass, Chinese retry, failures as page warnings),
its memory, and real Tesseract reads of small and ruled text."""
from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import ocr
from pipeline.reading.settings import settings as ocr_settings
from tests.conftest import ROOT
from tests.reading.ocr_fakes import GOTHIC, TSV_HEADER, install_fake_tesseract, canned_tsv_body, text_image


# A child's own peak resident memory in MB: VmHWM, which starts afresh at exec. RUSAGE_SELF's ru_maxrss keeps the
# peak of the process image before exec, the test runner's: in a full suite run a pytest worker that had reached
# ~1.4 GB made a 35 MP read of 550 MB report 1435-1458 MB.
OWN_PEAK_MB = 'int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024'

MEMORY_CHILD = """
import hashlib, re, sys
from datetime import datetime
from pathlib import Path
from pipeline.context import Context
from pipeline.model import KST
from pipeline.profile import Profile
from pipeline.reading import reader
path, work = Path(sys.argv[1]), Path(sys.argv[2])
ctx = Context(profile=Profile.load(), workdir=work, now=datetime(2026, 3, 15, tzinfo=KST), cache_dir=work / "cache")
reading = reader.read_file(path.name, path, "png", hashlib.sha256(path.read_bytes()).hexdigest(), ctx)
print(""" + OWN_PEAK_MB + """, reading.pages[0].source)
"""


@pytest.mark.slow
def test_reading_a_35_megapixel_portrait_png_stays_well_under_1_gb(tmp_path):
    """GIVEN a 5000x7000 (35 MP) portrait PNG: a bordered label with large print on a photo-like background (a
    portrait image, so its rules are painted out before OCR)
    WHEN one child process reads it with read_file
    THEN the page is OCR'd and the child's peak resident memory stays well under 1 GB: under 800 MB (whole-image
    rule finding and sharpness took it to ~1 GB; measured 414-567 MB alone and 541 MB at load 24). Its own peak
    (OWN_PEAK_MB): ru_maxrss had carried the pytest worker's peak into the child, 1435-1458 MB in full suite runs."""
    width, height = 5000, 7000
    background = np.broadcast_to((150 + 60 * np.linspace(0, 1, width)).astype(np.uint8), (height, width))
    image = Image.fromarray(background + np.random.default_rng(7).integers(0, 3, (height, width), dtype=np.uint8))
    draw = ImageDraw.Draw(image)
    draw.rectangle((800, 2300, 4200, 4700), fill=245, outline=0, width=8)
    draw.text((1000, 3300), "CJ 6892 1234 5674", font=ImageFont.truetype(GOTHIC, 260), fill=20)
    path = tmp_path / "label.png"
    image.convert("RGB").save(path, "PNG", compress_level=1)
    del image, background
    child = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(path), str(tmp_path / "work")],
                           capture_output=True, text=True, timeout=300, check=False,
                           cwd=ROOT)
    assert child.returncode == 0, child.stderr
    peak_mb, source = child.stdout.split()
    assert source == "ocr"
    assert int(peak_mb) < 800


def test_a_childs_peak_memory_is_its_own_not_the_runners(tmp_path):
    """GIVEN this process holding 400 MB more than a child will (as a pytest worker that ran large tests does) WHEN
    a child that allocates nothing reports its peak as the memory test's child does THEN it is the child's own
    peak, under 200 MB (ru_maxrss would report this process's 400 MB and more)."""
    held = np.ones(400 * 2**20, dtype=np.uint8)
    child = subprocess.run([sys.executable, "-c", "import re; print(" + OWN_PEAK_MB + ")"], capture_output=True,
                           text=True, timeout=60, check=True)
    del held
    assert int(child.stdout) < 200


def test_looks_chinese_on_han_or_low_confidence_garbage():
    """GIVEN first-pass results WHEN judged THEN Han characters or many low-confidence words ask for a chi_sim
    retry, a confident Korean page does not."""
    cfg = ocr_settings()
    assert ocr.looks_chinese("卖家你好 运单号", 2, 80.0, cfg)
    assert ocr.looks_chinese("LRM KCAKSIRT , whit. AS 689212345674", 6, 49.0, cfg)
    assert not ocr.looks_chinese("운송장번호 601234567890 배송완료 서울특별시 송파구", 5, 88.0, cfg)


def test_timeout_kills_tesseract_and_warns(tmp_path, monkeypatch):
    """GIVEN a tesseract that hangs (a shell that waits on a child sleep) WHEN a page is OCR'd with a 1 s
    timeout THEN the call returns within a few seconds with a page warning naming the timeout, and no text."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, "sleep 30")
    started = time.monotonic()
    page, _ = ocr.ocr_page(text_image(["601234567890"], 20), 3, tmp_path / "work" / "p.png", timeout=1)
    assert time.monotonic() - started < 8
    assert page.source == "none" and page.text == ""
    assert page.warning == "page 3: OCR timed out after 1 s"
    assert not (tmp_path / "work" / "p.png").exists()


def test_crashing_tesseract_gives_a_page_warning(tmp_path, monkeypatch):
    """GIVEN a tesseract that dies with an error WHEN a page is OCR'd THEN the page carries a warning with the exit
    status and the last stderr line; nothing is raised."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch,
                           'echo "Error in pixReadStream" >&2; echo "Segmentation fault" >&2; exit 139')
    page, _ = ocr.ocr_page(text_image(["601234567890"], 20), 1, tmp_path / "p.png", timeout=10)
    assert page.source == "none"
    assert "exit status 139" in page.warning and "Segmentation fault" in page.warning


def test_bad_utf8_output_is_tolerated(tmp_path, monkeypatch):
    """GIVEN a tesseract whose TSV holds invalid UTF-8 WHEN parsed THEN the page is read, the bad bytes replaced."""
    body = canned_tsv_body("601234567890") + "\nprintf '5\\t1\\t1\\t1\\t1\\t2\\t90\\t300\\t50\\t20\\t80\\t\\377ok\\n'"
    install_fake_tesseract(tmp_path / "bin", monkeypatch, body)
    page, _ = ocr.ocr_page(text_image(["601234567890"], 20), 1, tmp_path / "p.png", timeout=10)
    assert page.source == "ocr" and page.text == "601234567890 \ufffdok"


@pytest.mark.e2e
def test_real_tesseract_reads_12px_screenshot_digits(tmp_path):
    """GIVEN a browser-like screenshot with 12-px Korean/English text, an address bar and a taskbar clock
    WHEN OCR'd THEN the 12-digit numbers read exactly, the URL is in the header band and the date in the footer."""
    image = Image.new("RGB", (1100, 420), "white")
    draw = ImageDraw.Draw(image)
    small, bar = ImageFont.truetype(GOTHIC, 12), ImageFont.truetype(GOTHIC, 14)
    draw.rectangle((0, 0, 1100, 50), fill=(222, 225, 230))
    draw.text((20, 25), "www.cjlogistics.com/ko/tool/parcel/tracking", font=bar, fill=(30, 30, 30), anchor="lm")
    for i, number in enumerate(["601234567890", "689212345674", "517400921836", "730012958471"]):
        draw.text((30, 80 + i * 44), f"운송장번호 {number} 배송완료", font=small, fill=(34, 34, 34))
    draw.rectangle((0, 380, 1100, 420), fill=(238, 240, 244))
    draw.text((990, 392), "2026-03-11", font=small, fill=(20, 20, 20))
    page, languages = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60)
    digits = page.text.replace(" ", "")
    for number in ["601234567890", "689212345674", "517400921836", "730012958471"]:
        assert number in digits
    assert "cjlogistics.com" in page.header_text.replace(" ", "")
    assert "2026-03-11" in page.footer_text
    assert languages == "kor+eng" and page.source == "ocr" and page.confidence > 70


def test_chinese_page_is_read_again_with_chi_sim(tmp_path, monkeypatch):
    """GIVEN a tesseract that reads low-confidence Latin garbage with kor+eng and confident Han with chi_sim
    WHEN a page is OCR'd THEN it is retried with chi_sim+kor+eng, that result is kept, and the language named."""
    garbage = "\n".join(f'printf "%s\\n" "5\t1\t1\t1\t1\t{i}\t{i * 50}\t10\t40\t20\t41.0\tKCAK{i}"'
                        for i in range(1, 8))
    han = 'printf "%s\\n" "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t90.0\t卖家" "5\t1\t1\t1\t1\t2\t60\t10\t40\t20\t88.0\t你好"'
    body = f'echo "{TSV_HEADER}"\ncase "$4" in\n  chi_sim*) {han};;\n  *) {garbage};;\nesac'
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, body)
    page, languages = ocr.ocr_page(text_image(["卖家你好"], 20), 1, tmp_path / "p.png", timeout=10)
    assert languages == "chi_sim+kor+eng"
    assert page.text == "卖家你好" and page.confidence == 89.0
    assert [line.split(" -l ")[1].split()[0] for line in log.read_text().splitlines()] == [
        "kor+eng", "chi_sim+kor+eng"]


@pytest.mark.e2e
def test_real_tesseract_reads_a_bordered_receipt_table_once_its_rules_are_out(tmp_path):
    """GIVEN a portrait receipt whose label/value rows sit in a black-bordered table with shaded label cells
    WHEN OCR'd with psm 4 as a photographed document THEN the tracking number and the address row are read."""
    image = Image.new("L", (900, 1300), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(GOTHIC, 22)
    draw.text((330, 80), "인수증", font=ImageFont.truetype(GOTHIC, 40), fill=20)
    rows = [("운송장번호", "601234567890"), ("배송일시", "2026.03.10 14:22"), ("받는 분", "윤서아"),
            ("주소", "서울특별시 송파구 올림픽로 300"), ("수량", "1 박스")]
    for i, (label, value) in enumerate(rows):
        top = 200 + i * 60
        draw.rectangle((80, top, 300, top + 60), fill=215, outline=10, width=3)
        draw.rectangle((300, top, 820, top + 60), outline=10, width=3)
        draw.text((100, top + 18), label, font=font, fill=20)
        draw.text((320, top + 18), value, font=font, fill=20)
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, psm=4, unrule=True)
    assert "601234567890" in page.text.replace(" ", "")
    assert "올림픽로300" in page.text.replace(" ", "")


def test_lines_wholly_above_the_first_go_first():
    """GIVEN lines in Tesseract's order with a phone's status bar (the topmost row) given last, and lines in order
    WHEN put top row first THEN the status bar leads and the others keep their order; ordered lines stay as they are,
    and a line only overlapping the first one's rows is not moved unless it starts above it in the top band."""
    from pipeline.reading.engine import OcrLine

    def line(text: str, top: int) -> OcrLine:
        return OcrLine(text, 10, top, 200, 20, 90.0)
    chat = (line("2026 년 2 월 8 일 일요일", 300), line("송장번호 477247514391", 400), line("8:42 KT 57%", 5))
    assert [x.text for x in ocr.top_row_first(chat)] == ["8:42 KT 57%", "2026 년 2 월 8 일 일요일", "송장번호 477247514391"]
    ordered = (line("a", 5), line("b", 300), line("c", 290))
    assert ocr.top_row_first(ordered) == ordered
    overlapping = (line("b", 300), line("c", 290))
    assert ocr.top_row_first(overlapping) == overlapping
    assert ocr.top_row_first(()) == ()
    # The clock pass's status-bar time, in a crop box taller than the bar (tuning seed 9201, KakaoTalk on iOS), moves
    # first when it starts above the first line within the top band; lower down, overlapping lines keep their order.
    status = OcrLine("오후 2:11", 2, 0, 320, 176, 0.0)
    chat = (line("KT 30%", 51), line("2026 년 3 월 11 일 수요일", 900), line("송장번호 40737702916", 2200), status)
    assert [x.text for x in ocr.top_row_first(chat, top_band=380)][:2] == ["오후 2:11", "KT 30%"]
    assert ocr.top_row_first(overlapping, top_band=250) == overlapping


def test_a_clocks_lines_move_first_together():
    """GIVEN a top taskbar's clock as the clock pass places it (its time and date lines stacked in its box: one left
    edge, one width, the date starting where the time ends) after the page's lines, the first of which starts between
    the two (phone-mix tuning photo 9201/03) WHEN put top row first THEN the time and its date lead together, in
    order; a line under the time that is not of its box stays where it was."""
    from pipeline.reading.engine import OcrLine
    page = (OcrLine("EM 23 a w", 40, 30, 600, 20, 80.0), OcrLine("service.epost.go.kr", 200, 90, 500, 20, 80.0),
            OcrLine("2026/03/12 14:45", 300, 580, 300, 20, 80.0))
    time_line, date_line = OcrLine("5:20 PM", 3599, 16, 163, 37, 0.0), OcrLine("3/13/2026", 3599, 53, 163, 37, 0.0)
    ordered = ocr.top_row_first(page + (time_line, date_line), top_band=300)
    assert [x.text for x in ordered] == ["5:20 PM", "3/13/2026", "EM 23 a w", "service.epost.go.kr",
                                         "2026/03/12 14:45"]
    other = OcrLine("3/13/2026", 3590, 53, 163, 37, 0.0)  # not of the time's box: it keeps its place
    assert [x.text for x in ocr.top_row_first(page + (time_line, other), top_band=300)][:2] == ["5:20 PM", "EM 23 a w"]
