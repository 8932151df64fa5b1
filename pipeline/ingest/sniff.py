"""What a file is, told from its content: magic bytes, ZIP members, ISO-media brands, text analysis. Never its name.

The signatures, word lists and thresholds live in ingest.toml (data); this module applies them. Also here: the
text decoder that never garbles (CP949 vs GB18030), links to cloud drives in text, litter names, and whether an
image is essentially a QR code.
"""
from __future__ import annotations

import codecs
import csv
import fnmatch
import math
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from PIL import Image

from pipeline.datafiles import load_toml
from pipeline.fields.scripts import HAN, HANGUL_SYLLABLE
from pipeline.reading import barcodes

RULES_FILE = Path(__file__).with_name("ingest.toml")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")  # bytes that occur in real text files (0x1a: DOS end-of-file)


@dataclass(frozen=True)
class Sniffed:
    kind: str                    # pdf jpeg png gif tiff webp heic csv text html url zip docx ... empty unknown
    name: str                    # for messages: "a ZIP archive"


@dataclass(frozen=True)
class QrCode:
    text: str
    share: float                 # share of the image's area the code covers, 0..1


@cache
def ingest_rules(path: Path = RULES_FILE) -> dict:
    return load_toml(path, "Ingestion data")


def sniff(path: Path) -> Sniffed:
    """The file's type from its first bytes (and, for ZIPs, its member list). Raises OSError if unreadable."""
    rules = ingest_rules()
    with open(path, "rb") as handle:
        head = handle.read(rules["text"]["sample_bytes"])
        whole = not handle.read(1)
    if not head:
        return Sniffed("empty", "an empty file")
    for signature in rules["signatures"]:
        if all(_piece_matches(head, piece) for piece in signature["match"]):
            if signature["kind"] == "ftyp":
                return _iso_media(head, rules["ftyp"])
            if signature["kind"] == "zip":
                return _zip_kind(path, rules["zip"]) or Sniffed("zip", signature["name"])
            return Sniffed(signature["kind"], signature["name"])
    return _text_kind(head, whole, rules["text"])


def sniff_head(head: bytes) -> str:
    """The kind from a file's first bytes alone (ZIP members not opened). For the data file's examples."""
    rules = ingest_rules()
    for signature in rules["signatures"]:
        if all(_piece_matches(head, piece) for piece in signature["match"]):
            return _iso_media(head, rules["ftyp"]).kind if signature["kind"] == "ftyp" else signature["kind"]
    return _text_kind(head, True, rules["text"]).kind


def _piece_matches(head: bytes, piece: dict) -> bool:
    wanted = bytes.fromhex(piece["hex"])
    if "within" in piece:
        return wanted in head[:piece["within"]]
    offset = piece["offset"]
    return head[offset:offset + len(wanted)] == wanted


def _iso_media(head: bytes, ftyp: dict) -> Sniffed:
    """HEIC, AVIF, M4A, MOV or MP4 by the brands of the leading ftyp box."""
    box_size = int.from_bytes(head[0:4], "big")
    box = head[8:max(16, min(box_size, len(head)))]
    brands = {box[0:4].decode("latin-1")} | {box[i:i + 4].decode("latin-1") for i in range(8, len(box) - 3, 4)}
    for kind in ("heic", "avif", "m4a", "mov"):
        if brands & set(ftyp[kind]):
            return Sniffed(kind, ftyp["names"][kind])
    return Sniffed("mp4", ftyp["names"]["mp4"])


def _zip_kind(path: Path, zip_kinds: list[dict]) -> Sniffed | None:
    """An office document by its members; None for a plain ZIP (or one too broken to list)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in members else b""
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None
    for entry in zip_kinds:
        if entry["member"] in members and (entry["member"] != "mimetype"
                                           or mimetype.startswith(b"application/vnd.oasis.opendocument")):
            return Sniffed(entry["kind"], entry["name"])
    return None


def _text_kind(head: bytes, whole: bool, text_rules: dict) -> Sniffed:
    decoded = decode_text(head, final=whole)
    if decoded is None:
        return Sniffed("unknown", "an unrecognised binary file")
    text = decoded[0]
    names = text_rules["names"]
    start = text.lstrip("\ufeff \t\r\n")[:1024].casefold()
    if start.startswith(("<!doctype html", "<html")) or "<html" in start:
        kind = "html"
    elif start.startswith("[internetshortcut]") or "\n[internetshortcut]" in start:
        kind = "url"
    elif "<plist" in start and "<key>url</key>" in text.casefold():
        kind = "webloc"
    elif csv_delimiter(text, text_rules) is not None:
        kind = "csv"
    else:
        kind = "text"
    return Sniffed(kind, names[kind])


def decode_text(data: bytes, final: bool = True) -> tuple[str, str] | None:
    """(text, encoding) for bytes that are text in a known encoding, else None. Never guesses into garbage.

    `final=False` tolerates a multi-byte character cut at the end (a sample of a longer file).
    CP949 (Korean Excel) and GB18030 (Chinese Excel) accept much of each other's bytes; when both decode, the
    reading made of more everyday characters wins (ingest.toml, [text]).
    """
    rules = ingest_rules()["text"]
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = _decode(data, encoding, final)
            return None if text is None else (text.lstrip("\ufeff"), encoding)
    if b"\x00" in data:
        return None
    controls = sum(1 for byte in data if (byte < 0x20 and byte not in TEXT_CONTROLS) or byte == 0x7f)
    if controls > rules["max_control_share"] * len(data):
        return None
    readings = {enc: text for enc in rules["encodings"] if (text := _decode(data, enc, final)) is not None}
    if "utf-8" in readings:
        return readings["utf-8"], "utf-8"
    korean, chinese = readings.get("cp949"), readings.get("gb18030")
    if korean is None or chinese is None:
        return (korean, "cp949") if korean is not None else (chinese, "gb18030") if chinese is not None else None
    korean_score = _everyday_share(korean, _is_korean_script, rules["common_hangul"])
    chinese_score = _everyday_share(chinese, _is_han, rules["common_hanzi"])
    if korean_score != chinese_score:
        return (korean, "cp949") if korean_score > chinese_score else (chinese, "gb18030")
    return (korean, "cp949") if _hangul_without_hanja(korean, rules["max_hanja_share"]) else (chinese, "gb18030")


def _decode(data: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_han(ch: str) -> bool:
    return HAN.match(ch) is not None


def _is_korean_script(ch: str) -> bool:
    return HANGUL_SYLLABLE.match(ch) is not None or _is_han(ch)


def _everyday_share(text: str, in_script, everyday: str) -> float:
    """Share of the script's characters in `text` that are everyday ones."""
    letters = [ch for ch in text if in_script(ch)]
    return sum(1 for ch in letters if ch in everyday) / len(letters) if letters else 0.0


