"""Found-fact boxes: a fact read with a box is carried onto the upload page that shows it (report.json's
fact_boxes), and report.html draws it on that page's thumbnail, every page of every upload file shown (bounded)."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from pipeline.batch.batch import PacketSummary
from pipeline.model import (EvidenceFile, Fields, PacketState, PagePlacement, PageReading, Reading, TrackingNumber,
                            UploadFile)
from pipeline.output import pdfops
from pipeline.output.fact_boxes import fact_boxes
from pipeline.output.reports import batch as batch_report
from tests.output.test_report_html import chromium
from tests.reading.test_barcodes import page_with
from tests.reading.test_reader import text_pdf

NUMBER = "689212345674"


def bundle_state(tmp_path: Path) -> tuple[PacketState, Path]:
    """A label picture (a Code128 at a known box) and a 2-page text PDF merged into one upload PDF, the picture
    first (fitted into a landscape A4 page), as the bundle stage merges them; the label's reading has the box."""
    page, box = page_with("Code128", NUMBER, at=(640, 420))
    page.save(tmp_path / "label.png")
    text_pdf(tmp_path / "track.pdf", [["CJ대한통운 689212345674 배송완료"], ["2026-03-10 14:22"]])
    upload = tmp_path / "02-delivery-proof.pdf"
    pdfops.merge([pdfops.Part(tmp_path / "label.png", "png"), pdfops.Part(tmp_path / "track.pdf", "pdf")], upload,
                 pdfops.page_size_points((210.0, 297.0)), tmp_path / "scratch")
    reading = Reading(source="label.png", sha256="0" * 64,
                      pages=(PageReading(index=1, text="", source="ocr", width=page.width, height=page.height),),
                      fields=Fields(tracking_numbers=(TrackingNumber(NUMBER, "cj", "ok", page=1, source="barcode",
                                                                     box=box),)),
                      languages=(), engine="test", image_width=page.width, image_height=page.height)
    files = (EvidenceFile(source="label.png", path=tmp_path / "label.png", sha256="0" * 64, size=1, detected="png",
                          usable=tmp_path / "label.png", usable_type="png"),)
    state = PacketState(root=tmp_path, files=files, readings={"label.png": reading},
                        placements=(PagePlacement("label.png", 1, upload.name, 1),
                                    PagePlacement("track.pdf", 1, upload.name, 2),
                                    PagePlacement("track.pdf", 2, upload.name, 3)),
                        uploads=(UploadFile(upload.name, upload, "pdf", upload.stat().st_size, 3),))
    return state, upload


def test_a_barcodes_box_lands_on_its_upload_page_where_the_bars_are(tmp_path):
    """GIVEN a label picture whose barcode has a box, placed on page 1 of a merged upload PDF (fitted into A4, so
    moved and scaled) WHEN its fact boxes are worked out THEN there is one on page 1, and the upload page rendered
    and cropped to that box decodes to the same number (the box is where the bars are, not where they were)."""
    state, upload = bundle_state(tmp_path)
    (found,) = fact_boxes(state)
    assert (found["upload"], found["page"], found["field"], found["value"]) == (upload.name, 1, "tracking_numbers",
                                                                                NUMBER)
    x0, y0, x1, y1 = found["box"]
    assert 0 < x0 < x1 < 1 and 0 < y0 < y1 < 1
    pdf = pdfium.PdfDocument(upload)
    image = pdf[0].render(scale=3).to_pil().convert("L")
    pdf.close()
    w, h = image.size
    pad = 6
    crop = image.crop((round(x0 * w) - pad, round(y0 * h) - pad, round(x1 * w) + pad, round(y1 * h) + pad))
    assert [r.text for r in zxingcpp.read_barcodes(np.asarray(crop))] == [NUMBER]
    # Outside the box the bars are not: a crop of the same size beside it decodes nothing.
    beside = image.crop((round(x0 * w) - pad - crop.width, round(y0 * h) - pad, round(x0 * w) - pad,
                         round(y1 * h) + pad))
    assert zxingcpp.read_barcodes(np.asarray(beside)) == []


def test_a_fact_on_a_page_not_uploaded_or_without_a_box_has_none(tmp_path):
    """GIVEN the label's number without a box, and again on a page that is not placed WHEN boxes are worked out
    THEN there are none."""
    state, _ = bundle_state(tmp_path)
    reading = state.readings["label.png"]
    unboxed = replace(reading, fields=Fields(tracking_numbers=(replace(reading.fields.tracking_numbers[0], box=None),)))
    assert fact_boxes(replace(state, readings={"label.png": unboxed})) == []
    assert fact_boxes(replace(state, placements=state.placements[1:])) == []


