"""Stage 'ingest' on a messy packet folder: every kind gives the right outcome, conversions are pixel-exact,
the input folder is untouched, and bad files never stop good ones."""
from __future__ import annotations

import csv
import hashlib
import io
import plistlib
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pillow_heif
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageOps
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from pipeline.context import Context
from pipeline.model import PacketState
from pipeline.profile import Profile
from stages import ingest
from tests.ingest.test_sniff import zip_bytes

pillow_heif.register_heif_opener()


def picture(size=(120, 80), seed=1) -> Image.Image:
    """A small picture with distinct pixels everywhere (so any rotation or re-encoding shows)."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), "RGB")


def saved(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def pdf(pages: int = 2, **encryption) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    for number in range(pages):
        page.drawString(72, 720, f"CJ tracking 689212345674 page {number + 1}")
        page.showPage()
    page.save()
    if not encryption:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt(algorithm="AES-128", **encryption)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tiff_pages(count: int) -> bytes:
    frames = [picture((90, 60), seed=10 + i) for i in range(count)]
    return saved(frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")


def gif_frames(count: int) -> bytes:
    frames = [picture((40, 30), seed=20 + i).convert("P", palette=Image.Palette.ADAPTIVE) for i in range(count)]
    return saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def qr_image(side: int, qr_side: int) -> Image.Image:
    code = zxingcpp.create_barcode("https://pan.baidu.com/s/1AbCdEf", zxingcpp.BarcodeFormat.QRCode)
    qr = Image.fromarray(np.asarray(code.to_image(scale=4))).resize((qr_side, qr_side), Image.Resampling.NEAREST)
    image = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(image)
    for line in range(0, side - qr_side - 60, 40):
        draw.text((40, 40 + line), "CJ대한통운 배송조회 689212345674 delivered", fill="black")
    image.paste(qr, (side - qr_side - 20, side - qr_side - 20))
    return image


MESSAGES = [("2026-03-10 14:22", "구매자", "물건 잘 받았습니다"), ("2026-03-10 15:01", "판매자", "확인 감사합니다")]


def messages_csv(encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("일시", "보낸 사람", "내용"), *MESSAGES])
    return buffer.getvalue().encode(encoding)


TRACK_PNG = saved(picture(seed=2), "PNG")
FILES: dict[str, bytes] = {
    "screens/track.png": TRACK_PNG,
    "screens/track2.png": TRACK_PNG,
    "pod.jpg": saved(picture(seed=3), "JPEG", quality=90),
    "rotated.jpg": saved(picture(seed=4), "JPEG", quality=90, exif=exif_orientation(6)),
    "cmyk.jpg": saved(picture(seed=5).convert("CMYK"), "JPEG", quality=90),
    "invoice.pdf": pdf(2),
    "owner-locked.pdf": pdf(1, user_password="", owner_password="owner-secret"),
    "user-locked.pdf": pdf(1, user_password="1234", owner_password="owner-secret"),
    "cut.pdf": pdf(3)[:-400],
    "cut.jpg": saved(picture(seed=6), "JPEG", quality=90)[:-3000],
    "empty.png": b"",
    "iphone.heic": saved(picture(seed=7), "HEIF", quality=-1, exif=exif_orientation(6)),
    "photo.webp": saved(picture(seed=8), "WEBP", lossless=True),
    "scan.tiff": tiff_pages(3),
    "single.tif": saved(picture(seed=9), "TIFF"),
    "old.bmp": saved(picture(seed=11), "BMP"),
    "anim.gif": gif_frames(3),
    "messages.csv": messages_csv("cp949"),
    "evidence.pdf": zip_bytes({"pod.jpg": b"x" * 100}),
    "report.docx": zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "old.xls": bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 1000,
    "video.mp4": bytes.fromhex("00000020667479706973366d0000020069736f6d69736f32617663316d703431") + b"\x00" * 500,
    "link.txt": "货物照片在网盘: pan.baidu.com/s/1AbCdEf 提取码: x7k2\n".encode("utf-8"),
    "notes.txt": "배송기사님이 문 앞에 두고 가셨다고 합니다.\n".encode("utf-8"),
    "qr.png": saved(qr_image(400, 300), "PNG"),
    "label-with-qr.png": saved(qr_image(1400, 150), "PNG"),
    "blob.bin": bytes(range(256)) * 8,
    ".DS_Store": b"\x00\x00\x00\x01Bud1" + b"\x00" * 100,
    "__MACOSX/._pod.jpg": b"\x00\x05\x16\x07" + b"\x00" * 60,
}
BAD = {  # source -> rule
    "user-locked.pdf": "unreadable-file", "cut.pdf": "unreadable-file", "cut.jpg": "unreadable-file",
    "empty.png": "unreadable-file", "evidence.pdf": "unsupported-format", "report.docx": "unsupported-format",
    "old.xls": "unsupported-format", "video.mp4": "unsupported-format", "link.txt": "external-link",
    "notes.txt": "unsupported-format", "qr.png": "external-link", "blob.bin": "unsupported-format",
}


def tree_hash(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    root = tmp_path_factory.mktemp("packet")
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    before = tree_hash(root)
    ctx = Context(profile=Profile.load(), workdir=tmp_path_factory.mktemp("work"), cache_dir=None)
    state = ingest.run(PacketState(root=root, inputs=tuple(sorted(FILES))), ctx)
    return root, before, ctx, state


def finding_for(state: PacketState, source: str):
    found = [f for f in state.findings if f.file == source]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_the_input_folder_is_unchanged_and_conversions_live_in_the_work_folder(packet):
    """GIVEN a messy packet folder
    WHEN ingest runs
    THEN every input file has the same bytes as before, nothing was added, and every conversion is under
         workdir/ingest with a numbered name"""
    root, before, ctx, state = packet
    assert tree_hash(root) == before
    converted = [f for f in state.files if f.usable and f.usable != f.path]
    assert converted
    for evidence in converted:
        assert evidence.usable.parent == ctx.workdir / "ingest"
        assert evidence.usable.name[:4].rstrip("-").isdigit()


@pytest.mark.parametrize("source,rule", sorted(BAD.items()))
def test_each_bad_kind_gives_its_rule_and_a_fix(packet, source, rule):
    """GIVEN a file that cannot be evidence (archive, office file, video, link, QR code, damaged, locked, empty)
    WHEN ingest runs
    THEN it has exactly one finding with the right rule id, the profile's severity, a message and a fix,
         and no usable file"""
    _, _, ctx, state = packet
    finding = finding_for(state, source)
    assert finding is not None and finding.rule == rule
    assert finding.severity == ctx.profile.severity(rule)
    assert finding.message and finding.fix
    assert state.file(source).usable is None


def test_findings_say_what_the_content_is_and_what_to_do(packet):
    """GIVEN a ZIP named .pdf, a Word file, a video, a cloud link, a password-locked PDF
    WHEN ingest runs
    THEN each message names what the content is (and the misleading name) and each fix says what to do"""
    _, _, _, state = packet
    zip_named_pdf = finding_for(state, "evidence.pdf")
    assert "ZIP archive" in zip_named_pdf.message and "the name says .pdf" in zip_named_pdf.message
    assert "unzip" in zip_named_pdf.fix
    assert "export the document to PDF" in finding_for(state, "report.docx").fix
    assert "screenshots of the key frames" in finding_for(state, "video.mp4").fix
    link = finding_for(state, "link.txt")
    assert "pan.baidu.com" in link.message and "download the files from pan.baidu.com" in link.fix
    assert "QR code" in finding_for(state, "qr.png").message
    assert "qpdf --decrypt" in finding_for(state, "user-locked.pdf").fix
    assert "%%EOF" in finding_for(state, "cut.pdf").message
    assert "paste" in finding_for(state, "notes.txt").fix


def test_good_files_pass_beside_bad_ones(packet):
    """GIVEN good evidence interleaved with bad files
    WHEN ingest runs
    THEN every good file is usable as PDF/JPEG/PNG with its page count and has no finding"""
    _, _, _, state = packet
    expected = {"screens/track.png": ("png", 1), "pod.jpg": ("jpeg", 1), "cmyk.jpg": ("jpeg", 1),
                "rotated.jpg": ("png", 1), "invoice.pdf": ("pdf", 2), "owner-locked.pdf": ("pdf", 1),
                "iphone.heic": ("png", 1), "photo.webp": ("png", 1), "scan.tiff": ("pdf", 3),
                "single.tif": ("png", 1), "old.bmp": ("png", 1), "anim.gif": ("png", 1),
                "messages.csv": ("pdf", 1), "label-with-qr.png": ("png", 1)}
    for source, (usable_type, pages) in expected.items():
        evidence = state.file(source)
        assert (evidence.usable_type, evidence.pages) == (usable_type, pages), source
        assert evidence.usable.is_file()
        assert finding_for(state, source) is None, source
    for source in ("screens/track.png", "pod.jpg", "cmyk.jpg", "invoice.pdf", "label-with-qr.png"):
        assert state.file(source).usable == state.file(source).path  # passed as it is


def test_type_is_recorded_from_content(packet):
    """GIVEN files whose names mislead or are absent
    WHEN ingest runs
    THEN `detected` is the content's type"""
    _, _, _, state = packet
    detected = {f.source: f.detected for f in state.files}
    assert detected["evidence.pdf"] == "zip"
    assert detected["report.docx"] == "docx"
    assert detected["iphone.heic"] == "heic"
    assert detected["messages.csv"] == "csv"
    assert detected["blob.bin"] == "unknown"


