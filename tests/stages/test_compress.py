"""compress: every upload under the limit, mildest step first, lossy steps kept only while the fields still read."""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
import pikepdf
from pypdf import PdfReader

from pipeline.output import imageops

from pipeline.output import pdfops
from pipeline.output.bundle_settings import bundle_settings
from pipeline.model import (
    KST,
    Claim,
    Classification,
    Fields,
    PacketState,
    PagePlacement,
    PageReading,
    Reading,
    TextLine,
    Timestamp,
    TrackingNumber,
    UploadFile,
)
from stages import compress

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
TRACKING = "689212345674"
FIELDS = Fields(tracking_numbers=(TrackingNumber(TRACKING, "cj", "ok", context="label"),))


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


def state_for(upload_path: Path, upload_type: str, name: str, *, web: bool = False, pages: int = 1,
              fields: Fields = FIELDS, claim: Claim | None = None) -> PacketState:
    upload = UploadFile(name, upload_path, upload_type, upload_path.stat().st_size, pages)
    return PacketState(root=None, uploads=(upload,), claim=claim,
                       placements=tuple(PagePlacement("evidence.x", p, name, p) for p in range(1, pages + 1)),
                       readings={"evidence.x": Reading("evidence.x", "0", (), fields, ("en",), "test")},
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


def losing_the_first_read() -> FakeReader:
    """A reader that cannot read the number in the first file it is shown, and reads it in every later one."""
    shown = []

    def legible(path: Path) -> bool:
        shown.append(path.name)
        return len(shown) > 1
    return FakeReader(legible)


def ocr_tracking_numbers(path: Path, file_type: str, ctx) -> Fields:
    """Real Tesseract on a copy scaled so the label's glyphs are ~30 px high (style.md: size the text)."""
    with Image.open(path) as image:
        small = image.convert("L")
        small.thumbnail((1200, 1200))
    copy = ctx.workdir / "ocr-copy.png"
    small.save(copy)
    text = subprocess.run(["tesseract", str(copy), "stdout", "--psm", "6", "-l", "eng"], capture_output=True,
                          text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=120, check=False).stdout
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
    reader = losing_the_first_read()
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


MISREAD = TrackingNumber("56860705798411", "coupang", "none", context="lone-line")  # OCR's reading of 5807-0579-8411


def claim_with(tracking_number: str | None) -> Claim:
    return Claim("CLM-2026-0001234", "31000012345678", "delivery-proof", datetime(2026, 3, 12, 10, 30, tzinfo=KST),
                 "Buyer says the parcel never arrived.", tracking_number=tracking_number)


def test_only_sure_numbers_and_the_claims_own_must_survive(tmp_path):
    """GIVEN a reading with a labelled number, a lone-line misread, a labelled number whose check digit failed, a
    lone-line number that is the claim's own, and a timestamp
    WHEN the values that must survive compression are listed
    THEN the labelled number, the claim's own number and the timestamp are, and the misread and bad ones are not."""
    fields = Fields(tracking_numbers=(TrackingNumber(TRACKING, "cj", "ok", context="label"), MISREAD,
                                      TrackingNumber("689212345675", "cj", "bad", context="label"),
                                      TrackingNumber("580705798411", None, "none", context="lone-line")),
                    timestamps=(Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00"),))
    path = noisy_photo(tmp_path / "p.png", (100, 100))
    state = state_for(path, "png", "02-delivery-proof.png", fields=fields, claim=claim_with("580705798411"))
    assert compress.expected_fields("02-delivery-proof.png", state) == {
        f"tracking number {TRACKING}": {1}, "tracking number 580705798411": {1},
        "timestamp 2026-03-10T14:22:00+09:00": {1}}


def test_a_misread_number_does_not_block_a_lossy_step(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo over the limit whose first reading held the real number and a lone-line misread of another, and
    a re-read that finds the real number only (a misread is not bound to repeat)
    WHEN compress runs
    THEN the first lossy step fits and is kept: no too-large finding, the misread named nowhere."""
    reader = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", reader)
    path = noisy_photo(tmp_path / "p.png", (1200, 1600), noise=40)
    limit(profile, path.stat().st_size // 2)
    fields = Fields(tracking_numbers=FIELDS.tracking_numbers + (MISREAD,))
    state = compress.run(state_for(path, "png", "02-delivery-proof.png", fields=fields, claim=claim_with(TRACKING)),
                         ctx)
    [out] = state.uploads
    assert not state.findings and out.compression == "JPEG q85" and len(reader.calls) == 1
    assert not any(MISREAD.value in line for line in state.log)


def test_the_claims_own_number_blocks_a_lossy_step_that_loses_it(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo over the limit whose only number, taken from a lone line, is the claim's own, and a re-read that
    never finds it
    WHEN compress runs
    THEN no lossy step is kept and a too-large finding says the number no longer read."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader(lambda path: False))
    path = noisy_photo(tmp_path / "p.png", (800, 1000), noise=40)
    limit(profile, path.stat().st_size // 2)
    own = TrackingNumber("580705798411", None, "none", context="lone-line")
    state = compress.run(state_for(path, "png", "02-delivery-proof.png", fields=Fields(tracking_numbers=(own,)),
                                   claim=claim_with(own.value)), ctx)
    [finding] = state.findings
    assert state.uploads == () and finding.rule == "too-large"
    assert "tracking number 580705798411 no longer read" in finding.message


def test_too_large_reported_with_what_was_tried(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo and a limit only an illegible encoding could meet
    WHEN compress runs
    THEN the upload is left out, its pages are no longer placed, and a too-large finding lists every step tried:
    every resolution at its lowest quality, forecast to miss."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader(lambda path: False))
    path = noisy_photo(tmp_path / "p.png", (800, 1000), noise=40)
    limit(profile, 10_000)
    state = compress.run(state_for(path, "png", "02-delivery-proof.png"), ctx)
    assert state.uploads == () and state.placements == ()
    [finding] = state.findings
    assert finding.rule == "too-large" and finding.file == "evidence.x"
    for step in ("(lossless)", "JPEG q65: about", "JPEG q65 at 80% size: about", "JPEG q65 at 50% size: about"):
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


# ---- speed and memory: streaming page images, DCT scaling, forecasts (bench/bench_compress.py shows the numbers) ----

def scan_page(path: Path, seed: int, size=(2481, 3507), noise: int = 40) -> Path:
    """An A4 page scanned at 300 dpi in colour: paper with sensor noise in each channel, a dark text-like block,
    stored as JPEG q92."""
    width, height = size
    rng = np.random.default_rng(seed)
    pixels = (200 + rng.integers(0, noise, (height, width, 3), dtype=np.uint8)).astype(np.uint8)
    pixels[height // 3:height // 3 + 200, width // 8:width * 7 // 8] //= 5
    Image.fromarray(pixels).save(path, "JPEG", quality=92)
    return path


def scan_pdf(folder: Path, pages: int, **options) -> Path:
    parts = [pdfops.Part(scan_page(folder / f"scan{i}.jpg", i, **options), "jpeg") for i in range(pages)]
    merged = folder / "scan.pdf"
    pdfops.merge(parts, merged, pdfops.page_size_points((210, 297)), folder)
    return merged


def page_image_sizes(path: Path) -> list[tuple[int, int, str]]:
    return [(image.width, image.height, "jpeg" if image.jpeg else "other") for image in pdfops.page_images(path)]


def test_300_dpi_scan_is_decoded_at_half_size_for_150_dpi(tmp_path):
    """GIVEN a page scanned at 300 dpi (2481x3507, JPEG)
    WHEN its images are recompressed at <= 150 dpi
    THEN the JPEG decoder's own half-size decode (1241x1754) is kept as it is, not resampled by a pixel again."""
    src = scan_pdf(tmp_path, 1)
    policy = pdfops.ImagePolicy(150, 70, 1024, 4096)
    assert pdfops.recompress_images(src, tmp_path / "out.pdf", policy, tmp_path / "work") == 1
    assert page_image_sizes(tmp_path / "out.pdf") == [(1241, 1754, "jpeg")]
    assert list((tmp_path / "work").iterdir()) == []  # the workers' stream files are cleaned up


def test_flat_looking_jpeg_page_image_is_still_recompressed(tmp_path):
    """GIVEN a scan stored as JPEG that looks flat (few colours on a thumbnail), so no exact palette fits it
    WHEN its images are recompressed
    THEN it is re-encoded like a photo (a JPEG has no lossless encoding to keep), not left at full size."""
    src = scan_pdf(tmp_path, 1, noise=10)
    with Image.open(tmp_path / "scan0.jpg") as picture:
        assert imageops.looks_flat(picture, 1024, 4096), "the page must look flat, or the test is void"
        assert imageops.exact_palette(picture, 256) is None
    assert pdfops.recompress_images(src, tmp_path / "out.pdf", pdfops.ImagePolicy(150, 70, 1024, 4096),
                                    tmp_path / "work") == 1
    assert (tmp_path / "out.pdf").stat().st_size < src.stat().st_size / 3


def test_parallel_recompression_writes_the_same_bytes(tmp_path):
    """GIVEN a 3-page scan
    WHEN its images are recompressed on 1 process and on 2
    THEN both outputs are byte-identical (deterministic: no dates, no random /ID), every page replaced."""
    src = scan_pdf(tmp_path, 3, size=(1240, 1754))
    policy = pdfops.ImagePolicy(100, 70, 1024, 4096)
    assert pdfops.recompress_images(src, tmp_path / "one.pdf", policy, tmp_path / "w1", jobs=1) == 3
    assert pdfops.recompress_images(src, tmp_path / "two.pdf", policy, tmp_path / "w2", jobs=2) == 3
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()


def test_forecast_predicts_the_recompressed_size(tmp_path):
    """GIVEN a 5-page scan
    WHEN the size at 150 dpi q70 is forecast from 2 sample pages, then the pages are recompressed
    THEN the forecast is within 10% of the bytes written."""
    src = scan_pdf(tmp_path, 5, size=(1654, 2339))
    policy = pdfops.ImagePolicy(150, 70, 1024, 4096)
    forecast = pdfops.SizeForecast(src, pdfops.page_images(src), 2, tmp_path / "work")(policy)
    pdfops.recompress_images(src, tmp_path / "out.pdf", policy, tmp_path / "work")
    actual = (tmp_path / "out.pdf").stat().st_size
    assert abs(forecast - actual) <= actual * 0.1


def test_pdf_steps_forecast_to_miss_are_skipped_without_a_pass(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a 2-page 300-dpi scan (JPEG pages) and a limit only a low resolution meets
    WHEN compress runs
    THEN the lossless step (its JPEG streams alone exceed the limit) and the steps forecast to miss are skipped by
    their forecast, and only steps forecast to fit run over every page."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader())
    passes = []
    recompress = pdfops.recompress_images
    monkeypatch.setattr(pdfops, "recompress_images", lambda src, dst, policy, *args: passes.append(policy) or
                        recompress(src, dst, policy, *args))
    src = scan_pdf(tmp_path, 2)
    small_limit = src.stat().st_size // 25
    limit(profile, small_limit)
    state = compress.run(state_for(src, "pdf", "02-delivery-proof.pdf", pages=2), ctx)
    [out] = state.uploads
    assert out.size <= small_limit
    [log] = [line for line in state.log if line.startswith("compress: 02-delivery-proof.pdf")]
    assert "(lossless): about" in log and "by a sample, skipped" in log
    assert 1 <= len(passes) < len(compress.bundle_settings()["compression"]["pdf_dpi_steps"]) * 3
    assert passes[-1].max_dpi < 200


def test_upright_image_is_not_copied_and_a_rotated_one_is_turned(tmp_path):
    """GIVEN a JPEG without an EXIF rotation and one stored sideways (orientation 6)
    WHEN they are opened upright
    THEN the first is the opened image itself (no second full-size copy), the second is turned to portrait."""
    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (40, 20), "white").save(plain)
    sideways = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[imageops.EXIF_ORIENTATION] = 6
    Image.new("RGB", (40, 20), "white").save(sideways, exif=exif)
    with Image.open(plain) as opened, imageops.open_upright(plain) as upright:
        assert type(upright) is type(opened) and upright.format == "JPEG"  # still the file, not a copy
    with imageops.open_upright(sideways) as upright:
        assert upright.size == (20, 40)


def test_strip_estimate_of_a_jpeg_is_close(tmp_path):
    """GIVEN a 1600x2000 noisy photo
    WHEN its JPEG q75 size is estimated on 3% of its rows
    THEN the estimate is within 15% of a full save."""
    with Image.open(noisy_photo(tmp_path / "p.png", (1600, 2000), noise=60)) as image:
        image.load()
        estimate = imageops.estimated_size(image, 0.03, imageops.jpeg_encoder(75))
        imageops.save_jpeg(image, tmp_path / "p.jpg", 75)
    actual = (tmp_path / "p.jpg").stat().st_size
    assert abs(estimate - actual) <= actual * 0.15


def test_an_unverifiable_labelled_misread_need_not_survive_when_the_claim_names_the_number(tmp_path):
    """GIVEN a 35 MP label photo whose reading (measured on a held-out packet) took a 14-digit misread
    56860705798411 of the label's 5807-0579-8411 after a label, with no carrier and no check digit, while the claim
    names 580705798411
    WHEN the values that must survive compression are listed
    THEN the misread is not among them (it blocked every encoding and made the photo too-large), the timestamp is."""
    fields = Fields(tracking_numbers=(TrackingNumber("56860705798411", None, "none", context="label"),),
                    timestamps=(Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00"),))
    path = noisy_photo(tmp_path / "p.png", (100, 100))
    state = state_for(path, "png", "02-delivery-proof.png", fields=fields, claim=claim_with("580705798411"))
    assert compress.expected_fields("02-delivery-proof.png", state) == {"timestamp 2026-03-10T14:22:00+09:00": {1}}


def test_near_grey_scan_becomes_a_greyscale_jpeg_and_a_coloured_one_stays_colour(tmp_path):
    """GIVEN one scan of black print on cream paper and one carrying a red stamp
    WHEN their page images are recompressed with a grey tolerance of 24
    THEN the cream page is stored as greyscale (no chroma bytes to pay for) and the stamped one keeps its colour."""
    rng = np.random.default_rng(5)
    cream = (np.array((240, 234, 220)) + rng.integers(0, 12, (1754, 1240, 1))).astype(np.uint8)  # paper grain
    cream[600:640, 100:1100] = 30
    stamped = cream.copy()
    stamped[900:1100, 800:1000] = (200, 30, 30)
    colours = {}
    for name, pixels in (("cream", cream), ("stamped", stamped)):
        Image.fromarray(pixels).save(tmp_path / f"{name}.jpg", "JPEG", quality=92)
        src = tmp_path / f"{name}.pdf"
        pdfops.merge([pdfops.Part(tmp_path / f"{name}.jpg", "jpeg")], src, pdfops.page_size_points((210, 297)),
                     tmp_path)
        out = tmp_path / f"{name}-out.pdf"
        assert pdfops.recompress_images(src, out, pdfops.ImagePolicy(100, 70, 1024, 4096, 256, 24),
                                        tmp_path / "work") == 1
        with pikepdf.open(out) as pdf:
            colours[name] = str(next(iter(pdf.pages[0].get_images().values())).ColorSpace)
    assert colours == {"cream": "/DeviceGray", "stamped": "/DeviceRGB"}


def compress_a_scan_losing_the_first_read(tmp_path, ctx, profile, monkeypatch, field_pages):
    """Compress a 4-page 300-dpi scan whose `field_pages` carry the tracking number, under a limit only lossy steps
    meet, with a reader that loses the number in the first encoding it is shown; each pass over the PDF's pages is
    counted. Checks the output fits with its 4 pages and no finding; returns (state, reader, pages per pass)."""
    reader = losing_the_first_read()
    monkeypatch.setattr(compress, "reread_fields", reader)
    full_passes = []
    recompress = pdfops.recompress_images
    monkeypatch.setattr(pdfops, "recompress_images", lambda src, dst, policy, *args: (
        full_passes.append(len(pdfops.page_images(src))), recompress(src, dst, policy, *args))[1])
    src = scan_pdf(tmp_path, 4)
    limit(profile, src.stat().st_size // 4)
    fields = Fields(tracking_numbers=tuple(TrackingNumber(TRACKING, "cj", "ok", page=page) for page in field_pages))
    state = compress.run(state_for(src, "pdf", "02-delivery-proof.pdf", pages=4, fields=fields), ctx)
    [out] = state.uploads
    assert out.size <= src.stat().st_size // 4 and out.pages == 4 and not state.findings
    return state, reader, full_passes


def test_field_pages_are_probed_beside_the_full_pass_and_not_read_twice(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a 4-page 300-dpi scan whose page 3 carries the tracking number, a limit only lossy steps meet, and a
    reader that loses the number in the first lossy encoding it is shown
    WHEN compress runs
    THEN only page 3 alone is ever read (the probe, while the full pass runs beside it): the first encoding is
    refused and its full pass dropped, the next one is kept without reading the full output again, and the log
    names the probe."""
    state, reader, full_passes = compress_a_scan_losing_the_first_read(tmp_path, ctx, profile, monkeypatch, (3,))
    [out] = state.uploads
    assert len(reader.calls) == 2 and all(name.endswith(".fields.pdf") for name in reader.calls)
    assert full_passes == [1, 4, 1, 4]  # per encoding: the 1-page probe, then the pass over all 4 pages
    passes_left = [p for p in (ctx.workdir / "compress").glob("02-delivery-proof.*.pdf")
                   if re.fullmatch(r"02-delivery-proof\.\d+\.\d+\.pdf", p.name)]
    assert passes_left == [out.path]  # the refused encoding's full pass was dropped
    assert any("pages 3 re-encoded first, but tracking number" in line for line in state.log)


def test_field_pages_that_are_most_of_the_file_are_not_probed(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a 4-page 300-dpi scan whose pages 1-3 carry the tracking number (more than bundle.toml's
    probe_max_page_share of its pages), a limit only lossy steps meet, and a reader that loses the number in the
    first encoding it is shown
    WHEN compress runs
    THEN each lossy encoding is one pass over the 4 pages, never a probe of the field pages beside it, proven on
    its own output: the first refused, the second kept."""
    assert bundle_settings()["compression"]["probe_max_page_share"] < 3 / 4
    state, reader, full_passes = compress_a_scan_losing_the_first_read(tmp_path, ctx, profile, monkeypatch, (1, 2, 3))
    assert full_passes == [4, 4]
    assert len(reader.calls) == 2 and not any(name.endswith(".fields.pdf") for name in reader.calls)


# ---- legibility proven where the values were read (pipeline/reading/recheck.py) ----------------------------------

def label_photo_state(tmp_path: Path) -> PacketState:
    """A 1200 x 1600 photo over the limit whose label line, read by OCR with its box, shows the tracking number."""
    path = noisy_photo(tmp_path / "p.png", (1200, 1600), noise=40, label_px=48)
    text = f"CJ {TRACKING[:4]} {TRACKING[4:8]} {TRACKING[8:]}"
    font = ImageFont.truetype(FONT, 48)
    box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((1200 // 5, 1600 // 2), text, font=font)
    page = PageReading(1, text, "ocr", width=1200, height=1600, lines=(TextLine(text, tuple(box)),))
    state = state_for(path, "png", "02-delivery-proof.png")
    return replace(state, readings={"evidence.x": replace(state.readings["evidence.x"], pages=(page,))})


@pytest.mark.e2e
def test_a_lossy_step_is_proven_in_the_box_where_the_number_was_read(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo over the limit whose tracking number was read on a line with a known box
    WHEN compress runs (--verify boxes, the default)
    THEN the lossy step is proven by reading that box alone (real Tesseract), and the page is never read whole;
    WHEN it runs with --verify full THEN the page is read whole, and the same encoding is kept."""
    reader = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", reader)
    state = label_photo_state(tmp_path)
    limit(profile, state.uploads[0].size // 2)
    boxed = compress.run(state, ctx)
    assert reader.calls == [] and not boxed.findings and boxed.uploads[0].type == "jpeg"
    full = compress.run(state, replace(ctx, verify="full", workdir=ctx.workdir / "full"))
    assert len(reader.calls) == 1
    assert full.uploads[0].compression == boxed.uploads[0].compression


def test_a_value_its_box_does_not_prove_is_read_on_the_whole_page(tmp_path, ctx, profile, monkeypatch):
    """GIVEN the photo, but its box read again shows nothing (recheck says "not proven here")
    WHEN compress runs THEN the page is read whole, as without boxes, and the step is kept when that read finds it."""
    from pipeline.reading import recheck
    reader = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", reader)
    monkeypatch.setattr(recheck, "still_shows", lambda *args: False)
    state = label_photo_state(tmp_path)
    limit(profile, state.uploads[0].size // 2)
    out = compress.run(state, ctx)
    assert len(reader.calls) == 1 and not out.findings and out.uploads[0].type == "jpeg"


def test_a_field_page_whose_images_did_not_change_is_not_read_again(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a 4-page scan whose last page, carrying the tracking number, is a 1-bit image (never re-encoded), and a
    limit only lossy steps meet
    WHEN compress runs THEN the number's page keeps its image byte for byte, so nothing is read again;
    WHEN it runs with --verify full THEN that page is read whole."""
    reader = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", reader)
    parts = [pdfops.Part(scan_page(tmp_path / f"scan{i}.jpg", i), "jpeg") for i in range(3)]
    bilevel = Image.new("1", (2481, 3507), 1)
    ImageDraw.Draw(bilevel).text((300, 600), f"CJ {TRACKING}", font=ImageFont.truetype(FONT, 90), fill=0)
    bilevel.save(tmp_path / "label.png")
    src = tmp_path / "scan.pdf"
    pdfops.merge(parts + [pdfops.Part(tmp_path / "label.png", "png")], src, pdfops.page_size_points((210, 297)),
                 tmp_path)
    limit(profile, src.stat().st_size // 4)
    fields = Fields(tracking_numbers=(TrackingNumber(TRACKING, "cj", "ok", page=4),))
    state = state_for(src, "pdf", "02-delivery-proof.pdf", pages=4, fields=fields)
    boxed = compress.run(state, ctx)
    assert reader.calls == [] and not boxed.findings and boxed.uploads[0].compression.startswith("page images")
    full = compress.run(state, replace(ctx, verify="full", workdir=ctx.workdir / "full"))
    assert reader.calls and full.uploads[0].compression == boxed.uploads[0].compression


@pytest.mark.e2e
def test_the_readers_own_boxes_prove_a_lossy_step(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo over the limit read by evpack's reader (real Tesseract), which keeps its lines' boxes
    WHEN compress runs THEN the tracking number is proven where the reader read it: no page is read whole."""
    from pipeline.reading import reader as page_reader
    from pipeline.reading import recheck
    path = noisy_photo(tmp_path / "p.png", (1200, 1600), noise=40)
    with Image.open(path) as photo:
        draw = ImageDraw.Draw(photo)
        draw.rectangle((150, 500, 1050, 1100), fill=(245, 245, 240))
        draw.text((200, 760), f"CJ대한통운 운송장번호 {TRACKING[:4]}-{TRACKING[4:8]}-{TRACKING[8:]}",
                  font=ImageFont.truetype(FONT, 44), fill=(20, 20, 20))
        photo.save(path, "PNG", compress_level=1)
    reading = page_reader.read_file("p.png", path, "png", "0" * 64, ctx)
    [number] = [t for t in reading.fields.tracking_numbers if t.value == TRACKING]
    assert recheck.spot(reading.pages[0], number) is not None
    fake = FakeReader()
    monkeypatch.setattr(compress, "reread_fields", fake)
    state = state_for(path, "png", "02-delivery-proof.png", fields=Fields(tracking_numbers=(number,)))
    state = replace(state, readings={"evidence.x": replace(state.readings["evidence.x"], pages=reading.pages)})
    limit(profile, path.stat().st_size // 2)
    out = compress.run(state, ctx)
    assert fake.calls == [] and not out.findings and out.uploads[0].type == "jpeg"


@pytest.mark.e2e
def test_a_pdf_page_proves_a_value_rendered_only_around_its_spot(tmp_path, ctx):
    """GIVEN a PDF page made of a 1654 x 2339 picture whose line shows the tracking number at a known box
    WHEN the spot is checked on the page THEN the value is proven (the region rendered at the picture's resolution);
    WHEN the spot points at an empty part of the page THEN it is not."""
    from pipeline.reading import recheck
    picture = Image.new("L", (1654, 2339), 255)
    text = f"운송장번호 {TRACKING}"
    font = ImageFont.truetype(FONT, 40)
    draw = ImageDraw.Draw(picture)
    draw.text((200, 700), text, font=font, fill=0)
    box = draw.textbbox((200, 700), text, font=font)
    picture.save(tmp_path / "page.png")
    pdf = tmp_path / "page.pdf"
    pdfops.merge([pdfops.Part(tmp_path / "page.png", "png")], pdf, pdfops.page_size_points((210, 297)), tmp_path)
    here = recheck.Spot(tuple(box), picture.size, TRACKING, "alnum")
    elsewhere = recheck.Spot((200, 1500, 700, 1540), picture.size, TRACKING, "alnum")
    found = compress.proven_on_page(pdf, "pdf", 1, {"here": here, "elsewhere": elsewhere}, ctx, tmp_path / "s.png")
    assert found == {"here"}


# ---- the JPEG quality forecast, not stepped (bundle.toml: jpeg_quality_range, max_lossy_encodes) ------------------

@pytest.mark.parametrize("budget, expected", [(10_000, 85), (3_000, 70), (1_100, 56), (999, None)])
def test_the_quality_is_read_off_two_probes_and_narrowed(budget, expected):
    """GIVEN bytes that grow exponentially with JPEG quality (1,000 at q55, 8,000 at q85)
    WHEN the highest quality in 55-85 within a budget is forecast
    THEN it is the true one (q85 when it fits, None when even q55 misses), found with at most 6 sample encodes."""
    asked = []

    def size_at(quality: int) -> int:
        asked.append(quality)
        return round(1000 * 2 ** ((quality - 55) / 10))
    quality, forecast = imageops.fitted_quality(size_at, budget, 55, 85)
    truth = max((q for q in range(55, 86) if size_at(q) <= budget), default=None)
    assert quality == expected == truth
    assert (forecast <= budget) == (quality is not None)
    assert len(asked) - 31 <= 6


def test_a_pdf_lands_near_the_budget_in_one_pass_and_the_same_bytes_twice(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a 4-page 300-dpi scan and a limit between two qualities of the former ladder (85, 70, 55)
    WHEN compress runs twice
    THEN one pass over every page is made (the quality forecast from sample pages), the file lands within the budget
    and above 85 % of it, at a quality between the ladder's steps, and both runs write the same bytes."""
    monkeypatch.setattr(compress, "reread_fields", FakeReader())
    passes = []
    recompress = pdfops.recompress_images
    monkeypatch.setattr(pdfops, "recompress_images", lambda src, dst, policy, *args: (
        passes.append(policy), recompress(src, dst, policy, *args))[1])
    src = scan_pdf(tmp_path, 4)
    high = pdfops.SizeForecast(src, pdfops.page_images(src), 3, tmp_path / "f")(
        pdfops.ImagePolicy(200, 85, 1024, 4096, 256, 24))
    low = pdfops.SizeForecast(src, pdfops.page_images(src), 3, tmp_path / "f")(
        pdfops.ImagePolicy(200, 70, 1024, 4096, 256, 24))
    budget = (high + low) // 2
    limit(profile, budget)
    fields = Fields(tracking_numbers=(TrackingNumber(TRACKING, "cj", "ok", page=3),))
    first = compress.run(state_for(src, "pdf", "02-delivery-proof.pdf", pages=4, fields=fields), ctx)
    [out] = first.uploads
    assert len([p for p in passes if p.max_dpi == 200]) == 2  # the field page's probe, then the one full pass
    quality = passes[-1].jpeg_quality
    assert 70 < quality < 85 and out.compression == f"page images at <= 200 dpi, photos JPEG q{quality}"
    assert 0.85 * budget <= out.size <= budget
    again = compress.run(state_for(src, "pdf", "02-delivery-proof.pdf", pages=4, fields=fields),
                         replace(ctx, workdir=ctx.workdir / "again"))
    assert again.uploads[0].path.read_bytes() == out.path.read_bytes()


def test_an_overshoot_is_encoded_once_more_and_never_a_third_time(tmp_path, ctx, profile, monkeypatch):
    """GIVEN a photo over a limit of its q80 size, and strip forecasts that under-count by 40 %
    WHEN compress runs THEN the first JPEG overshoots, the second (its forecast corrected by the miss) fits;
    GIVEN a reader that never finds the number THEN two JPEG encodes are made in all, and it is too large."""
    estimated = imageops.estimated_size
    monkeypatch.setattr(imageops, "estimated_size", lambda *args: round(estimated(*args) * 0.6))
    saves = []
    save = imageops.save_jpeg
    monkeypatch.setattr(imageops, "save_jpeg", lambda image, dst, *args: (saves.append(args), save(image, dst, *args)))
    monkeypatch.setattr(compress, "reread_fields", FakeReader())
    path = noisy_photo(tmp_path / "p.png", (1200, 1600), noise=40)
    with Image.open(path) as image:
        imageops.save_jpeg(image, tmp_path / "q80.jpg", 80)
    saves.clear()
    budget = (tmp_path / "q80.jpg").stat().st_size
    limit(profile, budget)
    state = compress.run(state_for(path, "png", "02-delivery-proof.png"), ctx)
    [out] = state.uploads
    assert len(saves) == 2 and saves[1][0] < saves[0][0] and out.size <= budget and not state.findings
    assert any("still over" in line for line in state.log)
    saves.clear()
    monkeypatch.setattr(compress, "reread_fields", FakeReader(lambda path: False))
    lost = compress.run(state_for(path, "png", "02-delivery-proof.png"), replace(ctx, workdir=ctx.workdir / "2"))
    assert lost.uploads == () and [f.rule for f in lost.findings] == ["too-large"]
    assert len(saves) == compress.bundle_settings()["compression"]["max_lossy_encodes"] == 2
