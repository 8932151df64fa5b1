"""The plan: reading order per reason, merging by kind within the file count, every page placed, images as they are."""
from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader

from pipeline.model import Claim, Classification, EvidenceFile, PacketState
from stages import plan
from tests.stages.test_bundle import blank_pdf


def claim(reason: str) -> Claim:
    from datetime import datetime
    from pipeline.model import KST
    return Claim("CLM-1", "31000012345678", reason, datetime(2026, 3, 12, 10, 30, tzinfo=KST), "not received")


def jpeg(path: Path, colour: str = "white", size=(800, 600)) -> Path:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).text((20, 20), path.name, fill="black")
    image.save(path, "JPEG", quality=90)
    return path


def png(path: Path, mode: str = "RGB", size=(600, 800)) -> Path:
    image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(image).rectangle((50, 50, 300, 120), fill=(0, 0, 0, 255) if mode == "RGBA" else "black")
    image.save(path, "PNG")
    return path


def pdf(path: Path, pages: int) -> Path:
    return blank_pdf(path, pages)


def evidence(path: Path, pages: int = 1) -> EvidenceFile:
    kind = {".jpg": "jpeg", ".png": "png", ".pdf": "pdf"}[path.suffix]
    data = path.read_bytes()
    return EvidenceFile(source=path.name, path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                        detected=kind, usable=path, usable_type=kind, pages=pages)


def packet(tmp_path: Path, reason: str, specs: list[tuple[str, str]]) -> PacketState:
    """specs: (file name, kind); PDFs get 2 pages."""
    files, kinds = [], {}
    for name, kind in specs:
        path = tmp_path / name
        if name.endswith(".jpg"):
            jpeg(path)
        elif name.endswith(".png"):
            png(path)
        else:
            pdf(path, 2)
        files.append(evidence(path, 2 if name.endswith(".pdf") else 1))
        kinds[name] = Classification(kind, "test")
    return PacketState(root=tmp_path, inputs=tuple(n for n, _ in specs), claim=claim(reason), files=tuple(files),
                       kinds=kinds)


EIGHT = [("a-chat.png", "chat-app"), ("b-photo.jpg", "product-photo"), ("c-pod.jpg", "proof-of-delivery"),
         ("d-track.png", "carrier-tracking"), ("e-msgs.pdf", "message-thread"), ("f-qc.pdf", "qc-report"),
         ("g-track2.pdf", "carrier-tracking"), ("h-order.png", "coupang-order")]


def test_eight_inputs_fit_four_uploads_with_every_page_placed(tmp_path, ctx):
    """GIVEN 8 evidence files (11 pages) of 7 kinds and a 5-file form
    WHEN the plan runs for a delivery-proof claim
    THEN at most 4 evidence uploads remain (one slot for the cover), delivery proof first as 02-delivery-proof.pdf,
         and every input page is placed exactly once on a distinct upload page."""
    state = plan.run(packet(tmp_path, "delivery-proof", EIGHT), ctx)
    names = [u.name for u in state.uploads]
    assert len(names) <= ctx.profile.limit("max_files") - 1
    assert names[0] == "02-delivery-proof.pdf"
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(2, 2 + len(names))]
    placed = {(p.source, p.source_page) for p in state.placements}
    expected = {(f.source, page) for f in state.files for page in range(1, f.pages + 1)}
    assert placed == expected
    slots = {(p.upload, p.upload_page) for p in state.placements}
    assert len(slots) == len(state.placements)
    for upload in state.uploads:
        pages = len(PdfReader(upload.path).pages) if upload.type == "pdf" else 1
        assert pages == upload.pages
    first = [p.source for p in state.placements if p.upload == names[0]]
    assert first == ["d-track.png", "g-track2.pdf", "g-track2.pdf", "c-pod.jpg"]
    assert not state.findings