def test_litter_is_ignored_and_duplicates_kept_once(packet):
    """GIVEN .DS_Store, a __MACOSX shadow file and a second copy of a screenshot
    WHEN ingest runs
    THEN litter and the copy are not evidence and not findings, and the log says why"""
    _, _, _, state = packet
    sources = {f.source for f in state.files}
    assert not {".DS_Store", "__MACOSX/._pod.jpg", "screens/track2.png"} & sources
    assert not {f.file for f in state.findings} & {".DS_Store", "__MACOSX/._pod.jpg", "screens/track2.png"}
    log = "\n".join(state.log)
    assert "ignored .DS_Store" in log and "ignored __MACOSX/._pod.jpg" in log
    assert "screens/track2.png has the same content as screens/track.png" in log
    assert all(len(f.sha256) == 64 for f in state.files)


def pixels_equal(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.mode == b.mode and ImageChops.difference(a, b).getbbox() is None


@pytest.mark.parametrize("source", ["photo.webp", "single.tif", "old.bmp", "iphone.heic", "rotated.jpg"])
def test_image_conversions_are_pixel_exact_and_upright(packet, source):
    """GIVEN a WEBP, TIFF, BMP, a HEIC with EXIF orientation 6 and a JPEG with orientation 6
    WHEN ingest converts them to PNG
    THEN the PNG holds exactly the decoded pixels, turned upright as a viewer shows them"""
    root, _, _, state = packet
    with Image.open(root / source) as original:
        expected = ImageOps.exif_transpose(original).convert("RGB")
    with Image.open(state.file(source).usable) as converted:
        assert converted.format == "PNG"
        assert pixels_equal(converted.convert("RGB"), expected)
    if source in ("iphone.heic", "rotated.jpg"):
        assert expected.size == (80, 120)  # stored 120x80, orientation 6: shown turned a quarter
        assert "orientation 6" in state.file(source).conversion


def test_lossless_sources_round_trip_to_their_original_pixels(packet):
    """GIVEN a lossless WEBP, a TIFF and a BMP made from known pixels
    WHEN converted
    THEN the PNG equals those very pixels"""
    _, _, _, state = packet
    for source, seed in (("photo.webp", 8), ("single.tif", 9), ("old.bmp", 11)):
        with Image.open(state.file(source).usable) as converted:
            assert pixels_equal(converted.convert("RGB"), picture(seed=seed)), source


def test_multi_page_tiff_becomes_one_pdf_page_per_frame(packet):
    """GIVEN a 3-page TIFF
    WHEN ingest converts it
    THEN the PDF has 3 pages whose images are exactly the frames, in order"""
    _, _, _, state = packet
    reader = PdfReader(state.file("scan.tiff").usable)
    assert len(reader.pages) == 3
    for index, page in enumerate(reader.pages):
        assert pixels_equal(page.images[0].image.convert("RGB"), picture((90, 60), seed=10 + index))


def test_animated_gif_keeps_the_first_frame_and_says_so(packet):
    """GIVEN a 3-frame GIF
    WHEN converted
    THEN the PNG is the first frame and the conversion note says frames were left out"""
    root, _, _, state = packet
    with Image.open(root / "anim.gif") as gif, Image.open(state.file("anim.gif").usable) as png:
        assert pixels_equal(png.convert("RGB"), gif.convert("RGB"))
    assert "first of 3 frames" in state.file("anim.gif").conversion


def test_owner_locked_pdf_becomes_an_unlocked_copy(packet):
    """GIVEN a PDF encrypted with an owner password only
    WHEN ingest runs
    THEN the usable copy is not encrypted, has the same text, and the conversion says why"""
    root, _, _, state = packet
    evidence = state.file("owner-locked.pdf")
    assert evidence.usable != evidence.path
    copy = PdfReader(evidence.usable)
    assert not copy.is_encrypted
    assert "689212345674" in copy.pages[0].extract_text()
    assert "owner password" in evidence.conversion
    assert PdfReader(root / "owner-locked.pdf").is_encrypted  # the input itself stays as it was


def test_csv_becomes_a_transcript_with_every_message(packet):
    """GIVEN a CP949 message export
    WHEN ingest runs
    THEN the usable PDF's text layer holds every sender, time and message"""
    _, _, _, state = packet
    evidence = state.file("messages.csv")
    document = pdfium.PdfDocument(str(evidence.usable))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document))).replace(" ", "")
    document.close()
    for row in MESSAGES:
        for cell in row:
            assert cell.replace(" ", "") in text
    assert "cp949" in evidence.conversion


