"""Generates samples/: loose evidence files (samples/evidence/), sample packets (samples/packets/<seller>/<claim>/)
and samples/expected.json, the ground truth (see samples/README.md for its schema).

    python samples/generate.py [OUT_DIR] [--only PATH_PREFIX ...]

Deterministic: every file draws from its own seed (derived from its path), so a subset generates the same bytes
as a full run. PNG, JPEG, PDF (reportlab invariant mode, img2pdf nodate), CSV, ZIP, TIFF and WEBP are byte-identical
run to run, and HEIC was too with this libheif/x265; the encrypted PDFs are not (pypdf draws a random /ID and IV).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Callable, Iterable

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pillow_heif  # noqa: E402
import zxingcpp  # noqa: E402
from PIL import Image  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from pipeline.profile import Profile  # noqa: E402
from samples.draw import (Capture, Theme, Truth, browser_window, image_pdf_bytes, jpeg_bytes, phone_frame,  # noqa: E402
                          phone_photo_of_screen, photo_of_paper, png_bytes, scanned)
from samples.fake import (BUYERS, PRODUCTS, SENDER_KO, ADDRESSES, Tracking, kst, masked, masked_phone,  # noqa: E402
                          order_id, shipment_events, tracking_for)
from samples.pages import (CarrierSite, Message, Order, Shipment, order_page, pod_receipt, product_photo,  # noqa: E402
                           tracking_page, url_for, wechat_chat, wing_thread)
from samples.pdfs import print_tracking_pdf, qc_report_pdf  # noqa: E402

SAMPLES_DIR = Path(__file__).resolve().parent
SCHEMA = "evpack.samples/1"
DEMO_NOW = kst(2026, 3, 15, 12, 0)

CJ = CarrierSite("cj", "CJ대한통운", (0, 82, 164), "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo={n}",
                 "배송조회 | CJ대한통운")
KOREA_POST = CarrierSite("korea-post", "우체국택배", (228, 0, 43),
                         "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={n}",
                         "우체국 국내우편물 종적조회", columns=("date", "time", "location", "status"),
                         date_fmt="dot", summary="list", nav=("우편", "택배", "EMS", "종적조회"),
                         wording=(("title", "국내우편물 종적조회"), ("tracking", "등기번호"), ("location", "발생국"),
                                  ("status", "처리현황")))
CARRIER_NAMES = {"cj": "CJ대한통운", "korea-post": "우체국택배", "hanjin": "한진택배", "lotte": "롯데택배",
                 "logen": "로젠택배", "coupang": "쿠팡로지스틱스", "fedex": "FedEx", "dhl": "DHL", "ups": "UPS",
                 "ems": "EMS"}


@dataclass(frozen=True)
class Sample:
    """One generated file: where it goes, how to draw it, and what a perfect reader and checker find in it."""

    path: str                      # relative to the output folder
    make: Callable[[Truth], bytes]
    form: str = "png"              # what the bytes are: png jpeg pdf csv zip docx mp4 txt heic webp tiff empty
    degradation: str = "clean"     # clean | jpeg-resave | phone-photo | mobile-capture | print-pdf | scan | photo
    text_source: str = "ocr"       # ocr | text-layer | text | none
    pages: int = 1
    rules: tuple[str, ...] = ()    # rule ids this file triggers on its own


@dataclass(frozen=True)
class Packet:
    path: str                      # packets/<seller>/<claim>
    claim: dict                    # claim.toml, key by key
    samples: tuple[Sample, ...]
    verdict: str
    rules: tuple[str, ...]


def seeded(path: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(path.encode()))


# ---- scenarios -----------------------------------------------------------------------------------

def make_shipment(rng: random.Random, carrier: str, delivered_at: datetime, lang: str = "ko") -> Shipment:
    name, _sku = rng.choice(PRODUCTS)
    return Shipment(tracking_for(carrier, rng), rng.choice(BUYERS), rng.choice(ADDRESSES), rng.choice(SENDER_KO),
                    name, tuple(shipment_events(delivered_at, lang, rng)), masked_phone(rng))


def make_order(rng: random.Random, ship: Shipment, carrier: str) -> Order:
    ordered = (ship.events[0].at - timedelta(days=2)).replace(hour=21, minute=7)
    return Order(order_id(rng), ordered, ship.product, rng.choice((12900, 15900, 23800, 31500, 45900)),
                 ship.recipient, ship.address, CARRIER_NAMES[carrier], ship)


# ---- file makers: each returns a function that draws the bytes and fills the truth ------------------

def screenshot(site: CarrierSite, ship: Shipment, at: datetime, size=(1366, 768), show_scheme: bool = False,
               theme: Theme = Theme(), dark: bool = False, clock_style: str = "ko", taskbar: bool = True,
               chrome: bool = True) -> Callable[[Truth], Image.Image]:
    def draw(truth: Truth) -> Image.Image:
        truth.kind, truth.web_capture, truth.languages = "carrier-tracking", True, [site.lang]
        url = url_for(site, ship.tracking.value)
        display = url if show_scheme else url.split("://", 1)[1].removeprefix("www.")
        if not chrome:  # a crop of the page body only: no address bar, no taskbar
            return tracking_page(size, site, ship, theme, truth)
        cap = Capture(size[0], size[1], site.title, display, at if taskbar else None, clock_style, dark)
        return browser_window(cap, truth, lambda s: tracking_page(s, site, ship, theme, truth))
    return draw


def order_screenshot(order: Order, at: datetime | None, size=(1366, 768), delivered_time: bool = True,
                     theme: Theme = Theme()) -> Callable[[Truth], Image.Image]:
    def draw(truth: Truth) -> Image.Image:
        truth.kind, truth.web_capture, truth.languages = "coupang-order", True, ["ko"]
        cap = Capture(size[0], size[1], "쿠팡! | 주문상세", f"mc.coupang.com/ssr/desktop/order/{order.order_id}", at)
        return browser_window(cap, truth, lambda s: order_page(s, order, theme, truth, delivered_time))
    return draw


def wing_screenshot(order: Order, messages: list[Message], at: datetime, size=(1366, 768)
                    ) -> Callable[[Truth], Image.Image]:
    def draw(truth: Truth) -> Image.Image:
        truth.kind, truth.web_capture, truth.languages = "message-thread", True, ["ko"]
        inquiry = f"{order.order_id[-6:]}{at:%d%H}"
        cap = Capture(size[0], size[1], "고객문의 | 쿠팡 Wing",
                      f"wing.coupang.com/tenants/cs/inquiry/detail?inquiryId={inquiry}", at, bookmarks=True)
        return browser_window(cap, truth, lambda s: wing_thread(s, order, messages, Theme(), truth))
    return draw


def mobile_capture(site: CarrierSite, ship: Shipment, at: datetime, theme: Theme = Theme(size=19)
                   ) -> Callable[[Truth], Image.Image]:
    mobile = replace(site, summary="list", stepper=False, nav=())

    def draw(truth: Truth) -> Image.Image:
        truth.kind, truth.web_capture, truth.languages = "carrier-tracking", True, [site.lang]
        content = tracking_page((750, 1290), mobile, ship, theme, truth)
        return phone_frame(content, at, url_for(site, "").split("/")[2].removeprefix("www."), truth, theme.dark)
    return draw


def as_png(draw: Callable[[Truth], Image.Image]) -> Callable[[Truth], bytes]:
    return lambda truth: png_bytes(draw(truth))


def as_webp(draw: Callable[[Truth], Image.Image]) -> Callable[[Truth], bytes]:
    def make(truth: Truth) -> bytes:
        buf = io.BytesIO()
        draw(truth).save(buf, "WEBP", lossless=True, method=4)
        return buf.getvalue()
    return make


def as_phone_photo(draw: Callable[[Truth], Image.Image], seed_path: str) -> Callable[[Truth], bytes]:
    return lambda truth: jpeg_bytes(phone_photo_of_screen(draw(truth), seeded(seed_path)), 82)


def as_jpeg_resave(draw: Callable[[Truth], Image.Image], width: int = 1280, quality: int = 55
                   ) -> Callable[[Truth], bytes]:
    """A screenshot shared through a messenger: downscaled to `width` and re-saved as a low-quality JPEG."""
    def make(truth: Truth) -> bytes:
        img = draw(truth)
        return jpeg_bytes(img.resize((width, round(img.height * width / img.width)), Image.LANCZOS), quality)
    return make


def pod_scan_pdf(ship: Shipment, carrier: str, seed_path: str, angle: float = 0.8, driver: str = "김*호 (서울마포 B12)"
                 ) -> Callable[[Truth], bytes]:
    def make(truth: Truth) -> bytes:
        rng = seeded(seed_path)
        page = pod_receipt(ship, CARRIER_NAMES[carrier], driver, rng, truth)
        return image_pdf_bytes([scanned(page, rng, angle)], dpi=200, quality=70)
    return make


def pod_photo(ship: Shipment, carrier: str, seed_path: str) -> Callable[[Truth], Image.Image]:
    def draw(truth: Truth) -> Image.Image:
        rng = seeded(seed_path)
        page = pod_receipt(ship, CARRIER_NAMES[carrier], "이*훈 (성남분당 A07)", rng, truth, dpi=150)
        return photo_of_paper(page, rng)
    return draw


def pod_photo_jpeg(ship: Shipment, carrier: str, seed_path: str) -> Callable[[Truth], bytes]:
    return lambda truth: jpeg_bytes(pod_photo(ship, carrier, seed_path)(truth), 85)


def pod_tiff(ship: Shipment, carrier: str, seed_path: str) -> Callable[[Truth], bytes]:
    """A fax-style multi-page TIFF (1-bit, Group 4): the receipt, fed twice by the scanner."""
    def make(truth: Truth) -> bytes:
        rng = seeded(seed_path)
        pages = [scanned(pod_receipt(ship, CARRIER_NAMES[carrier], "박*우 (인천연수 C03)", rng, truth), rng, a)
                 .point(lambda v: 255 if v > 150 else 0).convert("1") for a in (0.5, -0.9)]
        buf = io.BytesIO()
        pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(200, 200))
        return buf.getvalue()
    return make


def heic_rotated(draw: Callable[[Truth], Image.Image]) -> Callable[[Truth], bytes]:
    """An iPhone HEIC: pixels stored sideways with EXIF orientation 6 (rotate 90° clockwise to view)."""
    def make(truth: Truth) -> bytes:
        pillow_heif.register_heif_opener()
        upright = draw(truth)
        exif = Image.Exif()
        exif[0x0112] = 6
        exif[0x010F], exif[0x0110] = "Apple", "iPhone 14"
        buf = io.BytesIO()
        upright.transpose(Image.Transpose.ROTATE_90).save(buf, format="HEIF", quality=45, exif=exif.tobytes())
        return buf.getvalue()
    return make


def message_csv(messages: list[Message], buyer: str, order: str, english: bool = False) -> Callable[[Truth], bytes]:
    """The Seller Center message export as Excel writes CSV: UTF-8 with BOM, CRLF line ends."""
    def make(truth: Truth) -> bytes:
        truth.kind, truth.languages = "message-thread", ["ko", "en"] if english else ["ko"]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(("Date", "Sender", "Message", "Order ID") if english else ("작성일시", "보낸사람", "내용", "주문번호"))
        for m in messages:
            when = m.at.strftime("%Y-%m-%d %H:%M:%S")
            who = (f"Buyer ({buyer})" if english else f"구매자({buyer})") if m.sender == "buyer" else \
                ("Seller" if english else "판매자")
            writer.writerow((when, who, m.text, order))
            truth.timestamp(when, m.at)
        return buf.getvalue().encode("utf-8-sig")
    return make


def qc_pdf(report_no: str, product: str, sku: str, batch: str, issued: datetime) -> Callable[[Truth], bytes]:
    return lambda truth: qc_report_pdf(report_no, product, sku, batch, issued, truth)


def photo_jpeg(sku: str, taken: datetime, seed_path: str) -> Callable[[Truth], bytes]:
    return lambda truth: jpeg_bytes(product_photo(sku, taken, seeded(seed_path), truth), 86)


def wechat_png(contact: str, messages: list[Message], at: datetime) -> Callable[[Truth], bytes]:
    def make(truth: Truth) -> bytes:
        truth.kind = "chat-app"
        return png_bytes(wechat_chat(contact, messages, at, truth))
    return make


def tracking_print(site: CarrierSite, ship: Shipment, printed_at: datetime, header_style: str = "en",
                   body_size: float = 9.5) -> Callable[[Truth], bytes]:
    def make(truth: Truth) -> bytes:
        truth.kind, truth.web_capture = "carrier-tracking", True
        return print_tracking_pdf(site, ship, printed_at, truth, header_style, body_size)
    return make


# ---- bad inputs ------------------------------------------------------------------------------------

FIXED_ZIP_TIME = (2026, 3, 11, 14, 31, 0)


def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def archive(truth: Truth) -> bytes:
    truth.kind = "archive"
    small = Image.new("RGB", (320, 200), (240, 240, 240))
    return zip_bytes([("배송조회.png", png_bytes(small)), ("메모.txt", "택배 조회 캡처 모음".encode())])


def office_document(truth: Truth) -> bytes:
    truth.kind = "office-document"
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
                     'openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/'
                     'xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.wordprocessingml.document.main+xml"/></Types>')
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>소명 자료: 구매자가 3월 10일 수령함</w:t></w:r>'
                '</w:p></w:body></w:document>')
    return zip_bytes([("[Content_Types].xml", content_types.encode()), ("word/document.xml", document.encode())])


def video(truth: Truth) -> bytes:
    """An MP4's first boxes (ftyp, free, mdat) and some payload: a video, which the form cannot take."""
    truth.kind = "video"
    payload = seeded("video").bytes(24_000)
    ftyp = (32).to_bytes(4, "big") + b"ftypisom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41"
    free = (8).to_bytes(4, "big") + b"free"
    mdat = (8 + len(payload)).to_bytes(4, "big") + b"mdat" + payload
    return ftyp + free + mdat


