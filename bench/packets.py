"""The held-out agency tree: ~25 realistic packets the pipeline was not tuned on, nested ROOT/<seller>/<claim>/.

    python bench/packets.py OUTDIR [--seed N]

Other sellers, seeds, carriers (Hanjin, Lotte, Logen, FedEx, DHL, UPS, EMS, Coupang), layouts, fonts and
degradations than samples/packets, each packet built around one trap of the issues "Judging packets" and "Batch for
agencies". Writes OUTDIR/expected.json in the schema of samples/expected.json, with three additions a scorer needs:
- top-level `submitted`: claim ids the scorer must mark in a (temporary) ledger before checking;
- per packet `now` (optional): that packet's own fixed now, for the deadline edges one shared now cannot reach;
- per packet `allowed`: rules a degraded file may earn without being a false alarm (low-quality on a phone photo).
`rules` are the error and warning rule ids that must be reported (notes are not listed); `verdict` follows from them
and the profile's severities. The tree is generated, never committed (bench/ outputs are git-ignored).
"""
from __future__ import annotations

import argparse
import io
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.corpus import SITES, label_photo_png
from pipeline.judging.ledger import Ledger
from pipeline.model import KST
from pipeline.profile import Profile
from samples.draw import Theme, Truth
from samples.fake import ADDRESSES, Tracking, kst, masked, order_id, tracking_for
from samples.generate import (
    KOREA_POST,
    Sample,
    archive,
    as_jpeg_resave,
    as_phone_photo,
    as_png,
    buyer_messages,
    encrypted,
    heic_rotated,
    make_order,
    make_shipment,
    message_csv,
    mobile_capture,
    order_screenshot,
    photo_jpeg,
    pod_photo,
    pod_photo_jpeg,
    pod_scan_pdf,
    pod_tiff,
    qc_pdf,
    screenshot,
    tracking_print,
    truncated,
    wechat_png,
    wing_screenshot,
    write_atomic,
    write_samples,
)
from samples.pages import CarrierSite, Message, Shipment

SCHEMA = "evpack.samples/1"
NOW = kst(2026, 3, 16, 12, 0)  # the shared fixed now (samples/ use 2026-03-15 12:00)
COUPANG = CarrierSite("coupang", "쿠팡 로켓배송", (52, 106, 255),
                      "https://www.coupang.com/np/delivery/tracking?invoiceNumber={n}", "쿠팡 배송조회",
                      columns=("datetime", "status", "location"), date_fmt="dash", summary="list",
                      nav=("로켓배송", "마이쿠팡", "고객센터"))
SITES = SITES | {"coupang": COUPANG, "korea-post": KOREA_POST}
DELIVERED = "Buyer says the parcel never arrived."
# A degraded capture may fairly be called hard to read; that is no false alarm, and not a must either.
DEGRADED = ("low-quality",)


@dataclass(frozen=True)
class HeldOut:
    """One packet of the tree: its claim, its files and what a correct checker reports at its `now`."""

    path: str                           # <seller>/<claim_id>
    claim: dict                         # claim.toml key by key (in order); may be deliberately invalid
    samples: tuple[Sample, ...]
    rules: tuple[str, ...]              # must be reported (errors and warnings)
    situation: str
    now: datetime | None = None         # None: the tree's NOW
    allowed: tuple[str, ...] = ()
    submitted: bool = False             # the scorer marks the claim in its ledger first
    verdict: str | None = None          # None: from the rules' profile severities; set where a rule's severity moves


# ---- renderers the samples lack (small wrappers; samples/ stays untouched) ---------------------------------

def english_qc_pdf(report_no: str, product: str, sku: str, batch: str, issued: datetime) -> Callable[[Truth], bytes]:
    """A third-party inspection report in English with a text layer (the samples only draw a Chinese one)."""
    def make(truth: Truth) -> bytes:
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=A4, pageCompression=1, invariant=1)
        c.setTitle("Inspection Report")
        w, h = A4
        c.setFont("Helvetica-Bold", 20)
        c.drawCentredString(w / 2, h - 80, "INSPECTION REPORT")
        c.setFont("Helvetica", 10)
        c.drawRightString(w - 60, h - 108, f"Report No.: {report_no}")
        rows = [("Product", product), ("Model / SKU", sku), ("Batch No.", batch),
                ("Applicant", "Dongguan Hengda Household Products Co., Ltd."),
                ("Issued by", "SGS-CSTC Standards Technical Services (Shenzhen) Co., Ltd."),
                ("Sampling", "200 pcs, AQL 2.5 (ISO 2859-1)"), ("Inspection date", issued.strftime("%Y-%m-%d"))]
        y = h - 140
        for key, value in rows:
            c.rect(60, y - 8, 130, 22)
            c.rect(190, y - 8, w - 250, 22)
            c.drawString(68, y, key)
            c.drawString(198, y, value)
            y -= 22
        y -= 30
        c.setFont("Helvetica-Bold", 12)
        c.drawString(60, y, "Test results")
        c.setFont("Helvetica", 10)
        for item, result in (("Appearance", "PASS"), ("Capacity 500 mL +/- 2%", "498 mL, PASS"),
                             ("Heat retention after 6 h >= 60 C", "68 C, PASS"), ("Leak test, inverted 30 min", "PASS"),
                             ("Drop test 1.2 m x 3", "PASS")):
            y -= 22
            c.drawString(66, y, item)
            c.drawString(360, y, result)
        y -= 40
        c.setFont("Helvetica-Bold", 11)
        c.drawString(60, y, "Conclusion: the inspected batch conforms to the standard. Result: PASS")
        c.showPage()
        c.save()
        truth.kind, truth.languages = "qc-report", ["en"]
        return buf.getvalue()
    return make


