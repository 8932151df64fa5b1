"""pipeline/reading/reader.py: a PDF's text layer read without OCR, scanned PDFs and images OCR'd, QR codes found,
damaged files turned into FileProblem, and the plan/job split that lets pages run in worker processes."""
from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

import img2pdf
import numpy as np
import pytest
import zxingcpp
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.reading import ocr, reader
from pipeline.errors import FileProblem
from pipeline.model import PageReading, TextLine
from tests.reading.ocr_fakes import GOTHIC, canned_tsv_body, install_fake_tesseract, text_image


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF whose pages carry real text (a carrier's own PDF), in NanumGothic so Korean survives."""
    # A name of its own: samples/pdfs.py skips its registrations when it sees "NanumGothic" already registered.
    pdfmetrics.registerFont(TTFont("ReaderTestGothic", GOTHIC))
    sheet = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        sheet.setFont("ReaderTestGothic", 11)
        for i, line in enumerate(lines):
            sheet.drawString(60, 780 - i * 18, line)
        sheet.showPage()
    sheet.save()
    return path


def image_pdf(path: Path, images: list[Image.Image], dpi: int = 150) -> Path:
    """An image-only PDF (a scan): no text layer at all."""
    blobs = []
    for image in images:
        buffer = io.BytesIO()
        image.convert("L").save(buffer, "PNG")
        blobs.append(buffer.getvalue())
    path.write_bytes(img2pdf.convert(blobs, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
    return path


def qr_image(payload: str) -> Image.Image:
    code = np.asarray(zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode).to_image(scale=6))
    page = text_image(["클라우드 링크 601234567890"] * 7, 20, width=700)
    page.paste(Image.fromarray(code).convert("RGB"), (480, 20))
    return page


def test_text_layer_pdf_is_read_without_ocr(tmp_path, monkeypatch, ctx):
    """GIVEN a two-page PDF with a real text layer and a tesseract that logs every OCR call WHEN read
    THEN both pages come from the text layer exactly, first/last lines fill the bands, and Tesseract never ran."""
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, "exit 1")
    pdf = text_pdf(tmp_path / "track.pdf", [["CJ대한통운 배송조회", "운송장번호 689212345674", "2026.03.10 14:22 배송완료"],
                                             ["서울특별시 송파구 올림픽로 300", "page two footer"]])
    reading = reader.read_file("track.pdf", pdf, "pdf", sha(pdf), ctx)
    assert reading.text_source == "text-layer"
    assert reading.engine == reader.TEXT_LAYER_ENGINE
    first, second = reading.pages
    assert "운송장번호 689212345674" in first.text
    assert (first.header_text, first.footer_text) == ("CJ대한통운 배송조회", "2026.03.10 14:22 배송완료")
    assert second.footer_text == "page two footer" and second.confidence is None
    assert not log.exists()


def test_pages_are_costed_by_pixels_a_jpeg_weighted_up(tmp_path, ctx):
    """GIVEN a 12 MP photo (JPEG), a 150-dpi scan of an A4-sized image, a 1280x720 JPEG re-save and a 750x1390 PNG
    capture WHEN planned THEN each job carries its pixels (the scan's at the render resolution) and the cost orders
    them photo, scan, re-save, capture (by bytes the re-save, a corpus' smallest file, started last, though it costs
    Tesseract the most per pixel)."""
    from pipeline.reading.settings import settings as ocr_settings
    photo, resave, capture = tmp_path / "photo.jpg", tmp_path / "resave.jpg", tmp_path / "capture.png"
    Image.new("RGB", (4000, 3000), "white").save(photo, quality=80)
    Image.new("RGB", (1280, 720), "white").save(resave, quality=55)
    Image.new("RGB", (750, 1390), "white").save(capture)
    page = Image.new("L", (1240, 1754), 255)
    page.paste(0, (100, 100, 600, 140))  # a line of "text": a blank page is never OCR'd, so it has no job
    scan = image_pdf(tmp_path / "scan.pdf", [page])
    jobs = {path.stem: reader.plan_file(path.name, path, kind, sha(path), ctx).jobs[0]
            for path, kind in ((photo, "jpeg"), (resave, "jpeg"), (capture, "png"), (scan, "pdf"))}
    assert jobs["capture"].pixels == 750 * 1390 and jobs["photo"].pixels == 4000 * 3000
    dpi = min(ocr_settings().render_dpi, 150)
    assert jobs["scan"].pixels == pytest.approx(1240 * 1754 * (dpi / 150) ** 2, rel=0.01)
    assert sorted(jobs, key=lambda name: -jobs[name].cost()) == ["photo", "scan", "resave", "capture"]


@pytest.mark.e2e
def test_scanned_pdf_is_ocrd(ctx, tmp_path):
    """GIVEN an image-only PDF (a 150-dpi scan of Korean text with a tracking number) WHEN read
    THEN its page is OCR'd with real Tesseract, the number reads exactly, and the engine names Tesseract."""
    scan = image_pdf(tmp_path / "scan.pdf", [text_image(["배송 완료 확인서", "운송장번호 689212345674",
                                                          "수령인 서명 완료"], 24, width=700)])
    reading = reader.read_file("scan.pdf", scan, "pdf", sha(scan), ctx)
    assert reading.text_source == "ocr"
    assert "689212345674" in reading.text.replace(" ", "")
    assert reading.engine.startswith("tesseract ") and "kor+eng" in reading.engine
    assert reading.pages[0].confidence > 60 and reading.pages[0].sharpness > 0


def test_mixed_pdf_reads_text_pages_and_plans_ocr_only_for_the_rest(tmp_path, ctx):
    """GIVEN a PDF of one text page and one image-only page WHEN planned THEN the text page is read at once and a
    single picklable OCR job remains, for page 2, writing into the work folder."""
    text = text_pdf(tmp_path / "t.pdf", [["운송장번호 689212345674 배송완료"]])
    scan = image_pdf(tmp_path / "s.pdf", [text_image(["601234567890"], 24)])
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()
    for part in (text, scan):
        writer.append(PdfReader(part))
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as out:
        writer.write(out)
    plan = reader.plan_file("mixed.pdf", mixed, "pdf", sha(mixed), ctx)
    assert plan.pages[0].source == "text-layer" and plan.pages[1] is None
    assert [job.index for job in plan.jobs] == [2]
    assert plan.jobs[0].work_png.is_relative_to(ctx.workdir)
    assert pickle.loads(pickle.dumps(plan.jobs[0])) == plan.jobs[0]


def test_image_is_ocrd_with_size_and_qr_code(tmp_path, monkeypatch, ctx):
    """GIVEN a PNG holding a QR code to a cloud drive, and a fake tesseract WHEN read THEN the QR payload is found,
    the original pixel size recorded, and the page OCR'd once with kor+eng (its edge strips apart, read for a
    clock)."""
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("601234567890"))
    png = tmp_path / "qr.png"
    qr_image("https://pan.baidu.com/s/1AbCdEf").save(png)
    reading = reader.read_file("qr.png", png, "png", sha(png), ctx)
    assert reading.qr_codes == ("https://pan.baidu.com/s/1AbCdEf",)
    assert (reading.image_width, reading.image_height) == Image.open(png).size
    assert reading.text == "601234567890" and reading.text_source == "ocr"
    assert len([line for line in log.read_text().splitlines() if "-l kor+eng" in line and "-band" not in line]) == 1


