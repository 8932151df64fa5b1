"""Reading one usable evidence file (PDF, JPEG, PNG) into a `Reading`: text layer where a PDF page has one, else OCR.

Work is split like OCRmyPDF's: `plan_file` runs in the parent and does everything cheap (a PDF's text layer is
read exactly in milliseconds); the pages that need OCR become picklable `PageJob`s (a path and a page number,
never image bytes) that `read_page` runs in any worker; `assemble` puts the pages back together and extracts
the fields. `read_file` does all three in-process, for `scan`-like callers and for the compress stage, which
re-reads a recompressed file to check its fields survived.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError

from pipeline.batch import executors
from pipeline.output import imageops
from pipeline.reading import barcodes, recheck, tesseract
from pipeline.reading.settings import OcrSettings, settings as ocr_settings
from pipeline.context import Context
from pipeline.errors import FileProblem, MissingDependencyError, OcrFailed, OcrTimeout
from pipeline.fields.boxes import with_boxes
from pipeline.fields.extract import detect_languages, extract_fields, extract_tracking_numbers
from pipeline.ingest.sniff import ingest_rules
from pipeline.model import Barcode, Fields, PageReading, Reading, TextLine
from pipeline.profile import Profile

if TYPE_CHECKING:
    import pypdfium2 as pdfium

TEXT_LAYER_ENGINE = "pdf text layer (pypdfium2)"
# What Pillow raises on a damaged image, and with PDFium's error (page_failures) on a damaged PDF page: that page
# cannot be read, the rest still can.
IMAGE_FAILURES = (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError)
# The warning of a page left unread because its file spent its reading time (reading_budget).
UNREAD_OVER_BUDGET = "not read: the file's reading time budget was used up"


def _pdfium():
    """PDFium (pypdfium2), imported once a PDF is read: a picture's scan never loads it."""
    import pypdfium2
    return pypdfium2


def page_failures() -> tuple[type[BaseException], ...]:
    """What Pillow and PDFium raise on a damaged PDF page (IMAGE_FAILURES and PDFium's error)."""
    return IMAGE_FAILURES + (_pdfium().PdfiumError,)


@dataclass(frozen=True)
class PageJob:
    """One page that needs OCR. Picklable: a worker process gets the path, never the pixels."""

    path: Path
    usable_type: str   # pdf | jpeg | png
    index: int         # 1-based page
    work_png: Path     # where the OCR copy is written (in the run's work folder)
    timeout: float
    render_dpi: float | None = None  # a PDF page's rendering resolution (None: ocr.toml's render_dpi)
    pixels: int = 0    # the page's pixels as read (a PDF page's at render_dpi): what its OCR time grows with
    settings: OcrSettings | None = None  # how the page is read (Context.ocr); None: ocr.toml's defaults

    @property
    def cfg(self) -> OcrSettings:
        return self.settings or ocr_settings()

    def cost(self) -> float:
        """An estimate of the page's OCR time, for scheduling: its pixels, a lossy JPEG's weighted up (ocr.toml)."""
        return self.pixels * (self.cfg.jpeg_cost_weight if self.usable_type == "jpeg" else 1.0)


@dataclass(frozen=True)
class PageResult:
    page: PageReading
    languages: str            # Tesseract languages used, "" when the page could not be OCR'd
    qr_codes: tuple[str, ...]  # the payloads of its QR codes (barcodes.links)


@dataclass(frozen=True)
class FilePlan:
    """A file after the cheap pass: text-layer pages read, the rest waiting as jobs."""

    source: str
    sha256: str
    pages: tuple[PageReading | None, ...]  # None: waiting for its job
    jobs: tuple[PageJob, ...]
    qr_codes: tuple[str, ...] = ()
    image_width: int = 0
    image_height: int = 0
    seconds: float = 0.0   # what the cheap pass took: part of the file's reading time budget