def drive_link_note(truth: Truth) -> bytes:
    """A seller's note pointing at a Google Drive folder instead of attaching the files."""
    link = "https://drive.google.com/drive/folders/1qT7mZkR4bNw9XyVcE2sLpA8hJ3dUfG6o?usp=sharing"
    truth.kind, truth.languages = "cloud-link", ["en", "ko"]
    truth.url(link, "drive.google.com", address_bar=False)
    return (f"Delivery video and photos are too big to attach.\r\n배송 영상과 사진은 구글 드라이브에 있습니다:\r\n"
            f"{link}\r\n").encode()


def as_cp949(make: Callable[[Truth], bytes]) -> Callable[[Truth], bytes]:
    """The same export saved by a Korean-locale Excel: CP949, no BOM."""
    return lambda truth: make(truth).decode("utf-8-sig").encode("cp949")


def typo_of(tracking: Tracking) -> str:
    """The claim's number with two neighbouring digits swapped, as a buyer mistypes it (check digit then fails)."""
    digits = tracking.value
    for i in range(3, len(digits) - 2):
        if digits[i] != digits[i + 1]:
            typo = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
            if int(typo[:11]) % 7 != int(typo[11]):
                return typo
    raise ValueError(f"no mistypeable digit pair in {digits}")


def label_shipment(rng: random.Random, seed: int, delivered: datetime) -> Shipment:
    """The shipment the 35 MP label photo of bench/corpus.py shows (its number and address follow from `seed`)."""
    ship = make_shipment(rng, "hanjin", delivered)
    return replace(ship, tracking=tracking_for("hanjin", random.Random(seed)), address=ADDRESSES[seed % len(ADDRESSES)])


def claim(claim_id: str, order: str, reason: str, paid: datetime, buyer_claim: str, seller: str,
          tracking: Tracking | None = None, **extra) -> dict:
    data = {"claim_id": claim_id, "order_id": order, "reason": reason, "paid_out_at": paid}
    if tracking:
        data |= {"tracking_number": tracking.value, "carrier": tracking.carrier}
    return data | {"buyer_claim": buyer_claim, "seller": seller} | extra


def toml_value(value) -> str:
    if isinstance(value, datetime):
        text = value.isoformat()
        return text.removesuffix("+00:00") + "Z" if value.utcoffset() == timedelta(0) else text
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def claim_toml(data: dict) -> bytes:
    return "".join(f"{key} = {toml_value(value)}\n" for key, value in data.items()).encode("utf-8")


# ---- the tree ------------------------------------------------------------------------------------

def theme(rng: random.Random, size: int | None = None, dark: bool | None = None) -> Theme:
    sans, bold = rng.choice((("gothic", "gothic-bold"), ("barun", "barun-bold"), ("noto-cjk", "noto-cjk-bold")))
    return Theme(size=size or rng.randint(13, 16), dark=rng.random() < 0.4 if dark is None else dark, sans=sans,
                 bold=bold)


