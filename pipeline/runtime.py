"""What holds for a whole process: the settings evpack gives every process it reads in, and the code it runs.

`configure_process` is the one place that sets process-wide state (threads, Pillow's decoding limit); the runner
calls it before the first stage, the worker pools as their initialiser, the in-process Tesseract before it loads.
Importing an evpack module changes nothing. `code_fingerprint` is the version of every cache and of batch's
bundles: any edit to evpack's code or data gives new keys, never a result made by other code.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import sys
from functools import cache
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
CODE_FOLDERS = ("pipeline", "stages", "templates")
CODE_SUFFIXES = (".py", ".toml", ".j2", ".po", ".gz")


def configure_process() -> None:
    """One OpenCV thread and one OpenMP thread (parallelism comes from the process pool; Tesseract's own threads
    made the same work ~3x slower on 2 cores), and Pillow's decompression-bomb limit from ocr.toml. Idempotent.
    OMP_THREAD_LIMIT and OPENCV_FOR_THREADS_NUM reach an OpenMP runtime or OpenCV that is not loaded yet (a process
    that never meets a page with ink never loads OpenCV), and every child process; an OpenCV already loaded is set
    directly, and so is Leptonica where the in-process Tesseract is already loaded (the engine quiets it after
    every model it loads)."""
    from PIL import Image

    from pipeline.reading.settings import settings as ocr_settings

    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["OPENCV_FOR_THREADS_NUM"] = "1"
    if "cv2" in sys.modules:
        sys.modules["cv2"].setNumThreads(1)
    Image.MAX_IMAGE_PIXELS = ocr_settings().max_image_pixels
    if "tesserocr" in sys.modules:
        quiet_leptonica()



def image_pixel_limit() -> int | None:
    """Pillow's decompression-bomb limit as `configure_process` set it (None: no limit). Code that checks a size
    against the limit itself (a later frame of a multi-frame image) reads it here, so the limit has one home."""
    from PIL import Image

    return Image.MAX_IMAGE_PIXELS

# Extension modules the workers of a process pool use, imported whole before the pool forks (settle_imports).
WORKER_MODULES = ("cv2",)


def settle_imports() -> None:
    """Imports, in the thread about to fork a process pool, the extension modules its workers use (OpenCV), waiting
    for any other thread of this process still importing one. A fork copies a module another thread has half
    imported, and the worker then finds it broken ("partially initialized module 'cv2'"): compress forks its
    re-encoding pool beside the thread that proves the probe, which loads OpenCV for the first time."""
    import importlib
    for name in WORKER_MODULES:
        importlib.import_module(name)


# Leptonica's message severities (leptonica/environ.h): messages below the set severity are not printed.
LEPTONICA_SEVERITY_NONE = 6


def quiet_leptonica() -> bool:
    """Leptonica (under the in-process Tesseract) prints its own errors, such as "Error in pixScanForForeground" for
    an empty region, straight to stderr, where they break a progress bar and tell a user nothing; a page that cannot
    be read is judged by its OCR result instead. Sets Leptonica's message severity to none in this process; loading a
    Tesseract model sets it back, so the engine calls this after each load. Returns False where the library is not
    installed (the `tesseract` command engine captures its child's stderr anyway)."""
    set_severity = _leptonica_set_severity()
    if set_severity is None:
        return False
    set_severity(LEPTONICA_SEVERITY_NONE)
    return True


@cache
def _leptonica_set_severity():
    """Leptonica's setMsgSeverity, or None where the library is not installed."""
    name = ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica")
    try:
        return ctypes.CDLL(name).setMsgSeverity if name else None
    except (OSError, AttributeError):
        return None


def fingerprint_of(top: Path) -> str:
    """sha256 of the code and data files (by suffix) under `top`'s pipeline/, stages/ and templates/, with their
    relative paths."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((top / folder).rglob("*")):
            if path.is_file() and path.suffix in CODE_SUFFIXES:
                digest.update(path.relative_to(top).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """The fingerprint of the evpack this process runs, computed once per process."""
    return fingerprint_of(TOP)
