"""compress: every upload under the limit, mildest step first, lossy steps kept only while the fields still read."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from pipeline import pdfops
from pipeline.model import (Classification, Fields, PacketState, PagePlacement, Reading, TrackingNumber,
                            UploadFile)
from stages import compress

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
TRACKING = "689212345674"
FIELDS = Fields(tracking_numbers=(TrackingNumber(TRACKING, "cj", "ok"),))


def noisy_photo(path: Path, size: tuple[int, int], noise: int = 3, label_px: int = 0) -> Path:
    """A photo-like picture: a gradient with sensor noise; optionally a printed label carrying the tracking number."""
    width, height = size
    rng = np.random.default_rng(7)
    grey = np.broadcast_to((150 + 60 * np.linspace(0, 1, width)).astype(np.uint8), (height, width)).copy()
    grey += rng.integers(0, noise, (height, width), dtype=np.uint8)
    image = Image.merge("RGB", [Image.fromarray(grey), Image.fromarray((grey * 0.95).astype(np.uint8)),
                                Image.fromarray((grey * 0.85).astype(np.uint8))])
    del grey
    if label_px:
        draw = ImageDraw.Draw(image)
        draw.rectangle((width // 6, height // 3, width * 5 // 6, height * 2 // 3), fill=(245, 245, 240))
        draw.text((width // 5, height // 2), f"CJ {TRACKING[:4]} {TRACKING[4:8]} {TRACKING[8:]}",
                  font=ImageFont.truetype(FONT, label_px), fill=(20, 20, 20))
    image.save(path, "PNG", compress_level=1)
    return path


def screenshot(path: Path, size=(1170, 2532)) -> Path:
    """A flat UI capture: a handful of colours, text in an address bar."""
    image = Image.new("RGB", size, (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 160), fill=(230, 230, 235))
    font = ImageFont.truetype(FONT, 40)
    draw.text((30, 60), "https://trace.cjlogistics.com/next/tracking.html?wblNo=" + TRACKING, font=font,
              fill=(20, 20, 20))
    for row in range(220, size[1] - 80, 70):
        draw.text((30, row), f"2026.03.10 14:{row % 60:02d}  배송완료 {TRACKING}", font=font, fill=(60, 60, 60))
    image.save(path, "PNG", compress_level=0)  # stored uncompressed: big, but losslessly shrinkable
    return path


def state_for(upload_path: Path, upload_type: str, name: str, *, web: bool = False, pages: int = 1) -> PacketState:
    upload = UploadFile(name, upload_path, upload_type, upload_path.stat().st_size, pages)
    return PacketState(root=None, uploads=(upload,),
                       placements=tuple(PagePlacement("evidence.x", p, name, p) for p in range(1, pages + 1)),
                       readings={"evidence.x": Reading("evidence.x", "0", (), FIELDS, ("en",), "test")},
                       kinds={"evidence.x": Classification("carrier-tracking", "test", web_capture=web)})


def limit(profile, max_bytes: int, total: int = 0) -> None:
    profile.data["limits"]["max_file_bytes"]["value"] = max_bytes
    profile.data["limits"]["max_total_bytes"]["value"] = total


class FakeReader:
    """Reads the tracking number only where `legible(path)` says so; records what it was asked to read."""

    def __init__(self, legible=lambda path: True):
        self.legible, self.calls = legible, []

    def __call__(self, path: Path, file_type: str, ctx) -> Fields:
        self.calls.append(path.name)
        return FIELDS if self.legible(path) else Fields()


def ocr_tracking_numbers(path: Path, file_type: str, ctx) -> Fields:
    """Real Tesseract on a copy scaled so the label's glyphs are ~30 px high (style.md: size the text)."""
    with Image.open(path) as image:
        small = image.convert("L")
        small.thumbnail((1200, 1200))
    copy = ctx.workdir / "ocr-copy.png"
    small.save(copy)
    text = subprocess.run(["tesseract", str(copy), "stdout", "--psm", "6", "-l", "eng"], capture_output=True,
                          text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=120).stdout
    digits = re.sub(r"[^0-9]", "", text)
    found = tuple(TrackingNumber(m, "cj", "ok") for m in re.findall(r"\d{12}", digits) if m == TRACKING)
    return Fields(tracking_numbers=found)


def test_under_the_limit_is_left_byte_for_byte(tmp_path, ctx, monkeypatch):
    """GIVEN an upload under the limit
    WHEN compress runs
    THEN it is the same file, not re-read, with no compression noted."""
    reader = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", reader)
    path = screenshot(tmp_path / "s.png", (300, 400))
    state = compress.run(state_for(path, "png", "02-delivery-proof.png"), ctx)
    assert state.uploads[0].path == path and state.uploads[0].compression == ""
    assert reader.calls == []


