"""pipeline/reading/ocr.py: glyph sizing, TSV parsing, bands, the Tesseract subprocess (timeouts, crashes, missing
binary or data, the child's environment) and one real Tesseract read of small screenshot text."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import runtime
from pipeline.reading import ocr
from pipeline.errors import ExitCode, MissingDependencyError, OcrTimeout, UsageError
from tests.conftest import ROOT

GOTHIC = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
PROBE = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.3.0"; exit 0;;
  --list-langs) echo 'List of available languages in "/nonexistent/tessdata/" (3):'; echo chi_sim;
                printf "%s\n" {langs}; exit 0;;
esac
echo "$@" >> "{log}"
"""


def install_fake_tesseract(folder: Path, monkeypatch, body: str, langs: str = "eng kor") -> Path:
    """A `tesseract` on PATH that answers the version/language probes like the real one, logs every OCR call to
    the returned file, then runs `body` (shell). PATH is changed with monkeypatch, so workers inherit it."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "calls.log"
    script = folder / "tesseract"
    script.write_text(PROBE.format(log=log, langs=langs) + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(ocr.ENGINE_VARIABLE, "cli")  # the fake is a command; the library engine would not call it
    return log


def canned_tsv_body(*words: str) -> str:
    """Shell that prints a TSV with one line holding `words` (each may be a shell expression like $VAR)."""
    rows = [TSV_HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t"]
    rows += [f"5\t1\t1\t1\t1\t{i}\t{10 + 60 * i}\t300\t50\t20\t91.5\t{w}" for i, w in enumerate(words, 1)]
    return "\n".join(f'printf "%s\\n" "{row}"' for row in rows)


def text_image(lines: list[str], px: int, width: int = 900, gap: float = 1.8) -> Image.Image:
    font = ImageFont.truetype(GOTHIC, px)
    step = round(px * gap)
    image = Image.new("RGB", (width, 20 + step * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((20, 10 + i * step), line, font=font, fill=(34, 34, 34))
    return image


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


# ---- sizing ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("px", [12, 14, 24, 48])
def test_glyph_height_follows_the_font_size(px):
    """GIVEN lines of Korean and digits drawn at px pixels WHEN the glyph height is estimated
    THEN it is within 25% of px (the line's ink height is about the font size)."""
    image = text_image(["운송장번호 601234567890 배송완료", "Tracking 689212345674 delivered"] * 4, px, width=40 * px)
    assert ocr.glyph_height(gray(image)) == pytest.approx(px, rel=0.25)


def test_glyph_height_ignores_polarity_and_columns():
    """GIVEN light text on a dark background in two columns whose lines are offset by half a line
    WHEN the glyph height is estimated THEN it is still the font size, not a merged double line."""
    font = ImageFont.truetype(GOTHIC, 13)
    image = Image.new("L", (900, 400), 32)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.text((20, 10 + i * 26), "배송조회 601234567890", font=font, fill=230)
        draw.text((480, 23 + i * 26), "2026.03.10 14:22 완료", font=font, fill=230)
    assert ocr.glyph_height(np.asarray(image)) == pytest.approx(13, rel=0.25)


def test_glyph_height_of_a_blank_page_is_unknown():
    """GIVEN a plain white image WHEN measured THEN no glyph height, and the OCR copy is not rescaled."""
    blank = np.full((600, 800), 255, np.uint8)
    assert ocr.glyph_height(blank) is None
    assert ocr.ocr_scale(None, (800, 600)) == 1.0


def test_ocr_scale_brings_glyphs_into_the_band():
    """GIVEN glyphs of 11, 24 and 80 px WHEN the OCR scale is chosen THEN small text is enlarged to the upscale
    target, text in the band is left alone and huge text is reduced to the downscale target."""
    cfg = ocr.settings()
    assert 11 * ocr.ocr_scale(11, (1366, 768)) == pytest.approx(cfg.upscale_target_px)
    assert ocr.ocr_scale(24, (1366, 768)) == 1.0
    assert 80 * ocr.ocr_scale(80, (3000, 4000)) == pytest.approx(cfg.downscale_target_px)


def test_ocr_scale_is_capped_in_pixels_and_factor():
    """GIVEN tiny glyphs on a huge image WHEN scaled THEN the factor never exceeds max_upscale and the copy never
    exceeds max_ocr_pixels."""
    cfg = ocr.settings()
    assert ocr.ocr_scale(2, (100, 100)) == cfg.max_upscale
    scale = ocr.ocr_scale(8, (6000, 4000))
    assert 6000 * 4000 * scale * scale <= cfg.max_ocr_pixels * 1.001


def test_ocr_copy_of_small_screenshot_text_is_enlarged_and_grey():
    """GIVEN an RGBA screenshot with 12-px text WHEN the OCR copy is made THEN it is greyscale and about
    twice as large, while the original is untouched."""
    image = text_image(["운송장번호 601234567890"] * 6, 12).convert("RGBA")
    copy = ocr.ocr_copy(image)
    assert copy.mode == "L"
    assert 1.6 <= copy.width / image.width <= 2.2
    assert image.mode == "RGBA" and image.size == (900, 20 + 22 * 6)


def test_sharpness_drops_when_blurred():
    """GIVEN the same text crisp and Gaussian-blurred WHEN sharpness is measured THEN the blurred one scores far
    lower."""
    from PIL import ImageFilter
    crisp = text_image(["배송완료 601234567890"] * 8, 20)
    blurred = crisp.filter(ImageFilter.GaussianBlur(3))
    assert ocr.sharpness(gray(blurred)) < ocr.sharpness(gray(crisp)) / 5


def test_sharpness_is_exact_in_strips_and_needs_little_memory():
    """GIVEN a 12 MP greyscale array (the size of a large OCR copy)
    WHEN sharpness is measured with the default strips, with 7-row strips, and by the whole-image formula
    THEN all three agree, and the strips never hold more than 30 MB (whole-image float arrays took ~140 MB)."""
    pixels = np.random.default_rng(3).integers(0, 256, (3000, 4000), dtype=np.uint8)
    g = pixels.astype(np.float64)
    whole = float((g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]).var())
    del g
    tracemalloc.start()
    try:
        measured = ocr.sharpness(pixels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert measured == pytest.approx(whole, rel=1e-9)
    assert ocr.sharpness(pixels, strip_rows=7) == pytest.approx(whole, rel=1e-9)
    assert peak < 30 * 2**20


def test_rule_finding_in_blocks_paints_the_same_pixels(monkeypatch):
    """GIVEN a page with horizontal and vertical rules, a thick bar and text
    WHEN rules are removed with blocks of a few rows/columns and with one block for the whole page
    THEN the two results are identical, pixel for pixel, and some rule was painted out."""
    canvas = Image.new("L", (700, 400), 255)
    canvas.paste(text_image(["운송장번호 601234567890"], 20, width=600).convert("L"), (40, 40))
    draw = ImageDraw.Draw(canvas)
    draw.line((10, 5, 690, 5), fill=0, width=2)
    draw.line((20, 0, 20, 390), fill=0, width=3)
    draw.rectangle((100, 300, 650, 340), fill=0)
    monkeypatch.setattr(ocr, "BLOCK_PIXELS", 10**9)
    whole = np.asarray(ocr.without_rules(canvas, 20.0, ocr.settings()))
    monkeypatch.setattr(ocr, "BLOCK_PIXELS", 2000)  # 2-row and 5-column blocks: many block edges cross the rules
    blocks = np.asarray(ocr.without_rules(canvas, 20.0, ocr.settings()))
    assert np.array_equal(whole, blocks)
    assert (whole != np.asarray(canvas)).any()


MEMORY_CHILD = """
import hashlib, resource, sys
from datetime import datetime
from pathlib import Path
from pipeline.context import Context
from pipeline.model import KST
from pipeline.profile import Profile
from pipeline.reading import reader
path, work = Path(sys.argv[1]), Path(sys.argv[2])
ctx = Context(profile=Profile.load(), workdir=work, now=datetime(2026, 3, 15, tzinfo=KST), cache_dir=work / "cache")
reading = reader.read_file(path.name, path, "png", hashlib.sha256(path.read_bytes()).hexdigest(), ctx)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, reading.pages[0].source)
"""


@pytest.mark.slow
def test_reading_a_35_megapixel_portrait_png_stays_well_under_1_gb(tmp_path):
    """GIVEN a 5000x7000 (35 MP) portrait PNG: a bordered label with large print on a photo-like background (a
    portrait image, so its rules are painted out before OCR)
    WHEN one child process reads it with read_file
    THEN the page is OCR'd and the child's peak resident memory stays well under 1 GB: under 800 MB (whole-image
    rule finding and sharpness took it to ~1 GB; measured 414 MB alone, up to 695 MB while the whole suite ran on
    2 busy cores, a spread whose cause is not pinned down)."""
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


# ---- TSV ------------------------------------------------------------------------------------------

SAMPLE_TSV = "\n".join([  # noqa: FLY002 - one TSV row a line reads best
    TSV_HEADER,
    "1\t1\t0\t0\t0\t0\t0\t0\t1000\t800\t-1\t",
    "4\t1\t1\t1\t1\t0\t10\t10\t500\t20\t-1\t",
    "5\t1\t1\t1\t1\t1\t10\t10\t300\t20\t95.0\twww.cjlogistics.com/tracking",
    "5\t1\t1\t1\t1\t2\t320\t12\t40\t18\t85.0\t배송",
    "5\t1\t1\t1\t2\t1\t10\t400\t30\t20\t90.0\t卖家",
    "5\t1\t1\t1\t2\t2\t45\t400\t20\t20\t80.0\t你",
    "5\t1\t1\t1\t2\t3\t70\t400\t20\t20\t-1\t",
    "5\t1\t1\t1\t2\t4\t95\t400\t20\t20\t70.0\t好",
    "5\t1\t1\t1\t3\t1\t900\t770\t60\t20\t60.0\t2026-03-11",
    "5\t1\t1\t1\t3\t2\t900\t790\tbad\t20\t60.0\tignored",
])


def test_parse_tsv_groups_words_into_lines_with_boxes_and_confidence():
    """GIVEN Tesseract TSV with page/line rows, an empty word and a malformed row WHEN parsed
    THEN three lines in order, with enclosing boxes, Han joined without spaces, and the mean word confidence."""
    lines, confidence = ocr.parse_tsv(SAMPLE_TSV)
    assert [line.text for line in lines] == ["www.cjlogistics.com/tracking 배송", "卖家你好", "2026-03-11"]
    assert (lines[0].left, lines[0].top, lines[0].width, lines[0].height) == (10, 10, 350, 20)
    assert lines[1].confidence == pytest.approx(80.0)
    assert confidence == pytest.approx((95 + 85 + 90 + 80 + 70 + 60) / 6)


def test_parse_tsv_of_nothing():
    """GIVEN an empty TSV (a blank page) WHEN parsed THEN no lines and no confidence."""
    assert ocr.parse_tsv(TSV_HEADER + "\n") == ((), None)


def test_band_text_takes_the_top_and_bottom_lines():
    """GIVEN lines at the top, middle and bottom of an 800-px page WHEN bands are taken
    THEN the header holds the address-bar line and the footer the clock line."""
    lines, _ = ocr.parse_tsv(SAMPLE_TSV)
    header, footer = ocr.band_text(lines, 800, 0.15, 0.10)
    assert header == "www.cjlogistics.com/tracking 배송"
    assert footer == "2026-03-11"


def test_looks_chinese_on_han_or_low_confidence_garbage():
    """GIVEN first-pass results WHEN judged THEN Han characters or many low-confidence words ask for a chi_sim
    retry, a confident Korean page does not."""
    cfg = ocr.settings()
    assert ocr.looks_chinese("卖家你好 运单号", 2, 80.0, cfg)
    assert ocr.looks_chinese("LRM KCAKSIRT , whit. AS 689212345674", 6, 49.0, cfg)
    assert not ocr.looks_chinese("운송장번호 601234567890 배송완료 서울특별시 송파구", 5, 88.0, cfg)


# ---- the subprocess -------------------------------------------------------------------------------

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


def test_thread_limit_is_set_in_the_child_only(tmp_path, monkeypatch):
    """GIVEN a fake tesseract that prints its OMP_THREAD_LIMIT as the page text WHEN a page is OCR'd
    THEN the child saw 1, and the parent's environment is unchanged, and --psm 6 and kor+eng were passed."""
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("omp=$OMP_THREAD_LIMIT"))
    page, languages = ocr.ocr_page(text_image(["601234567890"], 20), 1, tmp_path / "p.png", timeout=10)
    assert page.text == "omp=1"
    assert "OMP_THREAD_LIMIT" not in os.environ
    assert languages == "kor+eng"
    assert "-l kor+eng --psm 6 -c tessedit_do_invert=0 tsv" in log.read_text()  # evpack inverts dark rows itself