class Tree:
    """Builds the packets; every packet draws from its own seeded generator (seed + path)."""

    def __init__(self, seed: int):
        self.seed = seed
        self.packets: list[HeldOut] = []

    def rng(self, path: str) -> random.Random:
        return random.Random(f"heldout/{self.seed}/{path}")

    def delivery(self, path: str, carrier: str, delivered: datetime, clock: str = "ko", size=(1536, 864),
                 dark: bool | None = None) -> tuple[random.Random, Shipment, datetime, Callable]:
        """A shipment and a maker of its browser screenshot (Chrome with the address bar and taskbar clock)."""
        rng = self.rng(path)
        site = SITES[carrier]
        ship = make_shipment(rng, carrier, delivered, site.lang)
        seen = delivered + timedelta(days=1, hours=rng.randint(0, 6), minutes=rng.randint(1, 58))
        look = theme(rng, dark=dark)
        scheme = rng.random() < 0.5

        def shot(at: datetime = seen, sz: tuple[int, int] = size) -> Callable:
            return screenshot(site, ship, at, sz, scheme, look, look.dark, clock)
        return rng, ship, seen, shot

    def add(self, packet: HeldOut) -> None:
        self.packets.append(packet)

    def build(self) -> list[HeldOut]:
        self.seller_suzhou()
        self.seller_foshan()
        self.seller_wenzhou()
        self.seller_chengdu()
        self.seller_quanzhou()
        self.seller_shantou()
        self.seller_hefei()
        self.seller_jinhua()
        return self.packets

    # -- Suzhou: Hanjin and Lotte, large and many files
    def seller_suzhou(self) -> None:
        seller = "Suzhou Silkroad Apparel Co., Ltd."
        p = "suzhou-silkroad/CLM-2026-0007101/"
        rng, ship, seen, shot = self.delivery(p, "hanjin", kst(2026, 3, 10, 15, 41), dark=True)
        order = make_order(rng, ship, "hanjin")
        self.add(HeldOut(p, claim("CLM-2026-0007101", order.order_id, "delivery-proof", kst(2026, 3, 12, 11, 20),
                                  DELIVERED, seller, ship.tracking), (
            Sample(p + "한진 배송조회 (다크).png", as_png(shot())),
            Sample(p + "한진_배송조회_인쇄.pdf", tracking_print(SITES["hanjin"], ship, seen, "ko", 10.5), "pdf",
                   "print-pdf", "text-layer"),
            Sample(p + "인수증/scan_200dpi.pdf", pod_scan_pdf(ship, "hanjin", self.path_seed(p + "pod"), angle=-1.1,
                                                        driver="서*준 (부산해운대 H21)"), "pdf", "scan"),
        ), (), "clean delivery proof: Hanjin dark-mode screenshot (grouped number), its ko print, 200-dpi POD scan"))

        p = "suzhou-silkroad/CLM-2026-0007134/"
        rng = self.rng(p)
        ship = label_shipment(rng, self.seed + 134, kst(2026, 3, 9, 13, 5))
        site = SITES["hanjin"]
        seen = kst(2026, 3, 10, 20, 17)
        look = theme(rng, dark=False)
        self.add(HeldOut(p, claim("CLM-2026-0007134", order_id(rng), "delivery-proof", kst(2026, 3, 11, 16, 45),
                                  "Buyer says the coat was never delivered.", seller, ship.tracking), (
            Sample(p + "label_photo_5000x7000.png", lambda truth: label_photo_png(truth, self.seed + 134), "png",
                   "photo"),
            Sample(p + "tracking.png", as_png(screenshot(site, ship, seen, (1920, 1080), True, look))),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "hanjin", self.path_seed(p + "pod")), "pdf", "scan"),
        ), (), "a 5000x7000 PNG label photo over 10 MB: compressed by the pipeline, not a finding",
            allowed=DEGRADED))

        p = "suzhou-silkroad/CLM-2026-0007162/"
        rng, ship, seen, shot = self.delivery(p, "lotte", kst(2026, 3, 11, 10, 12), dark=False)
        order = make_order(rng, ship, "lotte")
        site = SITES["lotte"]
        self.add(HeldOut(p, claim("CLM-2026-0007162", order.order_id, "delivery-proof", kst(2026, 3, 13, 9, 55),
                                  "Buyer says the scarf set never arrived.", seller, ship.tracking), (
            Sample(p + "1_롯데택배 조회.png", as_png(shot(sz=(1366, 768)))),
            Sample(p + "2_롯데택배 조회_1920.png", as_png(screenshot(site, ship, seen + timedelta(hours=2), (1920, 1080),
                                                                 True, Theme(15, dark=True), True))),
            Sample(p + "3_롯데택배 인쇄.pdf", tracking_print(site, ship, seen, "en", 8.5), "pdf", "print-pdf",
                   "text-layer"),
            Sample(p + "4_주문상세.png", as_png(order_screenshot(order, seen + timedelta(minutes=7), (1366, 768)))),
            Sample(p + "5_주문상세_다크.png", as_png(order_screenshot(order, seen + timedelta(minutes=9), (1920, 1080),
                                                                 theme=Theme(15, dark=True)))),
            Sample(p + "POD/6_인수증 스캔.pdf", pod_scan_pdf(ship, "lotte", self.path_seed(p + "pod"), angle=1.3),
                   "pdf", "scan"),
            Sample(p + "POD/7_인수증 사진.jpg", pod_photo_jpeg(ship, "lotte", self.path_seed(p + "photo")), "jpeg",
                   "photo"),
            Sample(p + "POD/8_인수증 팩스.tif", pod_tiff(ship, "lotte", self.path_seed(p + "tiff")), "tiff", "scan",
                   pages=2),
        ), (), "eight files for five upload slots (merged, not a finding)", allowed=DEGRADED))

    # -- Foshan: international carriers, English pages
    def seller_foshan(self) -> None:
        seller = "Foshan Brightware Lighting Co."
        p = "foshan-brightware/CLM-2026-0007205/"
        rng, ship, seen, shot = self.delivery(p, "fedex", kst(2026, 3, 9, 16, 2), clock="en")
        self.add(HeldOut(p, claim("CLM-2026-0007205", order_id(rng), "delivery-proof", kst(2026, 3, 12, 14, 0),
                                  "Buyer says the desk lamp was not delivered.", seller, ship.tracking), (
            Sample(p + "FedEx tracking.png", as_png(shot(sz=(1920, 1080)))),
            Sample(p + "FedEx tracking - print.pdf", tracking_print(SITES["fedex"], ship, seen, "en", 9.5), "pdf",
                   "print-pdf", "text-layer"),
            Sample(p + "monitor_photo.jpg", as_phone_photo(screenshot(SITES["fedex"], ship, seen, (1366, 768), False,
                                                                      Theme(15), False, "en"),
                                                           self.path_seed(p + "phone")), "jpeg", "phone-photo"),
            Sample(p + "POD_photo.jpg", pod_photo_jpeg(ship, "fedex", self.path_seed(p + "pod")), "jpeg", "photo"),
        ), (), "clean delivery proof in English: FedEx screenshot (en clock), print, phone photo of the monitor, "
               "POD photo", allowed=DEGRADED))

        p = "foshan-brightware/CLM-2026-0007219/"
        rng, ship, seen, shot = self.delivery(p, "dhl", kst(2026, 3, 10, 11, 48), clock="en")
        claimed = tracking_for("dhl", rng)
        self.add(HeldOut(p, claim("CLM-2026-0007219", order_id(rng), "delivery-proof", kst(2026, 3, 12, 17, 30),
                                  "Buyer says the ceiling light never arrived.", seller, claimed), (
            Sample(p + "dhl_tracking.png", as_png(shot())),
            Sample(p + "dhl_tracking_print.pdf", tracking_print(SITES["dhl"], ship, seen, "en"), "pdf", "print-pdf",
                   "text-layer"),
        ), ("tracking-mismatch",), "the DHL pages show another parcel's waybill than claim.toml"))

        p = "foshan-brightware/CLM-2026-0007240/"
        rng, ship, seen, shot = self.delivery(p, "ups", kst(2026, 3, 11, 14, 20), clock="en")
        self.add(HeldOut(p, claim("CLM-2026-0007240", order_id(rng), "delivery-proof", kst(2026, 3, 13, 8, 40),
                                  "Buyer says the LED strip was never delivered.", seller, ship.tracking,
                                  statement="物流显示包裹已于3月11日签收，买家本人签字，请撤销对买家的赔付。"), (
            Sample(p + "UPS.png", as_png(shot(sz=(1366, 768)))),
            Sample(p + "IMG_8812.HEIC", heic_rotated(pod_photo(ship, "ups", self.path_seed(p + "heic"))), "heic",
                   "photo"),
        ), ("statement-language",), "UPS screenshot and an iPhone HEIC POD (EXIF rotation); Chinese draft statement",
            allowed=DEGRADED))

    # -- Wenzhou: the deadline and time-zone traps
    def seller_wenzhou(self) -> None:
        seller = "Wenzhou Stepwell Footwear Co."
        beijing = timezone(timedelta(hours=8))
        p = "wenzhou-stepwell/CLM-2026-0007311/"
        rng, ship, seen, shot = self.delivery(p, "logen", kst(2026, 3, 7, 17, 33))
        self.add(HeldOut(p, claim("CLM-2026-0007311", order_id(rng), "delivery-proof",
                                  datetime(2026, 3, 9, 23, 30, tzinfo=beijing),
                                  "Buyer says the sneakers never arrived.", seller, ship.tracking), (
            Sample(p + "로젠 화물추적.png", as_png(shot())),
            Sample(p + "签收单.pdf", pod_scan_pdf(ship, "logen", self.path_seed(p + "pod")), "pdf", "scan"),
        ), (), "payout 2026-03-10 00:30 KST written as 23:30 +08:00 the day before: the window counts from the KST "
               "date (closes 03-17), so at now 03-16 12:00 KST more than 24 h are left"))

        p = "wenzhou-stepwell/CLM-2026-0007326/"
        rng, ship, seen, shot = self.delivery(p, "logen", kst(2026, 3, 6, 12, 3))
        self.add(HeldOut(p, claim("CLM-2026-0007326", order_id(rng), "delivery-proof",
                                  datetime(2026, 3, 8, 15, 30, tzinfo=UTC),
                                  "Buyer says the boots never arrived.", seller, ship.tracking), (
            Sample(p + "logen_print.pdf", tracking_print(SITES["logen"], ship, seen, "ko", 9.5), "pdf", "print-pdf",
                   "text-layer"),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "logen", self.path_seed(p + "pod"), angle=0.4), "pdf", "scan"),
        ), ("deadline-soon",), "payout 2026-03-08T15:30:00Z = 03-09 00:30 KST: closes 03-16 23:59:59 KST, under "
                                "24 h at now (a UTC-date reading would say closed)"))

        p = "wenzhou-stepwell/CLM-2026-0007348/"
        rng, ship, seen, shot = self.delivery(p, "ems", kst(2026, 3, 10, 9, 50), clock="en")
        self.add(HeldOut(p, claim("CLM-2026-0007348", order_id(rng), "delivery-proof", kst(2026, 3, 12, 18, 20),
                                  "Buyer says the slippers never arrived.", seller, ship.tracking), (
            Sample(p + "EMS tracking.png", as_png(shot())),
            Sample(p + "POD.pdf", pod_scan_pdf(ship, "ems", self.path_seed(p + "pod")), "pdf", "scan"),
        ), ("deadline-soon",), "now 2026-03-19 23:59:00 KST, the last minute of the window: open, deadline-soon",
            now=kst(2026, 3, 19, 23, 59)))

        p = "wenzhou-stepwell/CLM-2026-0007355/"
        rng, ship, seen, shot = self.delivery(p, "hanjin", kst(2026, 3, 10, 12, 25))
        self.add(HeldOut(p, claim("CLM-2026-0007355", order_id(rng), "delivery-proof", kst(2026, 3, 12, 9, 10),
                                  "Buyer says the sandals never arrived.", seller, ship.tracking), (
            Sample(p + "hanjin.png", as_png(shot())),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "hanjin", self.path_seed(p + "pod")), "pdf", "scan"),
        ), ("deadline-passed",), "now 2026-03-19 23:00:30 +08:00 = 00:00:30 KST the day after: closed 31 s ago",
            now=datetime(2026, 3, 19, 23, 0, 30, tzinfo=beijing)))

    # -- Chengdu: product quality
    def seller_chengdu(self) -> None:
        seller = "Chengdu Pandaleaf Homeware Ltd."
        p = "chengdu-pandaleaf/CLM-2026-0007402/"
        rng = self.rng(p)
        sku = "PL-BTL-500-GR"
        self.add(HeldOut(p, claim("CLM-2026-0007402", order_id(rng), "product-quality", kst(2026, 3, 13, 10, 0),
                                  "Buyer says the bottle leaks.", seller), (
            Sample(p + "Inspection Report SZQC-2026-0305-112.pdf",
                   english_qc_pdf("SZQC-2026-0305-112", "Stainless insulated bottle 500 mL", sku, "B20260301-02",
                                  kst(2026, 3, 5)), "pdf", text_source="text-layer"),
            Sample(p + "photos/IMG_0412.jpg", photo_jpeg(sku, kst(2026, 3, 6, 15, 2), self.path_seed(p + "p1")), "jpeg",
                   "photo"),
            Sample(p + "photos/IMG_0413.jpg", photo_jpeg(sku, kst(2026, 3, 6, 15, 4), self.path_seed(p + "p2")), "jpeg",
                   "photo"),
        ), (), "clean product quality: an English inspection report and two SKU-watermarked photos",
            allowed=DEGRADED))

        p = "chengdu-pandaleaf/CLM-2026-0007417/"
        rng = self.rng(p)
        self.add(HeldOut(p, claim("CLM-2026-0007417", order_id(rng), "product-quality", kst(2026, 3, 14, 16, 30),
                                  "Buyer says the lid cracked on arrival.", seller), (
            Sample(p + "检验报告.pdf", qc_pdf("CD-QC-2026-0309-044", "不锈钢保温壶 1L", "PL-JUG-1L-WH", "B20260303-05",
                                          kst(2026, 3, 9)), "pdf", text_source="text-layer", rules=("untranslated",)),
            Sample(p + "IMG_20260310_091233.jpg", photo_jpeg("PL-JUG-1L-WH", kst(2026, 3, 10, 9, 12),
                                                             self.path_seed(p + "photo")), "jpeg", "photo"),
        ), ("untranslated",), "an untranslated Chinese QC report beside a product photo", allowed=DEGRADED))

        p = "chengdu-pandaleaf/CLM-2026-0007433/"
        rng = self.rng(p)
        self.add(HeldOut(p, claim("CLM-2026-0007433", order_id(rng), "delivery-proof", kst(2026, 3, 13, 13, 15),
                                  DELIVERED, seller, tracking_for("cj", rng)), (
            Sample(p + "QC report.pdf", english_qc_pdf("SZQC-2026-0302-087", "Ceramic mug set", "PL-MUG-4P",
                                                       "B20260225-01", kst(2026, 3, 2)), "pdf",
                   text_source="text-layer"),
        ), ("reason-mismatch",), "Delivery Proof chosen with only a QC report"))

    # -- Quanzhou: buyer communication
    def seller_quanzhou(self) -> None:
        seller = "Quanzhou Tidemark Trading"
        p = "quanzhou-tidemark/CLM-2026-0007508/"
        rng, ship, _, _ = self.delivery(p, "hanjin", kst(2026, 3, 8, 14, 6))
        order = make_order(rng, ship, "hanjin")
        msgs = buyer_messages(ship)
        self.add(HeldOut(p, claim("CLM-2026-0007508", order.order_id, "buyer-communication", kst(2026, 3, 12, 19, 0),
                                  "Buyer says the item was not received.", seller), (
            Sample(p + "Seller Center messages.csv", message_csv(msgs, masked(order.buyer), order.order_id, True),
                   "csv", text_source="text"),
            Sample(p + "wing inquiry.png",
                   as_png(wing_screenshot(order, msgs, kst(2026, 3, 13, 11, 17), (1920, 1080)))),
        ), (), "clean buyer communication: English CSV export + Wing thread at 1920x1080"))

        p = "quanzhou-tidemark/CLM-2026-0007521/"
        rng, ship, _, _ = self.delivery(p, "lotte", kst(2026, 3, 9, 18, 44))
        order = make_order(rng, ship, "lotte")
        msgs = buyer_messages(ship)
        self.add(HeldOut(p, claim("CLM-2026-0007521", order.order_id, "buyer-communication", kst(2026, 3, 13, 8, 5),
                                  "Buyer says nothing arrived and asked for a refund.", seller), (
            Sample(p + "문의내역_cp949.csv", as_cp949(message_csv(msgs, masked(order.buyer), order.order_id)), "csv",
                   text_source="text"),
            Sample(p + "wing.png", as_png(wing_screenshot(order, msgs, kst(2026, 3, 14, 10, 30)))),
        ), (), "the message export saved as CP949 (Korean Excel), no BOM"))

        p = "quanzhou-tidemark/CLM-2026-0007547/"
        rng, ship, _, _ = self.delivery(p, "hanjin", kst(2026, 3, 9, 10, 31))
        order = make_order(rng, ship, "hanjin")
        d = ship.delivered_at
        msgs = buyer_messages(ship)[:2] + [
            Message(d + timedelta(hours=3, minutes=5), "buyer", f"운송장 {typo_of(ship.tracking)} 맞나요? 조회가 안돼요"),
            Message(d + timedelta(hours=3, minutes=20), "seller", "고객님 확인해보니 오늘 오후 배송완료로 나옵니다."),
            Message(d + timedelta(hours=5, minutes=2), "buyer", "아 네 경비실에서 찾았어요. 잘 받았습니다!"),
        ]
        self.add(HeldOut(p, claim("CLM-2026-0007547", order.order_id, "buyer-communication", kst(2026, 3, 12, 12, 12),
                                  "Buyer says the parcel was never delivered.", seller, ship.tracking), (
            Sample(p + "messages.csv", message_csv(msgs, masked(order.buyer), order.order_id), "csv",
                   text_source="text"),
            Sample(p + "wing_thread.png", as_png(wing_screenshot(order, msgs, kst(2026, 3, 13, 9, 2)))),
        ), (), "a buyer mistyped the tracking number in a message: a note at most, not a tracking-mismatch"))

        p = "quanzhou-tidemark/CLM-2026-0007560/"
        rng = self.rng(p)
        at = kst(2026, 3, 12, 21, 14)
        chat = [Message(at - timedelta(minutes=30), "buyer", "老板，韩国那边买家说没收到快递，要退款"),
                Message(at - timedelta(minutes=27), "seller", "物流上显示已经签收了，是门卫代收的"),
                Message(at - timedelta(minutes=22), "buyer", "平台已经判了买家赢，我们还能申诉吗"),
                Message(at - timedelta(minutes=20), "seller", "可以，7天内提交复核，我把签收截图发你")]
        self.add(HeldOut(p, claim("CLM-2026-0007560", order_id(rng), "delivery-proof", kst(2026, 3, 12, 10, 0),
                                  DELIVERED, seller, tracking_for("lotte", rng)), (
            Sample(p + "微信图片_20260312211402.png", wechat_png("酷澎运营 阿杰", chat, at), "png",
                   rules=("untrusted-source", "untranslated")),
        ), ("reason-mismatch", "untrusted-source", "untranslated"), "a WeChat chat as the only delivery proof"))

    # -- Shantou: Coupang's own delivery, bad files beside good ones
    def seller_shantou(self) -> None:
        seller = "Shantou Toycraft Co."
        p = "shantou-toycraft/CLM-2026-0007603/"
        rng, ship, seen, shot = self.delivery(p, "coupang", kst(2026, 3, 11, 7, 12))
        order = make_order(rng, ship, "coupang")
        self.add(HeldOut(p, claim("CLM-2026-0007603", order.order_id, "other", kst(2026, 3, 13, 15, 30),
                                  "Coupang deducted the payout twice for one order.", seller, ship.tracking), (
            Sample(p + "order_detail.png", as_png(order_screenshot(order, seen, (1536, 864),
                                                                    theme=Theme(14, dark=True)))),
            Sample(p + "rocket_tracking.png", as_png(shot())),
        ), (), "clean 'Other' (a double deduction): Coupang order page (dark) and Coupang Logistics tracking"))

        p = "shantou-toycraft/CLM-2026-0007618/"
        rng, ship, seen, shot = self.delivery(p, "coupang", kst(2026, 3, 10, 19, 2))
        self.add(HeldOut(p, claim("CLM-2026-0007618", order_id(rng), "delivery-proof", kst(2026, 3, 12, 13, 45),
                                  "Buyer says the toy car never arrived.", seller, ship.tracking), (
            Sample(p + "tracking.png", as_png(shot())),
            Sample(p + "pod_scan.pdf", pod_scan_pdf(ship, "coupang", self.path_seed(p + "pod")), "pdf", "scan"),
            Sample(p + "videos.zip", archive, "zip", text_source="none", pages=0, rules=("unsupported-format",)),
            Sample(p + "google drive link.txt", drive_link_note, "txt", text_source="text", rules=("external-link",)),
        ), ("unsupported-format", "external-link"), "a zip and a Google Drive link beside good evidence"))

        p = "shantou-toycraft/CLM-2026-0007629/"
        rng, ship, seen, shot = self.delivery(p, "lotte", kst(2026, 3, 10, 16, 16))
        print_pdf = tracking_print(SITES["lotte"], ship, seen, "ko")
        self.add(HeldOut(p, claim("CLM-2026-0007629", order_id(rng), "delivery-proof", kst(2026, 3, 12, 20, 5),
                                  "Buyer says the puzzle was not delivered.", seller, ship.tracking), (
            Sample(p + "lotte.png", as_png(shot())),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "lotte", self.path_seed(p + "pod")), "pdf", "scan"),
            Sample(p + "tracking_locked.pdf", encrypted(print_pdf), "pdf", text_source="none", pages=0,
                   rules=("unreadable-file",)),
            Sample(p + "tracking_download.pdf", truncated(print_pdf), "pdf", text_source="none", pages=0,
                   rules=("unreadable-file",)),
        ), ("unreadable-file",), "an encrypted and a truncated PDF beside good evidence"))

        p = "shantou-toycraft/CLM-2026-0007644/"
        rng, ship, seen, _ = self.delivery(p, "coupang", kst(2026, 3, 11, 20, 40))
        order = make_order(rng, ship, "coupang")
        self.add(HeldOut(p, claim("CLM-2026-0007644", order.order_id, "delivery-proof", kst(2026, 3, 13, 10, 10),
                                  "Buyer says the drone never arrived.", seller, ship.tracking), (
            Sample(p + "Screenshot_20260312_213301_Coupang.png",
                   as_png(mobile_capture(COUPANG, ship, seen, Theme(size=19))), "png", "mobile-capture",
                   rules=("missing-url",)),
            Sample(p + "order.png", as_png(order_screenshot(order, seen + timedelta(minutes=3)))),
        ), ("missing-url",), "a phone capture whose address bar shows the host only"))

    # -- Hefei: manifests, empty folders, cropped captures, the ledger
    def seller_hefei(self) -> None:
        seller = "Hefei Voltline Electronics"
        p = "hefei-voltline/CLM-2026-0007701/"
        rng = self.rng(p)
        self.add(HeldOut(p, claim("CLM-2026-0007701", order_id(rng), "delivery-proof", kst(2026, 3, 13, 12, 0),
                                  DELIVERED, seller, tracking_for("hanjin", rng)), (),
                         ("no-evidence",), "an empty folder: only claim.toml"))

        p = "hefei-voltline/CLM-2026-0007716/"
        rng, ship, seen, shot = self.delivery(p, "korea-post", kst(2026, 3, 10, 11, 0))
        data = claim("CLM-2026-0007716", order_id(rng), "delivery-proof", kst(2026, 3, 12, 15, 0),
                     "Buyer says the charger never arrived.", seller)
        data = {**data, "trackng_number": ship.tracking.value, "carrier": "korea-post"}
        self.add(HeldOut(p, data, (
            Sample(p + "우체국.png", as_png(shot())),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "korea-post", self.path_seed(p + "pod")), "pdf", "scan"),
        ), ("manifest-invalid",), "claim.toml with a misspelt key (trackng_number)"))

        p = "hefei-voltline/CLM-2026-0007723/"
        rng, ship, seen, shot = self.delivery(p, "hanjin", kst(2026, 3, 10, 17, 30))
        data = claim("CLM-2026-0007723", order_id(rng), "delivery-proof", kst(2026, 3, 12, 15, 0), "", seller,
                     ship.tracking)
        del data["buyer_claim"]
        self.add(HeldOut(p, data, (
            Sample(p + "hanjin.png", as_png(shot())),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "hanjin", self.path_seed(p + "pod")), "pdf", "scan"),
        ), ("manifest-invalid",), "claim.toml without the required buyer_claim"))

        p = "hefei-voltline/CLM-2026-0007738/"
        rng, ship, seen, _ = self.delivery(p, "ems", kst(2026, 3, 11, 13, 13))
        self.add(HeldOut(p, claim("CLM-2026-0007738", order_id(rng), "delivery-proof", kst(2026, 3, 13, 18, 30),
                                  "Buyer says the power bank never arrived.", seller, ship.tracking), (
            Sample(p + "ems_cropped.png", as_png(screenshot(SITES["ems"], ship, seen, (1366, 700), theme=Theme(15),
                                                            chrome=False)), rules=("missing-url",)),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "ems", self.path_seed(p + "pod")), "pdf", "scan"),
        # The events' dates and times stay visible, so no missing-timestamp ("a screenshot without a visible
        # timestamp", interface.md), though the clock is cropped off.
        # The signed POD alone shows the number, the delivery time and the address Delivery Proof requires, so the
        # capture adds nothing the bundle lacks: left out with a warning, the packet passes (as 0007843's).
        ), ("missing-url",), "a tracking screenshot cropped to the page (no URL bar, no clock) beside a signed POD "
                             "that meets Delivery Proof alone: left out with a warning, the packet passes",
            verdict="pass"))

        p = "hefei-voltline/CLM-2026-0007745/"
        rng, ship, seen, shot = self.delivery(p, "hanjin", kst(2026, 3, 11, 9, 3))
        self.add(HeldOut(p, claim("CLM-2026-0007745", order_id(rng), "delivery-proof", kst(2026, 3, 13, 11, 0),
                                  "Buyer says the earbuds never arrived.", seller, ship.tracking), (
            Sample(p + "hanjin.png", as_png(shot())),
            Sample(p + "hanjin_resaved.jpg", as_jpeg_resave(shot(sz=(1920, 1080)), 1600, 80), "jpeg", "jpeg-resave"),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "hanjin", self.path_seed(p + "pod")), "pdf", "scan"),
        ), ("already-submitted",), "complete evidence, but the ledger records the claim's one review as requested",
            submitted=True, allowed=DEGRADED))

    # -- Jinhua: one parcel, one order; the strongest bundle; readable support
    def seller_jinhua(self) -> None:
        seller = "Jinhua Cornerstone Homeware Co."
        p = "jinhua-cornerstone/CLM-2026-0007801/"
        rng, ship, seen, shot = self.delivery(p, "korea-post", kst(2026, 3, 11, 15, 40))
        order = make_order(rng, ship, "korea-post")
        self.add(HeldOut(p, claim("CLM-2026-0007801", order.order_id, "delivery-proof", kst(2026, 3, 13, 10, 5),
                                  DELIVERED, seller), (
            Sample(p + "우체국 배송조회.png", as_png(shot())),
            Sample(p + "우체국 배송조회 인쇄.pdf", tracking_print(SITES["korea-post"], ship, seen, "ko"), "pdf",
                   "print-pdf", "text-layer"),
            Sample(p + "주문상세.png", as_png(order_screenshot(order, seen + timedelta(minutes=4), (1366, 768)))),
            Sample(p + "인수증.pdf", pod_scan_pdf(ship, "korea-post", self.path_seed(p + "pod")), "pdf", "scan"),
        ), (), "consistent: four files of one Korea Post parcel and its order, no tracking_number in claim.toml "
               "(the one number all carrier evidence agrees on is the claim's)", allowed=DEGRADED))

        p = "jinhua-cornerstone/CLM-2026-0007815/"
        rng = self.rng(p)
        files = []
        for i, carrier in enumerate(("logen", "korea-post", "hanjin", "ems", "lotte")):
            _, other, other_seen, other_shot = self.delivery(p + carrier, carrier, kst(2026, 3, 9 + i % 3, 11 + i, 20))
            files.append(Sample(p + f"{i + 1:02d} {carrier} 조회.png", as_png(other_shot())))
        self.add(HeldOut(p, claim("CLM-2026-0007815", order_id(rng), "delivery-proof", kst(2026, 3, 13, 14, 0),
                                  DELIVERED, seller), tuple(files), ("inconsistent-evidence",),
                         "five tracking pages of five parcels (Logen, Korea Post, Hanjin, EMS, Lotte), no "
                         "tracking_number:"
                         " no number is agreed on, never a guess"))

        p = "jinhua-cornerstone/CLM-2026-0007829/"
        rng, ship, seen, shot = self.delivery(p, "hanjin", kst(2026, 3, 10, 13, 12))
        mine, other = make_order(rng, ship, "hanjin"), make_order(rng, ship, "hanjin")
        self.add(HeldOut(p, claim("CLM-2026-0007829", mine.order_id, "delivery-proof", kst(2026, 3, 12, 18, 40),
                                  DELIVERED, seller, ship.tracking), (
            Sample(p + "hanjin.png", as_png(shot())),
            Sample(p + "pod.pdf", pod_scan_pdf(ship, "hanjin", self.path_seed(p + "pod")), "pdf", "scan"),
            Sample(p + "order.png", as_png(order_screenshot(other, seen + timedelta(minutes=3), (1366, 768)))),
        ), ("inconsistent-evidence",), "the Coupang order page shows another order than the claim's",
            allowed=DEGRADED))

        p = "jinhua-cornerstone/CLM-2026-0007843/"
        rng, ship, seen, shot = self.delivery(p, "korea-post", kst(2026, 3, 12, 10, 2))
        order = make_order(rng, ship, "korea-post")
        site = SITES["korea-post"]
        files = [Sample(p + f"{i + 1}_우체국 조회.png", as_png(shot(seen + timedelta(minutes=9 * i),
                                                                  ((1366, 768), (1536, 864), (1920, 1080))[i % 3])))
                 for i in range(4)]
        files += [
            Sample(p + "5_우체국 인쇄.pdf", tracking_print(site, ship, seen, "ko"), "pdf", "print-pdf", "text-layer"),
            Sample(p + "6_주문상세.png", as_png(order_screenshot(order, seen + timedelta(minutes=5), (1366, 768)))),
            Sample(p + "7_인수증.pdf", pod_scan_pdf(ship, "korea-post", self.path_seed(p + "pod")), "pdf", "scan"),
            Sample(p + "8_휴대폰 캡처.png", as_png(mobile_capture(site, ship, seen, theme(rng, size=19))), "png",
                   "mobile-capture", rules=("missing-url",)),
        ]
        self.add(HeldOut(p, claim("CLM-2026-0007843", order.order_id, "delivery-proof", kst(2026, 3, 14, 9, 30),
                                  DELIVERED, seller, ship.tracking), tuple(files), ("missing-url",),
                         "eight consistent files; a phone capture with only the host in its bar is not needed: left "
                         "out with a warning, the packet passes", allowed=DEGRADED, verdict="pass"))

        p = "jinhua-cornerstone/CLM-2026-0007857/"
        rng = self.rng(p)
        self.add(HeldOut(p, claim("CLM-2026-0007857", order_id(rng), "product-quality", kst(2026, 3, 13, 16, 0),
                                  "Buyer says the pan's coating peeled off.", seller), (
            Sample(p + "质检报告.pdf", qc_pdf("JH-QC-2026-0304-021", "不粘炒锅 28cm", "JC-WOK-28-BK", "B20260228-02",
                                          kst(2026, 3, 4)), "pdf", text_source="text-layer",
                   rules=("untranslated",)),
        ), ("untranslated",), "the only support is a Chinese QC report: nothing readable in Korean or English, an "
                              "error", verdict="fail"))

    @staticmethod
    def path_seed(path: str) -> str:
        """samples.generate.seeded() hashes the path: prefixing it keeps these files' noise apart from samples/."""
        return "heldout/" + path