def _hangul_without_hanja(text: str, max_hanja_share: float) -> bool:
    hangul = len(HANGUL_SYLLABLE.findall(text))
    hanja = sum(1 for ch in text if _is_han(ch))
    return hangul > 0 and hanja <= max_hanja_share * (hangul + hanja)


def csv_delimiter(text: str, text_rules: dict | None = None) -> str | None:
    """The delimiter if `text` is a table (enough rows with a consistent field count >= 2), else None."""
    rules = text_rules or ingest_rules()["text"]
    best: tuple[int, str] | None = None
    for delimiter in rules["csv_delimiters"]:
        try:
            rows = [row for row in csv.reader(text.splitlines()[:500], delimiter=delimiter) if any(row)]
        except csv.Error:
            continue
        if len(rows) < rules["csv_min_rows"]:
            continue
        width, count = Counter(len(row) for row in rows).most_common(1)[0]
        if width >= 2 and count >= rules["csv_consistency"] * len(rows) and (best is None or count > best[0]):
            best = (count, delimiter)
    return best[1] if best else None


# ---- links ---------------------------------------------------------------------------------------------------

def links(text: str) -> list[tuple[str, str]]:
    """(host, link as written) for every web address in `text`, with or without a scheme."""
    pattern = re.compile(ingest_rules()["text"]["link_pattern"])
    return [(match.group(1).lower(), match.group(0)) for match in pattern.finditer(text)]


def cloud_link(text: str, cloud_hosts: list[str]) -> tuple[str, str] | None:
    """The first link in `text` to a cloud drive (a host of the profile's cloud_hosts, or a subdomain of one)."""
    for host, link in links(text):
        for cloud in cloud_hosts:
            if host == cloud or host.endswith("." + cloud):
                return cloud, link
    return None


def link_text(path: Path, sniffed: Sniffed) -> str:
    """The readable text of a text-like file, for link search. A binary .webloc plist gives its URL."""
    data = path.read_bytes()
    if sniffed.kind == "webloc" and data.startswith(b"bplist"):
        import plistlib  # a .webloc link only
        try:
            return str(plistlib.loads(data).get("URL", ""))
        except (plistlib.InvalidFileException, ValueError, AttributeError, OverflowError):
            return data.decode("latin-1")
    decoded = decode_text(data)
    return decoded[0] if decoded else ""


# ---- names ---------------------------------------------------------------------------------------------------

def is_hidden(source: str) -> bool:
    """Computer litter (.DS_Store, Thumbs.db, ~$ lock files, __MACOSX/): ignored, never evidence."""
    hidden = ingest_rules()["hidden"]
    path = PurePosixPath(source.replace("\\", "/"))
    name = path.name.casefold()
    if any(fnmatch.fnmatchcase(name, pattern.casefold()) for pattern in hidden["names"]):
        return True
    folders = {folder.casefold() for folder in hidden["folders"]}
    return any(part.casefold() in folders for part in path.parts[:-1])


# ---- QR codes ------------------------------------------------------------------------------------------------

def dominant_qr_code(image: Image.Image) -> QrCode | None:
    """The QR code that makes up much of `image` (>= qr.min_share of its area), or None.

    Runs on a downscaled greyscale copy: fast, and QR codes large enough to matter survive it.
    """
    rules = ingest_rules()["qr"]
    sample = _qr_sample(image, rules["sample_side"])
    area = sample.width * sample.height
    best: QrCode | None = None
    for code in barcodes.scan(sample, barcodes.settings().links):
        share = _polygon_area(code.position) / area
        if share >= rules["min_share"] and (best is None or share > best.share):
            best = QrCode(code.text, share)
    return best


def _qr_sample(image: Image.Image, side: int) -> Image.Image:
    """`image` in greyscale, no larger than side x side, by whole-pixel box reduction (Image.reduce): a 35 MP
    photo costs milliseconds, and a screenshot ~1 ms where a bicubic resize took ~11 ms. QR modules are squares
    several pixels wide: averaging whole pixels keeps them."""
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("L")  # palette and bilevel images do not reduce
    factor = math.ceil(max(image.width, image.height) / side)
    return (image.reduce(factor) if factor > 1 else image).convert("L")


def _polygon_area(position) -> float:
    corners = [position.top_left, position.top_right, position.bottom_right, position.bottom_left]
    twice = sum(a.x * b.y - b.x * a.y for a, b in zip(corners, corners[1:] + corners[:1]))
    return abs(twice) / 2