def encrypted(inner: Callable[[Truth], bytes]) -> Callable[[Truth], bytes]:
    """A PDF locked with a user password: its content cannot be read without the password."""
    def make(truth: Truth) -> bytes:
        reader = PdfReader(io.BytesIO(inner(Truth())))
        writer = PdfWriter(clone_from=reader)
        writer.encrypt(user_password="0311", owner_password="owner-0311", algorithm="AES-128")
        buf = io.BytesIO()
        writer.write(buf)
        truth.kind = "encrypted-pdf"
        return buf.getvalue()
    return make


def truncated(inner: Callable[[Truth], bytes]) -> Callable[[Truth], bytes]:
    """A PDF cut off mid-download: no cross-reference table, no %%EOF."""
    def make(truth: Truth) -> bytes:
        data = inner(Truth())
        truth.kind = "corrupt-pdf"
        return data[: len(data) * 55 // 100]
    return make


def empty(truth: Truth) -> bytes:
    truth.kind = "empty"
    return b""


BAIDU_LINK = "https://pan.baidu.com/s/1Qm7xVb2KpR9sT3wYzL8aHd"


def cloud_link_text(truth: Truth) -> bytes:
    truth.kind, truth.languages = "cloud-link", ["zh"]
    truth.url(BAIDU_LINK, "pan.baidu.com", address_bar=False)
    return (f"签收照片和视频太大了，放在百度网盘里：\r\n链接: {BAIDU_LINK} 提取码: 7kq2\r\n"
            "--来自百度网盘超级会员v5的分享\r\n").encode("utf-8")


def qr_only(truth: Truth) -> bytes:
    payload = f"{BAIDU_LINK}?pwd=7kq2"
    truth.kind = "qr-code"
    truth.qr_codes.append(payload)
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode).to_image(scale=1, add_quiet_zones=True)
    img = Image.fromarray(np.asarray(code)).convert("L")
    return png_bytes(img.resize((img.width * 12, img.height * 12), Image.NEAREST))