def test_report_html_shows_every_page_with_the_fact_box_drawn_in_chromium(ctx, tmp_path):
    """GIVEN a bundle whose 3-page upload file carries a barcode's box on page 1 (report.json fact_boxes) WHEN
    report.html is rendered THEN the file shows a thumbnail of each of its 3 pages (one link to the file), page 1
    has the box with its label, and headless Chromium draws it: red pixels inside the box's place on the thumbnail
    and none elsewhere on the page."""
    (tmp_path / "work").mkdir()
    state, upload = bundle_state(tmp_path / "work")
    bundle = tmp_path / "out" / "CLM-1"
    (bundle / "upload").mkdir(parents=True)
    upload.rename(bundle / "upload" / upload.name)
    state = replace(state, uploads=(UploadFile(upload.name, bundle / "upload" / upload.name, "pdf", 1, 3),))
    boxes = fact_boxes(state)
    (bundle / "report.json").write_text(json.dumps({"fact_boxes": boxes}), encoding="utf-8")
    summary = PacketSummary(path="acme/claim-1", verdict="pass", claim_id="CLM-1", output="CLM-1",
                            uploads=(upload.name,))
    html = batch_report.report_html(tmp_path / "out", [summary], ctx)
    assert html.count("data:image/jpeg;base64,") == 3
    assert html.count('class="upload"') == 1 and "page 3" in html
    (style,) = re.findall(r'<span class="fact tracking" style="([^"]+)" title="Tracking number: 689212345674"', html)
    left, top, width, height = (float(v) for v in re.findall(r"([0-9.]+)%", style))
    report = tmp_path / "out" / "report.html"
    # The box alone: its number badge and the legend under the thumbnail (in the same colour) are left out here.
    bare = re.sub(r'<ul class="legend">.*?</ul>', "", re.sub(r"<b>\d+</b></span>", "</span>", html), flags=re.S)
    report.write_text(bare, encoding="utf-8")
    shot = tmp_path / "shot.png"
    chromium(tmp_path, report.as_uri(), f"--screenshot={shot}", "--force-device-scale-factor=1")
    with Image.open(shot) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    red = (abs(pixels[..., 0] - 229) < 30) & (pixels[..., 1] < 110) & (pixels[..., 2] < 110)
    ys, xs = np.nonzero(red)
    assert len(xs) > 20, "no box drawn"
    # The outline drawn has the proportions of the box placed on the (landscape A4, 842 x 595 pt) page.
    drawn = (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)
    assert abs(drawn / (width * 842 / (height * 595)) - 1) < 0.25, (drawn, style)


def test_the_cover_shows_the_barcode_beside_the_tracking_number(ctx, tmp_path):
    """GIVEN a packet whose carrier capture shows the claim's tracking number in words and as a Code128 barcode WHEN
    built by the real pipeline (real Tesseract) THEN report.json boxes the number on its upload page, and the cover,
    still one page, shows a crop of the capture beside the fact: rendered (pdftoppm-like, by PDFium at 300 dpi), the
    cover itself decodes to the number. Built twice, the cover is byte for byte the same."""
    from pipeline import api
    from tests.batch.test_batch import CLAIM, tracking_png
    packet = tmp_path / "packet"
    tracking_png(packet / "track.png")
    (packet / "claim.toml").write_text(CLAIM.format(claim_id="CLM-2026-0000001", day=12, seller=""), "utf-8")
    bars, _ = page_with("Code128", NUMBER, at=(0, 0))
    with Image.open(packet / "track.png") as capture:
        capture.paste(bars.crop((0, 0, 363, 150)).convert("RGB"), (560, 440))
        capture.save(packet / "track.png")
    covers = []
    for run in ("a", "b"):
        state = api.build_packet(packet, tmp_path / f"out-{run}", replace(ctx, cache_dir=None))
        bundle = tmp_path / f"out-{run}" / "CLM-2026-0000001"
        report = json.loads((bundle / "report.json").read_text(encoding="utf-8"))
        assert [(b["field"], b["value"]) for b in report["fact_boxes"] if b["fact"] == "tracking"] == \
            [("tracking_numbers", NUMBER)], [f.message for f in state.findings]
        covers.append((bundle / "upload" / "01-cover.pdf").read_bytes())
    assert covers[0] == covers[1]
    pdf = pdfium.PdfDocument(covers[0])
    assert len(pdf) == 1
    rendered = pdf[0].render(scale=300 / 72).to_pil().convert("L")
    pdf.close()
    assert NUMBER in [r.text for r in zxingcpp.read_barcodes(np.asarray(rendered))]
