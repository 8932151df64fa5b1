"""Barcodes: every linear and 2-D symbol on a page, decoded exactly by zxing-cpp.

A barcode is the one reading of a page with no OCR in it: a Code 128 on a label or a POD encodes the tracking
number as the carrier printed it. `read` decodes a page image (and a photo's warped-flat copy, where rectify found
one) and returns `Barcode` records, boxes in the page image's pixels; `scan` is the one call of zxing-cpp, which
the ingest stage's QR-code check uses too. Which symbologies are decoded and which may carry a link, and the cost
bounds, live in barcodes.toml beside this module. Whether a decoded value is a tracking number is decided by the
fields (pipeline/fields/tracking.py, patterns/tracking.toml [barcodes]); a link, by the validate stage.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import zxingcpp
from PIL import Image, ImageDraw

from pipeline.datafiles import DataFileError, FlatSettings
from pipeline.model import Barcode

SETTINGS_FILE = Path(__file__).with_name("barcodes.toml")


@dataclass(frozen=True)
class BarcodeSettings(FlatSettings, file=SETTINGS_FILE, what="The barcode settings file"):
    """barcodes.toml: the symbologies of each pass, those that may carry a link, and the cost bounds."""

    linear: list[str]
    matrix: list[str]
    links: list[str]
    screen_max_pixels: int
    max_side: int
    straighten_min_deg: float
    straighten_max_deg: float
    straighten_agree_deg: float
    paint_margin: float
    text_layer_render_dpi: float
    band_rows: int
    widen: int

    def __post_init__(self):
        unknown = [name for name in self.linear + self.matrix + self.links
                   if not hasattr(zxingcpp.BarcodeFormat, name)]
        if unknown:
            raise DataFileError(f"The barcode settings file {SETTINGS_FILE} names symbologies zxing-cpp does not "
                                f"know: {', '.join(unknown)}.",
                                "correct the file or restore it from the evpack release.")


def settings() -> BarcodeSettings:
    return BarcodeSettings.default()


def scan(image: Image.Image, formats: Iterable[str], try_rotate: bool = True) -> list[zxingcpp.Barcode]:
    """zxing-cpp's results for `image` in the named symbologies (inverted and downscaled tries on; turned by 90
    degrees if `try_rotate`)."""
    wanted = [getattr(zxingcpp.BarcodeFormat, name) for name in formats]
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")
    return zxingcpp.read_barcodes(image, formats=wanted, try_rotate=try_rotate)


def read(image: Image.Image, flat: Image.Image | None = None, turned: bool = True) -> tuple[Barcode, ...]:
    """Every symbol on a page image in the symbologies of barcodes.toml, each content once, in reading order
    (top to bottom, then left to right). Linear bars are looked for turned by 90 degrees too if `turned` (a photo
    or a scan may lie sideways; a screenshot's bars stand upright, and the try costs ten times the upright pass).
    A photo's warped-flat copy (`flat`) is decoded where the photo itself gave no symbol (half the cost on the
    photos that give one); a symbol found only there has no box, since its pixels are not the page image's.
    A photo's or a scan's page image (`turned`) is decoded once more for linear bars on its rows averaged in bands
    (`banded`: a fax's bars at 150 dpi); a symbol found only so has no box either."""
    cfg = settings()
    found: dict[tuple[str, str], Barcode] = {}
    page = None
    for copy, in_page in ((image, True), (flat, False)):
        if copy is None or (found and not in_page):
            continue
        sample, factor = _bounded(copy, cfg.max_side)
        if sample.mode != "L":
            sample = sample.convert("L")  # once for both passes
        page = sample if in_page else page
        for code in scan(sample, cfg.linear, try_rotate=turned) + scan(sample, cfg.matrix, try_rotate=False):
            if not code.valid or not code.text:
                continue
            key = (code.format.name, code.text)
            if key not in found:
                found[key] = Barcode(code.format.name, code.text, _box(code.position, factor) if in_page else None,
                                     _angle(code.position) if in_page else 0.0)
    if turned and page is not None:
        for code in scan(banded(page, cfg.band_rows, cfg.widen), cfg.linear, try_rotate=False):
            if code.valid and code.text:
                found.setdefault((code.format.name, code.text), Barcode(code.format.name, code.text, None, 0.0))
    return tuple(sorted(found.values(), key=lambda b: (b.box is None, (b.box or (0, 0))[1], (b.box or (0, 0))[0])))


def banded(image: Image.Image, rows: int, widen: int) -> Image.Image:
    """`image` (mode L) with its rows averaged in bands of `rows` (whole-pixel box reduction of the height) and its
    width stretched `widen` times (bicubic): upright bars keep their edges, and a fax's speckle and ragged thresholded
    edges are evened out along them."""
    height = max(1, image.height // rows)
    return image.resize((image.width, height), Image.Resampling.BOX).resize((image.width * widen, height),
                                                                             Image.Resampling.BICUBIC)


def links(symbols: Iterable[Barcode]) -> tuple[str, ...]:
    """The payloads of the symbologies that may carry a link (QR codes), for the external-link rule."""
    kinds = set(settings().links)
    return tuple(dict.fromkeys(b.text for b in symbols if b.format in kinds))


def tilt(symbols: Iterable[Barcode]) -> float | None:
    """How far a photographed page is turned, measured on its symbols' edges: their median angle where it lies
    between barcodes.toml's straighten_min_deg and straighten_max_deg either way and every symbol agrees within
    straighten_agree_deg; else None (upright already, turned by 90 degrees, or symbols that disagree)."""
    cfg = settings()
    angles = sorted(b.angle for b in symbols if b.box is not None)
    if not angles or angles[-1] - angles[0] > cfg.straighten_agree_deg:
        return None
    median = angles[len(angles) // 2]
    return median if cfg.straighten_min_deg <= abs(median) <= cfg.straighten_max_deg else None


def straightened(image: Image.Image, symbols: Iterable[Barcode]) -> Image.Image:
    """`image` turned back by its symbols' `tilt` (a new, larger image with white corners), or `image` itself."""
    angle = tilt(symbols)
    if angle is None:
        return image
    white = 255 if image.mode in ("L", "1", "P") else (255,) * len(image.getbands())
    return image.rotate(-angle, resample=Image.BICUBIC, expand=True, fillcolor=white)


def painted_out(image: Image.Image, symbols: Iterable[Barcode]) -> Image.Image:
    """`image` with each decoded symbol that has a box painted over in the paper's colour around it (the median of
    the box's rim, paint_margin of its shorter side outside it), or `image` itself where none has a box. Its bars
    are no text, and their value is read exactly: left on the page, a Code 128 and a Data Matrix made Tesseract's
    layout analysis take the lines beside them for part of a picture (a 2 MP label photo of tuning seed 7 read
    `ee`, `ah`, `ss` where the recipient's address and phone stand, and read both once the symbols were painted
    out). The number printed under the bars lies outside the box and stays."""
    import numpy as np  # loaded once a page has a symbol

    boxes = [b.box for b in symbols if b.box is not None]
    if not boxes:
        return image
    painted = image.copy()
    pixels = np.asarray(painted)
    draw = ImageDraw.Draw(painted)
    for left, top, right, bottom in boxes:
        margin = max(1, round(settings().paint_margin * min(right - left, bottom - top)))
        x0, y0 = max(0, left - margin), max(0, top - margin)
        x1, y1 = min(image.width - 1, right + margin), min(image.height - 1, bottom + margin)
        block = pixels[y0:y1 + 1, x0:x1 + 1]
        rim = np.concatenate([block[0], block[-1], block[:, 0], block[:, -1]])
        paper = np.median(rim, axis=0)
        draw.rectangle((x0, y0, x1, y1), fill=tuple(int(v) for v in paper) if paper.ndim else int(paper))
    return painted


def _angle(position: zxingcpp.Position) -> float:
    """Degrees a symbol is turned counter-clockwise, from the slant of its left and right edges (a linear symbol's
    box is found along a scan row, so its top and bottom are level; the sides carry the angle)."""
    left = math.atan2(position.bottom_left.x - position.top_left.x, position.bottom_left.y - position.top_left.y)
    right = math.atan2(position.bottom_right.x - position.top_right.x,
                       position.bottom_right.y - position.top_right.y)
    return round(math.degrees((left + right) / 2), 1)


def _bounded(image: Image.Image, side: int) -> tuple[Image.Image, int]:
    """`image` reduced by a whole factor to at most `side` px on its long side (Image.reduce averages whole
    pixels, so bars keep their edges), and the factor."""
    factor = math.ceil(max(image.size) / side)
    if factor <= 1:
        return image, 1
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("L")
    return image.reduce(factor), factor


def _box(position: zxingcpp.Position, factor: int) -> tuple[int, int, int, int]:
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs, ys = [p.x * factor for p in corners], [p.y * factor for p in corners]
    return min(xs), min(ys), max(xs), max(ys)