# ---- the catalogue ---------------------------------------------------------------------------------

def buyer_messages(ship: Shipment) -> list[Message]:
    d = ship.delivered_at
    return [
        Message(d - timedelta(days=3, hours=2, minutes=11), "buyer", "안녕하세요, 주문한 상품 언제 발송되나요?"),
        Message(d - timedelta(days=3, hours=1, minutes=2), "seller", "안녕하세요 고객님, 오늘 출고되어 2~3일 내 도착 예정입니다."),
        Message(d + timedelta(hours=6, minutes=19), "buyer", "네 잘 받았습니다. 포장도 꼼꼼하네요. 감사합니다!"),
        Message(d + timedelta(days=2, hours=-3, minutes=45), "buyer", "그런데 색상이 사진이랑 좀 달라서 환불 가능할까요?"),
        Message(d + timedelta(days=2, minutes=12), "seller", "사진 보내주시면 확인 후 교환 도와드리겠습니다."),
    ]


def wechat_messages(at: datetime) -> list[Message]:
    return [
        Message(at - timedelta(minutes=46), "buyer", "你好，韩国客户说没收到货，物流显示已签收"),
        Message(at - timedelta(minutes=44), "seller", "我查一下，CJ那边显示3月10号下午送到了"),
        Message(at - timedelta(minutes=41), "buyer", "客户在酷澎上开了A-to-z纠纷，平台已经赔付了"),
        Message(at - timedelta(minutes=38), "seller", "好的，我把签收截图发给你，你帮忙申诉一下"),
        Message(at - timedelta(minutes=35), "buyer", "收到，今天之内提交"),
    ]