def test_scan_of_loose_files_and_a_missing_file(tmp_path, ctx):
    """GIVEN `scan` input: no packet root, an absolute path to a PNG and a path that does not exist
    WHEN ingest runs
    THEN the PNG is usable and the missing file is an unreadable-file finding, not a crash"""
    png = tmp_path / "loose.png"
    png.write_bytes(TRACK_PNG)
    missing = str(tmp_path / "gone.pdf")
    state = ingest.run(PacketState(root=None, inputs=(str(png), missing)), ctx)
    assert state.file(str(png)).usable == png
    assert [(f.rule, f.file) for f in state.findings] == [("unreadable-file", missing)]


def test_severity_comes_from_the_profile(tmp_path, profile):
    """GIVEN a profile that makes unsupported-format a warning
    WHEN a ZIP is ingested
    THEN its finding is a warning"""
    lenient = replace(profile, data={**profile.data, "rules": {**profile.data["rules"],
                                                               "unsupported-format": "warning"}})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.zip").write_bytes(zip_bytes({"a.txt": b"a"}))
    ctx = Context(profile=lenient, workdir=tmp_path / "work", cache_dir=None)
    state = ingest.run(PacketState(root=tmp_path / "in", inputs=("a.zip",)), ctx)
    assert [(f.rule, f.severity) for f in state.findings] == [("unsupported-format", "warning")]


