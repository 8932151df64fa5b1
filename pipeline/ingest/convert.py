"""Lossless conversions into PNG/PDF, and the sanity checks of the PDFs and images that pass as they are.

Never a lossy re-encoding: an image becomes a PNG of exactly the pixels a viewer shows (EXIF rotation applied,
ICC profile and resolution kept); several frames become a PDF of such PNGs, embedded by img2pdf without
re-encoding. Each function writes one file atomically and returns a small record; a file that cannot be used
raises FileProblem, which the ingest stage turns into a finding.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from functools import cache

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import FileProblem
from pipeline.output.imageops import has_alpha, save_atomically, visible_rgb

# What Pillow and its plugins raise on a damaged or hostile image: each means "this file cannot be used".
IMAGE_FAILURES = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError,
                  ZeroDivisionError, RuntimeError, Image.DecompressionBombError)
PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I;16"})
EXIF_ORIENTATION = 0x0112
AGAIN = "open it on the device or in the program it came from and save or export it again"



def open_image(path: Path) -> Image.Image:
    """Image.open, with HEIF and AVIF (pillow-heif) registered the first time Pillow meets a picture it does not
    know: a PNG or JPEG never loads the HEIF library. Raises what Image.open raises."""
    try:
        return Image.open(path)
    except UnidentifiedImageError:
        _register_heif()
        return Image.open(path)


@cache
def _register_heif() -> None:
    """Registers pillow-heif's opener, once per process (Pillow plugins register per process)."""
    import pillow_heif
    pillow_heif.register_heif_opener()


def pdf_open_failures() -> tuple[type[BaseException], ...]:
    """What pypdf, PDFium and the PDF writers raise on a damaged or hostile PDF (imported only when a PDF is opened)."""
    import pypdfium2 as pdfium

    from pipeline.output.pdfops import PDF_FAILURES
    return PDF_FAILURES + (pdfium.PdfiumError,)


@dataclass(frozen=True)
class ImageCheck:
    format: str        # Pillow's format name: JPEG, PNG, HEIF, WEBP, TIFF, BMP, GIF, AVIF
    width: int
    height: int
    mode: str
    frames: int
    orientation: int   # EXIF orientation, 1 = stored upright


@dataclass(frozen=True)
class Converted:
    path: Path
    type: str                    # png | pdf
    pages: int
    notes: tuple[str, ...] = ()  # what changed beyond the container, for EvidenceFile.conversion


@dataclass(frozen=True)
class PdfCheck:
    pages: int
    encrypted: bool    # encrypted, but opens without a password (an owner password only)


@contextmanager
def decoded_image(path: Path, max_frames: int = 0) -> Iterator[tuple[Image.Image, ImageCheck]]:
    """The open image with every pixel of its first frame decoded, and its check: one decode serves the check, the
    conversion and the QR sniff. A damaged or cut-off image raises FileProblem(unreadable-file). With `max_frames`
    (budgets.pages_per_file) frames are counted only up to max_frames + 1 (see frame_count): ImageCheck.frames
    above max_frames means "more than the budget", not the file's count."""
    try:
        image = open_image(path)
    except IMAGE_FAILURES as exc:
        raise _undecodable(exc) from None
    with image:
        try:
            frames = frame_count(image, path, max_frames + 1 if max_frames else 0)
            image.load()
            check = ImageCheck(format=image.format or "", width=image.width, height=image.height, mode=image.mode,
                               frames=frames, orientation=_orientation(image))
        except IMAGE_FAILURES as exc:
            raise _undecodable(exc) from None
        yield image, check


def frame_count(image: Image.Image, path: Path, limit: int = 0) -> int:
    """Frames of an open image (before any pixel is loaded), counted up to `limit` (0: all of them).

    Pillow counts a GIF's or a TIFF's frames by walking the whole file (a 50,000-frame GIF: every block read; a
    TIFF: every IFD, each checked against all before it), so those two are walked here only up to `limit`: a GIF by
    its block structure, a TIFF by seeking to frame `limit`. The other formats declare their count (APNG's acTL,
    WebP's and HEIF's containers, MPO's index), read by Pillow when it opens them."""
    if image.format == "GIF":
        return max(1, gif_frames(path, limit))
    if image.format == "TIFF" and limit:
        # One frame further at a time: a seek reads one more IFD and decodes nothing. (A seek far ahead would do
        # too, but Pillow then records the target, not the last frame, as the count.)
        count = 1
        try:
            while count < limit:
                image.seek(count)
                count += 1
        except EOFError:
            pass
        finally:
            image.seek(0)
        return count
    return getattr(image, "n_frames", 1)