def evidence_samples() -> list[Sample]:
    """Loose files for `evpack scan` tests, named by the property they exercise."""
    rng = random.Random(20260311)
    cj = make_shipment(rng, "cj", kst(2026, 3, 10, 14, 22))
    post = make_shipment(rng, "korea-post", kst(2026, 3, 9, 11, 5))
    order = make_order(rng, cj, "cj")
    seen = kst(2026, 3, 11, 14, 31)
    e = "evidence/"
    return [
        Sample(e + "cj-tracking-screenshot.png", as_png(screenshot(CJ, cj, seen))),
        Sample(e + "cj-tracking-screenshot-1920-https.png",
               as_png(screenshot(CJ, cj, seen + timedelta(minutes=3), (1920, 1080), show_scheme=True,
                                 theme=Theme(15)))),
        Sample(e + "coupang-order-detail.png", as_png(order_screenshot(order, seen + timedelta(minutes=5)))),
        Sample(e + "epost-tracking-screenshot.png", as_png(screenshot(KOREA_POST, post, seen + timedelta(hours=1)))),
        Sample(e + "seller-center-thread.png",
               as_png(wing_screenshot(order, buyer_messages(cj), kst(2026, 3, 13, 9, 40)))),
        Sample(e + "phone-photo-of-monitor.jpg", as_phone_photo(screenshot(CJ, cj, seen), e + "phone-photo"), "jpeg",
               "phone-photo"),
        Sample(e + "mobile-capture-host-only.png", as_png(mobile_capture(CJ, cj, seen)), "png", "mobile-capture",
               rules=("missing-url",)),
        Sample(e + "cj-tracking-print.pdf", tracking_print(CJ, cj, seen), "pdf", "print-pdf", "text-layer"),
        Sample(e + "pod-scan-image-only.pdf", pod_scan_pdf(cj, "cj", e + "pod-scan"), "pdf", "scan"),
        Sample(e + "pod-photo.jpg", pod_photo_jpeg(cj, "cj", e + "pod-photo"), "jpeg", "photo"),
        Sample(e + "seller-messages-export.csv",
               message_csv(buyer_messages(cj), masked(order.buyer), order.order_id), "csv", text_source="text"),
        Sample(e + "seller-messages-export-english.csv",
               message_csv(buyer_messages(cj), masked(order.buyer), order.order_id, english=True), "csv",
               text_source="text"),
        Sample(e + "qc-report-chinese-only.pdf",
               qc_pdf("HJ-QC-2026-0302-017", "不锈钢保温杯 500mL", "HB-TMB-500-SL", "B20260226-03", kst(2026, 3, 2)),
               "pdf", text_source="text-layer", rules=("untranslated",)),
        Sample(e + "product-photo-sku-watermark.jpg", photo_jpeg("HB-TMB-500-SL", kst(2026, 3, 2, 10, 14),
                                                                  e + "product"), "jpeg", "photo"),
        Sample(e + "coupang-order-no-clock.png",
               as_png(order_screenshot(order, None, delivered_time=False)), rules=("missing-timestamp",)),
        # Cropped to the page: no URL, but the tracking events' dates and times stay visible, and interface.md's
        # missing-timestamp is "a screenshot without a visible timestamp".
        Sample(e + "tracking-cropped-no-url.png", as_png(screenshot(CJ, cj, seen, (1366, 640), chrome=False)),
               rules=("missing-url",)),
        Sample(e + "wechat-chat.png", wechat_png("李经理", wechat_messages(seen), seen), "png",
               rules=("untrusted-source", "untranslated")),
        Sample(e + "tracking-screenshot.webp", as_webp(screenshot(CJ, cj, seen)), "webp"),
        Sample(e + "iphone-pod-rotated.heic", heic_rotated(pod_photo(cj, "cj", e + "heic")), "heic", "photo"),
        Sample(e + "pod-scan-multipage.tif", pod_tiff(cj, "cj", e + "tiff"), "tiff", "scan", pages=2),
        Sample(e + "archive.zip", archive, "zip", text_source="none", pages=0, rules=("unsupported-format",)),
        Sample(e + "statement.docx", office_document, "docx", text_source="none", pages=0,
               rules=("unsupported-format",)),
        Sample(e + "delivery-video.mp4", video, "mp4", text_source="none", pages=0, rules=("unsupported-format",)),
        Sample(e + "encrypted.pdf", encrypted(tracking_print(CJ, cj, seen)), "pdf", text_source="none", pages=0,
               rules=("unreadable-file",)),
        Sample(e + "truncated.pdf", truncated(tracking_print(CJ, cj, seen)), "pdf", text_source="none", pages=0,
               rules=("unreadable-file",)),
        Sample(e + "empty.pdf", empty, "empty", text_source="none", pages=0, rules=("unreadable-file",)),
        Sample(e + "cloud-link-baidu.txt", cloud_link_text, "txt", text_source="text", rules=("external-link",)),
        Sample(e + "qr-code-only.png", qr_only, "png", rules=("external-link",)),
    ]


