"""Tesseract OCR of one page image: size the text, call the CLI, parse its TSV into lines, bands and confidence.

Tesseract runs as a subprocess (never pytesseract): the child alone gets `OMP_THREAD_LIMIT=1` (parallelism comes
from the process pool; Tesseract's own threads made the same work ~3x slower on 2 cores), every call has a timeout,
and the image is handed over as a PNG file in the work folder. Settings live in `ocr.toml` beside this module.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tomllib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline import imageops
from pipeline.errors import MissingDependencyError, OcrFailed, OcrTimeout
from pipeline.model import PageReading

SETTINGS_FILE = Path(__file__).with_name("ocr.toml")
INSTALL_FIX = ("install Tesseract with its Korean data: `sudo apt-get install tesseract-ocr tesseract-ocr-kor "
               "tesseract-ocr-chi-sim`, or `make setup`.")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Tesseract puts a space between Chinese characters it reads one by one; Chinese is written without spaces.
SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]) "
                               r"(?=[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])")


@dataclass(frozen=True)
class OcrSettings:
    binary: str
    psm: int
    pdf_page_psm: int
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
    qr_render_dpi: float
    max_image_pixels: int
    version: str  # hash of the settings file: part of the read cache key

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> OcrSettings:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
        flat = {k: v for section in data.values() for k, v in section.items()}
        return cls(**flat, version=hashlib.sha256(raw).hexdigest()[:12])


@cache
def settings() -> OcrSettings:
    return OcrSettings.load()


def guard_decoding() -> None:
    """Keep Pillow's decompression-bomb limit set in this process (a worker may start with any state)."""
    Image.MAX_IMAGE_PIXELS = settings().max_image_pixels


# ---- the engine --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Engine:
    binary: str
    version: str       # "5.3.0"
    tessdata: Path
    languages: frozenset[str]
    model: str         # fast | best
    data_tag: str      # changes when a language file changes

    @property
    def key(self) -> str:
        """What a read depends on: a new Tesseract or new language data invalidates cached reads."""
        return f"tesseract {self.version} {self.model} {self.data_tag}"

    def label(self, languages: str) -> str:
        return f"tesseract {self.version} {languages} ({self.model})"


def engine() -> Engine:
    """The Tesseract on PATH, probed once per process and binary; MissingDependencyError says how to install."""
    found = shutil.which(settings().binary)
    if found is None:
        raise MissingDependencyError("Tesseract is not installed (no `tesseract` on PATH).", INSTALL_FIX)
    return _probe(found)


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


def run_tesseract(image: Path, languages: str, timeout: float, psm: int | None = None) -> str:
    """TSV of one image file. Raises OcrTimeout (child and its children killed) or OcrFailed."""
    tool = engine()
    command = [tool.binary, str(image), "stdout", "-l", languages, "--psm", str(psm or settings().psm), "tsv"]
    # A session of its own, so a timeout kills the whole process group: nothing outlives the call.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(),
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise OcrTimeout(f"OCR timed out after {timeout:g} s",
                         "give evpack more time (--ocr-timeout) or a smaller, sharper image.") from None
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"Tesseract failed (exit status {process.returncode}"
                        f"{': ' + detail[-1] if detail else ''})", "re-export the page as PNG or PDF.")
    return out.decode("utf-8", "replace")


# ---- TSV ---------------------------------------------------------------------------------------

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


def parse_tsv(tsv: str) -> tuple[tuple[OcrLine, ...], float | None]:
    """The text lines (in reading order, boxes enclosing their words) and the mean word confidence."""
    words: dict[tuple[str, ...], list[tuple[int, int, int, int, float, str]]] = {}
    confidences: list[float] = []
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
        if not text or conf < 0:
            continue
        words.setdefault(tuple(cells[1:5]), []).append((left, top, width, height, conf, text))
        confidences.append(conf)
    lines = []
    for group in words.values():
        left = min(w[0] for w in group)
        top = min(w[1] for w in group)
        right = max(w[0] + w[2] for w in group)
        bottom = max(w[1] + w[3] for w in group)
        text = SPACE_BETWEEN_HAN.sub("", " ".join(w[5] for w in group))
        lines.append(OcrLine(text=text, left=left, top=top, width=right - left, height=bottom - top,
                             confidence=sum(w[4] for w in group) / len(group)))
    mean = sum(confidences) / len(confidences) if confidences else None
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


def sharpness(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian: low means blurred."""
    g = gray.astype(np.float32)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var()) if lap.size else 0.0


def ocr_copy(image: Image.Image, cfg: OcrSettings | None = None) -> Image.Image:
    """Greyscale copy for Tesseract, resized so its glyphs fall in the band."""
    cfg = cfg or settings()
    gray = imageops.visible_rgb(image).convert("L")
    glyph = glyph_height(np.asarray(gray), cfg)
    scale = ocr_scale(glyph, gray.size, cfg)
    if abs(scale - 1.0) > 0.05:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return gray


# ---- one page ----------------------------------------------------------------------------------

def looks_chinese(text: str, words: int, confidence: float | None, cfg: OcrSettings) -> bool:
    """kor+eng reads Chinese as a few Han characters or as low-confidence Latin garbage."""
    if len(HAN.findall(text)) >= cfg.chinese_retry_min_han:
        return True
    return (confidence is not None and words >= cfg.chinese_retry_min_words
            and confidence < cfg.chinese_retry_below_confidence)


def ocr_page(image: Image.Image, index: int, work_png: Path, timeout: float,
             psm: int | None = None) -> tuple[PageReading, str]:
    """OCR one page image (any mode, any size) -> its PageReading and the languages used. `psm` None: the
    settings' psm for screenshots and photos.

    A timeout or Tesseract failure gives a page with source "none" and a warning; a missing Tesseract raises.
    """
    cfg = settings()
    copy = ocr_copy(image, cfg)
    work_png.parent.mkdir(parents=True, exist_ok=True)
    copy.save(work_png, "PNG", compress_level=1)  # a temporary file: fast beats small
    page = PageReading(index=index, text="", source="none", width=image.width, height=image.height,
                       sharpness=round(sharpness(np.asarray(copy)), 1))
    languages = cfg.languages
    try:
        try:
            lines, confidence = parse_tsv(run_tesseract(work_png, languages, timeout, psm))
        except (OcrTimeout, OcrFailed) as exc:
            return replace(page, warning=f"page {index}: {exc.message}"), languages
        words = sum(len(line.text.split()) for line in lines)
        text = "\n".join(line.text for line in lines)
        if looks_chinese(text, words, confidence, cfg) and "chi_sim" in engine().languages:
            try:
                retry_lines, retry_confidence = parse_tsv(run_tesseract(work_png, cfg.chinese_languages, timeout,
                                                                        psm))
            except (OcrTimeout, OcrFailed):
                retry_lines, retry_confidence = (), None  # the first pass stands
            if (retry_confidence or 0) > (confidence or 0):
                lines, confidence, languages = retry_lines, retry_confidence, cfg.chinese_languages
    finally:
        work_png.unlink(missing_ok=True)
    header, footer = band_text(lines, copy.height, cfg.header_fraction, cfg.footer_fraction)
    return replace(page, text="\n".join(line.text for line in lines), source="ocr",
                   confidence=None if confidence is None else round(confidence, 1),
                   header_text=header, footer_text=footer), languages