def test_a_photo_without_text_is_not_ocrd_and_says_so(tmp_path, monkeypatch, ctx):
    """GIVEN a fake tesseract, a JPEG photo of a product without any writing and the same photo with a caption
    WHEN read THEN the photo without writing is not OCR'd (no kor+eng call), its page says it shows no text (scan's
    pages_without_text) and keeps its sharpness for the blur rule; the captioned photo is OCR'd."""
    from tests.reading.ocr_fakes import product_photo
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("SKU"))
    plain, captioned = tmp_path / "plain.jpg", tmp_path / "captioned.jpg"
    product_photo().save(plain, quality=86)
    product_photo(caption="SKU PL-BTL-500-GR  2026-03-06 15:02").save(captioned, quality=86)
    reading = reader.read_file("plain.jpg", plain, "jpeg", sha(plain), ctx)
    assert not log.exists() or "kor+eng" not in log.read_text()
    (page,) = reading.pages
    assert page.no_text and page.source == "none" and not page.warning and page.sharpness is not None
    assert reading.to_json()["pages_without_text"] == [1] and reading.text_source == "none"
    reading = reader.read_file("captioned.jpg", captioned, "jpeg", sha(captioned), ctx)
    assert not reading.pages[0].no_text and reading.text_source == "ocr" and "kor+eng" in log.read_text()
    assert reading.to_json()["pages_without_text"] == []