def test_links_in_shortcut_files_and_damaged_containers(tmp_path, ctx):
    """GIVEN a Windows .url shortcut, a binary macOS .webloc and an HTML page pointing at cloud drives, an HTML page
         without one, a 'PDF' that has its markers but no body, and a HEIC header with nothing after it
    WHEN ingest runs
    THEN the links are external-link findings naming the host, the plain page is unsupported-format, and the
         damaged files are unreadable-file"""
    root = tmp_path / "in"
    root.mkdir()
    files = {
        "share.url": b"[InternetShortcut]\r\nURL=https://1drv.ms/f/s!AbC\r\n",
        "share.webloc": plistlib.dumps({"URL": "https://www.dropbox.com/s/x/pod.pdf"}, fmt=plistlib.FMT_BINARY),
        "page.html": b"<!DOCTYPE html><html><a href='https://drive.google.com/file/d/1x/view'>POD</a></html>",
        "plain.html": b"<html><body>Delivered 2026-03-09</body></html>",
        "broken.pdf": b"%PDF-1.7\n1 0 obj garbage\n%%EOF\n",
        "broken.heic": bytes.fromhex("0000001866747970686569630000000068656963") + b"\x00" * 64,
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    state = ingest.run(PacketState(root=root, inputs=tuple(files)), ctx)
    outcome = {f.file: (f.rule, f.fix) for f in state.findings}
    assert outcome["share.url"] == ("external-link",
                                    "download the files from 1drv.ms and put them in the packet folder")
    assert outcome["share.webloc"][0] == "external-link" and "dropbox.com" in outcome["share.webloc"][1]
    assert outcome["page.html"][0] == "external-link" and "drive.google.com" in outcome["page.html"][1]
    assert outcome["plain.html"][0] == "unsupported-format"
    assert outcome["broken.pdf"][0] == "unreadable-file"
    assert outcome["broken.heic"][0] == "unreadable-file"
    assert all(f.usable is None for f in state.files)


# ---- the ingest cache ------------------------------------------------------------------------------------------

def ingest_twice(tmp_path, ctx, files: dict[str, bytes], monkeypatch, between=None):
    """Ingest a packet, run `between(ctx)`, then ingest it again with every decode and conversion counted."""
    root = tmp_path / "packet"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    before = tree_hash(root)
    first = ingest.run(PacketState(root=root, inputs=tuple(sorted(files))), ctx)
    if between:
        between(ctx)
    calls: list[str] = []
    for name in ("decoded_image", "png_of", "check_pdf"):
        original = getattr(ingest.convert, name)
        monkeypatch.setattr(ingest.convert, name,
                            lambda *args, _original=original, _name=name: calls.append(_name) or _original(*args))
    second = ingest.run(PacketState(root=root, inputs=tuple(sorted(files))), replace(ctx, workdir=tmp_path / "w2"))
    assert tree_hash(root) == before
    return first, second, calls


def test_a_heic_ingested_again_is_not_converted_again(tmp_path, ctx, monkeypatch):
    """GIVEN a packet with a HEIC photo (EXIF-rotated), a PNG and a PDF, ingested once with a cache folder
    WHEN it is ingested again (in a new work folder, the first one gone)
    THEN nothing is decoded or converted again, the HEIC's usable PNG lives in the cache with the same pixels, and
         the evidence records are the same as the first time"""
    files = {"iphone.heic": FILES["iphone.heic"], "track.png": TRACK_PNG, "invoice.pdf": FILES["invoice.pdf"]}
    first, second, calls = ingest_twice(tmp_path, ctx, files, monkeypatch,
                                        between=lambda c: shutil.rmtree(c.workdir))
    assert calls == []
    assert [replace(f, usable=None) for f in second.files] == [replace(f, usable=None) for f in first.files]
    heic = second.file("iphone.heic")
    assert heic.usable.is_relative_to(ctx.cache_dir) and heic.usable_type == "png"
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(FILES["iphone.heic"]))).convert("RGB")
    assert ImageChops.difference(Image.open(heic.usable).convert("RGB"), expected).getbbox() is None
    assert second.file("track.png").usable == tmp_path / "packet" / "track.png"
    assert all("from the ingest cache" in line for line in second.log)