# ---- writing ----------------------------------------------------------------------------------

def window_closes(paid: datetime, profile: Profile) -> datetime:
    """Computed here, independently of pipeline/judging/deadline.py: day `window_days` after the payout's KST date."""
    closes = time.fromisoformat(profile.limit("window_closes_at"))
    return datetime.combine(paid.astimezone(KST).date() + timedelta(days=profile.limit("window_days")), closes,
                            tzinfo=KST)


def expected_entry(packet: HeldOut, profile: Profile) -> dict:
    now = packet.now or NOW
    closes = window_closes(packet.claim["paid_out_at"], profile)
    left = closes - now
    soon = timedelta(hours=profile.limit("deadline_soon_hours"))
    # the tree's own consistency: a deadline rule is listed exactly when the clock says so
    assert ("deadline-passed" in packet.rules) == (left < timedelta(0)), packet.path
    assert ("deadline-soon" in packet.rules) == (timedelta(0) <= left < soon), packet.path
    errors = [r for r in packet.rules if profile.severity(r) == "error"]
    entry = {"claim_id": packet.claim["claim_id"], "reason": packet.claim["reason"], "deadline": closes.isoformat(),
             "verdict": packet.verdict or ("fail" if errors else "pass"), "rules": sorted(packet.rules),
             "allowed": sorted(packet.allowed), "situation": packet.situation,
             "files": [s.path.removeprefix(packet.path) for s in packet.samples]}
    if packet.now:
        entry["now"] = packet.now.isoformat()
    return entry