def test_missing_binary_raises_with_the_install_command(tmp_path, monkeypatch):
    """GIVEN no tesseract on PATH WHEN the engine is needed THEN MissingDependencyError (exit 3) says how to
    install it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependencyError) as raised:
        ocr.engine()
    assert raised.value.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-kor tesseract-ocr-chi-sim" in str(raised.value)
    assert "make setup" in str(raised.value)


def test_missing_korean_data_raises(tmp_path, monkeypatch):
    """GIVEN a tesseract with only eng data WHEN a page is OCR'd THEN MissingDependencyError names kor."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("x"), langs="eng")
    with pytest.raises(MissingDependencyError, match="no kor language data"):
        ocr.ocr_page(text_image(["601234567890"], 20), 1, tmp_path / "p.png", timeout=10)


def test_engine_key_names_version_and_model():
    """GIVEN the installed Tesseract WHEN probed THEN its key and label carry the version and model kind."""
    engine = ocr.engine()
    assert engine.key.startswith(f"tesseract {engine.version} ")
    assert engine.label("kor+eng") == f"tesseract {engine.version} kor+eng ({engine.model})"
    assert {"kor", "eng"} <= engine.languages


def test_engine_kind_comes_from_the_environment_or_ocr_toml(monkeypatch):
    """GIVEN EVPACK_OCR_ENGINE unset, `cli`, or a misspelling WHEN the engine is asked for THEN ocr.toml's library
    engine, the CLI engine (a different cache key: another program reads), or a usage error naming the choices."""
    monkeypatch.delenv(ocr.ENGINE_VARIABLE, raising=False)
    assert ocr.settings().engine == "library" and ocr.engine().kind == "library"
    library_key = ocr.engine().key
    monkeypatch.setenv(ocr.ENGINE_VARIABLE, "cli")
    assert ocr.engine().kind == "cli" and ocr.engine().key != library_key
    monkeypatch.setenv(ocr.ENGINE_VARIABLE, "tesserocr")
    with pytest.raises(UsageError, match="library, cli") as raised:
        ocr.engine()
    assert raised.value.exit_code == ExitCode.USAGE