def reading_budget(pages: int) -> float:
    """How long reading a file of `pages` pages may take (its text layer, barcodes and every page's OCR, summed over
    the workers): ingest.toml budgets.seconds_per_file for its first page, budgets.seconds_per_page for each further
    one, at most budgets.seconds_per_file_max. A one-page file's budget is also each page's own deadline (read_page):
    pages add time to their file, never to one page."""
    budgets = ingest_rules()["budgets"]
    grown = budgets["seconds_per_file"] + budgets["seconds_per_page"] * max(0, pages - 1)
    return float(min(grown, max(budgets["seconds_per_file"], budgets["seconds_per_file_max"])))


def load_stretch_max() -> float:
    """How far the machine's load may stretch a file's reading budget in wall time (budgets.load_stretch_max)."""
    return float(ingest_rules()["budgets"]["load_stretch_max"])


def read_jobs(plans: Sequence[FilePlan], jobs: int) -> list[list[PageResult]]:
    """The results of every plan's jobs (per plan, in job order), OCR'd on up to `jobs` processes, costliest
    first. A file's pages not started once its reading took its reading_budget (its cheap pass included) are not
    read: their pages carry UNREAD_OVER_BUDGET."""
    spent = {plan.jobs[0].path: plan.seconds for plan in plans if plan.jobs}
    first = next((plan.jobs[0] for plan in plans if plan.jobs), None)
    if first is not None and tesseract.engine_kind() == "cli":
        check_korean_model(first.timeout, first.work_png, first.cfg.languages)
    allowed = {plan.jobs[0].path: reading_budget(len(plan.pages)) for plan in plans if plan.jobs}
    budget = executors.Budget(reading_budget(1), group=_job_file, skipped=unread_page, spent=spent,
                              max_stretch=load_stretch_max(), allowed=allowed)
    results = iter(executors.map_tasks(read_page, [job for plan in plans for job in plan.jobs], jobs,
                                       cost=PageJob.cost, budget=budget))
    return [[next(results) for _ in plan.jobs] for plan in plans]


def _job_file(job: PageJob) -> Path:
    return job.path


def unread_page(job: PageJob) -> PageResult:
    """A page left unread because its file spent its reading time budget."""
    return PageResult(PageReading(index=job.index, text="", source="none", warning=UNREAD_OVER_BUDGET), "", ())


def read_file(source: str, path: Path, usable_type: str, sha256: str, ctx: Context) -> Reading:
    """Everything read from one usable file, in this process. Raises FileProblem when the file cannot be opened,
    MissingDependencyError when a page needs OCR and Tesseract is missing; a page that fails carries a warning."""
    plan = plan_file(source, path, usable_type, sha256, ctx)
    return with_fields(assemble(plan, read_jobs([plan], 1)[0]), source, ctx.profile, ctx.now.date())


def plan_file(source: str, path: Path, usable_type: str, sha256: str, ctx: Context) -> FilePlan:
    work = ctx.workdir / "ocr"
    if usable_type == "pdf":
        return _plan_pdf(source, path, sha256, work, ctx.ocr_timeout, ctx.ocr)
    try:
        with Image.open(path) as image:
            width, height = image.size
    except IMAGE_FAILURES as exc:
        raise FileProblem("unreadable-file", f"{source} cannot be opened as an image ({exc}).",
                          "re-export the picture as PNG or JPEG.") from None
    job = PageJob(path=path, usable_type=usable_type, index=1, work_png=work / f"{sha256[:16]}-000001.png",
                  timeout=ctx.ocr_timeout, pixels=width * height, settings=ctx.ocr)
    return FilePlan(source=source, sha256=sha256, pages=(None,), jobs=(job,), image_width=width,
                    image_height=height)


