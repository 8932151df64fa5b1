"""Where a field's value was read on a page, and reading it again there alone.

After a lossy re-encoding a value is proven still legible by reading again only the box it was read from (a crop
with a margin, tens of milliseconds) instead of the whole page (seconds). Three small functions carry it:
`page_lines` gives the OCR lines of a page their boxes on the page image (the OCR keeps them in
PageReading.lines); `spot` finds the line or barcode that showed a value; `still_shows` reads that box of a new
picture of the page and says whether it shows the same characters. A value `spot` cannot place (read on a turned or
warped copy, split over lines, repaired after reading) has no spot: its page is read whole, as before.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Protocol

from PIL import Image

from pipeline.datafiles import FlatSettings
from pipeline.model import PageReading, TextLine, Timestamp, TrackingNumber, Url

SETTINGS_FILE = Path(__file__).with_name("recheck.toml")


@dataclass(frozen=True)
class RecheckSettings(FlatSettings, file=SETTINGS_FILE, what="The re-check settings file"):
    """recheck.toml: the crop's margins, how far a page's proportions may change, the crop's page segmentations."""

    margin_x_heights: float
    margin_y_heights: float
    max_aspect_change: float
    psms: list[int]
    min_line_px: float


def settings() -> RecheckSettings:
    return RecheckSettings.default()


class Boxed(Protocol):
    """An OCR line on the enlarged copy of a page (pipeline.reading.engine.OcrLine)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    words: tuple[tuple[int, int, int, int, int, int], ...]


def page_lines(lines: Iterable[Boxed], scale: float) -> tuple[TextLine, ...]:
    """Lines read on a copy of the page image enlarged by `scale`, with their boxes (and their words') in the page
    image's pixels (rounded outwards). Blank lines, and lines lower than min_line_px (a place a pass set its
    consensus read at, not a box Tesseract found), are left out."""
    def shrunk(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return math.floor(x0 / scale), math.floor(y0 / scale), math.ceil(x1 / scale), math.ceil(y1 / scale)

    boxed = (TextLine(line.text, shrunk(line.left, line.top, line.left + line.width, line.top + line.height),
                      tuple((start, end) + shrunk(*box) for start, end, *box in getattr(line, "words", ())))
             for line in lines if line.text.strip() and line.height >= settings().min_line_px * scale)
    return tuple(boxed)


def unturned(lines: Iterable[TextLine], degrees: float, page_size: tuple[int, int],
             turned_size: tuple[int, int]) -> tuple[TextLine, ...]:
    """Lines read on a copy of the page turned clockwise by `degrees` about its centre (Image.rotate(-degrees), with
    or without expand: `turned_size`), with their boxes on the page image: each box's corners turned back, the box
    around them, within the page."""
    if not degrees:
        return tuple(lines)
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    (cx, cy), (tx, ty) = (page_size[0] / 2, page_size[1] / 2), (turned_size[0] / 2, turned_size[1] / 2)

    def back(x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int]:
        corners = [(cx + cos * (x - tx) + sin * (y - ty), cy - sin * (x - tx) + cos * (y - ty))
                   for x in (x0, x1) for y in (y0, y1)]
        return (max(0, math.floor(min(x for x, _ in corners))), max(0, math.floor(min(y for _, y in corners))),
                min(page_size[0], math.ceil(max(x for x, _ in corners))),
                min(page_size[1], math.ceil(max(y for _, y in corners))))

    found = []
    for line in lines:
        box = back(*line.box)
        if box[2] > box[0] and box[3] > box[1]:
            words = tuple((start, end) + back(*word) for start, end, *word in line.words)
            found.append(TextLine(line.text, box, words))
    return tuple(found)


@dataclass(frozen=True)
class Spot:
    """Where a value was read: its box on the page image of `size` (width, height), and the characters to find again
    there, as `alnum` (tracking numbers: Latin letters and digits only), `compact` (timestamps: letters of any script
    and digits) or `squeezed` (URLs: all but white space) writes them (`form`)."""

    box: tuple[int, int, int, int]
    size: tuple[int, int]
    needle: str
    form: str = "squeezed"  # alnum | compact | squeezed: how the needle is written (FORMS)
    barcode: bool = False   # read from a barcode: decoded again, not OCR'd

    def written(self, text: str) -> str:
        """`text` as the needle is written."""
        return FORMS[self.form](text)


def alnum(text: str) -> str:
    """Letters and digits only, upper case: a tracking number as a line shows it (spaces, hyphens dropped)."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def squeezed(text: str) -> str:
    """Without white space, case-folded: a URL however OCR spaced it."""
    return "".join(text.split()).casefold()