@pytest.mark.e2e
def test_library_and_cli_engines_read_alike(tmp_path, monkeypatch):
    """GIVEN one line of Korean and digits WHEN read by the in-process engine and by the `tesseract` command
    THEN the same words come back (tesserocr is built against the system Tesseract: one engine, two doors)."""
    image = text_image(["주소 센텀중앙로 48 운송장 601234567890"], 22, width=700).convert("L")
    monkeypatch.delenv(ocr.ENGINE_VARIABLE, raising=False)
    library = [w.text for w in ocr.parse_words(ocr.run_tesseract(image, "kor+eng", 60, 7))]
    monkeypatch.setenv(ocr.ENGINE_VARIABLE, "cli")
    cli = [w.text for w in ocr.parse_words(ocr.run_tesseract(image, "kor+eng", 60, 7,
                                                             scratch=tmp_path / "x.png"))]
    assert library == cli and "601234567890" in library


@pytest.mark.e2e
def test_library_engine_times_out_and_recovers(monkeypatch):
    """GIVEN a full page of text and a 1 ms deadline WHEN the library engine reads it THEN OcrTimeout with the fix;
    the cancelled instance is dropped (reading its partial result crashes Tesseract 5.5), so the next read of the
    same configuration works."""
    monkeypatch.delenv(ocr.ENGINE_VARIABLE, raising=False)
    page = text_image([f"운송장 번호 {601234567890 + i}  2026-03-{10 + i % 9} 14:22" for i in range(40)], 16)
    with pytest.raises(OcrTimeout, match="timed out after 0.001 s") as raised:
        ocr.run_tesseract(page.convert("L"), "kor+eng", 0.001, 6)
    assert "--ocr-timeout" in raised.value.fix
    words = ocr.parse_words(ocr.run_tesseract(page.convert("L"), "kor+eng", 60, 6))
    assert "601234567890" in [w.text for w in words]