def test_reading_order_follows_the_reason(tmp_path, ctx):
    """GIVEN a message thread, a tracking page and a QC report, three files for four slots
    WHEN planned for buyer-communication and for product-quality
    THEN the messages come first in one case and the QC report in the other, each file kept as it is."""
    specs = [("track.png", "carrier-tracking"), ("qc.pdf", "qc-report"), ("msgs.pdf", "message-thread")]
    talk = plan.run(packet(tmp_path, "buyer-communication", specs), ctx)
    assert talk.uploads[0].name == "02-messages.pdf"
    assert talk.uploads[0].path == tmp_path / "msgs.pdf"
    quality = plan.run(packet(tmp_path, "product-quality", specs), ctx)
    assert quality.uploads[0].name == "02-qc-report.pdf"
    assert [u.type for u in quality.uploads].count("png") == 1


def test_jpeg_is_embedded_byte_identical(tmp_path, ctx):
    """GIVEN more files than slots, two of them JPEG photos of the same kind
    WHEN they are merged into a PDF
    THEN each JPEG's bytes are the PDF image stream unchanged (no re-encoding)."""
    specs = [(f"{i}-photo.jpg", "product-photo") for i in range(3)] + [
        ("x.pdf", "qc-report"), ("y.pdf", "other"), ("z.png", "message-thread")]
    state = plan.run(packet(tmp_path, "product-quality", specs), ctx)
    photos = next(u for u in state.uploads if "product-photos" in u.name)
    reader = PdfReader(photos.path)
    streams = [img.indirect_reference.get_object()._data for page in reader.pages for img in page.images]
    for i in range(3):
        assert (tmp_path / f"{i}-photo.jpg").read_bytes() in streams


def test_png_with_alpha_is_flattened_not_refused(tmp_path, ctx):
    """GIVEN a transparent PNG among more files than slots
    WHEN it is merged
    THEN its page is placed and shows the black box on white (alpha composited onto white)."""
    alpha = png(tmp_path / "alpha.png", "RGBA")
    files = [evidence(alpha)] + [evidence(jpeg(tmp_path / f"{i}.jpg")) for i in range(5)]
    kinds = {f.source: Classification("other", "test") for f in files}
    state = plan.run(PacketState(root=tmp_path, claim=claim("other"), files=tuple(files), kinds=kinds), ctx)
    where = next(p for p in state.placements if p.source == "alpha.png")
    merged = next(u for u in state.uploads if u.name == where.upload)
    image = next(iter(PdfReader(merged.path).pages[where.upload_page - 1].images)).image.convert("RGB")
    assert image.getpixel((5, 5)) == (255, 255, 255)
    assert image.getpixel((100, 100)) == (0, 0, 0)


def test_page_limit_splits_and_reports_what_does_not_fit(tmp_path, ctx, profile):
    """GIVEN a profile allowing 3 files of at most 2 pages and a 9-page PDF
    WHEN planned
    THEN two 2-page uploads are made (one slot is the cover's) and the remaining 5 pages are reported too-large."""
    profile.data["limits"]["max_files"]["value"] = 3
    profile.data["limits"]["max_pages_per_file"] = {"value": 2}
    long_pdf = pdf(tmp_path / "long.pdf", 9)
    state = PacketState(root=tmp_path, claim=claim("other"), files=(evidence(long_pdf, 9),))
    state = plan.run(state, ctx)
    assert [u.pages for u in state.uploads] == [2, 2]
    assert len(state.placements) == 4
    assert [f.rule for f in state.findings] == ["too-large"] * 3
    assert all(f.file == "long.pdf" for f in state.findings)


def test_broken_pdf_is_reported_and_the_rest_still_merged(tmp_path, ctx):
    """GIVEN six files for four slots, one a PDF that is truncated garbage
    WHEN merged
    THEN the broken file is reported unreadable-file and every page of the others is placed."""
    files = [evidence(jpeg(tmp_path / f"{i}.jpg")) for i in range(5)]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    files.append(EvidenceFile("broken.pdf", broken, "0", 30, "pdf", broken, "pdf", pages=1))
    state = plan.run(PacketState(root=tmp_path, claim=claim("other"), files=tuple(files)), ctx)
    assert [(f.rule, f.file) for f in state.findings] == [("unreadable-file", "broken.pdf")]
    assert {p.source for p in state.placements} == {f"{i}.jpg" for i in range(5)}