def _plan_pdf(source: str, path: Path, sha256: str, work: Path, timeout: float, cfg: OcrSettings) -> FilePlan:
    started = executors.Stopwatch.start(load_stretch_max())
    pdfium = _pdfium()
    try:
        pdf = pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError) as exc:
        raise FileProblem("unreadable-file", f"{source} cannot be opened as a PDF ({exc}).",
                          "remove the password or re-export the PDF.") from None
    pages: list[PageReading | None] = []
    jobs: list[PageJob] = []
    qr_codes: list[str] = []
    budget = reading_budget(len(pdf))
    try:
        for number in range(len(pdf)):
            index = number + 1
            if started.spent() >= budget:
                pages.append(PageReading(index=index, text="", source="none", warning=UNREAD_OVER_BUDGET))
                continue
            page = pdf[number]
            text, boxed = text_layer_lines(page)
            if len("".join(text.split())) >= cfg.min_text_layer_chars:
                lines = [line for line in text.splitlines() if line.strip()]
                width, height = page.get_size()
                # Only an embedded picture can hold a barcode the text layer does not spell out; text pages
                # without one stay ~ms.
                symbols = text_layer_barcodes(page) if _has_image(page) else ()
                qr_codes += barcodes.links(symbols)
                pages.append(PageReading(index=index, text=text, source="text-layer", width=round(width),
                                         height=round(height), header_text=lines[0] if lines else "",
                                         footer_text=lines[-1] if lines else "", barcodes=symbols, lines=boxed))
            else:
                width, height = page.get_size()
                # A page that draws a picture (a scan) is judged blank by its worker's own render (shows_nothing):
                # rendering it at any size decodes the picture whole, so a probe here would decode it twice, and
                # in this one process, ahead of the workers (~0.1 s a 300-dpi page).
                if not _has_image(page) and is_blank(page, width, height):
                    pages.append(PageReading(index=index, text="", source="none", width=round(width),
                                             height=round(height)))
                    continue
                pages.append(None)
                dpi = fitting_dpi(width, height, min(cfg.render_dpi, scan_dpi(page) or cfg.render_dpi),
                                  ingest_rules()["budgets"]["pixels_per_page"])
                jobs.append(PageJob(path=path, usable_type="pdf", index=index,
                                    work_png=work / f"{sha256[:16]}-{index:06d}.png", timeout=timeout,
                                    render_dpi=dpi, pixels=round(width * height * (dpi / 72) ** 2),
                                    settings=cfg))
    except pdfium.PdfiumError as exc:
        raise FileProblem("unreadable-file", f"{source}: page {len(pages) + 1} cannot be read ({exc}).",
                          "re-export the PDF.") from None
    finally:
        pdf.close()
    return FilePlan(source=source, sha256=sha256, pages=tuple(pages), jobs=tuple(jobs),
                    qr_codes=tuple(dict.fromkeys(qr_codes)), seconds=started.spent())