@pytest.mark.e2e
def test_library_engine_runs_tesseract_on_one_thread():
    """GIVEN a fresh process WHEN the library engine reads a page THEN Tesseract started no threads of its own
    (OpenMP's pool is capped at one, as OMP_THREAD_LIMIT=1 caps the CLI child: parallelism comes from evpack's
    process pool). Without the cap, libgomp starts its pool on the first read."""
    script = (
        "import os\n"
        "from PIL import Image, ImageDraw\n"
        "from pipeline.reading import ocr\n"
        "image = Image.new('L', (900, 200), 255)\n"
        "ImageDraw.Draw(image).text((20, 80), '601234567890', fill=0)\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "ocr.run_tesseract(image, 'kor+eng', 60)\n"
        "print(before, len(os.listdir('/proc/self/task')), os.environ['OMP_THREAD_LIMIT'])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_THREAD_LIMIT", ocr.ENGINE_VARIABLE)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                         cwd=ROOT).stdout.split()
    assert out[0] == out[1] and out[2] == "1"


# ---- real Tesseract -------------------------------------------------------------------------------

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


# ---- band passes: address bar, taskbar clock, Korean re-read ----------------------------------------

def word(text: str, left: int, top: int = 40, width: int | None = None, height: int = 20, confidence: float = 90.0,
         line: str = "1") -> ocr.OcrWord:
    return ocr.OcrWord(text, left, top, width if width is not None else 10 * len(text), height, confidence,
                       ("1", "1", line))


def test_the_bar_crop_starts_after_the_lock_icon_not_after_url_text_read_as_something_else():
    """GIVEN an address bar row: the reload and lock icons, then the URL's start read as digits and Hangul (10
    heights wide) or as `16 따 여` (3 heights wide), then the words the first pass saw as URL WHEN the icon before
    the URL is chosen THEN it is the lock, each time; icons read together as one wide word (`B&B`) are still an
    icon; with nothing but URL text left of it, there is none."""
    cfg = ocr.settings()
    url = [word("comm", 820), word("?POST_CODE=EE172130060CN", 880)]
    for garbled in (word("6610160660050190111266 티 51", 540, width=200), word("16 따 여", 540, width=60)):
        row = [word("C", 140, width=18), word("@", 226, width=17), word("epost", 300), garbled]
        assert ocr.icon_before(row + url, url, cfg).text == "@"
    assert ocr.icon_before([word("@", 100, width=17), word("B&B", 140, width=68)] + url, url, cfg).text == "B&B"
    assert ocr.icon_before([word("RetrieveEmsRigiTraceList", 500)] + url, url, cfg) is None


def test_url_patterns_match_their_examples():
    """GIVEN every pattern of ocr.toml that carries examples (URL hint and piece, garbled bar, URL shape, clean URL,
    clock time and date) WHEN run on its own examples THEN every example matches and no counter-example does (the
    data carries its proof)."""
    import re
    import tomllib
    raw = tomllib.loads(ocr.SETTINGS_FILE.read_text(encoding="utf-8"))
    data = {k: v for section in raw.values() for k, v in section.items()}
    keys = [k.removesuffix("_examples") for k in data if k.endswith("_examples") and not k.endswith("_non_examples")]
    assert {"url_hint", "url_piece", "bar_garble_hint", "bar_url_shape", "bar_clean_url", "clock_time",
            "clock_date"} <= set(keys)
    for key in keys:
        pattern = re.compile(data[key])
        assert all(pattern.search(example) for example in data[f"{key}_examples"]), key
        assert not any(pattern.search(example) for example in data[f"{key}_non_examples"]), key


def test_address_bar_words_take_the_url_and_its_split_pieces_but_not_the_icons():
    """GIVEN a first-pass bar row `< > @ dhl. com/kr-en/track.html?id=26846 56321 ... 0 0 0` (icons, a URL split at a
    dot and a digit, toolbar icons far right) and a URL in the page body WHEN the bar is located THEN its words are
    `dhl.`, `com/...`, `56321`, without the lock icon, the arrows or the far icons, and not the body URL."""
    row = [word("<", 10), word(">", 40), word("@", 100), word("dhl.", 125), word("com/kr-en/track.html?id=26846", 170),
           word("56321", 420), word("0", 1200), word("0", 1240)]
    body = [word("www.dhl.com/kr-en/faq/and/much/longer/text", 40, top=500, line="9")]
    bar = ocr.address_bar_words(row + body, 768, ocr.settings())
    assert [w.text for w in bar] == ["dhl.", "com/kr-en/track.html?id=26846", "56321"]