def claim(claim_id: str, order: str, reason: str, paid: datetime, buyer_claim: str, seller: str,
          tracking: Tracking | None = None, statement: str | None = None) -> dict:
    data = {"claim_id": claim_id, "order_id": order, "reason": reason, "paid_out_at": paid}
    if tracking:
        data |= {"tracking_number": tracking.value, "carrier": tracking.carrier}
    data |= {"buyer_claim": buyer_claim, "seller": seller}
    if statement:
        data["statement"] = statement
    return data


def packet_samples() -> list[Packet]:
    """The sample packets, nested by seller as agencies keep them; each exercises one situation."""
    root = "packets/"
    packets = []

    # (a) complete delivery proof: tracking page, its print, the signed POD, the order page -> passes
    p = root + "shenzhen-hanbit/CLM-2026-0001201/"
    rng = random.Random(p)
    ship = make_shipment(rng, "cj", kst(2026, 3, 10, 14, 22))
    order = make_order(rng, ship, "cj")
    seen = kst(2026, 3, 11, 14, 31)
    packets.append(Packet(p, claim("CLM-2026-0001201", order.order_id, "delivery-proof", kst(2026, 3, 12, 10, 30),
                                   "Buyer says the parcel never arrived.", "Shenzhen Hanbit Trading Co., Ltd.",
                                   ship.tracking), (
        Sample(p + "스크린샷 2026-03-11 143112.png", as_png(screenshot(CJ, ship, seen))),
        Sample(p + "배송조회_출력.pdf", tracking_print(CJ, ship, seen + timedelta(minutes=1)), "pdf", "print-pdf",
               "text-layer"),
        Sample(p + "POD/scan0001.pdf", pod_scan_pdf(ship, "cj", p + "pod"), "pdf", "scan"),
        Sample(p + "주문상세 캡처.png", as_png(order_screenshot(order, seen + timedelta(minutes=4)))),
    ), "pass", ()))

    # (b) buyer communication: the message export (buyer admits receipt) + the thread page; under 24 h left
    p = root + "yiwu-dawnlight/CLM-2026-0001388/"
    rng = random.Random(p)
    ship = make_shipment(rng, "cj", kst(2026, 3, 3, 16, 40))
    order = make_order(rng, ship, "cj")
    msgs = buyer_messages(ship)
    packets.append(Packet(p, claim("CLM-2026-0001388", order.order_id, "buyer-communication", kst(2026, 3, 8, 16, 20),
                                   "Buyer says the item was not received and asked for a refund.",
                                   "Yiwu Dawnlight Home Goods Co."), (
        Sample(p + "messages_export_20260313.csv", message_csv(msgs, masked(order.buyer), order.order_id), "csv",
               text_source="text"),
        Sample(p + "캡처/wing 문의내역.png", as_png(wing_screenshot(order, msgs, kst(2026, 3, 13, 10, 2)))),
    ), "pass", ("deadline-soon",)))

    # (c) product quality: a QC report in Chinese only, and a product photo with the SKU watermark
    p = root + "guangzhou-jadeleaf/CLM-2026-0001415/"
    rng = random.Random(p)
    packets.append(Packet(p, claim("CLM-2026-0001415", order_id(rng), "product-quality", kst(2026, 3, 13, 9, 5),
                                   "Buyer says the tumbler leaks and does not keep drinks warm.",
                                   "Guangzhou Jadeleaf Beauty Ltd."), (
        Sample(p + "质检报告 HJ-QC-2026-0226-008.pdf",
               qc_pdf("HJ-QC-2026-0226-008", "不锈钢保温杯 500mL", "HB-TMB-500-SL", "B20260220-01", kst(2026, 2, 26)),
               "pdf", text_source="text-layer", rules=("untranslated",)),
        Sample(p + "photos/IMG_20260302_101455.jpg", photo_jpeg("HB-TMB-500-SL", kst(2026, 3, 2, 10, 14), p + "photo"),
               "jpeg", "photo"),
    ), "pass", ("untranslated",)))

    # (d) eight evidence files for five upload slots: evpack merges them (not a finding)
    p = root + "hangzhou-bluepeak/CLM-2026-0001502/"
    rng = random.Random(p)
    ship = make_shipment(rng, "korea-post", kst(2026, 3, 9, 11, 5))
    order = make_order(rng, ship, "korea-post")
    seen = kst(2026, 3, 10, 9, 12)
    packets.append(Packet(p, claim("CLM-2026-0001502", order.order_id, "delivery-proof", kst(2026, 3, 11, 18, 0),
                                   "Buyer says the earphones were never delivered.",
                                   "Hangzhou Bluepeak Electronics Co.", ship.tracking), (
        Sample(p + "01 우체국 배송조회.png", as_png(screenshot(KOREA_POST, ship, seen))),
        Sample(p + "02 우체국 배송조회 인쇄.pdf", tracking_print(KOREA_POST, ship, seen + timedelta(minutes=2)), "pdf",
               "print-pdf", "text-layer"),
        Sample(p + "03 쿠팡 주문상세.png", as_png(order_screenshot(order, seen + timedelta(minutes=6)))),
        Sample(p + "POD/인수증 스캔.pdf", pod_scan_pdf(ship, "korea-post", p + "pod-scan", angle=-0.6), "pdf", "scan"),
        Sample(p + "POD/인수증 사진.jpg", pod_photo_jpeg(ship, "korea-post", p + "pod-photo"), "jpeg", "photo"),
        Sample(p + "추가/배송조회 1920.png", as_png(screenshot(KOREA_POST, ship, seen + timedelta(hours=3), (1920, 1080),
                                                        show_scheme=True, theme=Theme(15)))),
        Sample(p + "추가/쿠팡 주문상세 2.png", as_png(order_screenshot(order, seen + timedelta(days=1), (1920, 1080),
                                                               theme=Theme(15)))),
        Sample(p + "추가/인수증 스캔 2.tif", pod_tiff(ship, "korea-post", p + "tiff"), "tiff", "scan", pages=2),
    ), "pass", ()))

    # (e) bad files beside good ones, and a Chinese draft statement
    p = root + "ningbo-sunway/CLM-2026-0001577/"
    rng = random.Random(p)
    ship = make_shipment(rng, "cj", kst(2026, 3, 9, 17, 48))
    order = make_order(rng, ship, "cj")
    seen = kst(2026, 3, 12, 20, 3)
    packets.append(Packet(p, claim("CLM-2026-0001577", order.order_id, "delivery-proof", kst(2026, 3, 13, 11, 45),
                                   "Buyer says the camping chair was not delivered.", "Ningbo Sunway Outdoor Products",
                                   ship.tracking, statement="买家已经签收，物流记录显示已送达本人，请求撤销赔付。"), (
        Sample(p + "物流截图.png", as_png(screenshot(CJ, ship, seen, clock_style="ko"))),
        Sample(p + "签收单.pdf", pod_scan_pdf(ship, "cj", p + "pod"), "pdf", "scan"),
        Sample(p + "原始资料.zip", archive, "zip", text_source="none", pages=0, rules=("unsupported-format",)),
        Sample(p + "网盘链接.txt", cloud_link_text, "txt", text_source="text", rules=("external-link",)),
        Sample(p + "签收单_加密.pdf", encrypted(tracking_print(CJ, ship, seen)), "pdf", text_source="none", pages=0,
               rules=("unreadable-file",)),
    ), "fail", ("unsupported-format", "external-link", "unreadable-file", "statement-language")))

    # (f) a WeChat chat as the only evidence: not the Seller Center thread buyer-communication asks for
    p = root + "xiamen-luckypaw/CLM-2026-0001603/"
    rng = random.Random(p)
    seen = kst(2026, 3, 12, 15, 21)
    packets.append(Packet(p, claim("CLM-2026-0001603", order_id(rng), "buyer-communication", kst(2026, 3, 12, 9, 0),
                                   "Buyer says the pet feeder never arrived.", "Xiamen Luckypaw Pet Supplies"), (
        Sample(p + "微信截图_20260312152133.png", wechat_png("韩国代运营 小金", wechat_messages(seen), seen), "png",
               rules=("untrusted-source", "untranslated")),
    ), "fail", ("reason-mismatch", "untrusted-source", "untranslated")))

    # (g) late: the window closed weeks before the demo's now
    p = root + "dongguan-northstar/CLM-2026-0000954/"
    rng = random.Random(p)
    ship = make_shipment(rng, "cj", kst(2026, 2, 14, 13, 2))
    order = make_order(rng, ship, "cj")
    seen = kst(2026, 2, 21, 10, 17)
    packets.append(Packet(p, claim("CLM-2026-0000954", order.order_id, "delivery-proof", kst(2026, 2, 20, 15, 10),
                                   "Buyer says the cookware set never arrived.", "Dongguan Northstar Kitchenware",
                                   ship.tracking), (
        Sample(p + "tracking.png", as_png(screenshot(CJ, ship, seen))),
        Sample(p + "pod.pdf", pod_scan_pdf(ship, "cj", p + "pod"), "pdf", "scan"),
    ), "fail", ("deadline-passed",)))

    # (h) formats that ingest converts: HEIC (EXIF rotation), WEBP, multi-page TIFF -> passes
    p = root + "qingdao-harbourline/CLM-2026-0001650/"
    rng = random.Random(p)
    ship = make_shipment(rng, "cj", kst(2026, 3, 11, 10, 31))
    order = make_order(rng, ship, "cj")
    seen = kst(2026, 3, 12, 8, 55)
    packets.append(Packet(p, claim("CLM-2026-0001650", order.order_id, "delivery-proof", kst(2026, 3, 14, 13, 0),
                                   "Buyer says the cardigan was never delivered.", "Qingdao Harbourline Textiles",
                                   ship.tracking), (
        Sample(p + "IMG_4471.HEIC", heic_rotated(pod_photo(ship, "cj", p + "heic")), "heic", "photo"),
        Sample(p + "tracking.webp", as_webp(screenshot(CJ, ship, seen)), "webp"),
        Sample(p + "scans/scan.tiff", pod_tiff(ship, "cj", p + "tiff"), "tiff", "scan", pages=2),
    ), "pass", ()))

    # (i) the evidence shows another parcel's tracking number than the claim's
    p = root + "shenzhen-hanbit/CLM-2026-0001688/"
    rng = random.Random(p)
    ship = make_shipment(rng, "cj", kst(2026, 3, 10, 12, 9))
    other = tracking_for("cj", rng)
    order = make_order(rng, ship, "cj")
    seen = kst(2026, 3, 13, 16, 40)
    packets.append(Packet(p, claim("CLM-2026-0001688", order.order_id, "delivery-proof", kst(2026, 3, 13, 9, 30),
                                   "Buyer says the parcel never arrived.", "Shenzhen Hanbit Trading Co., Ltd.",
                                   other), (
        Sample(p + "KakaoTalk_20260313_164012.png", as_png(screenshot(CJ, ship, seen))),
        Sample(p + "POD/scan0003.pdf", pod_scan_pdf(ship, "cj", p + "pod"), "pdf", "scan"),
    ), "fail", ("tracking-mismatch",)))
    return packets


