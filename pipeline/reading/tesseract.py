"""Tesseract, the OCR engine: its two back-ends, the probe of what is installed, timeouts.

Two back-ends read alike (`engine` in ocr.toml, or EVPACK_OCR_ENGINE): "library", in this process through tesserocr
with a loaded model kept per configuration, and "cli", a `tesseract` child per call that gets the image as a PNG
file in the work folder. Either way Tesseract runs on one OpenMP thread (parallelism comes from the process pool)
and every call has a timeout (OcrTimeout), cut to what is left of a page's deadline when one is set. This module
is an `OcrEngine` (pipeline/reading/engine.py): `words`.
"""
from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image

from pipeline import runtime
from pipeline.batch.executors import Stopwatch
from pipeline.errors import MissingDependencyError, OcrFailed, OcrTimeout, UsageError
from pipeline.reading.engine import OcrWord, parse_words
from pipeline.reading.settings import settings

ENGINE_VARIABLE = "EVPACK_OCR_ENGINE"


ENGINE_KINDS = ("library", "cli")


TIMEOUT_FIX = "give evpack more time (--ocr-timeout) or a smaller, sharper image."


LIBRARY_FIX = ("install evpack's Python dependencies again (`make setup`; tesserocr builds against the system "
               "Tesseract: `sudo apt-get install libtesseract-dev libleptonica-dev pkg-config g++`), or set "
               "engine = \"cli\" in pipeline/reading/ocr.toml.")


INSTALL_FIX = ("install Tesseract with its Korean data: `sudo apt-get install tesseract-ocr tesseract-ocr-kor "
               "tesseract-ocr-chi-sim`, or `make setup`.")


@dataclass(frozen=True)
class Engine:
    binary: str
    version: str       # "5.3.0"
    tessdata: Path
    languages: frozenset[str]
    model: str         # fast | best
    data_tag: str      # changes when a language file changes
    kind: str = "cli"  # cli | library (tesserocr)

    @property
    def key(self) -> str:
        """What a read depends on: a new Tesseract or new language data invalidates cached reads."""
        return f"tesseract {self.version} {self.model} {self.data_tag} {self.kind}"

    def label(self, languages: str) -> str:
        return f"tesseract {self.version} {languages} ({self.model})"


def engine() -> Engine:
    """The Tesseract that reads, probed once per process; MissingDependencyError says how to install it.

    The `tesseract` on PATH names the language data either way; with the library engine the version is that of
    the Tesseract inside tesserocr, which is what reads.
    """
    found = shutil.which(settings().binary)
    if found is None:
        raise MissingDependencyError("Tesseract is not installed (no `tesseract` on PATH).", INSTALL_FIX)
    probed = _probe(found)
    if engine_kind() == "library":
        return replace(probed, version=_library_version(), kind="library")
    return probed


def engine_kind() -> str:
    """"library" or "cli": ocr.toml's `engine`, unless the EVPACK_OCR_ENGINE environment variable names one.
    tesserocr is an optional extra: ocr.toml's "library" without it installed is "cli" (engine_fallback() says so);
    an explicit EVPACK_OCR_ENGINE=library is kept, and reading then says how to install tesserocr (exit 3)."""
    explicit = os.environ.get(ENGINE_VARIABLE)
    kind = explicit or settings().engine
    if kind not in ENGINE_KINDS:
        raise UsageError(f"unknown OCR engine {kind!r} (from {ENGINE_VARIABLE} or ocr.toml)",
                         f"use one of: {', '.join(ENGINE_KINDS)}.")
    return "cli" if kind == "library" and not explicit and not library_installed() else kind


def library_installed() -> bool:
    """Whether tesserocr is installed (found, not loaded: loading it is _tesserocr's job)."""
    return importlib.util.find_spec("tesserocr") is not None


def engine_fallback() -> str | None:
    """The one line to tell the user when ocr.toml's in-process engine fell back to the `tesseract` command."""
    if os.environ.get(ENGINE_VARIABLE) or settings().engine != "library" or library_installed():
        return None
    return ("tesserocr is not installed: reading with the `tesseract` command (a process per call, slower); "
            "`pip install 'evpack[tesserocr]'` reads in-process.")


@cache
def _library_version() -> str:
    match = re.search(r"tesseract\s+v?(\d+\.\d+[\w.\-]*)", _tesserocr().tesseract_version())
    return match.group(1) if match else "unknown"