def test_address_bar_is_looked_for_lower_in_a_photo_but_never_found_without_a_url():
    """GIVEN a URL at 20% of the height (a photo of a monitor: the screen starts lower) and a page with no URL
    at all WHEN the bar is located THEN the first is found, the second gives no bar (no band pass is paid)."""
    cfg = ocr.settings()
    photo = [word("Tracking", 10, top=20, line="0"), word("fedex.com/fedextrack/?trknbr=1", 200, top=150)]
    assert [w.text for w in ocr.address_bar_words(photo, 768, cfg)] == ["fedex.com/fedextrack/?trknbr=1"]
    assert ocr.address_bar_words([word("배송조회", 10), word("2026.03.11", 100)], 768, cfg) == []


def test_doubtful_latin_is_low_confidence_latin_on_a_korean_line():
    """GIVEN a line mixing Hangul with a confident and a doubtful Latin word, and an English line with a doubtful
    word WHEN doubtful words are picked THEN only the doubtful Latin word of the Korean line is."""
    words = [word("부산광역시", 0, confidence=95), word("Busan", 80, confidence=93), word("AHStS", 160, confidence=6),
             word("Delivery", 0, top=90, confidence=40, line="2")]
    assert [w.text for w in ocr.doubtful_latin(words, ocr.settings())] == ["AHStS"]


def test_latin_right_before_a_district_is_doubtful_whatever_its_confidence():
    """GIVEN `(61949) BABHA 서구 상무중앙로 61` (광주광역시 read as BABHA, confidence 73) and an English word before a
    word that is no administrative unit WHEN doubtful words are picked THEN BABHA is, the other is not."""
    words = [word("(61949)", 0), word("BABHA", 80, confidence=73), word("서구", 160), word("상무중앙로", 200),
             word("61,", 300), word("Item", 0, top=90, confidence=80, line="2"), word("캠핑용", 80, top=90, line="2")]
    assert [w.text for w in ocr.doubtful_latin(words, ocr.settings())] == ["BABHA"]


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
    monkeypatch.setattr(ocr, "_band_words", lambda crop, *args, **kwargs: calls.append(crop.size) or next(reads))
    out = ocr.reread_numbers(words, Image.new("L", (800, 100), 255), tmp_path / "p.png", 60, ocr.settings())
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
    monkeypatch.setattr(ocr, "_band_words", canned(96))
    out = ocr.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60, ocr.settings(),
                             buildings=True)
    assert calls == [(40 + 2 * 40, 40)]
    assert [w.text for w in out][:5] == ["광", "교", "중앙로", "140,", "1806호"]
    monkeypatch.setattr(ocr, "_band_words", canned(80))
    out = ocr.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60, ocr.settings(),
                             buildings=True)
    assert out[3].text == "110,"
    calls.clear()
    assert ocr.reread_numbers(words(), Image.new("L", (800, 200), 255), tmp_path / "p.png", 60,
                              ocr.settings())[3].text == "110," and calls == []


def test_a_number_with_letters_is_never_doubtful_latin():
    """GIVEN a 200-dpi scan's `운 송 장 번호 | 1Z4828WF0371297735` (confidence 52; kor alone read it as
    124828\『0371297735) and `S584` (월드컵북로58길 misread) on a Korean line WHEN doubtful words are picked THEN the
    tracking number is not, S584 is."""
    words = [word("운송장번호", 0), word("1Z4828WF0371297735", 100, confidence=52),
             word("마포구", 0, top=90, line="2"), word("S584", 80, top=90, confidence=4, line="2")]
    assert [w.text for w in ocr.doubtful_latin(words, ocr.settings())] == ["S584"]


def test_latin_where_a_korean_address_has_its_road_is_doubtful_whatever_its_confidence():
    """GIVEN `성남시 분당구 BASE 95` (kor+eng's read of 정자일로 95, confidence 72), `고양시 AUSF 중앙로` (일산동구,
    71), the same Latin word after a word that is no administrative unit, and one ending a line after a unit WHEN
    doubtful words are picked THEN only BASE after 분당구 and AUSF after 고양시 are."""
    words = [word("성남시", 0), word("분당구", 80), word("BASE", 160, confidence=72), word("95,", 240),
             word("상품", 0, top=90, line="2"), word("BASE", 80, top=90, confidence=72, line="2"),
             word("고양시", 0, top=140, line="3"), word("AUSF", 80, top=140, confidence=71, line="3"),
             word("중앙로", 160, top=140, line="3"),
             word("부산광역시", 0, top=190, line="4"), word("Busan", 120, top=190, confidence=93, line="4")]
    assert [(w.text, w.line[-1]) for w in ocr.doubtful_latin(words, ocr.settings())] == [("BASE", "1"), ("AUSF", "3")]