def test_qr_code_on_a_text_layer_page_is_found(tmp_path, monkeypatch, ctx):
    """GIVEN a PDF page with text and an embedded QR image WHEN read THEN the QR payload is found without OCR."""
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, "exit 1")
    png = tmp_path / "qr.png"
    qr_image("https://drive.google.com/file/d/xyz").save(png)
    pdf = tmp_path / "page.pdf"
    sheet = canvas.Canvas(str(pdf), pagesize=A4)
    sheet.drawString(60, 780, "Order 31000012345678 shipped, see the QR code")
    width, height = Image.open(png).size
    sheet.drawImage(str(png), 60, 400, width=350, height=350 * height / width)  # keep the QR square
    sheet.save()
    reading = reader.read_file("page.pdf", pdf, "pdf", sha(pdf), ctx)
    assert reading.qr_codes == ("https://drive.google.com/file/d/xyz",)
    assert reading.text_source == "text-layer" and not log.exists()


def test_exif_rotated_photo_is_read_upright(tmp_path, monkeypatch, ctx):
    """GIVEN a JPEG stored sideways with EXIF orientation 6 WHEN its page image is prepared THEN it is upright
    (as a viewer shows it), so Tesseract sees horizontal lines."""
    upright = text_image(["601234567890"] * 3, 24, width=500)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to view
    jpeg = tmp_path / "side.jpg"
    upright.transpose(Image.Transpose.ROTATE_90).save(jpeg, "JPEG", exif=exif, quality=95)
    job = reader.PageJob(path=jpeg, usable_type="jpeg", index=1, work_png=ctx.workdir / "x.png", timeout=5)
    assert reader.page_image(job).size == upright.size


@pytest.mark.parametrize("name,usable_type,content", [
    ("broken.pdf", "pdf", b"%PDF-1.7\n garbage that is no PDF"),
    ("broken.png", "png", b"\x89PNG\r\n\x1a\n not a png"),
])
def test_damaged_file_is_a_file_problem(tmp_path, ctx, name, usable_type, content):
    """GIVEN a damaged PDF or PNG WHEN read THEN FileProblem unreadable-file naming the file, with a fix."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileProblem) as raised:
        reader.read_file(name, path, usable_type, sha(path), ctx)
    assert raised.value.rule == "unreadable-file" and name in raised.value.message and raised.value.fix


def test_truncated_image_gives_a_page_warning_not_a_crash(tmp_path, monkeypatch, ctx):
    """GIVEN a PNG whose header is fine but whose pixel data is cut off WHEN read THEN the page carries a warning
    and no text; nothing is raised."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("x"))
    whole = io.BytesIO()
    text_image(["601234567890"] * 20, 24).save(whole, "PNG")
    png = tmp_path / "cut.png"
    png.write_bytes(whole.getvalue()[:2000])
    reading = reader.read_file("cut.png", png, "png", sha(png), ctx)
    assert reading.pages[0].source == "none"
    assert reading.pages[0].warning.startswith("page 1 cannot be decoded")


@pytest.mark.parametrize("usable_type,size,psm,document", [
    ("pdf", (1654, 2339), 4, False),    # a scanned page: psm 4, its rules kept
    ("jpeg", (1500, 2292), 4, True),    # a photo of a receipt, upright: a document page
    ("png", (750, 1390), 4, True),      # a phone's capture: one column
    ("png", (1366, 768), 6, False),     # a desktop screenshot
    ("jpeg", (1600, 1200), 6, False),   # a photo of a monitor
])
def test_page_segmentation_follows_the_kind_of_page(tmp_path, usable_type, size, psm, document):
    """GIVEN pages of each kind WHEN their Tesseract segmentation is chosen THEN scans and portrait pages get psm 4,
    landscape screens psm 6, and only portrait images are treated as photographed documents."""
    job = reader.PageJob(path=tmp_path / "x", usable_type=usable_type, index=1, work_png=tmp_path / "w.png",
                         timeout=10)
    assert reader.page_psm(usable_type, size) == psm
    assert reader.is_document_photo(job, size) is document


SURE_READ = "CJ대한통운 운송장번호 562819482190\n2026.03.10 14:22 배송완료"
CHINESE_LOOKING = "运单号 卖家你好 发货 签收"  # Han: looks Chinese (and the photo's read chooses Chinese)