def compact(text: str) -> str:
    """Letters (of any script) and digits only, case-folded: a timestamp however OCR read its separators. A page read
    whole had lost the colon of `2026.03.02 11:01` (`1101`, still read as 11:01) that its line's crop showed again,
    and a crop read `2026. 03.03 1638` where the page had read `16:38`: the same digits, the same time."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


FORMS = {"alnum": alnum, "compact": compact, "squeezed": squeezed}


def spot(page: PageReading, field: TrackingNumber | Timestamp | Url) -> Spot | None:
    """Where `page` showed `field`: a tracking number's barcode, or the first OCR line holding the value's
    characters (a timestamp as printed, a URL without its scheme); None where no line holds them."""
    size = (page.width, page.height)
    if isinstance(field, TrackingNumber) and field.source == "barcode" and field.box:
        return Spot(tuple(field.box), size, alnum(field.value), "alnum", barcode=True)
    if page.source != "ocr":  # a text layer's lines (in points) are read again by its text, not by OCR
        return None
    if isinstance(field, TrackingNumber):
        return _in_lines(page.lines, size, field.value, "alnum")
    if isinstance(field, Timestamp):
        return _in_lines(page.lines, size, field.text, "compact")
    return _in_lines(page.lines, size, field.value.split("://", 1)[-1], "squeezed")


def _in_lines(lines: Iterable[TextLine], size: tuple[int, int], value: str, form: str) -> Spot | None:
    """The spot of the first of `lines` that shows `value`, both written in `form` (FORMS); None where none does."""
    needle = FORMS[form](value)
    if not needle or not all(size):
        return None
    place = Spot((0, 0, 0, 0), size, needle, form)
    return next((replace(place, box=line.box) for line in lines if needle in place.written(line.text)), None)


def region(place: Spot, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The spot's box on a picture of the page `size` pixels large (the same page at any resolution), widened by the
    margins (in line heights); None when the picture's proportions are not those of the page that was read (the box
    would not be where the value is)."""
    cfg = settings()
    sx, sy = size[0] / place.size[0], size[1] / place.size[1]
    if abs(sx / sy - 1) > cfg.max_aspect_change:
        return None
    x0, y0, x1, y1 = place.box
    pad_x, pad_y = cfg.margin_x_heights * (y1 - y0), cfg.margin_y_heights * (y1 - y0)
    box = (max(0, math.floor((x0 - pad_x) * sx)), max(0, math.floor((y0 - pad_y) * sy)),
           min(size[0], math.ceil((x1 + pad_x) * sx)), min(size[1], math.ceil((y1 + pad_y) * sy)))
    return box if box[2] > box[0] and box[3] > box[1] else None


def line_height(place: Spot, size: tuple[int, int]) -> float:
    """The height in pixels the spot's line has on a picture of the page `size` pixels large."""
    return (place.box[3] - place.box[1]) * size[1] / place.size[1]


def still_shows(image: Image.Image, place: Spot, timeout: float, scratch: Path) -> bool:
    """Whether `image` (a new picture of the page: re-encoded, at any resolution) still shows the value at its spot
    (`shows` on its region). False means "not proven here", never "lost": the caller reads the page whole then."""
    box = region(place, image.size)
    return box is not None and shows(image.crop(box), place, line_height(place, image.size), timeout, scratch)


def shows(crop: Image.Image, place: Spot, line_px: float, timeout: float, scratch: Path) -> bool:
    """Whether `crop` (the spot's region of a new picture of the page, its line `line_px` high) shows the value: the
    barcode decoded again, or the crop OCR'd holding the same characters, prepared as the page's own read is
    (background evened, glyphs sized, table rules painted out) and read in each of `psms` until one shows them."""
    if place.barcode:
        from pipeline.reading import barcodes
        return any(place.needle in alnum(code.text) for code in barcodes.read(crop))
    from pipeline.errors import OcrFailed, OcrTimeout
    from pipeline.output import imageops
    from pipeline.reading import preprocess, tesseract
    from pipeline.reading.settings import settings as ocr_settings
    cfg = ocr_settings()
    gray = preprocess.light_rows(preprocess.light_background(imageops.visible_rgb(crop).convert("L"), cfg), cfg)
    copy = preprocess.enlarged(preprocess.without_rules(gray, line_px, cfg), preprocess.ocr_scale(line_px, gray.size))
    for psm in settings().psms:
        try:
            read = "".join(word.text for word in tesseract.words(copy, cfg.languages, timeout, psm, scratch=scratch))
        except (OcrTimeout, OcrFailed):
            return False
        if place.needle in place.written(read):
            return True
    return False