def test_korean_retry_replaces_by_hangul_keeps_a_latin_word_read_as_digits_and_drops_noise(tmp_path, monkeypatch):
    """GIVEN a Korean line with four doubtful Latin words (`BASE` after 분당구, `code`, `sy`, a URL piece) WHEN kor
    reads the line again as Hangul where BASE was, as digits where `code` was, and nothing where `sy` and the URL
    were THEN BASE becomes the Hangul, `code` stays (digits replace only a word holding a digit), `sy` is dropped (a
    neighbour's ink) and the URL piece stays (the address bar's passes read it again)."""
    line = [word("분당구", 0), word("BASE", 100, confidence=72), word("95,", 200), word("code", 300, confidence=40),
            word("sy", 400, width=20, confidence=50), word("끝", 500, width=40),
            word("go.kr/trace", 600, confidence=30)]
    zoom, pad, gap = ocr.settings().retry_scale, 6, 20  # stack coordinates: see reread_as_korean

    def kor(text: str, left: int) -> ocr.OcrWord:
        return ocr.OcrWord(text, round((left + gap) * zoom), round((40 - (40 - pad) + gap) * zoom),
                           round(40 * zoom), round(20 * zoom), 90.0, ("1", "1", "1"))

    read = [kor("분당구", 0), kor("정자일로", 100), kor("95,", 200), kor("0006", 300), kor("끝", 500)]
    monkeypatch.setattr(ocr, "_band_words", lambda *args, **kwargs: read)
    out = ocr.reread_as_korean(line, Image.new("L", (700, 100), 255), tmp_path / "p.png", 60, ocr.settings())
    assert [w.text for w in out] == ["분당구", "정자일로", "95,", "code", "끝", "go.kr/trace"]


def reread_with_canned_kor(tmp_path, monkeypatch, line: list[ocr.OcrWord], kor: list[tuple[str, int, int]],
                           crop_left: int) -> list[str]:
    """reread_as_korean over `line`, kor reading the stack as `kor` ((text, left, right) in the OCR copy's x); the
    stack's crop starts at `crop_left` (the first word it holds, less the pad)."""
    zoom, gap = ocr.settings().retry_scale, max(w.height for w in line if w.confidence < 70 or w.text == "OSS")
    shift = gap - crop_left
    read = [ocr.OcrWord(text, round((left + shift) * zoom), round(gap * zoom), round((right - left) * zoom),
                        round(20 * zoom), 90.0, ("1", "1", "1")) for text, left, right in kor]
    monkeypatch.setattr(ocr, "_band_words", lambda *args, **kwargs: read)
    out = ocr.reread_as_korean(line, Image.new("L", (1400, 100), 255), tmp_path / "p.png", 60, ocr.settings())
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
    assert [(w.text, w.line[-1]) for w in ocr.doubtful_latin(words, ocr.settings())] == [("OSS", "1")]


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
    words = ocr.parse_words(ocr.run_tesseract(boxed, "kor+eng", 60, 6))
    after = next(i for i, w in enumerate(words) if w.text == "해운대구") + 1
    road = words[after]
    assert not ocr.HANGUL.search(road.text)  # the first pass's misread this test is about
    # The second line doubtful too, so that the stack holds two lines.
    words = [replace_word(w, w.text, 10.0, right=w.right) if w.text == "Item" else w for w in words]
    out = ocr.reread_as_korean(words, boxed, tmp_path / "p.png", timeout=60, cfg=ocr.settings())
    replaced = [w.text for w in out if w.line == road.line and w.left == road.left]
    assert replaced and "앙로" in replaced[0]


def test_settings_version_follows_the_reading_code(tmp_path):
    """GIVEN the same ocr.toml WHEN the reading code changes THEN the settings version (the read cache's key)
    changes too, so reads cached by older code are not served."""
    code = tmp_path / "pipeline" / "reading" / "ocr.py"
    code.parent.mkdir(parents=True)
    code.write_text("one", encoding="utf-8")
    before = ocr.OcrSettings.load(code=runtime.fingerprint_of(tmp_path)).version
    code.write_text("two", encoding="utf-8")
    assert ocr.OcrSettings.load(code=runtime.fingerprint_of(tmp_path)).version != before


def test_dark_mode_is_inverted_for_tesseract():
    """GIVEN a dark-mode page (light text on near black) and a light page WHEN prepared for Tesseract THEN the dark
    one is inverted to a light background, the light one left as it is."""
    cfg = ocr.settings()
    dark = Image.new("L", (200, 100), 30)
    light = Image.new("L", (200, 100), 240)
    assert np.asarray(ocr.light_background(dark, cfg)).mean() > 200
    assert ocr.light_background(light, cfg) is light


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
    sets = len(ocr.settings().clock_languages)  # kor+eng, kor, chi_sim+eng: the fake has them all
    assert log.read_text().count(" tsv") == 1 + sets * len(ocr.settings().clock_vote_multipliers)
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
    assert ocr.clock_of(reads, ocr.settings()) == expected