def generate(out: Path, seed: int = 11) -> dict:
    """Writes the tree under `out` and out/expected.json; returns the expected document."""
    profile = Profile.load()
    packets = Tree(seed).build()
    expected = {"schema": SCHEMA, "seed": seed, "now": NOW.isoformat(),
                "submitted": sorted(p.claim["claim_id"] for p in packets if p.submitted), "files": {}, "packets": {}}
    for packet in packets:
        write_atomic(out / packet.path / "claim.toml", claim_toml(packet.claim))
        (out / packet.path).mkdir(parents=True, exist_ok=True)
        expected["files"].update(write_samples(packet.samples, out))
        expected["packets"][packet.path.rstrip("/")] = expected_entry(packet, profile)
    write_atomic(out / "expected.json", json.dumps(expected, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return expected


def ensure(folder: Path, seed: int = 11) -> dict:
    """The tree's expected.json, generating the tree into `folder` first when it is missing."""
    if not (folder / "expected.json").exists():
        print(f"generating the held-out packet tree into {folder} ...", flush=True)
        generate(folder, seed)
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def scorer_ledger(expected: dict, path: Path) -> Path:
    """A ledger at `path` recording the claims expected.json lists as `submitted` (the already-submitted trap)."""
    for claim_id in expected.get("submitted", ()):
        Ledger(path).mark_submitted(claim_id, datetime.fromisoformat(expected["now"]), "bench: marked submitted")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output folder (the agency tree's root)")
    parser.add_argument("--seed", type=int, default=11, help="tree seed (default 11; samples/ and corpus use others)")
    args = parser.parse_args(argv)
    expected = generate(args.out, args.seed)
    print(f"wrote {len(expected['packets'])} packets, {len(expected['files'])} files and expected.json under "
          f"{args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