def test_a_refusal_comes_from_the_cache_with_the_severity_of_the_profile(tmp_path, ctx, monkeypatch):
    """GIVEN a QR-code picture and a cut-off PDF, ingested once
    WHEN they are ingested again under a profile that makes external-link a warning
    THEN neither is decoded again, the findings say the same, and the severity is the new profile's"""
    files = {"qr.png": FILES["qr.png"], "cut.pdf": FILES["cut.pdf"]}
    warning = Profile(ctx.profile.path, {**ctx.profile.data, "rules": {**ctx.profile.data["rules"],
                                                                      "external-link": "warning"}})
    first, second, calls = ingest_twice(tmp_path, replace(ctx, profile=warning), files, monkeypatch)
    assert calls == []
    assert [(f.rule, f.message, f.fix, f.file) for f in second.findings] == \
           [(f.rule, f.message, f.fix, f.file) for f in first.findings]
    assert {f.file: (f.rule, f.severity) for f in second.findings} == {
        "qr.png": ("external-link", "warning"), "cut.pdf": ("unreadable-file", "error")}


def test_a_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path, ctx, monkeypatch):
    """GIVEN a HEIC ingested once, then its cache entry overwritten with garbage
    WHEN it is ingested again
    THEN it is converted again (no traceback, same evidence), and the entry is whole again afterwards"""
    def corrupt(c):
        for entry in (c.cache_dir / "ingest").rglob("*.json"):
            entry.write_bytes(b'{"schema": "evpack.ingest-cache/1", "sha2')

    first, second, calls = ingest_twice(tmp_path, ctx, {"iphone.heic": FILES["iphone.heic"]}, monkeypatch, corrupt)
    assert calls == ["decoded_image", "png_of"]
    assert second.findings == () and second.file("iphone.heic").conversion == first.file("iphone.heic").conversion
    verdicts = ingest.convert.VerdictCache(ctx.cache_dir, ingest.rules_version(ctx))
    assert verdicts.get(first.file("iphone.heic").sha256) is not None


