"""Image re-encoding for the bundle: flattening, exact palettes, quantisation, JPEG steps.

Every function writes one output file (atomically) and returns nothing big: callers compare sizes and re-read the
result. Pillow's decompression-bomb limit is the process's (runtime.configure_process): an image past it is
refused, not decoded.
"""
from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Callable

from PIL import Image, ImageChops, ImageOps

ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
EXIF_ORIENTATION = 0x0112
STRIP_ROWS = 16                        # a JPEG block row at 4:2:0 (the strips of estimated_size)


def open_upright(path: Path) -> Image.Image:
    """The image as a viewer shows it: EXIF rotation applied, since re-encoding drops the EXIF tag.

    An upright picture is returned as opened (exif_transpose would copy it: a second 150 MB for a 48 MP photo).
    """
    image = Image.open(path)
    if image.getexif().get(EXIF_ORIENTATION, 1) == 1:
        return image
    upright = ImageOps.exif_transpose(image)
    return upright if upright is not None else image


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ALPHA_MODES or (image.mode == "P" and "transparency" in image.info)


def visible_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB or L as the picture looks on a white page: transparency composited onto white, 16-bit scaled."""
    if has_alpha(image):
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: keep the top 8 bits, as a screen does.
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("L", "RGB"):
        return image
    return image.convert("RGB")


def flatten_png(src: Path, dst: Path, zlib_level: int = 9) -> None:
    """A PNG without alpha that shows exactly what `src` shows on white (img2pdf refuses alpha channels)."""
    with Image.open(src) as image:
        save_atomically(visible_rgb(image), dst, "PNG", optimize=True, compress_level=zlib_level)


def colour_count(image: Image.Image, limit: int) -> int | None:
    """Distinct colours, or None when there are more than `limit`."""
    colours = image.getcolors(limit)
    return None if colours is None else len(colours)


def looks_flat(image: Image.Image, sample_side: int, max_colours: int) -> bool:
    """Screenshot-like (few flat colours) rather than a photo, judged on a nearest-neighbour thumbnail."""
    ratio = min(1.0, sample_side / max(image.size))
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    # resize, not copy+thumbnail: a 35 MP picture is never duplicated at full size just to count colours.
    sample = image.resize(size, Image.Resampling.NEAREST)
    return colour_count(visible_rgb(sample), max_colours) is not None


def near_grey(image: Image.Image, sample_side: int, max_chroma: int) -> bool:
    """Colour only in name: every pixel of a thumbnail within `max_chroma` of neutral grey (YCbCr), as a scan of
    black print on tinted paper is. Such a picture loses nothing a reader sees as greyscale, which saves the
    chroma bytes of every JPEG encoding. A red stamp or a coloured logo is far outside."""
    if image.mode != "RGB":
        return image.mode == "L"
    ratio = min(1.0, sample_side / max(image.size))
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    _, blue, red = image.resize(size, Image.Resampling.BOX).convert("YCbCr").split()
    return all(128 - max_chroma <= low and high <= 128 + max_chroma
               for low, high in (blue.getextrema(), red.getextrema()))


def exact_palette(image: Image.Image, max_colours: int) -> Image.Image | None:
    """The same pixels as a palette image, or None when that is not exactly possible (too many colours)."""
    rgb = visible_rgb(image)
    # Greyscale is one byte a pixel already: a palette would not be smaller.
    if rgb.mode != "RGB" or colour_count(rgb, max_colours) is None:
        return None
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=max_colours)
    # Median cut is exact for <= 256 colours in practice; proven here, since "lossless" is a promise.
    if ImageChops.difference(palette.convert("RGB"), rgb).getbbox() is not None:
        return None
    return palette


def quantised(image: Image.Image, colours: int = 256) -> Image.Image:
    """Lossy: nearest palette of `colours` colours, no dithering (dither noise blurs small text)."""
    rgb = visible_rgb(image)
    rgb = rgb if rgb.mode == "RGB" else rgb.convert("RGB")
    return rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def scaled(image: Image.Image, scale: float) -> Image.Image:
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def estimated_size(image: Image.Image, fraction: float, encode: Callable[[Image.Image, io.BytesIO], None],
                   strips: int = 8) -> int:
    """Bytes `encode` would write for the whole picture, from evenly spaced strips of rows holding `fraction` of it
    (a full zlib-9 PNG save of 35 MP takes ~20 s, a strip sample under a second).

    Strips are whole JPEG blocks (16 rows, on the 16-row grid), and each pays the file's headers and tables once:
    those bytes, measured as what a 16 x 16 crop costs, are counted once for the whole. Without that a 1600-row photo
    (8 strips of 6 rows) was forecast at 1.6-1.8x its JPEG size, which chose too low a quality."""
    rows = min(image.height, max(STRIP_ROWS, round(image.height * fraction / strips / STRIP_ROWS) * STRIP_ROWS))
    step = image.height / strips
    header = io.BytesIO()
    encode(image.crop((0, 0, min(image.width, STRIP_ROWS), min(image.height, STRIP_ROWS))), header)
    sampled = total = 0
    for index in range(strips):
        top = min(image.height - rows, round(index * step) // STRIP_ROWS * STRIP_ROWS)
        buffer = io.BytesIO()
        encode(image.crop((0, top, image.width, top + rows)), buffer)
        total += max(0, buffer.tell() - header.tell())
        sampled += rows
    return round(total * image.height / sampled) + header.tell()


def fitted_quality(size_at: Callable[[int], int], budget: float, low: int, high: int, tries: int = 4
                   ) -> tuple[int | None, int]:
    """The highest JPEG quality in [low, high] whose forecast `size_at(quality)` (a cheap sample encode) is within
    `budget`, and that forecast; (None, the forecast at `low`) when even `low` misses.

    Instead of stepping down a ladder of qualities, two probes (high, then low) bracket the budget and the quality is
    read off the line through log(bytes) against quality (JPEG bytes grow about exponentially with quality between
    50 and 90; the line lies above the slightly convex curve, so the guess errs low). Up to `tries` more probes
    narrow the bracket (regula falsi), each keeping a quality that fits below and one that misses above."""
    top = size_at(high)
    if top <= budget:
        return high, top
    bottom = size_at(low)
    if bottom > budget:
        return None, bottom
    fits, misses = (low, bottom), (high, top)
    for _ in range(tries):
        if misses[0] - fits[0] <= 1:
            break
        rise = math.log(max(misses[1], 1)) - math.log(max(fits[1], 1))
        share = (math.log(max(budget, 1)) - math.log(max(fits[1], 1))) / rise if rise > 0 else 0.0
        guess = min(misses[0] - 1, max(fits[0] + 1, fits[0] + math.floor((misses[0] - fits[0]) * share)))
        size = size_at(guess)
        if size <= budget:
            fits = (guess, size)
        else:
            misses = (guess, size)
    return fits


def png_encoder(zlib_level: int, colours: int | None = None) -> Callable[[Image.Image, io.BytesIO], None]:
    """What save_png writes, for estimated_size; with `colours`, of the picture quantised first."""
    def encode(image: Image.Image, out: io.BytesIO) -> None:
        (image if colours is None else quantised(image, colours)).save(out, "PNG", compress_level=zlib_level)
    return encode


def jpeg_encoder(quality: int, scale: float = 1.0) -> Callable[[Image.Image, io.BytesIO], None]:
    """What save_jpeg writes, for estimated_size."""
    def encode(image: Image.Image, out: io.BytesIO) -> None:
        scaled(visible_rgb(image), scale).save(out, "JPEG", quality=quality, optimize=True)
    return encode


def save_png(image: Image.Image, dst: Path, zlib_level: int = 9) -> None:
    # No optimize=True: Pillow then forces zlib level 9 whatever the level asked for (see bundle.toml).
    save_atomically(image, dst, "PNG", compress_level=zlib_level)


def save_jpeg(image: Image.Image, dst: Path, quality: int, scale: float = 1.0) -> None:
    """Baseline JPEG with optimised Huffman tables, 4:2:0 (what phone cameras write)."""
    save_atomically(scaled(visible_rgb(image), scale), dst, "JPEG", quality=quality, optimize=True)


def save_atomically(image: Image.Image, dst: Path, fmt: str, **options) -> None:
    tmp = dst.with_name(f".{dst.name}.part")
    try:
        image.save(tmp, fmt, **options)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
