"""The packet model: small, picklable, immutable records that flow one way through the stages.

Stages pass paths and these records, never image bytes. Each stage returns a new `PacketState`
(`dataclasses.replace`), so a state seen by one stage is never changed behind its back.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

KST = timezone(timedelta(hours=9), "KST")

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Claim:
    """What claim.toml says (validated by the manifest stage)."""

    claim_id: str
    order_id: str
    reason: str
    paid_out_at: datetime  # always timezone-aware
    buyer_claim: str
    tracking_number: str | None = None
    carrier: str | None = None
    seller: str | None = None
    statement: str | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        data["paid_out_at"] = self.paid_out_at.isoformat()
        return data


@dataclass(frozen=True)
class Finding:
    rule: str          # a rule id of the rules profile (stable, see interface.md)
    severity: str      # error | warning | note
    message: str       # what is wrong, and why evpack thinks so
    fix: str = ""      # what the seller should do
    file: str | None = None  # the evidence file, relative to the packet

    def to_json(self) -> dict:
        data = {"rule": self.rule, "severity": self.severity, "file": self.file, "message": self.message}
        if self.fix:
            data["fix"] = self.fix
        return data


@dataclass(frozen=True)
class EvidenceFile:
    """One input file as ingest found it. `path` is the untouched input; `usable` the PDF/JPEG/PNG to work on."""

    source: str            # path relative to the packet root (POSIX), or as given to `scan`
    path: Path             # absolute input path: read, never written
    sha256: str
    size: int
    detected: str          # type from content: pdf jpeg png heic webp tiff bmp gif csv text zip ... unknown
    usable: Path | None = None      # the input or a lossless conversion (work folder, ingest cache): read-only
    usable_type: str | None = None  # pdf | jpeg | png
    pages: int = 0
    conversion: str = ""   # what ingest did, for the report ("HEIC -> PNG, lossless; EXIF rotation applied")

    def to_json(self) -> dict:
        return {"path": self.source, "sha256": self.sha256, "bytes": self.size, "detected": self.detected,
                "usable_type": self.usable_type, "pages": self.pages, "conversion": self.conversion}


# ---- fields read from evidence -------------------------------------------------------------------

@dataclass(frozen=True)
class TrackingNumber:
    value: str             # digits/letters only, no spaces or hyphens
    carrier: str | None    # cj | korea-post | hanjin | lotte | logen | coupang | fedex | ups | dhl | ems | None
    checksum: str          # ok | bad | none  (none: the carrier has no public check digit, or unknown)
    page: int = 1          # 1-based page of the file
    context: str = ""      # why it was taken: label | url | format | carrier-name | lone-line | barcode
    source: str = ""       # what it was read from: text (a PDF's text layer) | ocr | url | barcode (exact)
    box: tuple[int, int, int, int] | None = None  # where it was read: [x0, y0, x1, y1] in the page image's pixels
                                                  # (a text layer's points): its barcode, or its characters
    carrier_box: tuple[int, int, int, int] | None = None  # where its page shows the carrier (its name, or its host
                                                          # in a URL), as above (pipeline/fields/boxes.py)

    def to_json(self) -> dict:
        found = {"value": self.value, "carrier": self.carrier, "checksum": self.checksum, "page": self.page}
        return (found | ({"source": self.source} if self.source else {}) | _box_json(self.box)
                | ({"carrier_box": list(self.carrier_box)} if self.carrier_box else {}))


@dataclass(frozen=True)
class Timestamp:
    text: str              # as printed
    value: str             # ISO 8601 with offset (KST unless the text names another zone)
    page: int = 1
    zone: str = ""         # the IANA zone it was read in (Asia/Seoul by default; "" for an offset without a name)
    role: str = ""         # capture (a screen's clock, a print header or footer) | event (anything else) | "" unknown
    box: tuple[int, int, int, int] | None = None  # where its text was read (pipeline/fields/boxes.py), as above

    def to_json(self) -> dict:
        return ({"text": self.text, "value": self.value, "page": self.page} | ({"zone": self.zone} if self.zone else {})
                | ({"role": self.role} if self.role else {}) | _box_json(self.box))


@dataclass(frozen=True)
class Url:
    """`zone`: where a screen shows it: `address-bar` (the browser's own, one per window), `tab` (a tab title, above
    the bar), `bookmark` (the bookmarks bar, below it), `page` (the page itself); "" where the text has no screen
    (a PDF's text layer). A tab's or bookmark's URL is another visible host, never the page's. `as_read`: the host as
    OCR read it where the value names the known host it misread. `host_check`: `unlisted` for a tab's or bookmark's
    host that no closed list (the profile's hosts and site_hosts) accepts, as read or repaired: only what OCR read."""
    value: str             # with the scheme; a host-only mobile bar gives "https://host"
    host: str
    page: int = 1
    address_bar: bool = False  # found in the browser's address bar (top of a screenshot)
    full: bool = True          # a path or query was visible, not only the host
    zone: str = ""
    as_read: str = ""
    box: tuple[int, int, int, int] | None = None  # where it was read (pipeline/fields/boxes.py), as above
    host_check: str = ""

    @property
    def of_page(self) -> bool:
        """The page's own URL (its address bar's or one it shows), not a tab's or a bookmark's."""
        return self.zone not in ("tab", "bookmark")

    def to_json(self) -> dict:
        return ({"value": self.value, "host": self.host, "page": self.page, "address_bar": self.address_bar}
                | ({"zone": self.zone} if self.zone else {}) | ({"as_read": self.as_read} if self.as_read else {})
                | ({"host_check": self.host_check} if self.host_check else {}) | _box_json(self.box))


@dataclass(frozen=True)
class KoreanAddress:
    """`road_check`: the road name against the national list (pipeline/fields/road_names.py): listed, corrected (the
    value names the listed road OCR misread, `as_read` the value as read), unlisted or unchecked; None for a
    lot-number (지번) address."""
    value: str
    postal_code: str | None = None
    page: int = 1
    road_check: str | None = None
    as_read: str | None = None
    box: tuple[int, int, int, int] | None = None  # where it was read (pipeline/fields/boxes.py), as above

    def to_json(self) -> dict:
        found = {"value": self.value, "postal_code": self.postal_code, "page": self.page,
                 "road_check": self.road_check}
        return found | ({"as_read": self.as_read} if self.as_read else {}) | _box_json(self.box)


def _box_json(box: tuple[int, int, int, int] | None) -> dict:
    return {"box": list(box)} if box else {}


def _boxed(data: Mapping) -> dict:
    """A field's JSON with its boxes (lists) as tuples."""
    return {**data, "box": tuple(data["box"]) if data.get("box") else None} | (
        {"carrier_box": tuple(data["carrier_box"]) if data["carrier_box"] else None} if "carrier_box" in data else {})


@dataclass(frozen=True)
class Fields:
    tracking_numbers: tuple[TrackingNumber, ...] = ()
    timestamps: tuple[Timestamp, ...] = ()
    urls: tuple[Url, ...] = ()
    korean_addresses: tuple[KoreanAddress, ...] = ()

    def to_json(self) -> dict:
        return {"tracking_numbers": [t.to_json() for t in self.tracking_numbers],
                "timestamps": [t.to_json() for t in self.timestamps],
                "urls": [u.to_json() for u in self.urls],
                "korean_addresses": [a.to_json() for a in self.korean_addresses]}

    @classmethod
    def from_json(cls, data: Mapping) -> "Fields":
        return cls(
            tracking_numbers=tuple(TrackingNumber(**_boxed(t)) for t in data.get("tracking_numbers", ())),
            timestamps=tuple(Timestamp(**_boxed(t)) for t in data.get("timestamps", ())),
            urls=tuple(Url(**_boxed(u)) for u in data.get("urls", ())),
            korean_addresses=tuple(KoreanAddress(**_boxed(a)) for a in data.get("korean_addresses", ())),
        )


@dataclass(frozen=True)
class Barcode:
    """One symbol zxing-cpp decoded on a page: exact, as encoded (no OCR between the pixels and the value)."""

    format: str            # zxing-cpp's name of the symbology: Code128, Code39, ITF, EAN13, QRCode, DataMatrix ...
    text: str              # the decoded content
    box: tuple[int, int, int, int] | None = None  # [x0, y0, x1, y1] in the page image's pixels; None when it was
                                                  # decoded on a photo's warped-flat copy only
    angle: float = 0.0     # degrees the symbol is turned counter-clockwise from upright on the page image

    def to_json(self) -> dict:
        return ({"format": self.format, "text": self.text} | ({"box": list(self.box)} if self.box else {})
                | ({"angle": self.angle} if self.angle else {}))

    @classmethod
    def from_json(cls, data: Mapping) -> "Barcode":
        return cls(data["format"], data["text"], tuple(data["box"]) if data.get("box") else None,
                   data.get("angle", 0.0))


@dataclass(frozen=True)
class TextLine:
    """One line of a page's text and where it stands on the page: [x0, y0, x1, y1] in the pixels of the image that
    was read (PageReading.width x height; a text layer's points). `words`: each word's characters in `text` and its
    box, (start, end, x0, y0, x1, y1); () where only the line's box is known."""

    text: str
    box: tuple[int, int, int, int]
    words: tuple[tuple[int, int, int, int, int, int], ...] = ()

    @classmethod
    def from_json(cls, data: Mapping) -> "TextLine":
        return cls(data["text"], tuple(data["box"]), tuple(tuple(word) for word in data.get("words", ())))


@dataclass(frozen=True)
class PageReading:
    index: int                     # 1-based
    text: str
    source: str                    # text-layer | ocr | none
    confidence: float | None = None  # mean Tesseract word confidence, 0-100
    width: int = 0                 # pixels of the image read (points for a text layer)
    height: int = 0
    sharpness: float | None = None  # variance of the Laplacian on the OCR copy; low = blurred
    sharpness_denoised: float | None = None  # the same after a 5-px median filter: sensor noise does not count
    header_text: str = ""          # text of the top band (a browser's address bar lives there)
    tabs_text: str = ""            # rows of the browser's tab strip (above the address bar's row)
    bookmarks_text: str = ""       # the browser's bookmarks bar (the row right under the address bar's)
    footer_text: str = ""          # text of the bottom band (taskbar clock, print footer)
    bar_reads: tuple[str, ...] = ()  # the address bar read at several scales, the consensus (in header_text) first
    barcodes: tuple[Barcode, ...] = ()  # every barcode decoded on the page (pipeline/reading/barcodes.py)
    lines: tuple[TextLine, ...] = ()  # the OCR lines with their boxes on the page image; () for a text layer, or
                                      # where the text was read on a turned or warped copy of the page
    warning: str = ""              # e.g. "OCR timed out after 60 s"
    no_text: bool = False          # a photo that shows no line of text (reader.shows_text): not OCR'd


@dataclass(frozen=True)
class Reading:
    """Everything read from one evidence file. Cached by content hash and engine version."""

    source: str
    sha256: str
    pages: tuple[PageReading, ...]
    fields: Fields
    languages: tuple[str, ...]     # ko, en, zh by script, most text first
    engine: str                    # e.g. "tesseract 5.3.0 kor+eng" or "pdf text layer (pypdfium2)"
    qr_codes: tuple[str, ...] = ()  # decoded QR payloads, if any
    image_width: int = 0           # original pixel size of an image input (0 for PDFs)
    image_height: int = 0

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    @property
    def text_source(self) -> str:
        sources = {p.source for p in self.pages if p.source != "none"}
        if not sources:
            return "none"
        return sources.pop() if len(sources) == 1 else "mixed"

    def to_json(self) -> dict:
        return {"path": self.source, "pages": len(self.pages), "text_source": self.text_source,
                "fields": self.fields.to_json(), "languages": list(self.languages),
                "engine": self.engine, "qr_codes": list(self.qr_codes),
                "barcodes": [{"page": page.index} | code.to_json() for page in self.pages for code in page.barcodes],
                # The space each page's boxes are in: the image read (pixels) or the text layer (points).
                "page_sizes": [{"page": page.index, "width": page.width or self.image_width,
                                "height": page.height or self.image_height,
                                "unit": "pt" if page.source == "text-layer" else "px"} for page in self.pages],
                # Photos that show no line of text, which were not OCR'd (their barcodes were still read).
                "pages_without_text": [page.index for page in self.pages if page.no_text]}


# ---- judging ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Classification:
    kind: str      # carrier-tracking | coupang-order | proof-of-delivery | message-thread | qc-report |
                   # delay-notice | product-photo | chat-app | other
    reason: str    # why, in words: "tracking number + 배송완료 + carrier host in the URL"
    web_capture: bool = False  # a screenshot or print of a web page (URL and timestamp rules apply)

    def to_json(self) -> dict:
        return {"kind": self.kind, "reason": self.reason, "web_capture": self.web_capture}


# ---- making the bundle ------------------------------------------------------------------------

@dataclass(frozen=True)
class PagePlacement:
    source: str        # evidence file, relative to the packet
    source_page: int   # 1-based
    upload: str        # upload file name
    upload_page: int   # 1-based


@dataclass(frozen=True)
class UploadFile:
    name: str          # e.g. "01-cover.pdf"
    path: Path         # where it is in the work folder until the bundle is written
    type: str          # pdf | jpeg | png
    size: int
    pages: int
    title: str = ""    # what it holds, for the cover's index ("Delivery proof: tracking page, signed POD")
    compression: str = ""  # what was done to fit the limit


@dataclass(frozen=True)
class PacketState:
    """The packet as it moves through the stages. Every stage returns a new one."""

    root: Path | None                  # the packet folder (None for `scan` of loose files)
    inputs: tuple[str, ...] = ()       # evidence files found, relative to root (or as given)
    claim: Claim | None = None
    files: tuple[EvidenceFile, ...] = ()
    readings: Mapping[str, Reading] = field(default_factory=dict)          # by EvidenceFile.source
    kinds: Mapping[str, Classification] = field(default_factory=dict)      # by EvidenceFile.source
    findings: tuple[Finding, ...] = ()
    left_out: Mapping[str, str] = field(default_factory=dict)  # evidence kept out of upload/ (by source): why
    deadline: datetime | None = None
    uploads: tuple[UploadFile, ...] = ()
    placements: tuple[PagePlacement, ...] = ()
    statement: str | None = None
    log: tuple[str, ...] = ()          # every automatic decision with its reason

    def with_findings(self, *findings: Finding) -> "PacketState":
        return replace(self, findings=self.findings + tuple(findings))

    def with_log(self, *lines: str) -> "PacketState":
        return replace(self, log=self.log + tuple(lines))

    def has_errors(self, strict: bool = False) -> bool:
        bad = {"error", "warning"} if strict else {"error"}
        return any(f.severity in bad for f in self.findings)

    def verdict(self, strict: bool = False) -> str:
        return "fail" if self.has_errors(strict) else "pass"

    def file(self, source: str) -> EvidenceFile:
        for f in self.files:
            if f.source == source:
                return f
        raise KeyError(source)