def test_clock_candidates_are_clock_pieces_near_the_top_or_bottom_edge():
    """GIVEN first-pass words of a 1600x900 capture: event rows (date and time) in the page's middle, a macOS menu
    bar's clock at the top edge, a Windows clock's time at the bottom edge WHEN clock candidates are scored THEN the
    edge clocks are candidates, the one with a date first, and no table row is."""
    def at(text, left, top, line):
        return ocr.OcrWord(text, left, top, 12 * len(text), 20, 90.0, ("1", "1", str(line)))
    rows = [w for i in range(6) for w in (at("2026.03.10", 100, 300 + 40 * i, 10 + i),
                                          at("14:22", 260, 300 + 40 * i, 10 + i))]
    menu = [at("(수)", 1380, 2, 1), at("오후", 1430, 2, 1), at("8:24", 1480, 2, 1)]
    taskbar = [at("2:27", 1520, 872, 30)]
    found = ocr.clock_candidates(rows + menu + taskbar, (1600, 900), ocr.settings())
    assert [box[1] for box, _ in found] == [2, 872]


def browser_screenshot(url: str, clock: tuple[str, str], dark: bool = False) -> Image.Image:
    """A 1366x768 desktop browser capture: tab strip, address bar with lock icon and toolbar icons, a page with a
    Korean table, and the taskbar clock (time over date) in the bottom-right corner, in NanumGothic."""
    back, ink, bar = ((32, 33, 36), (232, 234, 237), (53, 54, 58)) if dark else ((255, 255, 255), (32, 33, 36),
                                                                                  (241, 243, 244))
    image = Image.new("RGB", (1366, 768), back)
    draw = ImageDraw.Draw(image)
    ui, page, small = (ImageFont.truetype(GOTHIC, px) for px in (14, 13, 12))
    draw.rectangle((0, 0, 1366, 36), fill=bar)
    draw.text((40, 18), "배송조회 | 택배", font=small, fill=ink, anchor="lm")
    draw.rounded_rectangle((120, 42, 1250, 74), radius=16, fill=bar)
    for x, icon in ((20, "←"), (55, "→"), (90, "↻"), (1290, "☆"), (1330, "⋮")):
        draw.text((x, 58), icon, font=ui, fill=ink, anchor="lm")
    draw.rectangle((140, 52, 150, 64), fill=ink)  # the lock icon
    draw.text((162, 58), url, font=ui, fill=ink, anchor="lm")
    rows = [("운송장번호", "601234567890"), ("받는 분 주소", "서울특별시 송파구 올림픽로 300"),
            ("2026.03.10 14:22", "배송완료")]
    for i, (label, value) in enumerate(rows):
        draw.text((80, 140 + 40 * i), label, font=page, fill=ink)
        draw.text((300, 140 + 40 * i), value, font=page, fill=ink)
    draw.rectangle((0, 728, 1366, 768), fill=bar)
    draw.text((1290, 738), clock[0], font=small, fill=ink, anchor="mt")
    draw.text((1290, 754), clock[1], font=small, fill=ink, anchor="mt")
    return image


@pytest.mark.e2e
@pytest.mark.parametrize("dark", [False, True])
def test_real_tesseract_reads_the_address_bar_url_exactly(tmp_path, dark):
    """GIVEN a generated 1366x768 browser capture (light and dark mode) whose address bar holds a tracking URL next
    to a lock icon and toolbar icons WHEN OCR'd as a screen THEN the header band holds the URL exactly, with no
    icon read into it, and the page text does not hold a second, garbled copy of it."""
    url = "cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=601234567890"
    image = browser_screenshot(url, ("오후 2:31", "2026-03-11"), dark)
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, screen=True)
    assert url in page.header_text.splitlines()
    assert page.text.count("gnbInvcNo") == 1


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


@pytest.mark.e2e
def test_real_tesseract_rereads_a_korean_word_kor_eng_took_for_latin(tmp_path):
    """GIVEN a line `주소 센텀중앙로 48` and first-pass words where the road name came back as the Latin `AHStS`
    (confidence 6) WHEN the doubtful words are read again with kor alone THEN `AHStS` is replaced by Hangul and the
    confident Korean word is left as it was."""
    image = text_image(["주소  센텀중앙로 48"], 24, width=500).convert("L")
    page_words = ocr.parse_words(ocr.run_tesseract(image, "kor", 60, 7))
    label = next(w for w in page_words if "주소" in w.text)
    road = [w for w in page_words if w is not label]
    garbled = replace_word(road[0], "AHStS", 6.0, right=max(w.right for w in road))
    words = [label, garbled]
    out = ocr.reread_as_korean(words, image, tmp_path / "p.png", timeout=60, cfg=ocr.settings())
    assert out[0] == label
    assert ocr.HANGUL.search(out[1].text) and "AHStS" not in out[1].text


def replace_word(original: ocr.OcrWord, text: str, confidence: float, right: int) -> ocr.OcrWord:
    from dataclasses import replace
    return replace(original, text=text, confidence=confidence, width=right - original.left)


def test_rules_are_painted_out_but_dark_areas_and_text_stay():
    """GIVEN a light page with a black table border (a long thin line), a black bar 40 px thick and 20-px text
    WHEN rules are removed for 20-px glyphs THEN the border is white, the thick bar and the text are untouched."""
    image = text_image(["운송장번호 601234567890"], 20, width=700).convert("L")
    draw = ImageDraw.Draw(image)
    draw.line((10, 5, 690, 5), fill=0, width=2)
    canvas = Image.new("L", (700, 200), 255)
    canvas.paste(image, (0, 0))
    ImageDraw.Draw(canvas).rectangle((10, 120, 690, 160), fill=0)
    cleaned = np.asarray(ocr.without_rules(canvas, 20.0, ocr.settings()))
    original = np.asarray(canvas)
    assert cleaned[4:7, 10:690].min() == 255
    assert (cleaned[120:161] == original[120:161]).all()
    assert (cleaned[12:50] == original[12:50]).all()


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


