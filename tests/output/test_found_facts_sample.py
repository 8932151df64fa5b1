"""The found facts' boxes on a real sample packet, end to end (real Tesseract, real Chromium, pdftoppm): the boxes of
the tracking number, its carrier (where the page names it), the delivery time, the page's URL and the address in
report.json frame those values on the upload pages (each box cropped from the rendered page and read again shows the
value), report.html draws each one where it belongs on its page thumbnail, and the cover, still one page and
byte-stable, shows a crop of the page beside each fact that reads as the fact."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps
from rapidfuzz import fuzz

from pipeline.batch.batch import run_batch
from pipeline.reading import tesseract
from tests.output.test_report_html import chromium

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "packets" / "shenzhen-hanbit" / "CLM-2026-0001201"
CLAIM_ID = "CLM-2026-0001201"
TRACKING = "640134072904"  # the packet's parcel (claim.toml)
DELIVERED_DIGITS = "202603101422"  # 2026.03.10 14:22, as the CJ pages print it
ADDRESS = "경기도 성남시 분당구 정자일로 95"
KINDS = {"tracking", "carrier", "delivery_time", "url", "address"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample packet built twice by `batch` (the second run reads the cache): the first output folder and the
    second one's cover bytes."""
    from datetime import datetime

    from pipeline.context import Context
    from pipeline.model import KST
    from pipeline.profile import Profile
    tmp = tmp_path_factory.mktemp("facts")
    root = tmp / "inbox"
    shutil.copytree(SAMPLE, root / "shenzhen-hanbit" / CLAIM_ID)
    ctx = Context(profile=Profile.load(), workdir=tmp / "work", now=datetime(2026, 3, 15, 12, 0, tzinfo=KST),
                  cache_dir=tmp / "cache")
    first = run_batch(root, tmp / "out-a", ctx, jobs=1, progress=False)
    second = run_batch(root, tmp / "out-b", replace(ctx, workdir=tmp / "work-b"), jobs=1, progress=False)
    (packet,) = first.packets
    assert packet.verdict == "pass", packet
    cover = tmp / "out-b" / second.packets[0].output / "upload" / "01-cover.pdf"
    return tmp, tmp / "out-a", tmp / "out-a" / packet.output, first.report_path, cover.read_bytes()