def test_screenshot_shrinks_losslessly_without_rereading(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a flat screenshot stored uncompressed (~8.9 MB) and a 1 MB limit
    WHEN compress runs
    THEN a lossless PNG step fits it, the pixels are identical, and no re-read was needed."""
    reader = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", reader)
    limit(profile, 1_000_000)
    path = screenshot(tmp_path / "s.png")
    state = compress.run(state_for(path, "png", "02-delivery-proof.png", web=True), ctx)
    out = state.uploads[0]
    assert out.size <= 1_000_000 and "lossless" in out.compression and out.type == "png"
    with Image.open(path) as before, Image.open(out.path) as after:
        assert np.array_equal(np.asarray(before.convert("RGB")), np.asarray(after.convert("RGB")))
    assert reader.calls == []


def test_lossy_step_rejected_when_the_tracking_number_no_longer_reads(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo over a small limit, and a reader that cannot read the number from the first JPEG step
    WHEN compress runs
    THEN that step is rejected, the next one (re-read and legible) is kept, and the log says why."""
    first_jpeg = []

    def legible(path: Path) -> bool:
        first_jpeg.append(path.name)
        return len(first_jpeg) > 1

    reader = FakeReader(legible)
    monkeypatch.setattr(compress, "reread_fields", reader)
    path = noisy_photo(tmp_path / "p.png", (1200, 1600), noise=40)
    limit(profile, path.stat().st_size // 2)
    state = compress.run(state_for(path, "png", "02-delivery-proof.png"), ctx)
    out = state.uploads[0]
    assert len(reader.calls) == 2
    assert out.name == "02-delivery-proof.jpg" and out.type == "jpeg"
    assert state.placements[0].upload == "02-delivery-proof.jpg"
    assert out.compression != "JPEG q85"
    assert any(f"tracking number {TRACKING} no longer read" in line for line in state.log)
    assert not state.findings


def test_too_large_reported_with_what_was_tried(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo and a limit only an illegible encoding could meet
    WHEN compress runs
    THEN the upload is left out, its pages are no longer placed, and a too-large finding lists every step tried."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader(lambda path: False))
    path = noisy_photo(tmp_path / "p.png", (800, 1000), noise=40)
    limit(profile, 60_000)
    state = compress.run(state_for(path, "png", "02-delivery-proof.png"), ctx)
    assert state.uploads == () and state.placements == ()
    [finding] = state.findings
    assert finding.rule == "too-large" and finding.file == "evidence.x"
    for step in ("JPEG q85", "JPEG q65", "JPEG q75 at 50% size", "lossless"):
        assert step in finding.message


def test_image_pdf_recompressed_page_by_page_to_200_dpi(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a 3-page PDF of 600-dpi photo pages (JPEG q95) over a 1.5 MB limit
    WHEN compress runs
    THEN it fits, still has 3 pages, every page image is at most ~200 dpi, and only pages with fields are re-read."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader())
    pages = []
    for i in range(3):
        photo = noisy_photo(tmp_path / f"p{i}.png", (1240, 1754), noise=60)  # A4 at 150 dpi...
        big = tmp_path / f"p{i}.jpg"
        Image.open(photo).resize((4960, 7016)).save(big, "JPEG", quality=95)  # ...upscaled to 600 dpi
        pages.append(pdfops.Part(big, "jpeg"))
    merged = tmp_path / "m.pdf"
    pdfops.merge(pages, merged, pdfops.page_size_points((210, 297)), tmp_path)
    limit(profile, 1_500_000)
    state = compress.run(state_for(merged, "pdf", "02-delivery-proof.pdf", pages=3), ctx)
    out = state.uploads[0]
    assert out.size <= 1_500_000 and out.pages == 3
    reader = PdfReader(out.path)
    assert len(reader.pages) == 3
    for page in reader.pages:
        [image] = page.images
        assert image.image.width <= 210 / 25.4 * 200 + 1


def test_total_limit_shared_out(tmp_path, ctx, profile, monkeypatch):
    """GIVEN two photos of ~3 MB each, a 5 MB file limit and a 4.5 MB total (a Stripe-like profile)
    WHEN compress runs
    THEN each fits and the two together leave room for the cover within 4.5 MB."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader())
    limit(profile, 5_000_000, 4_500_000)
    a = noisy_photo(tmp_path / "a.png", (1500, 1500), noise=120)
    b = noisy_photo(tmp_path / "b.png", (1500, 1500), noise=120)
    state = state_for(a, "png", "02-a.png")
    second = UploadFile("03-b.png", b, "png", b.stat().st_size, 1)
    state = PacketState(root=None, uploads=state.uploads + (second,), placements=state.placements,
                        readings=state.readings, kinds=state.kinds)
    assert a.stat().st_size + b.stat().st_size > 4_500_000
    state = compress.run(state, ctx)
    assert len(state.uploads) == 2 and not state.findings
    assert sum(u.size for u in state.uploads) <= 4_500_000 - 300_000


@pytest.mark.slow
def test_35_megapixel_png_label_photo_fits_and_still_reads(tmp_path, ctx, monkeypatch):
    """GIVEN a 5000x7000 (35 MP) PNG label photo of ~19 MB with the tracking number printed on it
    WHEN compress runs with the 10 MB limit, re-reading with real Tesseract
    THEN the file fits, and Tesseract still reads the tracking number from the result."""
    monkeypatch.setattr(compress, "reread_fields", ocr_tracking_numbers)
    path = noisy_photo(tmp_path / "label.png", (5000, 7000), noise=3, label_px=260)
    assert path.stat().st_size > 10_000_000
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    assert ocr_tracking_numbers(path, "png", ctx).tracking_numbers, "the original must read, or the test is void"
    state = compress.run(state_for(path, "png", "02-delivery-proof.png"), ctx)
    [out] = state.uploads
    assert out.size <= 10_000_000 and not state.findings
    assert ocr_tracking_numbers(out.path, out.type, ctx).tracking_numbers[0].value == TRACKING
