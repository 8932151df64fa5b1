"""What a command loads: `scan` of a blank picture imports only what it uses and never starts Tesseract.

The time itself is measured in bench/ (bench_startup.py); these tests hold the causes: which libraries a fresh
process has loaded after scanning a blank PNG.
"""
from __future__ import annotations

import json
import subprocess
import sys

from PIL import Image

from tests.conftest import ROOT

# Libraries a blank picture's scan has no use for: the build's PDF writers, CSV transcripts, HEIF decoding, the
# reading's OpenCV, NumPy and in-process Tesseract (a page without ink is never OCR'd), PDFium (no PDF is opened),
# babel (messages come from the compiled catalogs through the standard gettext) and a process pool's
# multiprocessing (one worker reads in this process).
NOT_FOR_A_BLANK_SCAN = ("reportlab", "pypdf", "img2pdf", "pikepdf", "pillow_heif", "cv2", "numpy", "tesserocr",
                        "pypdfium2", "babel", "multiprocessing")

SCAN_AND_LIST_MODULES = """
import json, sys
from pathlib import Path
from click.testing import CliRunner
from pipeline.cli import cli
result = CliRunner().invoke(cli, ["scan", sys.argv[1], "--json", "--no-cache", "--jobs", "1"])
print(json.dumps({"exit": result.exit_code, "output": result.output,
                  "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def _scan_in_fresh_process(path) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCAN_AND_LIST_MODULES, str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def test_blank_png_scan_loads_no_build_library(tmp_path):
    """GIVEN a blank PNG WHEN it is scanned in a fresh process THEN it reads as no fields, and none of the build's
    libraries (PDF writers, transcripts, HEIF) was imported."""
    blank = tmp_path / "blank.png"
    Image.new("RGB", (1280, 800), "white").save(blank)
    run = _scan_in_fresh_process(blank)
    assert run["exit"] == 0, run["output"]
    document = json.loads(run["output"])
    assert document["files"][0]["fields"] == {"tracking_numbers": [], "timestamps": [], "urls": [],
                                              "korean_addresses": []}
    loaded = [name for name in NOT_FOR_A_BLANK_SCAN if name in run["modules"]]
    assert loaded == []


def test_heic_decodes_in_a_process_that_never_registered_the_heif_opener(tmp_path):
    """GIVEN a HEIC photo and a fresh process that did not register pillow-heif WHEN ingest decodes it THEN it is
    decoded (the opener registers itself on the first picture Pillow does not know)."""
    import pillow_heif
    pillow_heif.register_heif_opener()
    photo = tmp_path / "photo.heic"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, format="HEIF")
    code = ("import sys\nfrom pathlib import Path\nfrom pipeline.ingest import convert\n"
            "print(convert.check_image(Path(sys.argv[1])).format)")
    proc = subprocess.run([sys.executable, "-c", code, str(photo)], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=True)
    assert proc.stdout.strip() == "HEIF"


SELF_TEST_AND_LIST_MODULES = """
import json, sys
from pathlib import Path
from pipeline.reading import reader
from pipeline.reading.settings import settings
reader.check_korean_model(60, Path(sys.argv[1]) / "line.png", settings().languages)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_korean_self_test_loads_no_pdf_library(tmp_path):
    """GIVEN a fresh process WHEN the reader's Korean self-test runs (every process that OCRs a page) THEN it
    passed and imported no PDF writer and no network library: the font it draws its line with is found without
    reportlab, and without the cover's markup escaping (xml.sax.saxutils pulls in urllib.request, http.client, ssl,
    ~20 ms of every OCR process's start-up)."""
    proc = subprocess.run([sys.executable, "-c", SELF_TEST_AND_LIST_MODULES, str(tmp_path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=True)
    modules = json.loads(proc.stdout.splitlines()[-1])
    assert [name for name in ("reportlab", "xml", "http", "ssl", "email") if name in modules] == []