def test_a_cached_conversion_that_lost_its_file_is_converted_again(tmp_path, ctx, monkeypatch):
    """GIVEN a HEIC ingested once, then its cached PNG cut short (a disk problem, a half-copied cache)
    WHEN it is ingested again
    THEN the size mismatch makes it a miss: converted again, and the usable PNG decodes"""
    def truncate(c):
        for png in (c.cache_dir / "ingest").rglob("*.png"):
            png.write_bytes(png.read_bytes()[:100])

    _, second, calls = ingest_twice(tmp_path, ctx, {"iphone.heic": FILES["iphone.heic"]}, monkeypatch, truncate)
    assert "png_of" in calls
    with Image.open(second.file("iphone.heic").usable) as image:
        image.load()


def test_a_csv_under_another_name_gets_its_own_transcript(tmp_path, ctx):
    """GIVEN the same message export under two names in two packets (a transcript shows the file's name)
    WHEN both are ingested with one cache
    THEN each transcript is its own cached file"""
    usable = []
    for name in ("chat-a.csv", "chat-b.csv"):
        root = tmp_path / name
        root.mkdir()
        (root / name).write_bytes(messages_csv("utf-8"))
        state = ingest.run(PacketState(root=root, inputs=(name,)), ctx)
        usable.append(state.file(name).usable)
    assert usable[0] != usable[1] and all(p.is_relative_to(ctx.cache_dir) for p in usable)