def fitting_dpi(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """`dpi`, or the lower resolution at which a page of this size (in points) stays within `max_pixels`
    (ingest.toml budgets.pixels_per_page: a 200 x 200-inch page at 200 dpi would be 1.6 gigapixels)."""
    pixels = width_pt * height_pt * (dpi / 72) ** 2
    return dpi if pixels <= max_pixels else 72 * (max_pixels / max(width_pt * height_pt, 1.0)) ** 0.5


def is_blank(page: pdfium.PdfPage, width_pt: float, height_pt: float) -> bool:
    """Whether a page without a text layer shows nothing to read: rendered coarsely (budgets.blank_probe_dpi, at
    most a hundredth of the pixel budget), its grey levels span at most budgets.blank_max_spread. A blank page
    costs a millisecond instead of a full-size OCR call. Asked only of pages that draw no picture (_plan_pdf)."""
    budgets = ingest_rules()["budgets"]
    dpi = fitting_dpi(width_pt, height_pt, budgets["blank_probe_dpi"], budgets["pixels_per_page"] // 100)
    with render(page, dpi) as probe:
        return shows_nothing(probe)


def shows_nothing(image: Image.Image) -> bool:
    """An image of one flat tone: its grey levels span at most budgets.blank_max_spread. Nothing to read."""
    gray = image if image.mode == "L" else image.convert("L")
    low, high = gray.getextrema()
    return high - low <= ingest_rules()["budgets"]["blank_max_spread"]


def text_layer(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
    finally:
        textpage.close()


def text_layer_lines(page: pdfium.PdfPage) -> tuple[str, tuple[TextLine, ...]]:
    """The text layer (as text_layer gives it) and its lines with their words' boxes in PDF points from the page's
    top left (PDFium's box of each character). Its words are runs of letters and digits, and each other character
    on its own, so a number in a URL's query has its own box. A line or word whose characters have no box
    (generated spaces) is left out of the boxes, never out of the text."""
    textpage = page.get_textpage()
    try:
        raw = textpage.get_text_range()
        height = page.get_size()[1]
        lines: list[TextLine] = []
        text, words, word, boxes = [], [], None, []

        def end_word() -> None:
            nonlocal word
            if word is not None and word[2]:
                x0, y0, x1, y1 = (min(b[0] for b in word[2]), min(b[1] for b in word[2]),
                                  max(b[2] for b in word[2]), max(b[3] for b in word[2]))
                words.append((word[0], word[1], x0, y0, x1, y1))
            word = None

        def end_line() -> None:
            end_word()
            line = "".join(text)
            if line.strip() and words:
                lines.append(TextLine(line, (min(w[2] for w in words), min(w[3] for w in words),
                                             max(w[4] for w in words), max(w[5] for w in words)), tuple(words)))
            text.clear()
            words.clear()

        for index, ch in enumerate(raw):
            if ch in "\r\n":
                if ch == "\n" or not raw.startswith("\n", index + 1):
                    end_line()
                continue
            if ch.isspace() or word is not None and not (ch.isalnum() and raw[index - 1].isalnum()):
                end_word()
            if not ch.isspace():
                if word is None:
                    word = [len(text), len(text), []]
                word[1] = len(text) + 1
                left, bottom, right, top = textpage.get_charbox(index)
                if right > left and top > bottom:
                    word[2].append((int(left), int(height - top), -int(-right), -int(-(height - bottom))))
            text.append(ch)
        end_line()
        return raw.replace("\r\n", "\n").replace("\r", "\n"), tuple(lines)
    finally:
        textpage.close()


def scan_dpi(page: pdfium.PdfPage) -> float | None:
    """The resolution of the page's largest picture (a scan's own), or None without one. A page is never rendered
    above it: upsampling adds pixels for Tesseract to read, not detail (a 150-dpi page rendered at 200 dpi took
    ~40 % longer to OCR), and text too small for its resolution is enlarged by glyph sizing anyway."""
    largest = None
    for image in page.get_objects(filter=[_pdfium().raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        meta = image.get_metadata()
        area = meta.width * meta.height
        if meta.horizontal_dpi > 0 and meta.vertical_dpi > 0 and (largest is None or area > largest[0]):
            largest = area, min(meta.horizontal_dpi, meta.vertical_dpi)
    return largest[1] if largest else None


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[_pdfium().raw.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def render(page: pdfium.PdfPage, dpi: float) -> Image.Image:
    return page.render(scale=dpi / 72, grayscale=True).to_pil()


def text_layer_barcodes(page: pdfium.PdfPage) -> tuple[Barcode, ...]:
    """The barcodes of a text-layer page's pictures, rendered at barcodes.toml's resolution (never above the
    pictures' own), boxes in PDF points like the rest of a text-layer page."""
    dpi = min(barcodes.settings().text_layer_render_dpi, scan_dpi(page) or barcodes.settings().text_layer_render_dpi)
    dpi = fitting_dpi(*page.get_size(), dpi, ingest_rules()["budgets"]["pixels_per_page"])
    with render(page, dpi) as image:
        found = barcodes.read(image)
    scale = 72 / dpi
    return tuple(replace(code, box=tuple(round(v * scale) for v in code.box) if code.box else None)
                 for code in found)


def page_image(job: PageJob) -> Image.Image:
    """The page as a viewer shows it: a PDF page rendered for OCR, an image upright (EXIF rotation applied)."""
    if job.usable_type == "pdf":
        pdf = _pdfium().PdfDocument(job.path)
        try:
            return render(pdf[job.index - 1], job.render_dpi or job.cfg.render_dpi)
        finally:
            pdf.close()
    image = imageops.open_upright(job.path)
    image.load()
    return image


# The OCR self-test, once per process that OCRs: a line of Korean drawn with the cover's Korean font must be read
# back with at least SELF_TEST_MIN_SYLLABLES of its syllables. A damaged or foreign kor.traineddata still loads,
# and then reads Korean as garbage at ~40 % confidence, which would pass for a blurred page; a file of garbage
# fails to load. In-process (tesserocr) it runs in each OCR process and costs one line's read with the model the
# pages load anyway (~30 ms); through the `tesseract` command it runs once, in the process that hands out the pages
# (read_jobs), and costs one call with the kor data alone (~0.2-0.5 s on a loaded 2-core machine), and only when
# some page needs OCR.
SELF_TEST_LINE = "배송완료 운송장번호"
SELF_TEST_MIN_SYLLABLES = 6
KOREAN_DATA_FIX = ("reinstall it: sudo apt-get install --reinstall tesseract-ocr-kor (evpack doctor names the command "
                   "for your system)")
_self_tested: set[int] = set()


def check_korean_model(timeout: float, scratch: Path, languages: str) -> None:
    """Raises MissingDependencyError (exit 3) with the fix when Tesseract's Korean data does not read Korean or
    does not load; once per process. `languages`: the pages' (the in-process engine keeps that model loaded).
    Skipped without a Korean font to draw the line with (the cover reports that font missing) and on a timeout (a
    busy machine: the pages report what they cannot read)."""
    if os.getpid() in _self_tested:
        return
    _self_tested.add(os.getpid())
    from PIL import ImageDraw, ImageFont

    from pipeline.output.fonts import font_files
    font = font_files()["korean"]
    if font is None:
        return
    line = Image.new("L", (560, 90), 255)
    ImageDraw.Draw(line).text((20, 18), SELF_TEST_LINE, font=ImageFont.truetype(str(font), 44), fill=0)
    # The in-process engine keeps the model the pages load; the command loads what it is given, kor alone is cheapest.
    languages = languages if tesseract.engine_kind() == "library" else "kor"
    try:
        words = tesseract.words(line, languages, timeout, psm=7, scratch=scratch.with_name("self-test.png"))
    except OcrTimeout:
        return
    except OcrFailed as exc:
        raise MissingDependencyError(
            f"Tesseract cannot read with its Korean data: a test line failed ({exc.message}); its kor.traineddata "
            "is damaged.", KOREAN_DATA_FIX) from None
    read = "".join(word.text for word in words)
    found = sum(1 for ch in set(SELF_TEST_LINE.replace(" ", "")) if ch in read)
    if found < SELF_TEST_MIN_SYLLABLES:
        raise MissingDependencyError(
            f"Tesseract's Korean data does not read Korean: a test line '{SELF_TEST_LINE}' was read as "
            f"'{read[:40]}' (its kor.traineddata is damaged or not Korean).", KOREAN_DATA_FIX)


def read_page(job: PageJob) -> PageResult:
    """OCR one page (top-level and picklable: runs in worker processes). A page that fails carries a warning.
    Raises MissingDependencyError when Tesseract or its Korean data is missing or damaged (check_korean_model:
    here with the in-process engine, in read_jobs with the command). Its Tesseract calls end by a one-page file's
    reading budget (reading_budget(1), tesseract.deadline), whatever its file's pages: one page of a long scan never
    takes longer than a photo may. A page that cannot be decoded or shows nothing never loads Tesseract."""
    with tesseract.deadline(reading_budget(1), load_stretch_max()):
        return _read_page(job)


def _read_page(job: PageJob) -> PageResult:
    blank = PageReading(index=job.index, text="", source="none")
    try:
        image = page_image(job)
    except (page_failures() if job.usable_type == "pdf" else IMAGE_FAILURES) as exc:
        return PageResult(replace(blank, warning=f"page {job.index} cannot be decoded ({exc})"), "", ())
    with image:
        if shows_nothing(image):  # a blank picture: nothing for OCR to find, at any size
            return PageResult(replace(blank, width=image.width, height=image.height), "", ())
        if tesseract.engine_kind() == "library":
            check_korean_model(job.timeout, job.work_png, job.cfg.languages)
        from pipeline.reading import deskew, ocr, rectify  # OpenCV and NumPy: loaded once a page has ink
        scan = job.usable_type == "pdf"
        # A scan is straightened first (measured on 13 scanned pages, bench/tune_deskew.py: tracking numbers
        # 11 -> 13, see deskew.toml), then its table borders are painted out, as a photographed document's are.
        # A photo of a monitor or of a sheet of paper (rectify finds its corners) is read once, warped flat.
        # A photo without such corners whose barcodes lie tilted (a label) is read turned back by their angle.
        photographed = None if scan else rectify.rectified_with_quad(image)
        flat = None if photographed is None else photographed[0]
        # A screenshot's bars stand upright; a photo's or a scan's may lie turned (barcodes.toml).
        screenshot = job.usable_type == "png" and job.pixels <= barcodes.settings().screen_max_pixels
        symbols = barcodes.read(image, flat, turned=not screenshot)
        # What OCR reads of a photo: its decoded symbols painted out (their bars are no text; barcodes.painted_out).
        ink = image if scan or screenshot else barcodes.painted_out(image, symbols)
        if photographed is not None:
            if ink is not image:
                photographed = (rectify.warped(ink, photographed[1]), photographed[1])
            page, languages = photographed_read(image, *photographed, job, ink=ink)
        elif not scan and not screenshot and not symbols and not shows_text(image, job.cfg):
            page, languages = textless_photo(image, job), ""
        else:
            if scan:
                upright, turned = deskew.turned_upright(image)
            elif screenshot:
                upright, turned = image, 0.0
            else:
                upright, turned = barcodes.straightened(ink, symbols), barcodes.tilt(symbols) or 0.0
            page, languages = ocr.ocr_page(upright, job.index, job.work_png, job.timeout,
                                           page_psm(job.usable_type, upright.size, job.cfg), screen=not scan,
                                           unrule=scan or is_document_photo(job, upright.size), cfg=job.cfg)
            if ink is not image:
                # The sharpness the profile's blur thresholds judge is the photo's own, its symbols left in.
                page = replace(page, **plain_sharpness(barcodes.straightened(image, symbols), job))
            # The lines were boxed on the copy read; turned back, their boxes stand on the page image (recheck.py).
            page = replace(page, lines=recheck.unturned(page.lines, turned, image.size, upright.size))
    return PageResult(replace(page, barcodes=symbols), languages if page.source == "ocr" else "",
                      barcodes.links(symbols))


def plain_sharpness(image: Image.Image, job: PageJob) -> dict[str, float]:
    """PageReading's sharpness fields measured on `image`'s OCR copy (ocr.copy_sharpness)."""
    from pipeline.reading import ocr
    _, _, copy = ocr.ocr_copy(image, is_document_photo(job, image.size), job.cfg)
    blur, blur_denoised = ocr.copy_sharpness(copy)
    return {"sharpness": blur, "sharpness_denoised": blur_denoised}


def photographed_read(image: Image.Image, flat: Image.Image, quad, job: PageJob,
                      ink: Image.Image | None = None) -> tuple[PageReading, str]:
    """The read of a photographed screen or sheet (rectify found its corners): one full read, of its warped-flat
    copy, bands read with the background divided out (preprocess.even_background), boxes placed back on the photo,
    the sharpness measured on the photo's own OCR copy as every photo's is (the profile's blur thresholds). Only
    where that read is doubted (`doubted`), or looks Chinese (ocr.looks_chinese), is the photo read as it is too,
    and the two joined: the photo's read first, its boxes kept, the flat copy's text after it. The flat copy is read
    in the default languages; the photo's read chooses, and where it chooses others the flat copy is read again in
    them (as the former code read it, in the languages the photo's read chose). `ink`: the photo OCR reads (its
    decoded symbols painted out; `flat` warped from it), where it is not `image`; sharpness is always `image`'s.

    Reading both always cost 2-3x the CPU: the photo's own read, desk and bezel included, took 5-17 s CPU on the
    phone mix's tuning photos against the flat copy's 1.6-4.3 s, and found fewer fields on most, but not on all
    (bench/README.md, "Photos in one pass")."""
    from pipeline.reading import ocr, rectify
    # Read in the default languages: the flat copy's moiré lowers OCR confidence, which alone can make a Korean
    # screen look Chinese (a chi_sim+kor+eng read of confidence 32 that found nothing; a 1.5-15 s retry). Looking
    # Chinese only doubts the read; the photo's own read then chooses the languages.
    languages = job.cfg.languages
    second, _ = ocr.ocr_page(flat, job.index, job.work_png, job.timeout,
                             page_psm(job.usable_type, flat.size, job.cfg), screen=True,
                             unrule=is_document_photo(job, flat.size), photographed=True, languages=languages,
                             cfg=job.cfg)
    chinese = ocr.looks_chinese(second.text, len(second.text.split()), second.confidence, job.cfg)
    if second.source == "ocr" and not chinese and not doubted(second, job.cfg):
        boxes = rectify.boxes_on_photo([line.box for line in second.lines], quad, flat.size, image.size)
        # Each word's box too (pipeline/fields/boxes.py), through the same perspective.
        lines = tuple(replace(line, box=box, words=on_photo_words(line.words, quad, flat.size, image.size))
                      for line, box in zip(second.lines, boxes) if box is not None)
        return replace(second, width=image.width, height=image.height, lines=lines,
                       **plain_sharpness(image, job)), languages
    # The photo's own read is for the page's lines (its table's numbers and times): its edge strips (desk, bezel,
    # keyboard), which the clock pass reads as sparse text where the first pass saw no clock at an edge, cost 2-3 s
    # each and found no clock the flat copy missed (phone-mix tuning seeds 9201-9202): they are not read. Its other
    # passes stay (its faint pass found a dark FedEx page's grey time row the flat read lacked).
    page, languages = ocr.ocr_page(image if ink is None else ink, job.index, job.work_png, job.timeout,
                                   page_psm(job.usable_type, image.size, job.cfg), screen=True,
                                   unrule=is_document_photo(job, image.size),
                                   cfg=replace(job.cfg, clock_strip_max_pixels=0))
    if ink is not None and ink is not image:
        page = replace(page, **plain_sharpness(image, job))
    if page.source == "ocr" and second.source == "ocr" and languages != job.cfg.languages:
        # The photo's read chose others (Chinese): the flat copy is read again in them.
        second, _ = ocr.ocr_page(flat, job.index, job.work_png, job.timeout,
                                 page_psm(job.usable_type, flat.size, job.cfg), screen=True,
                                 unrule=is_document_photo(job, flat.size), photographed=True, languages=languages,
                                 cfg=job.cfg)
    if second.source != "ocr" or page.source != "ocr":
        # The flat read carries no sharpness (ocr_page measures none on a photographed copy): the photo's, always.
        return (page if page.source == "ocr" else replace(second, sharpness=page.sharpness,
                                                          sharpness_denoised=page.sharpness_denoised)), languages
    joined = {name: "\n".join(text for text in (getattr(page, name), getattr(second, name)) if text)
              for name in ("text", "header_text", "footer_text")}
    return replace(page, **joined, bar_reads=tuple(dict.fromkeys(page.bar_reads + second.bar_reads))), languages


def shows_text(image: Image.Image, cfg: OcrSettings) -> bool:
    """Whether a photo shows a line of text (preprocess.text_chain reaches ocr.toml's text_min_chain): a cheap
    look on a reduced copy (~0.1 s CPU for 12 MP) that spares a photo without writing its full OCR."""
    import numpy as np

    from pipeline.reading import preprocess
    gray = imageops.visible_rgb(image).convert("L")
    return preprocess.text_chain(np.asarray(gray), cfg) >= cfg.text_min_chain


def textless_photo(image: Image.Image, job: PageJob) -> PageReading:
    """The page of a photo that shows no text (shows_text): not OCR'd, marked `no_text`, its sharpness measured on
    the OCR copy as a read photo's is (the profile's blur thresholds were measured there)."""
    from pipeline.reading import ocr
    _, _, copy = ocr.ocr_copy(image, is_document_photo(job, image.size), job.cfg)
    blur, blur_denoised = ocr.copy_sharpness(copy)
    return PageReading(index=job.index, text="", source="none", width=image.width, height=image.height,
                       sharpness=blur, sharpness_denoised=blur_denoised, no_text=True)


def doubted(page: PageReading, cfg: OcrSettings) -> bool:
    """Whether a photographed screen's flat read may have missed what the photo's own read finds (ocr.toml
    [photos]): no tracking number, more than photo_max_numbers, one whose check digit failed, or a line that shows a
    date with no time. Only the numbers are extracted (extract_tracking_numbers), not every field: the page's fields
    are extracted once, from the page read (with_fields)."""
    numbers = {number.value: number for number in extract_tracking_numbers([page], Profile.load())}
    undated = re.compile(cfg.photo_date_without_time, re.MULTILINE)
    return (not numbers or len(numbers) > cfg.photo_max_numbers
            or any(number.checksum == "bad" for number in numbers.values()) or bool(undated.search(page.text)))


def on_photo_words(words: tuple[tuple[int, int, int, int, int, int], ...], quad, flat_size: tuple[int, int],
                   photo_size: tuple[int, int]) -> tuple[tuple[int, int, int, int, int, int], ...]:
    """A flat copy's line's words (start, end, box) with their boxes on the photo; a word left with none is dropped."""
    from pipeline.reading import rectify
    boxes = rectify.boxes_on_photo([tuple(word[2:]) for word in words], quad, flat_size, photo_size)
    return tuple(tuple(word[:2]) + tuple(box) for word, box in zip(words, boxes) if box is not None)


def page_psm(usable_type: str, size: tuple[int, int], cfg: OcrSettings | None = None) -> int:
    """Tesseract's page segmentation for a page: scans, portrait pages (paper, phone captures), landscape screens."""
    cfg = cfg or ocr_settings()
    return cfg.column_psm if usable_type == "pdf" or size[1] > size[0] else cfg.psm


def is_document_photo(job: PageJob, size: tuple[int, int]) -> bool:
    """A portrait image: a page photographed or captured upright (a receipt, a form, a phone screen)."""
    return job.usable_type != "pdf" and size[1] > size[0]


def assemble(plan: FilePlan, results: Sequence[PageResult]) -> Reading:
    """The file's Reading from its plan and the results of its jobs (in job order); fields still empty."""
    done = iter(results)
    pages = tuple(page if page is not None else next(done).page for page in plan.pages)
    languages = sorted({r.languages for r in results if r.languages})
    engines = ([TEXT_LAYER_ENGINE] if any(p.source == "text-layer" for p in pages) else []) + (
        [tesseract.engine().label(", ".join(languages))] if languages else [])
    qr_codes = tuple(dict.fromkeys(plan.qr_codes + tuple(c for r in results for c in r.qr_codes)))
    return Reading(source=plan.source, sha256=plan.sha256, pages=pages, fields=Fields(), languages=(),
                   engine=" + ".join(engines) or "none", qr_codes=qr_codes, image_width=plan.image_width,
                   image_height=plan.image_height)


def with_fields(reading: Reading, source: str, profile: Profile, now: date | None = None) -> Reading:
    """The reading under `source` with its fields and languages extracted. `now`: the day of the reading (a yearless
    date's year where the document prints none). What they depend on besides the pages is `extraction_key`'s."""
    fields = with_boxes(extract_fields(reading.pages, profile, now), reading.pages, profile.carrier_for_host)
    return replace(reading, source=source, fields=fields,
                   languages=tuple(detect_languages(reading.text, profile)))


def extraction_key(profile: Profile, now: date | None = None) -> str:
    """What with_fields' fields and languages depend on besides the pages: evpack's code and data (the extractor,
    its closed lists and confusion tables: runtime.code_fingerprint), the field patterns in use, the rules profile's
    content and the reference day `now`. Equal keys and equal pages give equal fields (the read cache keeps them)."""
    import hashlib
    import json

    from pipeline import runtime
    from pipeline.fields.data import patterns
    rules = json.dumps(profile.data, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(f"{runtime.code_fingerprint()}|{patterns().version}|{now}|{rules}".encode()).hexdigest()