@lru_cache(maxsize=8)
def _probe(binary: str) -> Engine:
    env = child_env()
    try:
        version_out = subprocess.run([binary, "--version"], capture_output=True, timeout=30, env=env,
                                     check=False)
        langs_out = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, env=env,
                                   check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependencyError(f"Tesseract at {binary} does not run ({exc}).", INSTALL_FIX) from None
    version_text = (version_out.stdout + version_out.stderr).decode("utf-8", "replace")
    match = re.search(r"tesseract\s+v?(\d+\.\d+[\w.\-]*)", version_text)
    if match is None:
        raise MissingDependencyError(f"{binary} --version did not name a Tesseract version.", INSTALL_FIX)
    listing = langs_out.stdout.decode("utf-8", "replace").splitlines()
    folder = re.search(r'"(.+?)"', listing[0]) if listing else None
    tessdata = Path(folder.group(1)) if folder else Path()
    languages = frozenset(line.strip() for line in listing[1:] if line.strip())
    needed = set(settings().languages.split("+"))
    if not needed <= languages:
        raise MissingDependencyError(
            f"Tesseract has no {' '.join(sorted(needed - languages))} language data "
            f"(installed: {', '.join(sorted(languages)) or 'none'}).", INSTALL_FIX)
    return Engine(binary=binary, version=match.group(1), tessdata=tessdata, languages=languages,
                  model=_model_kind(tessdata), data_tag=_data_tag(tessdata))


def _model_kind(tessdata: Path) -> str:
    kor = tessdata / "kor.traineddata"
    if not kor.is_file():
        return "unknown"
    return "fast" if kor.stat().st_size <= settings().fast_model_max_bytes else "best"


def _data_tag(tessdata: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted({*settings().languages.split("+"), *settings().chinese_languages.split("+")}):
        data = tessdata / f"{name}.traineddata"
        if data.is_file():
            stat = data.stat()
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:8]


