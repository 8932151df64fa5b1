"""Tesseract OCR of one page image: size the text, call Tesseract, parse its TSV into lines, bands and confidence.

Two engines read alike (`engine` in ocr.toml, or EVPACK_OCR_ENGINE): "library", in this process through tesserocr
with a loaded model kept per configuration, and "cli", a `tesseract` child per call that gets the image as a PNG
file in the work folder. Either way Tesseract runs on one OpenMP thread (parallelism comes from the process pool)
and every call has a timeout (OcrTimeout). Settings live in `ocr.toml` beside this module.
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
from dataclasses import dataclass, replace
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps
from rapidfuzz.distance import Levenshtein

from pipeline import runtime
from pipeline.datafiles import load_toml
from pipeline.output import imageops
from pipeline.errors import MissingDependencyError, OcrFailed, OcrTimeout, UsageError
from pipeline.fields.scripts import CJK_PUNCTUATION, HAN, HANGUL_SYLLABLE, LATIN, RANGES
from pipeline.model import PageReading

SETTINGS_FILE = Path(__file__).with_name("ocr.toml")
ENGINE_VARIABLE = "EVPACK_OCR_ENGINE"
ENGINE_KINDS = ("library", "cli")
TIMEOUT_FIX = "give evpack more time (--ocr-timeout) or a smaller, sharper image."
LIBRARY_FIX = ("install evpack's Python dependencies again (`make setup`; tesserocr builds against the system "
               "Tesseract: `sudo apt-get install libtesseract-dev libleptonica-dev pkg-config g++`), or set "
               "engine = \"cli\" in pipeline/reading/ocr.toml.")
INSTALL_FIX = ("install Tesseract with its Korean data: `sudo apt-get install tesseract-ocr tesseract-ocr-kor "
               "tesseract-ocr-chi-sim`, or `make setup`.")
HANGUL = HANGUL_SYLLABLE  # a word with a whole syllable is Korean; a lone jamo is OCR noise
# Tesseract puts a space between Chinese characters it reads one by one; Chinese is written without spaces.
SPACE_BETWEEN_HAN = re.compile(f"(?<=[{RANGES['han']}{CJK_PUNCTUATION}]) (?=[{RANGES['han']}{CJK_PUNCTUATION}])")


@dataclass(frozen=True)
class OcrSettings:
    engine: str
    binary: str
    psm: int
    invert_doubtful_lines: bool
    pdf_page_psm: int
    portrait_psm: int
    languages: str
    chinese_languages: str
    chinese_retry_below_confidence: float
    chinese_retry_min_words: int
    chinese_retry_min_han: int
    fast_model_max_bytes: int
    band_min_px: float
    band_max_px: float
    upscale_target_px: float
    downscale_target_px: float
    max_upscale: float
    max_ocr_pixels: int
    strip_px: int
    edge_threshold: int
    min_edges_per_row: int
    min_line_px: int
    max_line_fraction: float
    header_fraction: float
    footer_fraction: float
    min_text_layer_chars: int
    render_dpi: float
    max_image_pixels: int
    dark_mean_below: float
    white_row_above: float
    background_kernel_glyphs: float
    rule_min_glyphs: float
    rule_dark_below: int
    rule_max_thickness_glyphs: float
    url_hint: str
    url_piece: str
    bar_search_fraction: float
    bar_path_shape: str
    bar_scheme_shape: str
    bar_score_path: float
    bar_score_scheme: float
    bar_score_per_char: float
    bar_score_max_chars: int
    bar_score_other_entry: float
    bar_score_edge: float
    bar_min_score: float
    bar_garble_hint: str
    bar_languages: str
    bar_psm: int
    bar_whitelist: str
    bar_icon_marks: str
    bar_url_shape: str
    bar_clean_url: str
    bar_vote_multipliers: tuple[float, ...]
    bar_target_px: float
    bar_max_scale: float
    bar_pad_fraction: float
    bar_join_gap_fraction: float
    bar_end_gap_glyphs: float
    bar_url_text: str
    bar_icon_max_width: float
    bar_reread_text: str
    building_number: str
    building_road: str
    building_retry_max_words: int
    building_pad_heights: float
    jpeg_cost_weight: float
    clock_anchor: str
    clock_time_mark: str
    clock_date_mark: str
    clock_score_time: float
    clock_score_date: float
    clock_score_edge: float
    clock_min_score: float
    clock_garble: str
    clock_score_garble: float
    clock_max_boxes: int
    clock_join_heights: float
    clock_pad_heights: float
    clock_pad_lines: float
    clock_target_px: float
    clock_max_scale: float
    clock_vote_multipliers: tuple[float, ...]
    clock_pm: str
    clock_psm: int
    clock_time: str
    clock_time_like: str
    clock_date: str
    clock_languages: tuple[str, ...]
    retry_below_confidence: float
    retry_after_unit: str
    retry_number_min_digits: int
    retry_languages: str
    retry_psm: int
    retry_pad_fraction: float
    retry_scale: float
    retry_max_lines: int
    number_retry_min_digits: int
    number_retry_below_confidence: float
    number_retry_languages: str
    number_retry_psm: int
    number_retry_pad_fraction: float
    number_retry_max_words: int
    version: str  # hash of the settings file and of evpack's code (runtime.code_fingerprint): the read cache's key

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE, code: str | None = None) -> OcrSettings:
        """The settings of `path`; `code`: the code fingerprint their version covers (default: this evpack's)."""
        data = load_toml(path, "OCR settings")
        # Every key is a setting (a misspelt one fails here), but a pattern's examples, which a test runs.
        flat = {k: tuple(v) if isinstance(v, list) else v for section in data.values() for k, v in section.items()
                if not k.endswith("_examples")}
        # The code that reads is part of the key too: a new band pass must not meet reads cached without it.
        digest = hashlib.sha256(path.read_bytes() + (code or runtime.code_fingerprint()).encode())
        return cls(**flat, version=digest.hexdigest()[:12])


@cache
def settings() -> OcrSettings:
    return OcrSettings.load()


# ---- the engine --------------------------------------------------------------------------------

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


def run_tesseract(image: Image.Image, languages: str, timeout: float, psm: int | None = None,
                  variables: tuple[tuple[str, str], ...] = (), scratch: Path | None = None) -> str:
    """Tesseract's TSV of one image (`variables`: Tesseract settings, as `-c name=value`), by the engine ocr.toml
    names. `scratch`: where the CLI engine writes the image for its child (removed afterwards). Raises OcrTimeout
    or OcrFailed."""
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
# Loaded Tesseract instances of this process, by languages and settings: loading kor+eng costs more than reading a
# band.
_APIS: dict[tuple, object] = {}


def _run_library(image: Image.Image, languages: str, timeout: float, psm: int,
                 variables: tuple[tuple[str, str], ...]) -> str:
    """The in-process engine (tesserocr): a loaded model per configuration and process, Tesseract's own deadline
    as the timeout. A cancelled instance is dropped: its partial results are unsafe to read (Tesseract 5.5
    crashes on them)."""
    tesserocr = _tesserocr()
    # The page segmentation mode is set per call, so one loaded model serves the page, its clock and its stack.
    key = (os.getpid(), threading.get_ident(), languages, variables)
    api = _APIS.get(key)
    if api is None:
        try:
            api = tesserocr.PyTessBaseAPI(path=str(engine().tessdata), lang=languages,
                                          variables=dict(variables))
        except RuntimeError as exc:
            raise MissingDependencyError(f"Tesseract could not load {languages} ({exc}).", INSTALL_FIX) from None
        runtime.quiet_leptonica()  # loading a model resets Leptonica's message severity
        _APIS[key] = api
    started = time.monotonic()
    api.SetPageSegMode(psm)
    api.SetImage(image)
    if not api.Recognize(timeout=max(1, round(timeout * 1000))):
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


# ---- TSV ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OcrWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: tuple[str, ...]  # Tesseract's block, paragraph and line numbers

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass(frozen=True)
class OcrLine:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # mean word confidence

    @property
    def centre_y(self) -> float:
        return self.top + self.height / 2


def parse_words(tsv: str) -> list[OcrWord]:
    """The recognised words of a Tesseract TSV, in reading order (empty and malformed rows skipped)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        try:
            left, top, width, height = (int(c) for c in cells[6:10])
            conf = float(cells[10])
        except ValueError:
            continue
        if text and conf >= 0:
            words.append(OcrWord(text, left, top, width, height, conf, tuple(cells[1:5])))
    return words


def parse_tsv(tsv: str) -> tuple[tuple[OcrLine, ...], float | None]:
    """The text lines (in reading order, boxes enclosing their words) and the mean word confidence."""
    return lines_of(parse_words(tsv))


def lines_of(words: list[OcrWord]) -> tuple[tuple[OcrLine, ...], float | None]:
    """Words grouped into lines (boxes enclosing their words) and the mean word confidence."""
    grouped: dict[tuple[str, ...], list[OcrWord]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    lines = []
    for group in grouped.values():
        left = min(w.left for w in group)
        top = min(w.top for w in group)
        text = SPACE_BETWEEN_HAN.sub("", " ".join(w.text for w in group))
        lines.append(OcrLine(text=text, left=left, top=top, width=max(w.right for w in group) - left,
                             height=max(w.top + w.height for w in group) - top,
                             confidence=sum(w.confidence for w in group) / len(group)))
    mean = sum(w.confidence for w in words) / len(words) if words else None
    return tuple(lines), mean


def band_text(lines: tuple[OcrLine, ...], image_height: int, header_fraction: float,
              footer_fraction: float) -> tuple[str, str]:
    """Text of the lines centred in the top band (address bar) and in the bottom band (taskbar clock)."""
    header = [line.text for line in lines if line.centre_y < image_height * header_fraction]
    footer = [line.text for line in lines if line.centre_y > image_height * (1 - footer_fraction)]
    return "\n".join(header), "\n".join(footer)


# ---- sizing and quality ------------------------------------------------------------------------

def glyph_height(gray: np.ndarray, cfg: OcrSettings | None = None) -> float | None:
    """Median height in px of the text lines, or None when no text-like rows are found.

    Edges (grey-level steps between neighbours) rather than dark pixels, so dark mode, coloured bars and
    photos of screens need no threshold; per vertical strip, so columns with offset lines stay apart.
    """
    cfg = cfg or settings()
    height, width = gray.shape
    edges = np.abs(np.diff(gray.astype(np.int16), axis=1)) >= cfg.edge_threshold
    runs: list[int] = []
    max_line = max(cfg.min_line_px, int(height * cfg.max_line_fraction))
    for x0 in range(0, max(1, width - 1), cfg.strip_px):
        text_rows = edges[:, x0:x0 + cfg.strip_px].sum(axis=1) >= cfg.min_edges_per_row
        runs.extend(r for r in run_lengths(text_rows) if cfg.min_line_px <= r <= max_line)
    return float(np.median(runs)) if runs else None


def run_lengths(flags: np.ndarray) -> list[int]:
    """Lengths of the runs of True in a 1-D boolean array."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return (changes[1::2] - changes[::2]).tolist()


def without_rules(gray: Image.Image, glyph_px: float | None, cfg: OcrSettings) -> Image.Image:
    """The page with its dark ruling lines (table borders of a receipt or form) painted white: Tesseract's layout
    analysis drops whole bordered table rows, numbers and all. A rule is a straight dark run many glyphs long;
    glyph strokes are far shorter. Light-grey screen borders are not dark enough to count."""
    if glyph_px is None:
        return gray
    length = round(cfg.rule_min_glyphs * glyph_px)
    reach = max(2, round(cfg.rule_max_thickness_glyphs * glyph_px))
    dark = np.asarray(gray) < cfg.rule_dark_below
    rules = (on_long_runs(dark, length) & thin(dark, reach)) | (on_long_runs(dark.T, length) & thin(dark.T, reach)).T
    if not rules.any():
        return gray
    cleaned = np.asarray(gray).copy()
    cleaned[rules] = 255
    return Image.fromarray(cleaned)


# Rule finding works on blocks of about this many pixels: whole-image int32 running sums of a 35 MP label photo
# took the reader to ~1 GB. Columns (thin) and rows (on_long_runs) are independent, so blocks give the same result.
BLOCK_PIXELS = 1 << 20


def thin(dark: np.ndarray, reach: int) -> np.ndarray:
    """Dark pixels with a light pixel within `reach` rows above and within `reach` rows below: a line, not a dark
    area (a screen's dark background in a photo, a black bar) whose long runs and edges must stay."""
    out = np.empty_like(dark)
    step = max(1, BLOCK_PIXELS // max(1, dark.shape[0]))
    for left in range(0, dark.shape[1], step):
        out[:, left:left + step] = _thin_block(dark[:, left:left + step], reach)
    return out


def _thin_block(dark: np.ndarray, reach: int) -> np.ndarray:
    height, width = dark.shape
    padded = np.concatenate([np.zeros((reach, width), bool), dark, np.zeros((reach, width), bool)])
    sums = np.concatenate([np.zeros((1, width), np.int32), np.cumsum(padded, axis=0, dtype=np.int32)])
    rows = np.arange(height)
    dark_above = (sums[rows + reach] - sums[rows]) == reach  # all `reach` rows above are dark
    dark_below = (sums[rows + 2 * reach + 1] - sums[rows + reach + 1]) == reach
    return dark & ~dark_above & ~dark_below


def on_long_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels of a 2-D boolean mask lying on a horizontal run of at least `length` True values."""
    out = np.empty_like(mask)
    step = max(1, BLOCK_PIXELS // max(1, mask.shape[1]))
    for top in range(0, mask.shape[0], step):
        out[top:top + step] = _long_runs_block(mask[top:top + step], length)
    return out


def _long_runs_block(mask: np.ndarray, length: int) -> np.ndarray:
    height, width = mask.shape
    if width < length or length < 1:
        return np.zeros_like(mask)
    sums = np.concatenate([np.zeros((height, 1), np.int32), np.cumsum(mask, axis=1, dtype=np.int32)], axis=1)
    starts = (sums[:, length:] - sums[:, :-length]) == length  # the run of `length` starting here is all True
    count = np.concatenate([np.zeros((height, 1), np.int32), np.cumsum(starts, axis=1, dtype=np.int32)], axis=1)
    # A pixel is covered when a full run starts within the `length` pixels ending at it.
    upper = np.concatenate([count, np.repeat(count[:, -1:], length - 1, axis=1)], axis=1)[:, 1:width + 1]
    lower = np.concatenate([np.zeros((height, length - 1), np.int32), count], axis=1)[:, :width]
    return (upper - lower) > 0


def ocr_scale(glyph_px: float | None, size: tuple[int, int], cfg: OcrSettings | None = None) -> float:
    """Factor for the OCR copy: 1 inside the glyph band, else to the target of its side; capped in pixels."""
    cfg = cfg or settings()
    scale = 1.0
    if glyph_px is not None and glyph_px < cfg.band_min_px:
        scale = min(cfg.upscale_target_px / glyph_px, cfg.max_upscale)
    elif glyph_px is not None and glyph_px > cfg.band_max_px:
        scale = cfg.downscale_target_px / glyph_px
    pixels = size[0] * size[1] * scale * scale
    if pixels > cfg.max_ocr_pixels:
        scale *= (cfg.max_ocr_pixels / pixels) ** 0.5
    return scale


def sharpness(gray: np.ndarray, strip_rows: int = 256) -> float:
    """Variance of the 4-neighbour Laplacian of a greyscale array: low means blurred.

    Summed exactly in integers over strips of rows, so a 24 MP OCR copy needs a few MB at a time instead of
    whole-image float arrays (~0.4 GB); the value does not depend on the strip height. Measured on the OCR copy
    itself, never a smaller one: downscaling hides blur (the phone photo of a monitor in samples/ scores 25 on its
    copy, 180 at half size)."""
    height = gray.shape[0]
    count = total = squares = 0
    for top in range(1, height - 1, strip_rows):
        g = gray[top - 1:min(height, top + strip_rows + 1)].astype(np.int32)
        lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
        count += lap.size
        total += int(lap.sum(dtype=np.int64))
        squares += int(np.square(lap).sum(dtype=np.int64))
    return squares / count - (total / count) ** 2 if count else 0.0


def denoised_sharpness(gray: np.ndarray, kernel: int = 5) -> float:
    """`sharpness` after a median filter of `kernel` pixels: a camera's sensor noise adds to the variance of the
    Laplacian as much as edges do (a defocused, noisy 12 MP label photo scored 690, a sharp one 600), while a median
    keeps a glyph's edges and removes the noise (the same photos: 10 and 550; bench/tune_quality.py)."""
    return sharpness(cv2.medianBlur(np.ascontiguousarray(gray, dtype=np.uint8), kernel))


def ocr_copy(image: Image.Image, cfg: OcrSettings | None = None) -> Image.Image:
    """Greyscale copy for Tesseract, dark mode inverted, resized so its glyphs fall in the band."""
    cfg = cfg or settings()
    gray = light_background(imageops.visible_rgb(image).convert("L"), cfg)
    glyph = glyph_height(np.asarray(gray), cfg)
    return enlarged(gray, ocr_scale(glyph, gray.size, cfg))


def light_background(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """The image inverted when it is mostly dark (dark mode): Tesseract reads dark text on light best."""
    return ImageOps.invert(gray) if np.asarray(gray).mean() < cfg.dark_mean_below else gray


def light_rows(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """Rows whose background (median grey) is dark inverted: a dark browser toolbar above a light page. Tesseract
    read such a bar's light URL as `11105://\0000402005.6000...`; inverted, as text it knows."""
    pixels = np.asarray(gray)
    dark = row_background(pixels) < cfg.dark_mean_below
    if not dark.any() or dark.all():
        return gray
    return Image.fromarray(np.where(dark[:, None], 255 - pixels, pixels).astype(np.uint8))


def row_background(pixels: np.ndarray) -> np.ndarray:
    """Each row's median grey, from every 4th column (np.median copies what it sorts: a 35 MP page costs 9 MB, not
    35 MB)."""
    return np.median(pixels[:, ::4], axis=1)


def even_background(gray: Image.Image, glyph_px: float | None, cfg: OcrSettings) -> Image.Image:
    """Each pixel divided by its neighbourhood's background (a grey closing wider than a stroke): a photographed
    screen's moiré and uneven light gone, text kept. On the warped photos of monitors the address bar then read
    `https-/Avww.dhl.com/kr-en/...` where it read `nttos/www.dhicom` or nothing (bench/tune_rectify.py)."""
    if glyph_px is None:
        return gray
    side = max(3, round(cfg.background_kernel_glyphs * glyph_px)) | 1
    pixels = np.asarray(gray).astype(np.float32)
    background = cv2.morphologyEx(pixels, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    return Image.fromarray(np.clip(np.rint(pixels / np.maximum(background, 1.0) * 255), 0, 255).astype(np.uint8))


def white_rows(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """Each row scaled so its background (median grey) is white. Tesseract dropped a grey toolbar above a white
    page altogether, URL and all (its layout analysis took the step in background for a picture's edge). Used on
    the address-bar band only: on whole pages it cost more than it gave (tuning corpus: URL hosts 0.90 -> 0.85)."""
    pixels = np.asarray(gray)
    background = row_background(pixels)
    if background.min() >= cfg.white_row_above:
        return gray
    rows = pixels.astype(np.float32) * (255.0 / np.maximum(background, 1.0))[:, None]
    return Image.fromarray(np.clip(np.rint(rows), 0, 255).astype(np.uint8))


def enlarged(gray: Image.Image, scale: float) -> Image.Image:
    """`gray` resized by `scale` (Lanczos); itself when the change would be under 5%."""
    if abs(scale - 1.0) <= 0.05:
        return gray
    return gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                       Image.Resampling.LANCZOS)


# ---- band passes: the address bar and the taskbar clock of a screenshot, read again on their own ----------

def address_bar_words(words: list[OcrWord], image_height: float, cfg: OcrSettings) -> list[OcrWord]:
    """The first-pass words that make up the address bar's URL, [] if no row looks like one: of the runs of
    URL-looking words (with their neighbours on the same line: OCR splits URLs at digits and dots; toolbar icons
    further off left out), the one that scores best as a browser's address bar (bar_score). A page holds one
    address bar; tab titles and bookmarks that are hosts are other entries of their rows, never the bar."""
    hint = re.compile(cfg.url_hint)
    candidates = [w for w in words if hint.search(w.text) and 0 <= w.top + w.height / 2 < image_height]
    best, best_score = [], cfg.bar_min_score
    for line in dict.fromkeys(w.line for w in candidates):  # in reading order: a tie goes to the earlier run
        run = _url_run(words, [w for w in candidates if w.line == line], candidates, cfg)
        score = bar_score(run, words, candidates, image_height, cfg)
        if score > best_score:
            best, best_score = run, score
    return best


def _url_run(words: list[OcrWord], on_line: list[OcrWord], candidates: list[OcrWord],
             cfg: OcrSettings) -> list[OcrWord]:
    """The longest URL-looking word of a line and the words joined to it without a wide gap."""
    piece = re.compile(cfg.url_piece)
    seed = max(on_line, key=lambda w: len(w.text))
    row = sorted((w for w in words if w.line == seed.line), key=lambda w: w.left)
    reach = cfg.bar_join_gap_fraction * max(w.height for w in row)
    # The URL starts at the leftmost URL-looking word joined to the seed without a wide gap: the longest may be its
    # query (`https:/erice:epost.go` `kr/trace` ... `comm?POST_CODE=EM711777744CN`).
    at = row.index(seed)
    for i in range(at - 1, -1, -1):
        if row[i + 1].left - row[i].right > reach:
            break
        if row[i] in candidates:
            at = i
    first = last = at
    right = row[at].right  # word boxes may overlap: the gap is measured from the furthest right so far
    while last + 1 < len(row) and row[last + 1].left - right <= reach:
        last += 1
        right = max(right, row[last].right)
    # Leftwards only pieces of a URL: the lock icon sits just left of it.
    while first > 0 and row[first].left - row[first - 1].right <= reach and piece.search(row[first - 1].text):
        first -= 1
    return row[first:last + 1]


def bar_score(run: list[OcrWord], words: list[OcrWord], candidates: list[OcrWord], image_height: float,
              cfg: OcrSettings) -> float:
    """How much a run of URL words looks like the browser's address bar (see ocr.toml [address_bar]): a path or
    query and a scheme count for it, and its length up to a point; every other URL-looking entry on its row (a tab
    strip, a bookmarks bar) and its distance from the nearer of the top and bottom edges count against it."""
    text = "".join(w.text for w in run)
    top, bottom = min(w.top for w in run), max(w.top + w.height for w in run)
    others = [w for w in candidates if w not in run and top <= w.top + w.height / 2 <= bottom]
    centre = (top + bottom) / 2
    edge = min(centre, image_height - centre) / max(1.0, image_height)
    return (cfg.bar_score_path * bool(re.search(cfg.bar_path_shape, text))
            + cfg.bar_score_scheme * bool(re.search(cfg.bar_scheme_shape, text))
            + cfg.bar_score_per_char * min(len(text), cfg.bar_score_max_chars)
            + cfg.bar_score_other_entry * len(others)
            + cfg.bar_score_edge * edge)


def icon_before(row_words: list[OcrWord], bar: list[OcrWord], cfg: OcrSettings) -> OcrWord | None:
    """The nearest icon left of the URL (the lock), where the bar's crop starts. Words of URL text there are more
    of the URL, which the first pass did not recognise as such (`RetrieveEmsRigiTraceList` before
    `comm?POST_CODE=...`), and so are words wider than an icon that the Korean re-read made (see ocr.toml)."""
    return max((w for w in row_words if w.line == bar[0].line and w.right <= bar[0].left
                and not re.fullmatch(cfg.bar_url_text, w.text)
                and not (w.width > cfg.bar_icon_max_width * w.height and re.search(cfg.bar_reread_text, w.text))),
               key=lambda w: w.right, default=None)


def read_address_bar(gray: Image.Image, bar: list[OcrWord], before: OcrWord | None, scale: float, work_png: Path,
                     timeout: float, cfg: OcrSettings) -> tuple[str, ...]:
    """The URL row read again: cropped from the original pixels (from just after `before`, the word left of the
    URL), enlarged, one line of URL characters, at several scales. Its distinct reads, the consensus first (then
    those with a host-like name); () when nothing was read."""
    top = min(w.top for w in bar) / scale
    bottom = max(w.top + w.height for w in bar) / scale
    pad = cfg.bar_pad_fraction * (bottom - top)
    # Never into the word before the URL (the lock icon): it would be read as a leading `1`, `!` or `.`.
    stop = (before.right / scale + 1) if before else 0
    # The URL's ink decides where it starts: the first pass may have put its start on another line or nowhere (a
    # photo's tilted bar), or lost a short first label (`mc.` of mc.coupang.com).
    left = max(stop, ink_end(gray, round(top), round(bottom), round(bar[0].left / scale), -1, cfg))
    left = max(left - pad, stop)
    right = ink_end(gray, round(top), round(bottom), round(max(w.right for w in bar) / scale), 1, cfg)
    box = (max(0, round(left)), max(0, round(top - pad)),
           min(gray.width, round(right + pad)), min(gray.height, round(bottom + pad)))
    if box[2] <= box[0] or box[3] <= box[1]:
        return ()  # words placed outside the image: nothing to read there
    crop = light_background(gray.crop(box), cfg)
    factor = min(cfg.bar_max_scale, max(1.0, cfg.bar_target_px / max(1.0, bottom - top)))
    first = _bar_read(crop, factor, False, work_png, timeout, cfg)
    if re.match(cfg.bar_clean_url, first):
        return (first,)
    # A doubtful read: the row again at other scales, and binarised (Otsu) at each, which fails elsewhere than
    # Tesseract's own thresholding (a grey path beside a black host). Each garbles other characters of a JPEG
    # re-save or a photographed bar; the read closest to all the others (fewest edits in total) keeps what most
    # agree on. Reads with a host-like name come first.
    scales = sorted({round(min(cfg.bar_max_scale, max(1.0, factor * m)), 2) for m in cfg.bar_vote_multipliers})
    reads = [text for text in [first] + [_bar_read(crop, again, binarise, work_png, timeout, cfg)
                                         for binarise in (False, True) for again in scales
                                         if binarise or again != factor] if text]
    shaped = [text for text in reads if re.search(cfg.bar_url_shape, text)]
    best = consensus(shaped or reads)
    return tuple(dict.fromkeys([best, *shaped, *reads])) if best else ()


def consensus(reads: list[str]) -> str:
    """The read with the fewest edits to all the others (the set median); the earliest wins a tie; "" if none."""
    if not reads:
        return ""
    return min(reads, key=lambda read: sum(Levenshtein.distance(read, other) for other in reads))


def ink_end(gray: Image.Image, top: int, bottom: int, start: int, step: int, cfg: OcrSettings) -> int:
    """Where the URL's ink ends on its row, going from `start` right (step 1) or left (step -1): the first pass may
    have ended the URL early or split it (`https://service.epost:go:k` | `r/trace...`), and the crop must hold all
    of it. Ink is a column with an edge (as glyph_height sees text); the URL ends at a blank run wider than
    bar_end_gap_glyphs row heights (the toolbar icons sit further off)."""
    rows = np.asarray(gray)[max(0, top):max(top + 1, bottom)].astype(np.int16)
    if rows.size == 0:
        return start
    steps = np.abs(np.diff(rows, axis=1)).max(axis=0)
    # Grey URL text on a photographed screen steps less than edge_threshold: the row's own contrast sets the bar
    # (half its strongest steps, above twice its background's).
    median, strong = np.percentile(steps, [50, 99])
    ink = steps >= min(cfg.edge_threshold, max(2 * median, strong / 2))
    gap = max(1, round(cfg.bar_end_gap_glyphs * (bottom - top)))
    end, blank, x = start, 0, start
    while 0 <= x < ink.size:
        if ink[x]:
            end, blank = (x + 1 if step > 0 else x), 0
        else:
            blank += 1
            if blank > gap:
                break
        x += step
    return end


def binarised(gray: Image.Image) -> Image.Image:
    """Black on white by Otsu's threshold (a dark strip inverted), whatever the strip's own background."""
    _, otsu = cv2.threshold(np.asarray(gray), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(255 - otsu if otsu.mean() < 128 else otsu)


def _bar_read(crop: Image.Image, factor: float, binarise: bool, work_png: Path, timeout: float,
              cfg: OcrSettings) -> str:
    image = enlarged(crop, factor)
    if binarise:
        image = binarised(image)
    words = _band_words(image, work_png, cfg.bar_languages, timeout, cfg.bar_psm,
                        (("tessedit_char_whitelist", cfg.bar_whitelist),))
    # A URL holds no spaces: OCR's spaces inside it are noise. The lock icon left of it reads as `@` or `!`.
    return "".join(w.text for w in words).lstrip(cfg.bar_icon_marks)


def bar_looks_garbled(words: list[OcrWord], gray: Image.Image, copy_height: float, cfg: OcrSettings) -> bool:
    """A first-pass row in the bar's search band that may be a URL read as garbage (see ocr.toml), or no word at
    all there although the band holds text-like rows (Tesseract's layout analysis skipped a grey toolbar)."""
    hint = re.compile(cfg.bar_garble_hint)
    band = [w for w in words if w.top + w.height / 2 < copy_height * cfg.bar_search_fraction]
    if not band:
        rows = np.asarray(gray)[:max(1, round(gray.height * cfg.bar_search_fraction))]
        return glyph_height(rows, cfg) is not None
    lines, _ = lines_of(band)
    return any(hint.search(line.text) for line in lines)


def top_band_latin_words(gray: Image.Image, scale: float, work_png: Path, timeout: float,
                         cfg: OcrSettings) -> list[OcrWord]:
    """Words of the band where an address bar may be (bar_search_fraction of the height), read with the bar's
    languages at the OCR copy's scale, in OCR-copy coordinates, on lines of their own ("band", ...)."""
    band = gray.crop((0, 0, gray.width, max(1, round(gray.height * cfg.bar_search_fraction))))
    words = _band_words(enlarged(white_rows(band, cfg), scale), work_png, cfg.bar_languages, timeout, cfg.psm)
    return [replace(w, line=("band",) + w.line) for w in words]


def clock_candidates(words: list[OcrWord], size: tuple[int, int],
                     cfg: OcrSettings) -> list[tuple[tuple[int, int, int, int], int]]:
    """Where the screen's clock may be, best first, at most clock_max_boxes: the box (OCR-copy pixels) and text
    height of clusters of first-pass words that look like pieces of a clock (clock_anchor: a time, a date,
    오후/PM/下午, 월/日, a weekday; clock_garble: digits alone), scored by grammar (a time, a date) and by nearness to
    the top or bottom edge of the screen (a taskbar at the bottom or the top, or at a side with its clock at the
    bottom; a menu bar, a status bar), never by a fixed corner."""
    anchor, time_like = re.compile(cfg.clock_anchor), re.compile(cfg.clock_time_mark)
    garble = re.compile(cfg.clock_garble)
    anchors = [w for w in words if anchor.search(w.text) or garble.search(w.text)]
    clusters: list[list[OcrWord]] = []
    for word in sorted(anchors, key=lambda w: (w.top, w.left)):
        near = [c for c in clusters if any(_clock_neighbours(word, other, cfg) for other in c)]
        merged = [word] + [w for c in near for w in c]
        clusters = [c for c in clusters if c not in near] + [merged]
    # A clock's piece the first pass garbled past recognition still holds digits (`38112` for 3월 11일): words with
    # digits on a cluster's line and within reach join it.
    for cluster in clusters:
        while grown := [w for w in words if w not in cluster and any(c.isdigit() for c in w.text)
                        and any(w.line == c.line and _clock_neighbours(w, c, cfg) for c in cluster)]:
            cluster += grown
    width, height = size
    scored = []
    for cluster in clusters:
        text = " ".join(w.text for w in cluster)
        has_time = bool(time_like.search(text))
        has_date = bool(re.search(cfg.clock_date_mark, text))
        garbled = any(garble.search(w.text) for w in cluster)
        left, top = min(w.left for w in cluster), min(w.top for w in cluster)
        right, bottom = max(w.right for w in cluster), max(w.top + w.height for w in cluster)
        edge = min(top, height - bottom) / max(1, height)
        score = (cfg.clock_score_time * has_time + cfg.clock_score_date * has_date
                 + cfg.clock_score_garble * (garbled and not has_time and not has_date) + cfg.clock_score_edge * edge)
        if score >= cfg.clock_min_score:
            line = min(w.height for w in cluster if anchor.search(w.text) or garble.search(w.text))
            scored.append((score, ((left, top, right, bottom), line)))
    return [found for _, found in sorted(scored, key=lambda item: -item[0])[:cfg.clock_max_boxes]]


def clock_crop(gray: Image.Image, box: tuple[int, int, int, int], line: float,
               cfg: OcrSettings) -> tuple[int, int, int, int]:
    """The crop (original pixels) that holds a clock whose first-pass pieces lie in `box` (original pixels, text
    `line` px high): widened both ways to where the ink of its rows ends (the first pass may have seen only the
    time of `3月2日 周一 20:39`), then by clock_pad_heights text heights across and clock_pad_lines down and up (the
    other line of a two-line clock, unseen by the first pass)."""
    left, top, right, bottom = box
    left = ink_end(gray, top, bottom, left, -1, cfg)
    right = ink_end(gray, top, bottom, right, 1, cfg)
    pad_x, pad_y = round(cfg.clock_pad_heights * line), round(cfg.clock_pad_lines * line)
    return (max(0, left - pad_x), max(0, top - pad_y), min(gray.width, right + pad_x),
            min(gray.height, bottom + pad_y))


def _clock_neighbours(a: OcrWord, b: OcrWord, cfg: OcrSettings) -> bool:
    """Two clock pieces of one clock: on one line or on stacked lines, within clock_join_heights of each other."""
    reach = cfg.clock_join_heights * max(a.height, b.height)
    gap_x = max(a.left, b.left) - min(a.right, b.right)
    gap_y = max(a.top, b.top) - min(a.top + a.height, b.top + b.height)
    return gap_x <= reach and gap_y <= reach


def read_clock(gray: Image.Image, box: tuple[int, int, int, int], factor: float, work_png: Path, timeout: float,
               cfg: OcrSettings) -> list[str]:
    """The clock's lines in `box` (original pixels), read on their own as sparse text at `factor` times the
    clock_vote_multipliers, until two whole reads agree (see clock_of). Where no read is whole but one shows more
    than a time (a date its languages cannot read: `3月11日 周三`), the next of clock_languages reads it too."""
    reads: list[list[str]] = []
    installed = engine().languages
    for languages in cfg.clock_languages:
        if not set(languages.split("+")) <= installed:
            continue
        for multiplier in cfg.clock_vote_multipliers:
            reads.append(_clock_lines(gray, box, round(factor * multiplier, 2), languages, work_png, timeout, cfg))
            if _agreeing(reads, cfg):
                return clock_of(reads, cfg)
        # Another script may show the rest: `I— 20:39` is `3月2日 周一 20:39` read as kor+eng.
        if any(whole_clock(read, cfg) for read in reads) or not any(
                len("".join(re.sub(cfg.clock_time_mark, "", line).split())) >= 2 and not re.search(cfg.clock_date, line)
                for read in reads for line in read if re.search(cfg.clock_time_like, line)):
            break
    return clock_of(reads, cfg)


def _agreeing(reads: list[list[str]], cfg: OcrSettings) -> bool:
    keys = [_clock_key(read, cfg) for read in reads if whole_clock(read, cfg)]
    return len(keys) != len(set(keys))


def _clock_key(lines: list[str], cfg: OcrSettings) -> str:
    """What a read says the time is: its digits (the date and the time), with whether it reads a PM marker."""
    text = "\n".join(lines)
    return "".join(c for c in text if c.isdigit()) + ("+" if re.search(cfg.clock_pm, text) else "")


def clock_of(reads: list[list[str]], cfg: OcrSettings) -> list[str]:
    """The clock the reads show: the whole read (a time line and a date, ocr.toml) whose time and date most whole
    reads agree on (the earliest among equals); else the first whole time line and date line of all the reads; else
    the first read less its times without 오전/오후 (their hour is unknown)."""
    whole = [read for read in reads if whole_clock(read, cfg)]
    if whole:
        votes = Counter(_clock_key(read, cfg) for read in whole)
        return next(read for read in whole if votes[_clock_key(read, cfg)] == max(votes.values()))
    lines = [line for read in reads for line in read]
    time_line = next((line for line in lines if re.search(cfg.clock_time, line)), None)
    date_line = next((line for line in lines if re.search(cfg.clock_date, line)), None)
    if time_line and date_line:
        return [time_line, date_line]
    first = reads[0] if reads else []
    return [line for line in first if re.search(cfg.clock_time, line) or not re.search(cfg.clock_time_like, line)]


def whole_clock(lines: list[str], cfg: OcrSettings) -> bool:
    text = "\n".join(lines)
    return bool(re.search(cfg.clock_time, text) and re.search(cfg.clock_date, text))


def _clock_lines(gray: Image.Image, box: tuple[int, int, int, int], scale: float, languages: str, work_png: Path,
                 timeout: float, cfg: OcrSettings) -> list[str]:
    crop = light_background(gray.crop(box), cfg)
    words = _band_words(enlarged(crop, scale), work_png, languages, timeout, cfg.clock_psm)
    lines, _ = lines_of(words)
    # Only lines with digits: the tray's labels (ENG, 한, icons read as `=`) would part the time from the date.
    return [line.text for line in lines if any(c.isdigit() for c in line.text)]


def _band_words(crop: Image.Image, work_png: Path, languages: str, timeout: float, psm: int,
                variables: tuple[tuple[str, str], ...] = ()) -> list[OcrWord]:
    """Words of a band crop; a band that fails or times out reads as nothing (the first pass stands)."""
    try:
        return parse_words(run_tesseract(crop, languages, timeout, psm, variables,
                                         scratch=work_png.with_name(work_png.stem + "-band.png")))
    except (OcrTimeout, OcrFailed):
        return []


def with_bands(words: list[OcrWord], gray: Image.Image, copy_size: tuple[int, int], work_png: Path,
               timeout: float, cfg: OcrSettings) -> tuple[list[OcrWord], tuple[str, ...]]:
    """The first-pass words with the address bar's URL and the taskbar clock replaced by their band reads, and
    the address bar's reads (consensus first; see read_address_bar)."""
    scale = copy_size[0] / gray.width
    row_words = words
    bar_reads: tuple[str, ...] = ()
    bar = address_bar_words(words, copy_size[1], cfg)
    if not bar and bar_looks_garbled(words, gray, copy_size[1], cfg):
        # kor+eng may read a whole URL row as Hangul garbage (measured on q55 re-saves and dark toolbars); the top
        # band alone, read as Latin, finds the bar again.
        row_words = top_band_latin_words(gray, scale, work_png, timeout, cfg)
        bar = address_bar_words(row_words, copy_size[1], cfg)
    if bar:
        bar_reads = read_address_bar(gray, bar, icon_before(row_words, bar, cfg), scale, work_png, timeout, cfg)
        if bar_reads:
            url = bar_reads[0]
            top = min(w.top for w in bar)
            bottom = max(w.top + w.height for w in bar)
            merged = OcrWord(url, bar[0].left, top, max(w.right for w in bar) - bar[0].left, bottom - top,
                             sum(w.confidence for w in bar) / len(bar), bar[0].line)
            # The bar's row keeps only the URL: the first pass's icons beside it would join the URL as digits.
            on_row = [w is bar[0] or w.line == bar[0].line or top <= w.top + w.height / 2 <= bottom for w in words]
            at = on_row.index(True) if any(on_row) else 0
            kept = [w for w, row in zip(words, on_row) if not row]
            words = kept[:at] + [merged] + kept[at:]
    # The screen's clock, wherever its first-pass pieces are (none on a page without one: no call).
    for pieces, height in clock_candidates(words, copy_size, cfg):
        line = height / scale
        crop = clock_crop(gray, tuple(round(v / scale) for v in pieces), line, cfg)
        box = tuple(round(v * scale) for v in crop)
        inside = [w for w in words if box[0] <= w.left + w.width / 2 <= box[2] and box[1] <= w.top + w.height / 2
                  <= box[3] and (any(c.isdigit() for c in w.text) or re.search(cfg.clock_anchor, w.text))]
        factor = min(cfg.clock_max_scale, max(1.0, cfg.clock_target_px / max(1.0, line)))
        clock = read_clock(gray, crop, factor, work_png, timeout, cfg)
        if clock:
            words = [w for w in words if w not in inside] + [
                OcrWord(text, box[0], box[1] + i, box[2] - box[0], 1, 0.0, ("clock", str(box[1]), str(i)))
                for i, text in enumerate(clock)]
    return words, bar_reads


# ---- one page ----------------------------------------------------------------------------------

def looks_chinese(text: str, words: int, confidence: float | None, cfg: OcrSettings) -> bool:
    """kor+eng reads Chinese as a few Han characters or as low-confidence Latin garbage."""
    if len(HAN.findall(text)) >= cfg.chinese_retry_min_han:
        return True
    return (confidence is not None and words >= cfg.chinese_retry_min_words
            and confidence < cfg.chinese_retry_below_confidence)


def doubtful_latin(words: list[OcrWord], cfg: OcrSettings) -> list[OcrWord]:
    """Latin words on lines that hold Hangul, likely Korean that kor+eng read as Latin: those of low confidence,
    and any between an administrative unit and a number or Hangul (a road name's or a district's place in a Korean
    address). Not numbers with letters (1Z4828WF0371297735)."""
    korean_lines = {w.line for w in words if HANGUL.search(w.text)}
    latin = [w for w in words if w.line in korean_lines and LATIN.search(w.text) and not HANGUL.search(w.text)
             and sum(c.isdigit() for c in w.text) < cfg.retry_number_min_digits]
    road_place = _in_road_place(words, cfg)
    return [w for w in latin if w.confidence < cfg.retry_below_confidence or id(w) in road_place]


def _in_road_place(words: list[OcrWord], cfg: OcrSettings) -> set[int]:
    """ids of the Latin words between a word like 분당구 (or 분 당 구) and a number or Hangul (고양시 AUSF 중앙로), and
    of those right before such a word (광주광역시 read as `BABHA 서구`, confidence 73), on one line."""
    after_unit = re.compile(cfg.retry_after_unit)
    found: set[int] = set()
    run: list[OcrWord] | None = None  # Latin words since the last unit word of the line, None outside such a run
    latin: list[OcrWord] = []  # the Latin words just before this one
    line = None
    syllables = ""  # the line's run of one-syllable words so far: OCR splits 송파구 into 송 파 구
    for w in words:  # Tesseract lists a line's words together, left to right
        if w.line != line:
            run, line, syllables, latin = None, w.line, "", []
        if run and (w.text[:1].isdigit() or HANGUL.match(w.text)):
            found.update(id(x) for x in run)
        syllables = syllables + w.text if HANGUL.fullmatch(w.text) else ""
        is_latin = bool(LATIN.search(w.text)) and not HANGUL.search(w.text)
        if after_unit.search(w.text):
            found.update(id(x) for x in latin)
        latin = latin + [w] if is_latin else []
        if after_unit.search(w.text) or (len(syllables) > 1 and after_unit.search(syllables[-6:])):
            run = []
        elif run is not None and is_latin:
            run.append(w)
        else:
            run = None
    return found


URL_MARKS = re.compile(r"[/.:?=&]")


def reread_as_korean(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                     cfg: OcrSettings) -> list[OcrWord]:
    """`words` with the doubtful Latin ones read again with kor alone: the lines holding them cropped from the OCR
    copy and stacked in one image (one call); a doubtful word takes what kor read over its span."""
    doubtful = doubtful_latin(words, cfg)
    if not doubtful:
        return words
    # The least confident lines first, at most retry_max_lines of them (see ocr.toml).
    confidence = {}
    for word in doubtful:
        confidence[word.line] = min(confidence.get(word.line, 100.0), word.confidence)
    lines = sorted(confidence, key=confidence.get)[:cfg.retry_max_lines]
    doubtful = [w for w in doubtful if w.line in lines]
    boxes = []
    for line in lines:
        # The doubtful words of the line and two words either side: a table row's other cells cost time, not help.
        on_line = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        marked = [i for i, w in enumerate(on_line) if any(w is d for d in doubtful)]
        members = on_line[max(0, marked[0] - 2):marked[-1] + 3]
        height = max(w.height for w in members)
        pad = round(cfg.retry_pad_fraction * height)
        boxes.append((max(0, min(w.left for w in members) - pad), max(0, min(w.top for w in members) - pad),
                      min(copy.width, max(w.right for w in members) + pad),
                      min(copy.height, max(w.top + w.height for w in members) + pad)))
    gap = max(w.height for w in doubtful)  # blank rows keep the lines apart
    offsets, y = [], gap
    for box in boxes:
        offsets.append(y)
        y += box[3] - box[1] + gap
    stack = Image.new("L", (max(b[2] - b[0] for b in boxes) + 2 * gap, y), 255)
    for box, top in zip(boxes, offsets):
        # Binarised: light-grey text (a carrier name beside a number) reads as black text does, and a line's grey
        # box does not break the stack's layout (a boxed address line was read as four garbled lines).
        stack.paste(binarised(copy.crop(box)), (gap, top))
    zoom = cfg.retry_scale
    read = [replace(w, left=round(w.left / zoom), top=round(w.top / zoom), width=round(w.width / zoom),
                    height=round(w.height / zoom))
            for w in _band_words(enlarged(stack, zoom), work_png, cfg.retry_languages, timeout, cfg.retry_psm)]
    replacements: dict[int, str] = {}
    url_hint = re.compile(cfg.url_hint)
    for at, line in enumerate(lines):
        box, top = boxes[at], offsets[at]
        bottom = top + box[3] - box[1]
        on_line = [w for w in read if top <= w.top + w.height / 2 < bottom]
        shift = gap - box[0]  # OCR-copy x to stack x
        # A word that looks like part of a URL, or holds a URL's marks beside one (`ups.` before
        # `com/track?...`), is never Korean: the address bar's passes read it again.
        first_pass = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        url_pieces = {id(w) for i, w in enumerate(first_pass) if url_hint.search(w.text) or (
            URL_MARKS.search(w.text) and any(url_hint.search(n.text) for n in first_pass[max(0, i - 1):i + 2]))}
        groups = _swallowed_regions(first_pass,
                                    [w for w in doubtful if w.line == line and id(w) not in url_pieces])
        found = _kor_words_by_region(groups, on_line, first_pass, box, shift)
        for group, texts in zip(groups, found):
            doubtful_here = [w for w in group if any(w is d for d in doubtful)]
            # Only a read without Latin letters replaces the region: kor alone turns real Latin words into noise.
            # Digits alone replace only a word with a digit (`4g` read again as `48`), not `code` read as `0006`.
            if texts and not any(LATIN.search(text) for text in texts) and (
                    any(HANGUL.search(text) for text in texts)
                    or any(c.isdigit() for w in doubtful_here for c in w.text)):
                replacements.update({id(w): "" for w in group})
                replacements[id(group[0])] = " ".join(texts)
            elif on_line and not texts:
                # kor read the line and nothing there: `sy` was a neighbour's ink. A piece of a URL stays: the
                # address bar's passes read it again.
                replacements.update({id(w): "" for w in doubtful_here if not URL_MARKS.search(w.text)})
    read_again = [replace(w, text=replacements[id(w)]) if id(w) in replacements else w for w in words]
    return [w for w in read_again if w.text]  # the dropped ones


def reread_numbers(words: list[OcrWord], copy: Image.Image, work_png: Path, timeout: float,
                   cfg: OcrSettings, buildings: bool = False) -> list[OcrWord]:
    """`words` with each long number of low confidence, and with `buildings` (a screen's small text) each building
    number after a road name, read again on its own as one line; the new read replaces the word's digits only if
    it is one number, read with more confidence. Numbers with letters (UPS 1Z, S10) are left: read alone with eng
    their letters came out worse (1ZKHJAKV... as 1ZKHIAKV...). A scan's building numbers are left too: cropped
    with its large Korean neighbours, eng lost digits (140 read as 1 at 96, 81 as 8)."""
    doubtful = sorted((w for w in words if w.text.isdigit() and len(w.text) >= cfg.number_retry_min_digits
                       and w.confidence < cfg.number_retry_below_confidence), key=lambda w: w.confidence)
    replacements: dict[int, OcrWord] = {}
    for word in doubtful[:cfg.number_retry_max_words]:
        pad = round(cfg.number_retry_pad_fraction * word.height)
        # Punctuation alone is a border in the margin (`|` beside a boxed number), not part of the read.
        read = [w for w in _read_alone(word, copy, pad, pad, work_png, timeout, cfg)
                if any(c.isalnum() for c in w.text)]
        if len(read) == 1 and read[0].text.isdigit() and read[0].confidence > word.confidence:
            replacements[id(word)] = replace(word, text=read[0].text, confidence=read[0].confidence)
    for word in _building_numbers(words, cfg)[:cfg.building_retry_max_words] if buildings else []:
        # With its neighbours' edges in the crop Tesseract reads the number better than cut tight; the read whose
        # middle falls within the number's box is its read.
        pad_x, pad_y = (round(f * word.height) for f in (cfg.building_pad_heights, cfg.number_retry_pad_fraction))
        left = min(pad_x, word.left)  # where the number starts within the crop
        read = [w for w in _read_alone(word, copy, pad_x, pad_y, work_png, timeout, cfg)
                if left <= w.left + w.width / 2 <= left + word.width]
        digits = read[0].text.rstrip(",.") if len(read) == 1 else ""
        if digits.isdigit() and read[0].confidence > word.confidence:
            kept = word.text[len(word.text.rstrip(",.")):]  # its comma stays
            replacements[id(word)] = replace(word, text=digits + kept, confidence=read[0].confidence)
    return [replacements.get(id(w), w) for w in words]


def _read_alone(word: OcrWord, copy: Image.Image, pad_x: int, pad_y: int, work_png: Path, timeout: float,
                cfg: OcrSettings) -> list[OcrWord]:
    """The words of `word`'s box, widened by the pads, read as one line (coordinates within the crop)."""
    crop = copy.crop((max(0, word.left - pad_x), max(0, word.top - pad_y), min(copy.width, word.right + pad_x),
                      min(copy.height, word.top + word.height + pad_y)))
    return _band_words(crop, work_png, cfg.number_retry_languages, timeout, cfg.number_retry_psm)


def _building_numbers(words: list[OcrWord], cfg: OcrSettings) -> list[OcrWord]:
    """Numbers right after a road name on their line (`중앙로` `110,`), the least confident first."""
    found = []
    for line in dict.fromkeys(w.line for w in words):  # in reading order, so that ties sort the same every run
        row = sorted((w for w in words if w.line == line), key=lambda w: w.left)
        found += [number for road, number in zip(row, row[1:])
                  if re.fullmatch(cfg.building_number, number.text) and re.search(cfg.building_road, road.text)]
    return sorted(found, key=lambda w: w.confidence)


def _swallowed_regions(line: list[OcrWord], doubtful: list[OcrWord]) -> list[list[OcrWord]]:
    """The regions a line's doubtful words stand in, left to right: each doubtful word with the non-Latin words
    whose boxes hold at least half of it or of a word already taken, or half of which it holds (Tesseract gave
    `송파구` a box over the garbled `OS =` beside it: 송파구 OS = 311 for 송파구 오금로 311), so that kor's read of
    the region replaces all of it."""
    def overlap(a: OcrWord, b: OcrWord) -> float:
        return min(a.right, b.right) - max(a.left, b.left)

    groups: list[list[OcrWord]] = []
    for word in sorted(doubtful, key=lambda w: w.left):
        group = [word]
        while grown := [w for w in line if not any(w is g for g in group) and not LATIN.search(w.text)
                        and any(overlap(w, g) >= 0.5 * min(w.width, g.width) for g in group)]:
            group += grown
        # A doubtful word inside another's region joins it.
        joined = next((g for g in groups if any(w is x for w in group for x in g)), None)
        if joined is not None:
            joined.extend(w for w in group if not any(w is x for x in joined))
        else:
            groups.append(group)
    return [sorted(g, key=lambda w: w.left) for g in groups]


def _kor_words_by_region(groups: list[list[OcrWord]], read: list[OcrWord], line: list[OcrWord],
                         box: tuple[int, int, int, int], shift: int) -> list[list[str]]:
    """The kor words (stack coordinates) that stand in each region: centred between the region's neighbours
    (kor may see a last syllable past the first pass's box); a word two regions could take goes to the nearer."""
    spans = []
    for group in groups:
        outside = [w for w in line if not any(w is g for g in group)]
        left = max((w.right for w in outside if w.right <= group[0].left), default=box[0])
        right = min((w.left for w in outside if w.left >= max(g.right for g in group)), default=box[2])
        spans.append((left + shift, right + shift, group[0].left + shift, max(g.right for g in group) + shift))
    found: list[list[str]] = [[] for _ in groups]
    for word in read:
        if any(w.text == word.text and min(w.right, word.left + word.width - shift) > max(w.left, word.left - shift)
               and not any(w is g for group in groups for g in group) for w in line):
            continue  # kor read a word outside the regions again, its box stretched over one (송파구 over SSE)
        centre = word.left + word.width / 2
        takers = [i for i, (left, right, _, _) in enumerate(spans) if left <= centre < right]
        if takers:
            nearest = min(takers, key=lambda i: max(spans[i][2] - centre, centre - spans[i][3], 0))
            found[nearest].append(word.text)
    return found


def ocr_page(image: Image.Image, index: int, work_png: Path, timeout: float, psm: int | None = None,
             screen: bool = False, unrule: bool = False, photographed: bool = False,
             languages: str | None = None) -> tuple[PageReading, str]:
    """OCR one page image (any mode, any size) -> its PageReading and the languages used. `psm` None: the
    settings' psm for screenshots and photos. `screen`: the page may be a screen capture, so its address bar and
    taskbar clock are read again on their own (small passes). `unrule`: a photographed document or a scan, whose
    table borders are painted out first. `photographed`: a photographed screen warped flat, whose bands are read
    with the background divided out (moiré). `languages`: read with these alone (another copy of a page whose
    languages are known); None: kor+eng, or Chinese where the first pass looks Chinese.

    A timeout or Tesseract failure gives a page with source "none" and a warning; a missing Tesseract raises.
    """
    cfg = settings()
    gray = light_rows(light_background(imageops.visible_rgb(image).convert("L"), cfg), cfg)
    glyph = glyph_height(np.asarray(gray), cfg)
    copy = enlarged(without_rules(gray, glyph, cfg) if unrule else gray, ocr_scale(glyph, gray.size, cfg))
    page = PageReading(index=index, text="", source="none", width=image.width, height=image.height,
                       sharpness=round(sharpness(np.asarray(copy)), 1),
                       sharpness_denoised=round(denoised_sharpness(np.asarray(copy)), 1))
    decide = languages is None
    languages = languages or cfg.languages
    try:
        words = parse_words(run_tesseract(copy, languages, timeout, psm, scratch=work_png))
    except (OcrTimeout, OcrFailed) as exc:
        return replace(page, warning=f"page {index}: {exc.message}"), languages
    lines, confidence = lines_of(words)
    text = "\n".join(line.text for line in lines)
    if decide and looks_chinese(text, len(words), confidence, cfg) and "chi_sim" in engine().languages:
        try:
            retry = parse_words(run_tesseract(copy, cfg.chinese_languages, timeout, psm, scratch=work_png))
        except (OcrTimeout, OcrFailed):
            retry = []  # the first pass stands
        _, retry_confidence = lines_of(retry)
        if (retry_confidence or 0) > (confidence or 0):
            words, confidence, languages = retry, retry_confidence, cfg.chinese_languages
    if languages == cfg.languages:
        words = reread_as_korean(words, copy, work_png, timeout, cfg)
    words = reread_numbers(words, copy, work_png, timeout, cfg, buildings=screen)
    bar_reads: tuple[str, ...] = ()
    if screen:
        bands = even_background(gray, glyph, cfg) if photographed else gray
        words, bar_reads = with_bands(words, bands, copy.size, work_png, timeout, cfg)
    lines, _ = lines_of(words)
    header, footer = band_text(lines, copy.height, cfg.header_fraction, cfg.footer_fraction)
    return replace(page, text="\n".join(line.text for line in lines), source="ocr",
                   confidence=None if confidence is None else round(confidence, 1),
                   header_text=header, footer_text=footer, bar_reads=bar_reads), languages
