"""PDF work for the bundle: merge evidence into one PDF, lossless clean-up, page-image recompression, checks.

Images enter PDFs through img2pdf, embedded as they are (a JPEG's bytes become the image stream unchanged).
Recompression goes page by page, one decoded image at a time, so a 40-page scan never sits decoded in memory.
Written PDFs carry no dates (pypdf's writer adds only /Producer), so the same input gives the same bytes.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import img2pdf
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, NameObject, NumberObject,
                           StreamObject)

from pipeline import imageops
from pipeline.errors import FileProblem

POINTS_PER_MM = 72 / 25.4
# What pypdf and Pillow raise on a malformed or hostile file: each means "this file cannot be used", never a bug.
PDF_FAILURES = (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
                ZeroDivisionError, img2pdf.ImageOpenError, img2pdf.JpegColorspaceError,
                img2pdf.UnsupportedColorspaceError, Image.DecompressionBombError)
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Part:
    """One piece of a merged PDF: a whole image, or some pages (1-based) of a PDF (None: all of them)."""

    path: Path
    type: str                      # pdf | jpeg | png
    pages: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ImagePolicy:
    """How page images are recompressed: at most `max_dpi` relative to the page, photos as JPEG `jpeg_quality`."""

    max_dpi: float
    jpeg_quality: int
    flat_sample_side: int
    flat_sample_max_colours: int
    palette_colours: int = 256


def page_size_points(size_mm: Sequence[float]) -> tuple[float, float]:
    return (size_mm[0] * POINTS_PER_MM, size_mm[1] * POINTS_PER_MM)


def image_page(path: Path, image_type: str, page_size: tuple[float, float], scratch: Path) -> bytes:
    """A one-page PDF holding the image as it is, fitted into `page_size` (turned to landscape for wide images).

    A PNG with transparency is first flattened onto white: lossless for what a viewer shows on a white page, and it
    keeps the page image recompressible (img2pdf would otherwise refuse it or, since 0.6, split off a soft mask).
    """
    layout = img2pdf.get_layout_fun(pagesize=page_size, fit=img2pdf.FitMode.into, auto_orient=True)
    if image_type == "png":
        with Image.open(path) as image:
            transparent = imageops.has_alpha(image)
        if transparent:
            scratch.mkdir(parents=True, exist_ok=True)
            flat = scratch / f"flat-{path.stem}.png"
            imageops.flatten_png(path, flat)
            path = flat
    return img2pdf.convert(str(path), layout_fun=layout, nodate=True, rotation=img2pdf.Rotation.ifvalid)


def merge(parts: Sequence[Part], dst: Path, page_size: tuple[float, float], scratch: Path) -> list[int | FileProblem]:
    """Writes the parts, in order, into one PDF at `dst`. Returns per part the pages it added, or why it could not.

    A part that fails midway is left out and the merge restarts without it, so no half-appended file remains.
    """
    failed: dict[int, FileProblem] = {}
    while True:
        writer = PdfWriter()
        added: list[int | FileProblem] = []
        try:
            for index, part in enumerate(parts):
                if index in failed:
                    added.append(failed[index])
                    continue
                before = len(writer.pages)
                try:
                    append_part(writer, part, page_size, scratch)
                except PDF_FAILURES as exc:
                    failed[index] = FileProblem("unreadable-file", f"could not be added to the bundle: {exc}.",
                                                "open and re-save it (print to PDF), then build again.")
                    raise _Restart from exc
                added.append(len(writer.pages) - before)
        except _Restart:
            continue
        write_atomically(writer, dst)
        return added


class _Restart(Exception):
    """A part failed after pages may have been appended: rebuild the writer without it."""


def append_part(writer: PdfWriter, part: Part, page_size: tuple[float, float], scratch: Path) -> None:
    if part.type == "pdf":
        reader = PdfReader(part.path)
        pages = list(range(len(reader.pages))) if part.pages is None else [p - 1 for p in part.pages]
        writer.append(reader, pages=pages, import_outline=False)
    else:
        writer.append(PdfReader(io.BytesIO(image_page(part.path, part.type, page_size, scratch))))


def extract_pages(src: Path, dst: Path, pages: Sequence[int]) -> None:
    """A PDF of the given 1-based pages of `src` (to re-read only pages that carry fields)."""
    writer = PdfWriter()
    writer.append(PdfReader(src), pages=[p - 1 for p in pages], import_outline=False)
    write_atomically(writer, dst)


def lossless(src: Path, dst: Path, zlib_level: int = 9) -> None:
    """Same pages, smaller: content streams recompressed, identical objects shared, orphans removed."""
    writer = PdfWriter(clone_from=src)
    for page in writer.pages:
        page.compress_content_streams(level=zlib_level)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    write_atomically(writer, dst)


def recompress_images(src: Path, dst: Path, policy: ImagePolicy) -> int:
    """Re-encodes page images page by page; an image is replaced only when the new encoding is smaller.

    Photos (many colours) become JPEG at <= policy.max_dpi; flat images (screenshots, scans of print) become an
    exact palette when one exists, else keep their lossless encoding. Masked, stencil, CMYK and 1-bit images are
    left alone: re-encoding could change what shows. An image that does not decode is left as it is.
    Returns the number of images replaced.
    """
    writer = PdfWriter(clone_from=src)
    done: set[int] = set()
    replaced = 0
    for page in writer.pages:
        box = page.mediabox
        page_long, page_short = sorted((float(box.width) / 72, float(box.height) / 72), reverse=True)
        xobjects = page.get("/Resources", {}).get_object().get("/XObject", {}).get_object()
        for name, ref in xobjects.items():
            original = ref.get_object()
            if not hasattr(ref, "idnum") or ref.idnum in done or original.get("/Subtype") != "/Image":
                continue
            done.add(ref.idnum)
            if any(key in original for key in ("/SMask", "/Mask", "/ImageMask", "/Decode")) \
                    or original.get("/BitsPerComponent", 8) != 8:
                continue
            width, height = int(original["/Width"]), int(original["/Height"])
            # Conservative: the image is taken to fill the page, so it is never brought below max_dpi.
            scale = min(1.0, max(policy.max_dpi * page_long / max(width, height),
                                 policy.max_dpi * page_short / min(width, height)))
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            try:
                image = decoded(page, name, original, size)
                stream = reencoded(image, size, policy) if image.mode in ("RGB", "L", "P") else None
            except PDF_FAILURES:
                continue
            if stream is not None and encoded_size(stream) < encoded_size(original):
                # pypdf has no public call to swap an indirect object; ImageFile.replace does the same assignment.
                writer._objects[ref.idnum - 1] = stream
                replaced += 1
    write_atomically(writer, dst)
    return replaced


def decoded(page, name: str, original: StreamObject, size: tuple[int, int]) -> Image.Image:
    """The page image; a JPEG is decoded by Pillow near `size` directly (DCT scaling: fast, little memory)."""
    filters = original.get("/Filter")
    filters = [filters] if isinstance(filters, str) else list(filters or ())
    if filters == ["/DCTDecode"]:
        image = Image.open(io.BytesIO(original._data))
        image.draft(image.mode, size)
        image.load()
        return image
    return page.images[name].image


def reencoded(image: Image.Image, size: tuple[int, int], policy: ImagePolicy) -> StreamObject | None:
    if imageops.looks_flat(image, policy.flat_sample_side, policy.flat_sample_max_colours):
        palette = imageops.exact_palette(image, policy.palette_colours)
        return None if palette is None else palette_stream(palette)
    buffer = io.BytesIO()
    picture = imageops.visible_rgb(image)
    if picture.size != size:
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    picture.save(buffer, "JPEG", quality=policy.jpeg_quality, optimize=True)
    stream = DecodedStreamObject()
    stream.set_data(buffer.getvalue())
    stream.update(image_dict(picture.width, picture.height,
                             NameObject("/DeviceGray" if picture.mode == "L" else "/DeviceRGB")))
    stream[NameObject("/Filter")] = NameObject("/DCTDecode")
    return stream


def palette_stream(palette: Image.Image) -> StreamObject:
    _, highest = palette.getextrema()
    # The table holds only the entries in use (indices 0..highest).
    table = bytes(palette.getpalette()[:3 * (highest + 1)])
    space = ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"), NumberObject(highest),
                         ByteStringObject(table)])
    raw = DecodedStreamObject()
    raw.set_data(palette.tobytes())
    raw.update(image_dict(palette.width, palette.height, space))
    return raw.flate_encode(level=9)


def encoded_size(stream: StreamObject) -> int:
    # pypdf's public get_data() decodes; the stored (encoded) bytes are what the file pays for.
    return len(stream._data)


def image_dict(width: int, height: int, colour_space) -> dict:
    return {NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
            NameObject("/ColorSpace"): colour_space, NameObject("/BitsPerComponent"): NumberObject(8)}


def page_count(path: Path) -> int:
    """Pages of a PDF that loads; FileProblem('unreadable-file') otherwise."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise FileProblem("unreadable-file", f"{path.name} is encrypted.", "remove the password and build again.")
        return len(reader.pages)
    except PDF_FAILURES as exc:
        raise FileProblem("unreadable-file", f"{path.name} does not load as a PDF: {exc}.",
                          "re-save it as PDF and build again.") from exc


def write_atomically(writer: PdfWriter, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.part")
    try:
        with open(tmp, "wb") as out:
            writer.write(out)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