def rendered_page(upload: Path, page: int, dpi: int = 200) -> Image.Image:
    """An upload page as a reviewer sees it: a PDF page rendered, a picture as it is."""
    if upload.suffix.lower() != ".pdf":
        with Image.open(upload) as image:
            return ImageOps.exif_transpose(image).convert("RGB")
    pdf = pdfium.PdfDocument(upload)
    try:
        return pdf[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def read(image: Image.Image, scratch: Path) -> str:
    """What Tesseract reads on a crop (enlarged, on a white margin), in each of three page segmentations."""
    image = ImageOps.expand(image.convert("L"), border=20, fill=255)
    image = image.resize((image.width * 3, image.height * 3), Image.LANCZOS)
    return " ".join(" ".join(word.text for word in tesseract.words(image, "kor+eng", 60, psm, scratch=scratch))
                    for psm in (7, 6, 11))


def shows(kind: str, text: str, value: str = "") -> bool:
    """Whether `text` (read on a crop) shows the fact: a URL's host (`value`: the URL) nearly as printed."""
    digits = re.sub(r"\D", "", text)
    squeezed = "".join(text.split()).casefold()
    if kind == "tracking":
        return TRACKING in digits
    if kind == "carrier":  # CJ's name (CJ대한통운, CJ Logistics) or its site's host
        return any(fuzz.partial_ratio(name, squeezed) >= 80 for name in ("대한통운", "cjlogistics")) \
            or re.search(r"\bCJ", text) is not None
    if kind == "delivery_time":
        return DELIVERED_DIGITS in digits
    if kind == "capture_time":  # a clock's hour and minute, on a 12- or a 24-hour clock
        hour, minute = int(value[11:13]), value[14:16]
        return f"{hour % 12 or 12}{minute}" in digits or f"{hour:02d}{minute}" in digits
    if kind == "url":
        return fuzz.partial_ratio(urlsplit(value).hostname or "?", squeezed) >= 90
    return fuzz.partial_ratio("".join(ADDRESS.split()), squeezed) >= 80


def test_every_fact_box_frames_its_value_on_the_upload_page(built):
    """GIVEN the sample delivery proof (a CJ screenshot, its print-to-PDF, a scanned POD, an order page) built for
    real WHEN each fact box of report.json is cropped from its upload page (rendered at 200 dpi) with a small margin
    and read again by Tesseract THEN it shows its value: the tracking number, the delivery time, the page's URL and
    the address are each boxed somewhere, and every box holds its value."""
    tmp, _, bundle, _, _ = built
    report = json.loads((bundle / "report.json").read_text(encoding="utf-8"))
    boxes = report["fact_boxes"]
    assert KINDS <= {b["fact"] for b in boxes}, boxes
    # The screenshots' taskbar clocks (time over date, read again on their own) are boxed where they are.
    clocks = [b for b in boxes if b["fact"] == "capture_time" and b["upload"].endswith(".png")]
    assert clocks and all(b["box"][0] > 0.85 and b["box"][1] > 0.85 for b in clocks), clocks
    checked = 0
    for b in boxes:
        page = rendered_page(bundle / "upload" / b["upload"], b["page"])
        x0, y0, x1, y1 = b["box"]
        pad = 0.25 * (y1 - y0) * page.height
        crop = page.crop((max(0, round(x0 * page.width - pad)), max(0, round(y0 * page.height - pad)),
                          min(page.width, round(x1 * page.width + pad)),
                          min(page.height, round(y1 * page.height + pad))))
        text = read(crop, tmp / "crop.png")
        assert shows(b["fact"], text, b["value"]), (b, text)
        checked += 1
    assert checked >= 6


def test_report_html_draws_each_box_where_it_belongs_in_chromium(built):
    """GIVEN the batch's report.html WHEN headless Chromium lays it out (a probe script with the page's own nonce
    measures each drawn box against its thumbnail) THEN every fact box of report.json is drawn on its page's thumbnail,
    numbered and labelled in the legend, at its place (within 1 % of the thumbnail), and the screenshot shows each
    kind's colour."""
    tmp, out, bundle, report_path, _ = built
    report = json.loads((bundle / "report.json").read_text(encoding="utf-8"))
    html = report_path.read_text(encoding="utf-8")
    assert len(re.findall(r'<span class="fact ', html)) == len(report["fact_boxes"])
    for kind, label in (("tracking", "Tracking number"), ("carrier", "Carrier"), ("delivery_time", "Delivery time"),
                        ("url", "URL"), ("address", "Address")):
        assert re.search(rf'<li class="{kind}" title="{label}: [^"]+"><b>\d+</b>{label}:', html), kind
    nonce = re.search(r"'nonce-([^']+)'", html)[1]
    probe = (f'<script nonce="{nonce}">window.addEventListener("load", function () {{'
             'document.querySelectorAll(".fact").forEach(function (box) {'
             'var img = box.parentNode.querySelector("img").getBoundingClientRect(), r = box.getBoundingClientRect();'
             'box.setAttribute("data-rect", [(r.left - img.left) / img.width, (r.top - img.top) / img.height,'
             '(r.right - img.left) / img.width, (r.bottom - img.top) / img.height].join(","));'
             'box.setAttribute("data-img", img.width + "," + img.height);});'
             'document.body.setAttribute("data-probed", "yes");});</script>')
    probed = out / "probed.html"
    probed.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = chromium(tmp, probed.as_uri(), "--dump-dom", "--virtual-time-budget=3000").stdout
    assert 'data-probed="yes"' in dom
    drawn = re.findall(r'<span class="fact ([a-z_]+)" style="[^"]*" title="[^"]*" data-fact="[a-z_]+" '
                       r'data-rect="([^"]+)" data-img="([^"]+)">', dom)
    assert len(drawn) == len(report["fact_boxes"]), dom[:2000]
    # The boxes in the order the page lists them: by upload file, then page, then report.json's order.
    order = {name: i for i, name in enumerate(re.findall(r'class="upload" href="[^"]*">([^<]+)</a>', html))}
    expected = sorted(report["fact_boxes"], key=lambda b: (order[b["upload"]], b["page"]))
    for (kind, rect, img), box in zip(drawn, expected):
        assert kind == box["fact"]
        width, height = (float(v) for v in img.split(","))
        assert width > 50 and height > 50
        for got, want in zip((float(v) for v in rect.split(",")), box["box"]):
            assert abs(got - want) < 0.01 + 2 / min(width, height), (kind, rect, box)
    shot = tmp / "report.png"
    chromium(tmp, report_path.as_uri(), f"--screenshot={shot}", "--window-size=1280,3000",
             "--force-device-scale-factor=1")
    with Image.open(shot) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 24)}
    for colour in ((0xE5, 0x39, 0x35), (0x00, 0x89, 0x7B), (0x1E, 0x88, 0xE5), (0x8E, 0x24, 0xAA), (0x2E, 0x7D, 0x32)):
        assert colour in colours, colour


def test_the_cover_shows_a_crop_beside_each_fact_one_page_byte_stable(built):
    """GIVEN the built cover WHEN rendered by pdftoppm THEN it is one page, it holds a picture beside the tracking
    number, its carrier, the delivery time and the address (in the cover's "shown in" column), each of which, cut
    from the rendering and read by Tesseract, shows its fact; built again, the cover is byte for byte the same."""
    tmp, _, bundle, _, again = built
    cover = bundle / "upload" / "01-cover.pdf"
    assert cover.read_bytes() == again
    pdf = pdfium.PdfDocument(cover)
    try:
        assert len(pdf) == 1
        width, height = pdf[0].get_size()
        # pypdfium2 5 calls it get_bounds, 4 get_pos.
        places = [(getattr(image, "get_bounds", None) or image.get_pos)()
                  for image in pdf[0].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])]
    finally:
        pdf.close()
    assert len(places) == 4, places
    assert all(width * 0.4 < left < right < width * 0.8 for left, _, right, _ in places)  # the "as shown" column
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(cover), str(tmp / "cover")], check=True,
                   timeout=60)
    with Image.open(tmp / "cover.png") as page:
        scale = page.width / width
        texts = [read(page.crop((round(left * scale), round((height - top) * scale), round(right * scale),
                                 round((height - bottom) * scale))), tmp / "proof.png")
                 for left, bottom, right, top in sorted(places, key=lambda p: -p[3])]
    assert [shows(kind, text) for kind, text in zip(("tracking", "carrier", "delivery_time", "address"), texts)] == \
        [True, True, True, True], texts