def gif_frames(path: Path, limit: int = 0) -> int:
    """Image descriptors of a GIF up to its trailer, counted up to `limit` (0: all): the colour tables and data
    sub-blocks are skipped by their lengths, nothing is decoded. The count ends where the block structure does (the
    trailer, the end of the file, or damage: the first frame's decode judges damage)."""
    frames = 0
    with open(path, "rb") as handle:
        screen = handle.read(13)  # signature and logical screen descriptor
        if len(screen) < 13:
            return 0
        if screen[10] & 0x80:
            handle.seek(3 << ((screen[10] & 7) + 1), os.SEEK_CUR)  # the global colour table
        while not limit or frames < limit:
            block = handle.read(1)
            if block == b"\x2c":  # an image descriptor: position, size, flags; then the LZW code size
                descriptor = handle.read(9)
                if len(descriptor) < 9:
                    break
                if descriptor[8] & 0x80:
                    handle.seek(3 << ((descriptor[8] & 7) + 1), os.SEEK_CUR)  # a local colour table
                if not handle.read(1):
                    break
                frames += 1
            elif block == b"\x21":  # an extension: its label, then data sub-blocks
                if not handle.read(1):
                    break
            else:  # the trailer (0x3b), the end of the file, or damage
                break
            while (size := handle.read(1)) and size[0]:
                handle.seek(size[0], os.SEEK_CUR)
            if not size:
                break
    return frames


def check_image(path: Path, max_frames: int = 0) -> ImageCheck:
    """Decodes every pixel of the first frame: a damaged or cut-off image raises FileProblem(unreadable-file)."""
    with decoded_image(path, max_frames) as (_, check):
        return check


def png_of(image: Image.Image, dst: Path, frames: int = 1) -> Converted:
    """`image` (open, from decoded_image) as a PNG of exactly the pixels a viewer shows (EXIF rotation applied).
    `frames`: the image's frame count from its ImageCheck (only noted; counting again would walk the file)."""
    notes: list[str] = []
    try:
        if frames > 1:
            notes.append(f"first of {frames} frames kept (the form takes still images)")
        orientation = _orientation(image)
        upright = ImageOps.exif_transpose(image)
        if orientation != 1:
            notes.append(f"EXIF orientation {orientation} applied")
        pixels, mode_note = _png_ready(upright)
        notes += mode_note
        save_atomically(pixels, dst, "PNG", **_keep(image))
    except IMAGE_FAILURES as exc:
        raise _undecodable(exc) from None
    return Converted(dst, "png", 1, tuple(notes))


def frames_to_pdf(src: Path, dst: Path, scratch: Path, frames: int) -> Converted:
    """Every frame (a multi-page TIFF's `frames` pages, counted by decoded_image within the page budget) as one PDF
    page each, through lossless PNGs and img2pdf. Pillow checks only the first frame's size against its
    decompression-bomb limit, so each later frame is checked here before it is decoded."""
    import img2pdf

    from pipeline.output.pdfops import write_bytes_atomically
    from pipeline.runtime import image_pixel_limit
    scratch.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    pages: list[Path] = []
    try:
        with open_image(src) as image:
            limit = image_pixel_limit()
            for index in range(frames):
                image.seek(index)
                if limit and image.width * image.height > 2 * limit:
                    raise Image.DecompressionBombError(
                        f"page {index + 1} has {image.width * image.height:,} pixels, over the limit of "
                        f"{2 * limit:,}")
                upright = ImageOps.exif_transpose(image)
                if has_alpha(upright):
                    notes.append(f"page {index + 1}: transparency shown on white (PDF pages are opaque)")
                pixels = upright if upright.mode in ("1", "L", "RGB") else visible_rgb(upright)
                if pixels.mode not in ("1", "L", "RGB"):
                    notes.append(f"page {index + 1}: {upright.mode} -> RGB")
                    pixels = pixels.convert("RGB")
                page = scratch / f"{dst.stem}-p{index + 1:04d}.png"
                save_atomically(pixels, page, "PNG", **_keep(image))
                pages.append(page)
        write_bytes_atomically(dst, img2pdf.convert([str(p) for p in pages], nodate=True))
    except IMAGE_FAILURES + (img2pdf.ImageOpenError,) as exc:
        raise _undecodable(exc) from None
    return Converted(dst, "pdf", len(pages), (f"{len(pages)} pages, one per frame",) + tuple(notes))


