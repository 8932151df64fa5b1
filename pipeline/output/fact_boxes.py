"""Where each found fact lies on the upload pages: the boxes report.html draws on its page thumbnails.

A field read with a box (pipeline/fields/boxes.py: the words that show it, or a barcode's bars) is carried through
the bundle's page placements onto the upload page that shows its source page. Its box is given as fractions of that
upload page ([x0, y0, x1, y1] from the top left, 0-1), so a viewer draws it at any size. A picture placed on a PDF
page (fitted into A4) is found on that page as its largest image; a PDF page merged as it is fills its page. The
cover shows the same facts as crops of their source pages (proof_crop).

The facts boxed (`fact`): every tracking number (`tracking`) and where its page names its carrier (`carrier`: the
number's carrier_box, its value the carrier's name), the page's own URLs (`url`; a tab's or a bookmark's is another
site), every Korean address (`address`), and of the timestamps only the delivery time (`delivery_time`:
the latest time printed as delivered on the file, as the statement and the cover state it) and the capture's own
(`capture_time`: a screen clock, a print header or footer). A tracking page's other event times are no fact of the
claim: boxed, they would hide the ones that are.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

import pypdfium2 as pdfium
from PIL import Image

from pipeline.judging.statement_text import StatementRules, delivery_time, load_rules
from pipeline.model import PacketState, Reading, UploadFile
from pipeline.output import imageops
from pipeline.profile import Profile

# The fields that can carry a box, as report.json names them.
FIELDS = ("tracking_numbers", "timestamps", "urls", "korean_addresses")
WHOLE = (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True)
class CarrierSeen:
    """Where a page names a tracking number's carrier, as a fact to box: `value` the carrier's name."""
    value: str
    page: int
    box: tuple[int, int, int, int]


def fact_boxes(state: PacketState, profile: Profile | None = None) -> list[dict]:
    """Every boxed fact of the packet's readings that is on an upload page: upload name, 1-based page, field, fact
    (see the module's docstring), value and box (fractions of the upload page). Facts of pages not placed in upload/
    are left out. `profile`: whose carrier names name a carrier the statement data does not."""
    uploads = {u.name: u for u in state.uploads}
    placed = {(p.source, p.source_page): (p.upload, p.upload_page) for p in state.placements}
    image_sources = {f.source for f in state.files if f.usable_type in ("jpeg", "png")}
    frames: dict[tuple[str, int, bool], tuple[float, float, float, float] | None] = {}
    boxes = []
    rules = load_rules()
    for source, reading in sorted(state.readings.items()):
        for name, field, fact in facts_of(source, reading, rules, profile.carriers if profile else None):
            box = getattr(field, "box", None)
            upload, page = placed.get((source, field.page), (None, 0))
            size = page_size(reading, field.page)
            if not box or upload not in uploads or size is None:
                continue
            key = (upload, page, source in image_sources)
            if key not in frames:
                frames[key] = frame(uploads[upload], page, source in image_sources)
            if frames[key] is None:
                continue
            boxes.append({"upload": upload, "page": page, "field": name, "fact": fact, "value": field.value,
                          "box": placed_box(box, size, frames[key])})
    return boxes


def facts_of(source: str, reading: Reading, rules: StatementRules,
             carriers: Mapping[str, Mapping] | None = None) -> Iterator[tuple[str, object, str]]:
    """The fields of a reading that are facts of the claim, as (field name, field, fact); a carrier once per place
    on its page (named as the cover names it, with `carriers` the profile's)."""
    delivered = delivery_time([(source, reading)], rules)
    carriers_seen = set()
    for field in reading.fields.tracking_numbers:
        yield "tracking_numbers", field, "tracking"
        if field.carrier and field.carrier_box and (field.page, field.carrier_box) not in carriers_seen:
            carriers_seen.add((field.page, field.carrier_box))
            yield "tracking_numbers", CarrierSeen(carrier_name(field.carrier, rules, carriers), field.page,
                                                  field.carrier_box), "carrier"
    for stamp in reading.fields.timestamps:
        if delivered is not None and stamp.value == delivered.value and stamp.page in {s.page for s in delivered.shown}:
            yield "timestamps", stamp, "delivery_time"
        elif stamp.role == "capture":
            yield "timestamps", stamp, "capture_time"
    for url in reading.fields.urls:
        if url.of_page:
            yield "urls", url, "url"
    for address in reading.fields.korean_addresses:
        yield "korean_addresses", address, "address"


def carrier_name(carrier: str, rules: StatementRules, carriers: Mapping[str, Mapping] | None = None) -> str:
    """A carrier's name as the cover shows it: Korean, and English where it differs."""
    ko, en = rules.carrier_label(carrier, "ko", carriers), rules.carrier_label(carrier, "en", carriers)
    return ko if ko == en else f"{ko} / {en}"


def carrier_boxed(reading: Reading, page: int, carrier: str) -> tuple[int, int, int, int] | None:
    """Where `page` of `reading` names `carrier` (a tracking number's carrier_box), if the reader found it."""
    for number in reading.fields.tracking_numbers:
        if number.page == page and number.carrier == carrier and number.carrier_box:
            return tuple(number.carrier_box)
    return None


def page_size(reading: Reading, page: int) -> tuple[float, float] | None:
    """The size of the space a page's boxes are in: the page image's pixels, or a text layer's points."""
    if not 1 <= page <= len(reading.pages):
        return None
    read = reading.pages[page - 1]
    width, height = (read.width, read.height) if read.width and read.height else \
        (reading.image_width, reading.image_height)
    return (float(width), float(height)) if width and height else None


def placed_box(box: tuple[int, int, int, int], size: tuple[float, float],
               where: tuple[float, float, float, float]) -> list[float]:
    """`box` (in a page of `size`) as fractions of the upload page on which that page fills `where`."""
    width, height = size
    x0, y0, x1, y1 = where
    fractions = (box[0] / width, box[1] / height, box[2] / width, box[3] / height)
    placed = (x0 + fractions[0] * (x1 - x0), y0 + fractions[1] * (y1 - y0),
              x0 + fractions[2] * (x1 - x0), y0 + fractions[3] * (y1 - y0))
    return [round(min(max(v, 0.0), 1.0), 4) for v in placed]


def frame(upload: UploadFile, page: int, picture: bool) -> tuple[float, float, float, float] | None:
    """Where a source page fills upload page `page` (fractions from the top left): a picture on a PDF page is that
    page's largest image; anything else fills the page (a merged PDF page, an image upload). None when it cannot be
    told (a turned page): no box is better than a box in the wrong place."""
    if upload.type != "pdf" or not picture:
        return WHOLE
    return largest_image(upload.path, page)


def largest_image(path: Path, page: int) -> tuple[float, float, float, float] | None:
    """The bounds of the largest image drawn on a PDF page, as fractions of the page from the top left."""
    try:
        pdf = pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        if not 1 <= page <= len(pdf):
            return None
        sheet = pdf[page - 1]
        if sheet.get_rotation():
            return None
        width, height = sheet.get_size()
        best = None
        for image in sheet.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            # pypdfium2 5 calls it get_bounds, 4 get_pos.
            left, bottom, right, top = (getattr(image, "get_bounds", None) or image.get_pos)()
            area = (right - left) * (top - bottom)
            if best is None or area > best[0]:
                best = area, (left / width, 1 - top / height, right / width, 1 - bottom / height)
        return best[1] if best else None
    finally:
        pdf.close()


def boxed_field(reading: Reading, page: int, value: str) -> tuple[int, int, int, int] | None:
    """The box of a field of `reading` on `page` whose value is `value`, if the reader gave it one."""
    for name in FIELDS:
        for field in getattr(reading.fields, name):
            box = getattr(field, "box", None)
            if box and field.page == page and field.value == value:
                return tuple(box)
    return None


def proof_crop(path: Path, usable_type: str, page: int, size: tuple[float, float], box: tuple[int, int, int, int],
               dpi: float, pad: float) -> Image.Image | None:
    """The part of a source page around `box` (in a page of `size`: its image's pixels or its text layer's points),
    padded by `pad` times the box's height on every side, at `dpi` for a PDF page (an image's own pixels
    otherwise). None when the page cannot be opened."""
    try:
        if usable_type == "pdf":
            pdf = pdfium.PdfDocument(path)
            try:
                sheet = pdf[page - 1]
                picture = sheet.render(scale=dpi / 72).to_pil()
            finally:
                pdf.close()
        else:
            picture = imageops.open_upright(path)
            picture.load()
    except (pdfium.PdfiumError, OSError, ValueError, IndexError, Image.DecompressionBombError):
        return None
    factor = picture.width / size[0]
    margin = pad * (box[3] - box[1])
    region = (max(0, round((box[0] - margin) * factor)), max(0, round((box[1] - margin) * factor)),
              min(picture.width, round((box[2] + margin) * factor)),
              min(picture.height, round((box[3] + margin) * factor)))
    if region[2] <= region[0] or region[3] <= region[1]:
        return None
    return picture.crop(region).convert("RGB")
