"""Process-wide settings in one place, set at process start, and the one code fingerprint every cache keys on."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from pipeline import runtime
from pipeline.reading.settings import OcrSettings, settings as ocr_settings
from tests.conftest import ROOT

IMPORT_AND_CONFIGURE = (
    "import cv2\n"
    "from PIL import Image\n"
    "cv2.setNumThreads(2)\n"
    "pixels = Image.MAX_IMAGE_PIXELS\n"
    "import pipeline.reading.ocr, pipeline.reading.tesseract, pipeline.reading.passes.clock\n"
    "import pipeline.reading.deskew, pipeline.reading.rectify, pipeline.reading.reader\n"
    "import pipeline.api, pipeline.batch.batch\n"
    "print(cv2.getNumThreads(), Image.MAX_IMAGE_PIXELS == pixels)\n"
    "from pipeline import runtime\n"
    "runtime.configure_process()\n"
    "print(cv2.getNumThreads(), Image.MAX_IMAGE_PIXELS)\n")


def test_importing_changes_nothing_and_configure_process_sets_it_all():
    """GIVEN a fresh process WHEN evpack's modules are imported THEN OpenCV's threads and Pillow's decoding limit are
    as they were; WHEN configure_process runs THEN one OpenCV thread and ocr.toml's decoding limit."""
    out = subprocess.run([sys.executable, "-c", IMPORT_AND_CONFIGURE], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    assert out[:2] == ["2", "True"]
    assert out[2:] == ["1", str(ocr_settings().max_image_pixels)]


CONFIGURE_THEN_IMPORT = (
    "from pipeline import runtime\n"
    "runtime.configure_process()\n"
    "import sys\n"
    "print('cv2' in sys.modules)\n"
    "import cv2\n"
    "print(cv2.getNumThreads())\n")


def test_an_opencv_loaded_after_configure_process_has_one_thread():
    """GIVEN a fresh process WHEN configure_process runs before OpenCV is loaded THEN it does not load OpenCV, and the
    OpenCV loaded afterwards runs one thread."""
    out = subprocess.run([sys.executable, "-c", CONFIGURE_THEN_IMPORT], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    assert out == ["False", "1"]


POOL_WHILE_ANOTHER_THREAD_IMPORTS = (
    "import threading\n"
    "from pipeline.batch import executors\n"
    "from tests.test_runtime import opencv_threads\n"
    "loader = threading.Thread(target=__import__, args=('cv2',))\n"
    "loader.start()\n"
    "print(executors.map_tasks(opencv_threads, [1, 2, 3, 4], 2))\n"
    "loader.join()\n")


def opencv_threads(_: int) -> int:
    import cv2
    return cv2.getNumThreads()


def test_a_pool_forked_while_another_thread_loads_opencv_gets_whole_workers():
    """GIVEN a fresh process whose other thread is just loading OpenCV WHEN it forks a pool of 2 workers that use
    OpenCV THEN every worker has OpenCV whole (not half-imported, as a fork copies it mid-import), at one thread."""
    out = subprocess.run([sys.executable, "-c", POOL_WHILE_ANOTHER_THREAD_IMPORTS], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[0] == "[1, 1, 1, 1]"


def test_fingerprint_covers_every_code_file_the_reading_calls(tmp_path):
    """GIVEN a copy of the code WHEN only output/imageops.py (which the OCR calls) changes THEN the fingerprint, and
    with it the read cache's key, changes."""
    for folder in runtime.CODE_FOLDERS:
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    before = runtime.fingerprint_of(tmp_path)
    assert before == runtime.fingerprint_of(ROOT)
    imageops = tmp_path / "pipeline" / "output" / "imageops.py"
    imageops.write_text(imageops.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = runtime.fingerprint_of(tmp_path)
    assert after != before
    assert OcrSettings.load(code=after).version != OcrSettings.load(code=before).version


LEPTONICA_ERROR = """
import ctypes, ctypes.util, sys
sys.path.insert(0, {root!r})
if {quiet}:
    import os
    os.environ["EVPACK_OCR_ENGINE"] = "library"
    from PIL import Image
    from pipeline.runtime import configure_process
    from pipeline.reading import tesseract
    configure_process()
    tesseract.run_tesseract(Image.new("L", (200, 60), 255), "eng", 30)  # loading a model resets Leptonica's severity
lib = ctypes.CDLL(ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica"))
lib.pixScanForForeground(None, None, 0, None)  # Leptonica's own error: no image given
"""


@pytest.mark.parametrize("quiet", [False, True])
def test_configured_process_prints_no_leptonica_errors(quiet):
    """GIVEN Leptonica (the image library under the in-process Tesseract), which prints its own errors to stderr
    WHEN a Leptonica call fails in a process evpack configured and read with, and in one it did not
    THEN only the unconfigured one prints "Error in ..." (the control shows the probe can fail)."""
    import ctypes.util

    if not (ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica")):
        pytest.fail("Leptonica is not installed: run scripts/setup-system.sh")
    child = subprocess.run([sys.executable, "-c", LEPTONICA_ERROR.format(root=str(ROOT), quiet=quiet)],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    assert ("Error in pixScanForForeground" in child.stderr) is not quiet, child.stderr