def check_pdf(path: Path, eof_window: int = 1024, max_pages: int = 0, max_images: int = 0) -> PdfCheck:
    """Opens the PDF with pypdf and pdfium and loads every page. Cut off, broken or password-locked: FileProblem;
    more pages than `max_pages` or more pictures than `max_images` (0: no budget): FileProblem(too-large), before
    any page is loaded (counted through qpdf, which reads objects lazily: see pdfops.xobject_count)."""
    import pypdfium2 as pdfium
    from pypdf import PasswordType, PdfReader
    size = path.stat().st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - eof_window))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise FileProblem("unreadable-file",
                          f"the PDF ends early: there is no end-of-file marker (%%EOF) in its last {eof_window} bytes, "
                          "so it was cut off while downloading or copying.",
                          "download or export it again and check that every page opens")
    _check_budgets(path, max_pages, max_images)
    try:
        reader = PdfReader(path, strict=False)
        encrypted = reader.is_encrypted
        if encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise FileProblem("unreadable-file",
                              "the PDF is locked with a password: reviewers cannot open it.",
                              f"remove the password: qpdf --decrypt --password=PASSWORD '{path.name}' unlocked.pdf, "
                              "or open it with the password and print it to PDF")
        if max_pages and len(reader.pages) > max_pages:
            raise over_pages(len(reader.pages), max_pages)
        for page in reader.pages:
            _ = page.mediabox  # forces pypdf to resolve every page object
        document = pdfium.PdfDocument(str(path))
        try:
            pages = len(document)
            for index in range(pages):
                document[index].get_size()
        finally:
            document.close()
    except pdf_open_failures() as exc:
        raise FileProblem("unreadable-file", f"the PDF cannot be opened ({_why(exc)}): it is damaged.",
                          AGAIN) from None
    if pages == 0:
        raise FileProblem("unreadable-file", "the PDF has no pages.", AGAIN)
    return PdfCheck(pages=pages, encrypted=encrypted)


def _check_budgets(path: Path, max_pages: int, max_images: int) -> None:
    """FileProblem(too-large) past the page or picture budget. A PDF qpdf cannot open (damaged, locked) is left to
    the full check that follows, which says why."""
    import pikepdf

    from pipeline.output.pdfops import PDF_FAILURES, images_over_budget
    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            if max_pages and pages > max_pages:
                raise over_pages(pages, max_pages)
            problem = images_over_budget(pdf, "it", max_images)
    except PDF_FAILURES:
        return
    if problem is not None:
        raise problem


def decrypted_copy(src: Path, dst: Path) -> Converted:
    """An unencrypted copy of a PDF that opens without a password (an owner password only restricts printing or
    copying, which some viewers enforce); the content objects are copied unchanged."""
    from pypdf import PdfReader, PdfWriter

    from pipeline.output.pdfops import write_atomically
    try:
        reader = PdfReader(src, strict=False)
        reader.decrypt("")
        write_atomically(PdfWriter(clone_from=reader), dst)
    except pdf_open_failures() as exc:
        raise FileProblem("unreadable-file", f"the encrypted PDF cannot be copied without its lock ({_why(exc)}).",
                          "open it and print it to PDF, then put that PDF in the packet folder") from None
    return Converted(dst, "pdf", check_pdf(dst).pages,
                     ("encrypted with an owner password only: unencrypted copy made, content unchanged",))


# ---- the verdict cache ----------------------------------------------------------------------------------------

CACHE_SCHEMA = "evpack.ingest-cache/1"


@dataclass(frozen=True)
class Verdict:
    """What ingest concluded about one input's content: its usable form, or the problem that stops its use."""

    usable_type: str | None = None   # pdf | jpeg | png; None: not usable
    pages: int = 0
    conversion: str = ""
    converted: Path | None = None    # the conversion's file; None: the input is used as it is (or not at all)
    problem: FileProblem | None = None