def test_dark_toolbar_rows_are_inverted_and_the_light_page_is_not():
    """GIVEN a light page under a dark browser toolbar (light text on dark grey)
    WHEN rows are prepared for OCR
    THEN the toolbar's rows become dark-on-light and the page's rows are left as they were."""
    pixels = np.full((200, 400), 245, np.uint8)
    pixels[:40] = 40
    pixels[15:25, 50:300:7] = 230  # the URL's light strokes
    pixels[100:110, 50:300:7] = 20  # the page's dark text
    out = np.asarray(ocr.light_rows(Image.fromarray(pixels), ocr.settings()))
    assert out[:40].mean() > 180 and out[15:25, 50:300:7].max() < 60
    assert np.array_equal(out[40:], pixels[40:])


def test_grey_rows_get_a_white_background_and_keep_their_dark_text():
    """GIVEN a grey toolbar with dark text above a white page
    WHEN the band's rows are whitened
    THEN the toolbar's background becomes white and its text stays dark."""
    pixels = np.full((100, 400), 250, np.uint8)
    pixels[:40] = 200
    pixels[15:25, 50:300:7] = 50
    out = np.asarray(ocr.white_rows(Image.fromarray(pixels), ocr.settings()))
    assert out[:15].min() == 255 and out[15:25, 50:300:7].max() < 70
    assert out[40:].min() >= 250


def test_white_rows_leave_the_image_itself():
    """GIVEN a white page without a dark or grey band
    WHEN rows are prepared for OCR
    THEN the very same image comes back (no copy)."""
    page = Image.new("L", (300, 100), 250)
    assert ocr.light_rows(page, ocr.settings()) is page
    assert ocr.white_rows(page, ocr.settings()) is page


@pytest.mark.e2e
def test_real_tesseract_finds_the_url_of_a_dark_toolbar_over_a_light_page_resaved_at_q55(tmp_path):
    """GIVEN a light page under a dark browser toolbar, re-saved as a 1280-px JPEG at quality 55 (as chat apps do)
    WHEN OCR'd as a screen
    THEN the address bar's URL is read (its host and tracking number), though kor+eng alone garbles that row."""
    url = "ilogen.com/web/personal/trace/33194875749"
    image = browser_screenshot("cjlogistics.com/x", ("오후 4:20", "2026-03-11"))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1366, 110), fill=(32, 33, 36))
    draw.rounded_rectangle((120, 42, 1250, 74), radius=16, fill=(53, 54, 58))
    for x, icon in ((20, "←"), (55, "→"), (90, "↻")):
        draw.text((x, 58), icon, font=ImageFont.truetype(GOTHIC, 14), fill=(232, 234, 237), anchor="lm")
    draw.rectangle((140, 52, 150, 64), fill=(232, 234, 237))
    draw.text((162, 58), url, font=ImageFont.truetype(GOTHIC, 14), fill=(200, 200, 205), anchor="lm")
    draw.text((40, 90), "로젠택배 iLOGEN", font=ImageFont.truetype(GOTHIC, 18), fill=(120, 200, 160), anchor="lm")
    resaved = tmp_path / "q55.jpg"
    image.resize((1280, 720), Image.Resampling.LANCZOS).save(resaved, "JPEG", quality=55)
    page, _ = ocr.ocr_page(Image.open(resaved), 1, tmp_path / "p.png", timeout=60, screen=True)
    assert "ilogen.com/web/personal/trace/33194875749" in page.header_text


def test_even_background_removes_a_moire_beat_and_keeps_the_text():
    """GIVEN a light page under a slow multiplicative beat (a photographed screen's moiré) with thin dark strokes
    WHEN the background is divided out
    THEN the background is flat near white and the strokes stay dark."""
    yy, xx = np.mgrid[0:120, 0:400].astype(np.float32)
    beat = 1.0 + 0.15 * np.sin(xx * 0.1) * np.sin(yy * 0.08)  # a beat of ~60 px, wider than the 11-px kernel
    pixels = 200 * beat
    pixels[50:70, 40:360:9] = 40  # strokes 1 px wide
    out = np.asarray(ocr.even_background(Image.fromarray(pixels.astype(np.uint8)), 11.0, ocr.settings()))
    background = np.delete(out[50:70], np.s_[40:360:9], axis=1)
    assert pixels[:40].std() > 10 and out[:40].std() < 4 and out[:40].mean() > 235
    assert out[50:70, 40:360:9].max() < 80 and background.mean() > 230


def test_consensus_is_the_read_closest_to_all_others():
    """GIVEN reads of one address bar at several scales, each garbling other characters WHEN the consensus is taken
    THEN it is the read with the fewest edits to the others (not the first one), a tie goes to the earliest, and no
    reads give ""."""
    reads = ["hitps:/Avww.iups:com/track", "https://www.ups.com/track", "https://www.ups.corn/track",
             "https://vww.ups.com/track"]
    assert ocr.consensus(reads) == "https://www.ups.com/track"
    assert ocr.consensus(["abc", "abd"]) == "abc"
    assert ocr.consensus([]) == ""