def child_env() -> dict[str, str]:
    """The child's environment: one OpenMP thread per Tesseract; the parent's environment is not touched."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


# This process's current page's budget: its stopwatch and seconds, or None: see deadline().
_deadline: tuple[Stopwatch, float] | None = None
DEADLINE_FIX = ("keep only the pages that show the evidence (split the file), or use a smaller, sharper capture")


@contextmanager
def deadline(seconds: float, max_stretch: float = 1.0) -> Iterator[None]:
    """Every Tesseract call inside runs only while the page has budget seconds left (executors.Stopwatch: wall
    time stretched by the machine's load up to `max_stretch`, never more than `seconds` of CPU): its timeout is cut
    to what is left, and a call after that is an OcrTimeout at once. A page's many calls (its passes and re-reads)
    stay within it."""
    global _deadline
    before = _deadline
    _deadline = (Stopwatch.start(max_stretch), seconds)
    try:
        yield
    finally:
        _deadline = before


def seconds_left() -> float | None:
    """Wall seconds the current page's calls may still take (its budget left, stretched by the load), or None
    outside a deadline."""
    if _deadline is None:
        return None
    watch, seconds = _deadline
    return (seconds - watch.spent()) * watch.stretch


def run_tesseract(image: Image.Image, languages: str, timeout: float, psm: int | None = None,
                  variables: tuple[tuple[str, str], ...] = (), scratch: Path | None = None) -> str:
    """Tesseract's TSV of one image (`variables`: Tesseract settings, as `-c name=value`), by the engine ocr.toml
    names. `scratch`: where the CLI engine writes the image for its child (removed afterwards). Raises OcrTimeout
    (also at once when the page's deadline has passed) or OcrFailed."""
    left = seconds_left()
    if left is not None:
        if left <= 0:
            raise OcrTimeout("OCR stopped: the page's reading time budget was used up", DEADLINE_FIX)
        timeout = min(timeout, left)
    if not settings().invert_doubtful_lines:
        variables = (("tessedit_do_invert", "0"), *variables)
    psm = psm or settings().psm
    if engine_kind() == "library":
        return _run_library(image, languages, timeout, psm, variables)
    if scratch is None:
        raise ValueError("the CLI engine needs a scratch path for its input image")
    scratch.parent.mkdir(parents=True, exist_ok=True)
    image.save(scratch, "PNG", compress_level=1)  # a temporary file: fast beats small
    try:
        return _run_cli(scratch, languages, timeout, psm, variables)
    finally:
        scratch.unlink(missing_ok=True)


TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


# Loaded Tesseract instances of this process, by languages: loading a model costs more than reading a band (eng's
# ~0.1 s CPU, kor+eng's ~0.17 s). A call's variables (a whitelist) are set on the loaded instance for that call and
# set back after it, so the address bar's whitelisted read and the numbers pass share one eng model.
_APIS: dict[tuple, object] = {}


def _run_library(image: Image.Image, languages: str, timeout: float, psm: int,
                 variables: tuple[tuple[str, str], ...]) -> str:
    """The in-process engine (tesserocr): a loaded model per language set and process, `variables` set for this
    call alone, Tesseract's own deadline as the timeout. A cancelled instance is dropped: its partial results are
    unsafe to read (Tesseract 5.5 crashes on them)."""
    tesserocr = _tesserocr()
    # The page segmentation mode and the variables are set per call, so one loaded model serves the page, its
    # clock, its stack and its address bar.
    key = (os.getpid(), threading.get_ident(), languages)
    api = _APIS.get(key)
    if api is None:
        try:
            api = tesserocr.PyTessBaseAPI(path=str(engine().tessdata), lang=languages)
        except RuntimeError as exc:
            raise MissingDependencyError(f"Tesseract could not load {languages} ({exc}).", INSTALL_FIX) from None
        runtime.quiet_leptonica()  # loading a model resets Leptonica's message severity
        _APIS[key] = api
    before = [(name, api.GetVariableAsString(name)) for name, _ in variables]
    for name, value in variables:
        if not api.SetVariable(name, value):
            raise OcrFailed(f"Tesseract has no setting {name}", "correct pipeline/reading/ocr.toml.")
    started = time.monotonic()
    try:
        api.SetPageSegMode(psm)
        api.SetImage(image)
        done = api.Recognize(timeout=max(1, round(timeout * 1000)))
    finally:
        for name, value in reversed(before):
            api.SetVariable(name, value or "")
    if not done:
        del _APIS[key]
        api.End()
        if time.monotonic() - started >= timeout * 0.9:
            raise OcrTimeout(f"OCR timed out after {timeout:g} s", TIMEOUT_FIX)
        raise OcrFailed("Tesseract could not read the image", "re-export the page as PNG or PDF.")
    return TSV_HEADER + api.GetTSVText(0)


@cache
def _tesserocr():
    """tesserocr, loaded with one OpenMP thread (runtime.configure_process). libgomp reads OMP_THREAD_LIMIT when it
    loads; if something loaded it earlier, omp_set_num_threads(1) sets the same for this thread, which is the one
    that calls Tesseract."""
    runtime.configure_process()
    try:
        import tesserocr
    except ImportError as exc:
        raise MissingDependencyError(f"tesserocr, evpack's in-process Tesseract, does not load ({exc}).",
                                     LIBRARY_FIX) from None
    try:
        ctypes.CDLL("libgomp.so.1").omp_set_num_threads(1)
    except OSError:
        pass  # a Tesseract built without OpenMP
    return tesserocr


def _run_cli(image: Path, languages: str, timeout: float, psm: int, variables: tuple[tuple[str, str], ...]) -> str:
    """The CLI engine: one child process per call, with OMP_THREAD_LIMIT=1; a timeout kills it and its
    children."""
    tool = engine()
    command = [tool.binary, str(image), "stdout", "-l", languages, "--psm", str(psm)]
    for name, value in variables:
        command += ["-c", f"{name}={value}"]
    command.append("tsv")
    # A session of its own, so a timeout kills the whole process group: nothing outlives the call.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(),
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise OcrTimeout(f"OCR timed out after {timeout:g} s", TIMEOUT_FIX) from None
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"Tesseract failed (exit status {process.returncode}"
                        f"{': ' + detail[-1] if detail else ''})", "re-export the page as PNG or PDF.")
    return out.decode("utf-8", "replace")


def band_words(crop: Image.Image, work_png: Path, languages: str, timeout: float, psm: int,
               variables: tuple[tuple[str, str], ...] = ()) -> list[OcrWord]:
    """Words of a band crop; a band that fails or times out reads as nothing (the first pass stands)."""
    try:
        return words(crop, languages, timeout, psm, variables, scratch=work_png.with_name(work_png.stem + "-band.png"))
    except (OcrTimeout, OcrFailed):
        return []


def words(image: Image.Image, languages: str, timeout: float, psm: int | None = None,
          variables: tuple[tuple[str, str], ...] = (), scratch: Path | None = None) -> list[OcrWord]:
    """The words of one image (OcrEngine.words): run_tesseract's TSV parsed. Raises OcrTimeout or OcrFailed."""
    return parse_words(run_tesseract(image, languages, timeout, psm, variables, scratch))