# ---- writing ---------------------------------------------------------------------------------------

def toml_value(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def claim_toml(data: dict) -> bytes:
    return "".join(f"{key} = {toml_value(value)}\n" for key, value in data.items()).encode("utf-8")


def deadline(paid: datetime, profile: Profile) -> datetime:
    """The review window of the rules profile: `window_days` calendar days after the payout, at `window_closes_at`."""
    closes = time.fromisoformat(profile.limit("window_closes_at"))
    return datetime.combine(paid.date() + timedelta(days=profile.limit("window_days")), closes, tzinfo=paid.tzinfo)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; samples are for everyone
    os.replace(tmp, path)


def write_samples(samples: Iterable[Sample], out: Path) -> dict[str, dict]:
    """Draws and writes each sample; returns its truth entry (the `files` schema of expected.json)."""
    entries = {}
    for sample in samples:
        truth = Truth()
        data = sample.make(truth)
        write_atomic(out / sample.path, data)
        entries[sample.path] = {
            "form": sample.form, "bytes": len(data), "degradation": sample.degradation,
            "text_source": sample.text_source, "pages": sample.pages, "kind": truth.kind,
            "web_capture": truth.web_capture, "fields": truth.fields(), "languages": truth.languages,
            "qr_codes": truth.qr_codes, "rules": sorted(sample.rules)}
    return entries


def generate(out: Path = SAMPLES_DIR, only: Iterable[str] | None = None) -> dict:
    """Writes the samples under `out` (all, or those whose path starts with one of `only`) and expected.json."""
    prefixes = tuple(only or ())
    wanted = (lambda path: path.startswith(prefixes)) if prefixes else (lambda path: True)
    expected = {"schema": SCHEMA, "now": DEMO_NOW.isoformat(), "files": {}, "packets": {}}
    previous = out / "expected.json"
    if prefixes and previous.exists():  # a partial run refreshes its own entries and keeps the others
        kept = json.loads(previous.read_text(encoding="utf-8"))
        for section in ("files", "packets"):
            expected[section] = {k: v for k, v in kept[section].items() if not wanted(k)}
    profile = Profile.load()
    expected["files"].update(write_samples([s for s in evidence_samples() if wanted(s.path)], out))
    for packet in packet_samples():
        if not wanted(packet.path):
            continue
        write_atomic(out / packet.path / "claim.toml", claim_toml(packet.claim))
        expected["files"].update(write_samples(packet.samples, out))
        expected["packets"][packet.path.rstrip("/")] = {
            "claim_id": packet.claim["claim_id"], "reason": packet.claim["reason"],
            "deadline": deadline(packet.claim["paid_out_at"], profile).isoformat(), "verdict": packet.verdict,
            "rules": sorted(packet.rules), "files": [s.path.removeprefix(packet.path) for s in packet.samples]}
    for section in ("files", "packets"):  # sorted, so a partial run writes the same file as a full one
        expected[section] = dict(sorted(expected[section].items()))
    write_atomic(out / "expected.json", json.dumps(expected, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=SAMPLES_DIR, help="output folder (default: samples/)")
    parser.add_argument("--only", nargs="*", default=None, help="generate only paths starting with these prefixes")
    args = parser.parse_args(argv)
    expected = generate(args.out, args.only)
    print(f"{args.out}/expected.json now lists {len(expected['files'])} files and {len(expected['packets'])} packets",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
