"""Tuning deskew: real OCR of scanned pages as they are, deskewed, and deskewed with their table rules painted out.

    python bench/tune_deskew.py [TUNE_CORPUS] [LARGE_CORPUS]   (defaults /tmp/corpus-tune, /tmp/corpus-large)

Pages: every `*scan*.pdf` of the tuning corpus (fields in its truth.json) and of samples/ (samples/expected.json),
and pages 1, 21 and 40 of the large
40-page 300-dpi scan, recompressed to 150 dpi JPEG q70 the way the compress stage does (its truth lists one tracking
number and one timestamp per page, in page order; addresses are listed once each, so a page's address counts when
it is one of them). Each page is rendered like reader.page_image (pypdfium2, grayscale, ocr.toml's render_dpi) and
read by ocr.ocr_page with the scan psm; fields come from pipeline.fields.extract.extract_fields. Serial on purpose: the
machine's 2 cores are shared.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.reading import deskew

from pipeline import runtime
from pipeline.reading import ocr, tesseract
from pipeline.reading.settings import settings as ocr_settings

from pipeline.output import pdfops

from pipeline.reading import reader
from pipeline.fields.extract import extract_fields
from pipeline.profile import Profile
from bench.corpus import TUNING_SEED, ensure_corpus

SAMPLES = ROOT / "samples"
LARGE_SCAN = "large/scans-40-pages-300dpi.pdf"
LARGE_PAGES = (1, 21, 40)
# What the compress stage does to an oversized scan (150 dpi, JPEG q70): the page that lost its tracking number.
RECOMPRESS = pdfops.ImagePolicy(150, 70, 1024, 4096, 256, 24)
VARIANTS = ("as scanned", "deskewed", "deskewed, rules out", "rules out")
OCR_TIMEOUT = 60.0


@dataclass(frozen=True)
class Page:
    label: str
    pdf: Path
    index: int                     # 1-based page in `pdf`
    tracking: frozenset[str]
    timestamps: frozenset[str]
    addresses: frozenset[str]
    address_must_match_all: bool   # False: the truth lists addresses of many pages, one found is enough


def scan_pages(corpus: Path, truth_file: Path) -> list[Page]:
    """The one-page scanned PDFs listed in a truth file (paths relative to `corpus`)."""
    files = json.loads(truth_file.read_text(encoding="utf-8"))["files"]
    pages = []
    for name, truth in sorted(files.items()):
        if "scan" not in Path(name).name or truth["form"] != "pdf" or truth["pages"] != 1:
            continue
        fields = truth["fields"]
        pages.append(Page(name, corpus / name, 1, frozenset(t["value"] for t in fields["tracking_numbers"]),
                          frozenset(t["value"] for t in fields["timestamps"]),
                          frozenset(a["value"] for a in fields["korean_addresses"]), True))
    return pages


def large_pages(corpus: Path, work: Path) -> list[Page]:
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["files"][LARGE_SCAN]["fields"]
    subset, small = work / "large-pages.pdf", work / "large-pages-150dpi.pdf"
    pdfops.extract_pages(corpus / LARGE_SCAN, subset, list(LARGE_PAGES))
    pdfops.recompress_images(subset, small, RECOMPRESS, work / "recompress")
    addresses = frozenset(a["value"] for a in truth["korean_addresses"])
    return [Page(f"{LARGE_SCAN} p{number} @150dpi", small, at,
                 frozenset({truth["tracking_numbers"][number - 1]["value"]}),
                 frozenset({truth["timestamps"][number - 1]["value"]}), addresses, False)
            for at, number in enumerate(LARGE_PAGES, 1)]


def render(page: Page) -> Image.Image:
    pdf = pdfium.PdfDocument(page.pdf)
    try:
        return reader.render(pdf[page.index - 1], ocr_settings().render_dpi)
    finally:
        pdf.close()


@dataclass(frozen=True)
class Outcome:
    tracking: int
    timestamps: int
    addresses: int
    seconds: float
    missed: str


def read(page: Page, image: Image.Image, variant: str, work: Path, profile: Profile) -> Outcome:
    started = time.perf_counter()
    if variant.startswith("deskewed"):
        image = deskew.deskewed(image)
    reading, _ = ocr.ocr_page(image, page.index, work / "page.png", OCR_TIMEOUT, psm=ocr_settings().column_psm,
                              unrule=variant.endswith("rules out"))
    seconds = time.perf_counter() - started
    fields = extract_fields([reading], profile)
    tracking = {t.value for t in fields.tracking_numbers} & page.tracking
    stamps = {t.value for t in fields.timestamps} & page.timestamps
    addresses = {a.value for a in fields.korean_addresses} & page.addresses
    address_count = len(addresses) if page.address_must_match_all else min(1, len(addresses))
    missed = [*(page.tracking - tracking), *(page.timestamps - stamps)]
    if address_count < (len(page.addresses) if page.address_must_match_all else 1):
        missed.append("address")
    return Outcome(len(tracking), len(stamps), address_count, seconds, " ".join(sorted(missed)))



def main() -> None:
    tune = Path(sys.argv[1]) if len(sys.argv) > 1 else ensure_corpus(Path("/tmp/corpus-tune"), TUNING_SEED)
    large = (Path(sys.argv[2]) if len(sys.argv) > 2
             else ensure_corpus(Path("/tmp/corpus-large"), TUNING_SEED, "--large"))
    profile = Profile.load()
    print(f"engine: {tesseract.engine().label(ocr_settings().languages)}, psm {ocr_settings().column_psm}, "
          f"render {ocr_settings().render_dpi:g} dpi")
    with tempfile.TemporaryDirectory(prefix="tune-deskew-") as tmp:
        work = Path(tmp)
        pages = (scan_pages(tune, tune / "truth.json") + scan_pages(SAMPLES, SAMPLES / "expected.json")
                 + large_pages(large, work))
        totals = {v: [0, 0, 0, 0.0] for v in VARIANTS}
        expected = [0, 0, 0]
        for page in pages:
            image = render(page)
            started = time.perf_counter()
            angle = deskew.skew_angle(np.asarray(image))
            angle_ms = (time.perf_counter() - started) * 1000
            print(f"\n{page.label}  ({image.width}x{image.height}, skew {angle} deg found in {angle_ms:.0f} ms)")
            expected[0] += len(page.tracking)
            expected[1] += len(page.timestamps)
            expected[2] += len(page.addresses) if page.address_must_match_all else 1
            for variant in VARIANTS:
                outcome = read(page, image, variant, work, profile)
                total = totals[variant]
                total[0] += outcome.tracking
                total[1] += outcome.timestamps
                total[2] += outcome.addresses
                total[3] += outcome.seconds
                print(f"  {variant:22} tracking {outcome.tracking}  time {outcome.timestamps}  "
                      f"address {outcome.addresses}  {outcome.seconds:5.2f} s"
                      f"{'  missed: ' + outcome.missed if outcome.missed else ''}")
    print(f"\n{'variant':22} tracking  timestamps  addresses  OCR time ({len(pages)} pages)")
    for variant, (tracking, stamps, addresses, seconds) in totals.items():
        print(f"{variant:22} {tracking:3}/{expected[0]:<5} {stamps:3}/{expected[1]:<7} {addresses:3}/{expected[2]:<6}"
              f" {seconds:6.1f} s")


if __name__ == "__main__":
    runtime.configure_process()
    main()
