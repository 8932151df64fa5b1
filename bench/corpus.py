"""The held-out benchmark corpus: evidence the reader was not tuned on, with its ground truth.

    python bench/corpus.py OUTDIR [--seed N] [--large]

Other carriers than samples/ (Hanjin, Lotte, Logen, FedEx, DHL, UPS, EMS), English UIs, font sizes 11-16 px,
dark mode, other column orders and date formats, and the degradations the benchmark measures: clean screenshots,
1280-px JPEG q55 re-saves, phone photos of monitors, mobile captures, print-to-PDFs (text layer) and 200-dpi scans
(image-only PDF). Writes OUTDIR/truth.json in the schema of samples/expected.json (see samples/README.md).

`--large` also writes OUTDIR/large/: a 35 MP PNG label photo (~17 MB), a phone JPEG (~12-17 MB) and a 40-page
300-dpi scan PDF (~65 MB) for the build benchmark. These are never committed.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from samples.draw import Theme, Truth, font, image_pdf_bytes, jpeg_bytes, phone_photo_of_screen, scanned  # noqa: E402
from samples.fake import ADDRESSES, kst, tracking_for  # noqa: E402
from samples.generate import (CARRIER_NAMES, Sample, as_jpeg_resave, as_phone_photo, as_png, make_order,  # noqa: E402
                              make_shipment, mobile_capture, order_screenshot, pod_scan_pdf, screenshot,
                              tracking_print, write_atomic, write_samples)
from samples.pages import CarrierSite, pod_receipt  # noqa: E402

SCHEMA = "evpack.samples/1"
EN_NAV = ("Shipping", "Tracking", "Locations", "Support")

# Layouts the samples never show: other column orders, date formats, list summaries, grouped numbers.
SITES = {
    "hanjin": CarrierSite("hanjin", "HANJIN 한진택배", (0, 61, 165),
                          "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&wblnum={n}",
                          "한진택배 - 배송조회", columns=("datetime", "status", "location"), date_fmt="dash",
                          summary="list", grouped_number=True, nav=("택배예약", "배송조회", "고객센터")),
    "lotte": CarrierSite("lotte", "롯데글로벌로지스", (218, 41, 28),
                         "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={n}",
                         "롯데택배 배송조회", columns=("status", "location", "date", "time"), date_fmt="slash",
                         time_fmt="24s", stepper=False, nav=("택배", "국제특송", "고객센터")),
    "logen": CarrierSite("logen", "로젠택배 iLOGEN", (0, 150, 80), "https://www.ilogen.com/web/personal/trace/{n}",
                         "로젠택배 화물추적", columns=("date", "time", "status", "location"), date_fmt="dot",
                         summary="list", stepper=False, nav=("개인택배", "기업택배", "화물추적")),
    "fedex": CarrierSite("fedex", "FedEx", (77, 20, 140), "https://www.fedex.com/fedextrack/?trknbr={n}",
                         "FedEx Tracking", lang="en", columns=("date", "time", "status", "location"), date_fmt="us",
                         time_fmt="12", summary="list", nav=EN_NAV),
    "dhl": CarrierSite("dhl", "DHL Express", (212, 5, 17),
                       "https://www.dhl.com/kr-en/home/tracking/tracking-express.html?submit=1&tracking-id={n}",
                       "Tracking | DHL", lang="en", columns=("datetime", "location", "status"), date_fmt="long",
                       time_fmt="12", nav=EN_NAV),
    "ups": CarrierSite("ups", "UPS", (53, 28, 21), "https://www.ups.com/track?loc=en_KR&tracknum={n}",
                       "Tracking | UPS - Korea", lang="en", columns=("date", "time", "location", "status"),
                       date_fmt="us", time_fmt="12", stepper=False, nav=EN_NAV),
    "ems": CarrierSite("ems", "EMS Korea Post", (0, 90, 170),
                       "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={n}",
                       "EMS Tracking | Korea Post", lang="en", columns=("datetime", "status", "location"),
                       date_fmt="dot", summary="list", nav=EN_NAV),
}
SIZES = ((1366, 768), (1536, 864), (1920, 1080))
FONTS = (("gothic", "gothic-bold"), ("barun", "barun-bold"), ("noto-cjk", "noto-cjk-bold"))


def random_theme(rng: random.Random, dark_share: float = 0.3) -> Theme:
    sans, bold = rng.choice(FONTS)
    return Theme(size=rng.randint(11, 16), dark=rng.random() < dark_share, sans=sans, bold=bold)


def corpus_samples(seed: int) -> list[Sample]:
    """Six degradations of one shipment per carrier, plus Coupang order pages in other sizes and dark mode."""
    rng = random.Random(seed)
    out: list[Sample] = []
    for carrier, site in SITES.items():
        lang = site.lang
        delivered = kst(2026, 3, rng.randint(2, 12), rng.randint(9, 19), rng.randint(0, 59))
        ship = make_shipment(rng, carrier, delivered, lang)
        seen = delivered + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5), minutes=rng.randint(0, 59))
        theme = random_theme(rng)
        clock = "en" if lang == "en" and rng.random() < 0.7 else "ko"
        size = SIZES[0] if theme.size < 14 else rng.choice(SIZES[1:])
        scheme = rng.random() < 0.4
        page = screenshot(site, ship, seen, size, scheme, theme, theme.dark, clock)
        name = f"{carrier}/"
        out += [
            Sample(name + "screenshot-clean.png", as_png(page)),
            Sample(name + "screenshot-resaved-q55.jpg",
                   as_jpeg_resave(screenshot(site, ship, seen + timedelta(minutes=2), size, scheme,
                                             replace(theme, size=max(theme.size, 13)), theme.dark, clock)),
                   "jpeg", "jpeg-resave"),
            Sample(name + "phone-photo-of-monitor.jpg",
                   as_phone_photo(screenshot(site, ship, seen, SIZES[0], scheme, replace(theme, size=15), False, clock),
                                  f"{seed}/{name}phone"), "jpeg", "phone-photo"),
            Sample(name + "mobile-capture.png",
                   as_png(mobile_capture(site, ship, seen, replace(theme, size=rng.randint(18, 21)))), "png",
                   "mobile-capture", rules=("missing-url",)),
            Sample(name + "print.pdf",
                   tracking_print(site, ship, seen, "en" if lang == "en" else rng.choice(("en", "ko")),
                                  rng.choice((8.5, 9.5, 10.5))), "pdf", "print-pdf", "text-layer"),
            Sample(name + "pod-scan-200dpi.pdf", pod_scan_pdf(ship, carrier, f"{seed}/{name}pod",
                                                             angle=rng.uniform(-1.5, 1.5), driver="최*민 (협력 배송)"),
                   "pdf", "scan"),
        ]
    for i in range(4):
        ship = make_shipment(rng, rng.choice(("hanjin", "lotte", "logen")), kst(2026, 3, rng.randint(3, 12), 15, 4 + i))
        order = make_order(rng, ship, ship.tracking.carrier)
        theme = random_theme(rng, dark_share=0.5)
        size = rng.choice(SIZES)
        out.append(Sample(f"coupang/order-{i + 1}.png",
                          as_png(order_screenshot(order, ship.delivered_at + timedelta(days=1), size, theme=theme))))
    return out


# ---- large files for the build benchmark -----------------------------------------------------------

def label_photo_png(truth: Truth, seed: int) -> bytes:
    """A 5000x7000 (35 MP) photo of a shipping label with a large, readable tracking number (~17 MB PNG)."""
    rng = np.random.default_rng(seed)
    tracking = tracking_for("hanjin", random.Random(seed))
    w, h = 5000, 7000
    img = Image.new("RGB", (w, h), (176, 140, 98))  # cardboard
    d = ImageDraw.Draw(img)
    d.rectangle((500, 900, 4500, 6100), fill=(250, 250, 246))
    d.text((700, 1100), "한진택배  HANJIN", font=font("gothic-bold", 220), fill=(0, 61, 165))
    d.text((700, 1600), "운송장번호", font=font("gothic-bold", 150), fill=(20, 20, 20))
    d.text((700, 1850), "-".join(tracking.value[i:i + 4] for i in range(0, 12, 4)), font=font("dejavu-bold", 330),
           fill=(10, 10, 10))
    bars = np.random.default_rng(seed + 1).integers(1, 5, 90)
    x = 700
    for i, bw in enumerate(bars):
        if i % 2 == 0:
            d.rectangle((x, 2400, x + bw * 9, 3300), fill=(0, 0, 0))
        x += bw * 9
    d.text((700, 3500), "받는 분: 정*늘   010-****-4417", font=font("gothic", 150), fill=(20, 20, 20))
    address = ADDRESSES[seed % len(ADDRESSES)]
    d.text((700, 3800), f"(우 {address.postal_code}) {address.full}", font=font("gothic", 130), fill=(20, 20, 20))
    truth.tracking(tracking)
    truth.address(address)
    truth.kind, truth.languages = "carrier-tracking", ["ko"]
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    arr = np.asarray(img, dtype=np.int16)
    # sensor noise sized so the PNG lands near 17 MB (PNG of a noisy photo grows with the noise amplitude)
    arr = arr + rng.integers(-1, 2, (h, w, 1), dtype=np.int16)
    return _png(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def phone_jpeg(truth: Truth, seed: int) -> bytes:
    """A 48 MP-mode phone photo of a monitor showing a tracking page, saved at high quality (~12-17 MB)."""
    rng = random.Random(seed)
    ship = make_shipment(rng, "fedex", kst(2026, 3, 9, 13, 12), "en")
    screen = screenshot(SITES["fedex"], ship, kst(2026, 3, 10, 10, 2), (1920, 1080), False, Theme(size=16))(truth)
    photo = phone_photo_of_screen(screen, np.random.default_rng(seed), out_w=5712, out_h=4284)
    arr = np.asarray(photo, dtype=np.int16) + np.random.default_rng(seed + 2).integers(-6, 7, (4284, 5712, 3),
                                                                                          dtype=np.int16)
    return jpeg_bytes(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), 98)


def scan_pdf_40(truth: Truth, seed: int) -> bytes:
    """40 pages scanned in colour at 300 dpi (delivery receipts), ~65 MB, image-only."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    pages = []
    for i in range(40):
        ship = make_shipment(rng, rng.choice(("cj", "hanjin", "lotte")), kst(2026, 3, 1 + i % 12, 10 + i % 8, i))
        page = pod_receipt(ship, CARRIER_NAMES[ship.tracking.carrier], "배송기사", nrng, truth, dpi=300)
        gray = scanned(page, nrng, angle=float(nrng.uniform(-1, 1)))
        tint = Image.merge("RGB", (gray, gray.point(lambda v: int(v * 0.98)), gray.point(lambda v: int(v * 0.93))))
        pages.append(tint)
    return image_pdf_bytes(pages, dpi=300, quality=88)