class VerdictCache:
    """Ingest verdicts keyed by the input's sha256, a variant (what else the outcome depends on) and the version of
    the ingest rules and code, so a warm `check` neither decodes nor converts again.

    A conversion's file is kept beside its entry and the verdict points there. Both are written to temp files and
    moved into place (os.replace), the file before the entry that names it: concurrent processes see whole files
    or none, and two that race write the same bytes. An entry that cannot be parsed, or whose file is missing or
    of another size, is a miss and is rewritten.
    """

    def __init__(self, folder: Path | None, version: str):
        """`folder` None disables the cache: every get misses, every put is dropped."""
        self.folder = folder
        self.version = version

    def _entry(self, sha256: str, variant: str) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(f"{CACHE_SCHEMA}|{sha256}|{variant}|{self.version}".encode()).hexdigest()
        return self.folder / "ingest" / key[:2] / f"{key}.json"

    def get(self, sha256: str, variant: str = "") -> Verdict | None:
        entry = self._entry(sha256, variant)
        if entry is None:
            return None
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            if data["schema"] != CACHE_SCHEMA or data["sha256"] != sha256:
                return None
            converted = None
            if data["converted"]:
                converted = entry.with_name(data["converted"]["name"])
                if converted.stat().st_size != data["converted"]["bytes"]:
                    return None
            problem = data["problem"] and FileProblem(data["problem"]["rule"], data["problem"]["message"],
                                                      data["problem"]["fix"])
            return Verdict(usable_type=data["usable_type"], pages=int(data["pages"]),
                           conversion=str(data["conversion"]), converted=converted, problem=problem or None)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # absent, corrupt or from an older layout: a miss, rewritten by the next put

    def put(self, sha256: str, variant: str, verdict: Verdict) -> Verdict | None:
        """Store the verdict and a copy of its converted file. Returns the verdict pointing at the cached copy, or
        None when the cache is disabled or cannot be written (a cache is never worth a failed packet)."""
        entry = self._entry(sha256, variant)
        if entry is None:
            return None
        converted = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            if verdict.converted is not None:
                converted = entry.with_suffix(verdict.converted.suffix)
                _publish(entry.parent, converted, lambda out: _copy(verdict.converted, out))
            problem = verdict.problem and {"rule": verdict.problem.rule, "message": verdict.problem.message,
                                           "fix": verdict.problem.fix}
            data = {"schema": CACHE_SCHEMA, "sha256": sha256, "usable_type": verdict.usable_type,
                    "pages": verdict.pages, "conversion": verdict.conversion, "problem": problem or None,
                    "converted": converted and {"name": converted.name, "bytes": converted.stat().st_size}}
            _publish(entry.parent, entry, lambda out: out.write(json.dumps(data, ensure_ascii=False).encode()))
        except OSError:
            return None
        return Verdict(verdict.usable_type, verdict.pages, verdict.conversion, converted, verdict.problem)


def _copy(src: Path, out) -> None:
    with open(src, "rb") as handle:
        shutil.copyfileobj(handle, out)


def _publish(folder: Path, dst: Path, write) -> None:
    """`write(binary file)` into a unique temp file in `folder`, then moved to `dst` in one step."""
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(temp, dst)
    finally:
        Path(temp).unlink(missing_ok=True)  # gone already after a successful replace


def _orientation(image: Image.Image) -> int:
    # pillow-heif rotates while decoding and keeps the EXIF value in info; everything else still has it in EXIF.
    original = image.info.get("original_orientation")
    value = original if original is not None else image.getexif().get(EXIF_ORIENTATION, 1)
    return value if value in range(1, 9) else 1


def _png_ready(image: Image.Image) -> tuple[Image.Image, list[str]]:
    """The image in a mode PNG stores exactly; modes PNG lacks (CMYK, YCbCr, float) go to RGB(A), noted."""
    if image.mode in PNG_MODES:
        return image, []
    target = "RGBA" if has_alpha(image) else "RGB"
    return image.convert(target), [f"{image.mode} -> {target} (PNG has no {image.mode})"]


def _keep(image: Image.Image) -> dict:
    """Colour profile and resolution, so the PNG looks and measures like the source."""
    keep = {"optimize": False, "compress_level": 6}
    if image.info.get("icc_profile"):
        keep["icc_profile"] = image.info["icc_profile"]
    dpi = image.info.get("dpi")
    if dpi and all(isinstance(v, (int, float)) and v > 0 for v in dpi):
        keep["dpi"] = tuple(float(v) for v in dpi)
    return keep


def over_frames(budget: int) -> FileProblem:
    """An image of more frames than budgets.pages_per_file (counted only to budget + 1: the exact count is unknown)."""
    return FileProblem("too-large", f"it has more than {budget:,} frames (pictures in one file); evpack reads at most "
                       f"{budget:,} pages of a file (budgets.pages_per_file).",
                       "save the frame that shows the evidence as its own PNG or JPG (a screenshot of it will do)")


def over_pages(pages: int, budget: int) -> FileProblem:
    return FileProblem("too-large", f"it has {pages:,} pages; evpack reads at most {budget:,} pages of a file "
                       "(budgets.pages_per_file).",
                       "keep only the pages that show the claim's evidence (print those pages to a new PDF)")


def _undecodable(exc: BaseException) -> FileProblem:
    if isinstance(exc, Image.DecompressionBombError):
        return FileProblem("too-large", f"the image is larger than evpack decodes ({_why(exc)}).",
                           "save a smaller copy of it (a screenshot or a photo at its camera's size is enough)")
    return FileProblem("unreadable-file", f"the image cannot be decoded ({_why(exc)}): it is damaged or cut off.",
                       AGAIN)


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