@pytest.mark.parametrize("flat_text, reads", [
    (SURE_READ, 1),                                                      # one number, every date with its time
    ("CJ대한통운 운송장번호 562819482190\n2026.03.10 ( 화 )", 2),           # a date whose time was lost
    ("2026.03.10 14:22 배송완료", 2),                                      # no number
    (CHINESE_LOOKING, 3),  # looks Chinese: the photo's read chooses Chinese, the flat copy is read in it
], ids=["sure", "date-without-time", "no-number", "flat-read-looked-chinese"])
def test_a_photographed_screen_is_read_once_warped_flat_and_as_it_is_only_when_doubted(tmp_path, monkeypatch,
                                                                                       flat_text, reads):
    """GIVEN a phone photo of a monitor (samples' generator: bezel, perspective, moiré) and a plain screenshot
    WHEN each page is read (OCR replaced by a recorder whose flat read gives `flat_text`)
    THEN the photo's warped-flat copy (the screen alone, its bands' background divided out) is read first; the photo
    as it is is read too, choosing its languages, only where that read is doubted (ocr.toml [photos]) or looks
    Chinese (where the photo's read chooses Chinese, the flat copy is read again in it),
    and then the page holds both reads, the photo's first; the flat read's boxes stand on the photo. Each is read as
    a screen, the photo's own read without the clock's edge strips (clock_strip_max_pixels 0: its edges are a desk's
    and a bezel's). The screenshot, which holds no photographed rectangle, is read once, as a screen."""
    from samples.draw import phone_photo_of_screen
    calls, flags, chosen, screens = [], [], [], []

    def fake_ocr(image, index, work_png, timeout, psm=None, screen=False, unrule=False, photographed=False,
                 languages=None, cfg=None):
        calls.append(image.size)
        flags.append(photographed)
        screens.append((screen, (cfg or reader.ocr_settings()).clock_strip_max_pixels > 0))
        chosen.append(languages)
        text = flat_text if photographed else f"read {len(calls)}"
        lines = (TextLine(text.splitlines()[0], (0, 0, image.width, image.height // 10)),)
        chose = languages or ("chi_sim+kor+eng" if flat_text == CHINESE_LOOKING else "kor+eng")
        return PageReading(index=index, text=text, source="ocr", header_text=text, width=image.width,
                           height=image.height, lines=lines), chose

    monkeypatch.setattr(ocr, "ocr_page", fake_ocr)
    screen = text_image(["운송장번호 562819482190", "2026.03.10 14:22 배송완료"] * 8, 20, width=1280)
    photo = phone_photo_of_screen(screen.resize((1280, 720)), np.random.default_rng(3))
    results = {}
    for name, image in (("photo.jpg", photo), ("screen.png", screen)):
        path = tmp_path / name
        image.save(path)
        calls.clear()
        flags.clear()
        chosen.clear()
        screens.clear()
        job = reader.PageJob(path, "jpeg" if name.endswith("jpg") else "png", 1, tmp_path / f"{name}.png", 30.0)
        results[name] = (reader.read_page(job).page, list(calls), list(flags), list(chosen), list(screens))
    page, sizes, photographed, languages, as_screen = results["photo.jpg"]
    assert len(sizes) == reads and photographed == [True, False, True][:reads]
    assert as_screen == [(True, True), (True, False), (True, True)][:reads]  # no edge strips on the photo as it is
    assert languages == ["kor+eng", None, "chi_sim+kor+eng"][:reads]  # the flat copy first in the default
    assert sizes[0][0] < photo.width * 0.95 and sizes[0][1] < photo.height * 0.9  # the screen alone, desk cut off
    assert (page.width, page.height) == photo.size
    if reads == 1:
        assert page.text == flat_text and page.sharpness is not None  # measured on the photo, as without the warp
        [line] = page.lines
        x0, y0, x1, y1 = line.box  # the flat copy's top band, placed back inside the photo's screen
        assert 0 < x0 < x1 < photo.width and 0 < y0 < y1 < photo.height / 2 and x1 - x0 > photo.width / 2
    else:
        assert page.text.rstrip() == f"read 2\n{flat_text}".rstrip() and page.lines[0].text == "read 2"
    assert results["screen.png"][1:] == ([screen.size], [False], [None], [(True, True)])


def test_a_flat_read_is_doubted_by_its_fields_and_undated_lines():
    """GIVEN flat reads of a photographed screen WHEN judged THEN one sure number with every date timed stands, and
    so does a taskbar clock's date under its time; no number, two numbers, a failed check digit or a date line whose
    time was lost is doubted."""
    cfg = reader.ocr_settings()

    def page(text: str) -> PageReading:
        return PageReading(index=1, text=text, source="ocr")
    assert not reader.doubted(page(SURE_READ), cfg)
    assert not reader.doubted(page(SURE_READ + "\n오후 10:14\n2026-03-08"), cfg)
    assert reader.doubted(page("2026.03.10 14:22 배송완료"), cfg)
    assert reader.doubted(page(SURE_READ + "\n한진택배 운송장번호 419980025463"), cfg)
    assert reader.doubted(page("한진택배 운송장번호 419980025464\n2026.03.10 14:22"), cfg)
    assert reader.doubted(page(SURE_READ + "\n2026.03.05 ( 목 )"), cfg)


def test_blank_and_huge_pages_cost_little(tmp_path, ctx):
    """GIVEN a PDF of 300 blank pages and one of a blank 200 x 200-inch page, neither with a text layer WHEN planned
    THEN no page becomes an OCR job (each is found blank at 10 dpi), quickly; a 200 x 200-inch page with ink is
    rendered within the pixel budget (ingest.toml budgets.pixels_per_page)."""
    import time

    from reportlab.pdfgen import canvas

    from pipeline.ingest.sniff import ingest_rules
    blank, huge, inked = tmp_path / "blank.pdf", tmp_path / "huge.pdf", tmp_path / "inked.pdf"
    pdf = canvas.Canvas(str(blank), invariant=True)
    for _ in range(300):
        pdf.showPage()
    pdf.save()
    for path, ink in ((huge, False), (inked, True)):
        pdf = canvas.Canvas(str(path), pagesize=(200 * 72, 200 * 72), invariant=True)
        if ink:
            pdf.rect(72, 72, 5000, 800, fill=1)
        pdf.showPage()
        pdf.save()
    started = time.perf_counter()
    plans = [reader.plan_file(p.name, p, "pdf", sha(p), ctx) for p in (blank, huge)]
    assert [len(plan.jobs) for plan in plans] == [0, 0] and time.perf_counter() - started < 10
    assert all(page.source == "none" for plan in plans for page in plan.pages)
    (job,) = reader.plan_file(inked.name, inked, "pdf", sha(inked), ctx).jobs
    assert job.pixels <= ingest_rules()["budgets"]["pixels_per_page"] * 1.001 and job.render_dpi < 30


def test_a_scanned_page_is_judged_blank_by_its_worker_not_rendered_twice(tmp_path, monkeypatch, ctx):
    """GIVEN a PDF of two scanned pages (pictures), one white and one with a line of ink WHEN planned THEN neither
    is rendered while planning (a picture decodes whole at any size: the worker's render is the only one) and both
    are jobs; WHEN the white one is read THEN it shows nothing, without OCR; the inked one gets no blank verdict."""
    white = Image.new("L", (1240, 1754), 255)
    inked = white.copy()
    inked.paste(0, (100, 100, 600, 140))
    scan = image_pdf(tmp_path / "scan.pdf", [white, inked])
    renders = []
    real_render = reader.render
    monkeypatch.setattr(reader, "render", lambda page, dpi: renders.append(dpi) or real_render(page, dpi))
    plan = reader.plan_file(scan.name, scan, "pdf", sha(scan), ctx)
    assert renders == [] and plan.pages == (None, None) and [job.index for job in plan.jobs] == [1, 2]
    result = reader.read_page(plan.jobs[0])
    assert result.page.source == "none" and result.page.text == "" and len(renders) == 1


def test_injected_reading_settings_travel_with_each_page_job_to_the_worker(tmp_path, monkeypatch, ctx):
    """GIVEN a context whose reading settings are injected (another page segmentation mode for screens, another cost
    weight for JPEGs) WHEN a screenshot and a JPEG are planned and the screenshot's job, pickled as for a worker, is
    read by a fake tesseract THEN each job carries the injected settings, the JPEG's cost uses its weight and
    Tesseract was called with the injected mode; a context without them reads with ocr.toml's."""
    from dataclasses import replace
    assert ctx.ocr.psm != 4
    injected = replace(ctx, ocr_settings=replace(ctx.ocr, psm=4, jpeg_cost_weight=9.0))
    png, jpeg = tmp_path / "capture.png", tmp_path / "photo.jpg"
    text_image(["601234567890"], 20).save(png)
    Image.new("RGB", (40, 30), "white").save(jpeg)
    job = reader.plan_file(png.name, png, "png", sha(png), injected).jobs[0]
    photo = reader.plan_file(jpeg.name, jpeg, "jpeg", sha(jpeg), injected).jobs[0]
    assert job.settings == injected.ocr and photo.cost() == 9.0 * 40 * 30
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("601234567890"))
    reader.read_page(pickle.loads(pickle.dumps(job)))
    assert " --psm 4 " in log.read_text().splitlines()[0]
    assert reader.plan_file(png.name, png, "png", sha(png), ctx).jobs[0].settings.psm == ctx.ocr.psm