LARGE: dict[str, tuple[str, Callable[[Truth, int], bytes], str, int]] = {
    "large/label-photo-35mp.png": ("png", label_photo_png, "photo", 1),
    "large/phone-photo-48mp.jpg": ("jpeg", phone_jpeg, "phone-photo", 1),
    "large/scans-40-pages-300dpi.pdf": ("pdf", scan_pdf_40, "scan", 40),
}


def large_samples(seed: int) -> list[Sample]:
    return [Sample(path, (lambda make: lambda truth: make(truth, seed))(make), form, degradation, pages=pages)
            for path, (form, make, degradation, pages) in LARGE.items()]


def build(out: Path, seed: int = 7, large: bool = False) -> dict:
    samples = corpus_samples(seed) + (large_samples(seed) if large else [])
    truth = {"schema": SCHEMA, "seed": seed, "files": write_samples(samples, out), "packets": {}}
    write_atomic(out / "truth.json", json.dumps(truth, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return truth


# The seed the reader was tuned on (bench/tune_*.py); accuracy is measured on other seeds.
TUNING_SEED = 7


def ensure_corpus(folder: Path, seed: int, *options: str) -> Path:
    """The corpus in `folder`, written by this script (seed, options) when it is not there yet."""
    if not (folder / "truth.json").exists():
        subprocess.run([sys.executable, str(Path(__file__)), str(folder), "--seed", str(seed), *options], check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7; samples/ uses others)")
    parser.add_argument("--large", action="store_true", help="also write the large build-benchmark files")
    args = parser.parse_args(argv)
    truth = build(args.out, args.seed, args.large)
    print(f"wrote {len(truth['files'])} files and truth.json under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
