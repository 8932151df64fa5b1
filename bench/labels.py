"""Shipping labels with real barcodes, clean and photographed, with their ground truth.

    python bench/labels.py OUTDIR [--seed N] [--count K]

Each label is drawn on its own (not with samples/draw.py's kit): a carrier's name, the tracking number printed large
(grouped as carriers print it), a Code 128 (or Code 39 / ITF) of the number encoded by zxing-cpp's writer, a
QR code or a Data Matrix or PDF417 on some, a product's EAN-13 on some (a barcode that is no tracking number), an
address block. Each label is written as it is drawn (PNG) and as phone photos of it (perspective, rotation, blur,
uneven light, sensor noise, JPEG): a photo of one label at 1.5-2.4 MP, and a large one (~20 MP) on every third.
`truth.json` lists each file's tracking number, carrier, the barcodes it shows and its address. Seeds below 1000
are the tuning seeds; test seeds are 1000 and above (bench/README.md reports them once).
"""
from __future__ import annotations

import argparse
import io
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import zxingcpp  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

from samples.fake import dhl_10, mod7_12, s10, ups_1z  # noqa: E402

FONTS = ("/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf", "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf")
ADDRESSES = ("서울특별시 송파구 올림픽로 300", "부산광역시 해운대구 센텀중앙로 48", "경기도 성남시 분당구 판교역로 235",
             "인천광역시 연수구 컨벤시아대로 81", "대전광역시 서구 둔산로 100")


@dataclass(frozen=True)
class Label:
    carrier: str
    name: str          # as printed on the label
    number: str
    printed: str       # the number as printed under the bars
    symbology: str     # zxing-cpp's name of the bars encoding the number


def tracking_number(carrier: str, rng: random.Random) -> tuple[str, str]:
    """A number of the carrier's format with a valid check digit where it has one, and how the label prints it."""
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if carrier in ("cj", "lotte", "hanjin"):
        number = mod7_12(rng.choice("3456") + digits(10))
        return number, f"{number[:4]}-{number[4:8]}-{number[8:]}"
    if carrier == "korea-post":
        number = "60" + digits(11)
        return number, f"{number[:6]}-{number[6:]}"
    if carrier == "logen":
        number = rng.choice("34") + digits(10)
        return number, f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if carrier == "ems":
        number = s10(rng.choice(["EE", "EM", "EB", "RR"]), digits(8), rng.choice(["KR", "CN"]))
        return number, " ".join([number[:2], number[2:5], number[5:8], number[8:11], number[11:]])
    if carrier == "dhl":
        number = dhl_10(digits(9))
        return number, f"{number[:2]} {number[2:6]} {number[6:]}"
    number = ups_1z("".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(6)) + "03" + digits(7))
    return number, " ".join([number[:2], number[2:5], number[5:8], number[8:10], number[10:14], number[14:]])


NAMES = {"cj": ["CJ대한통운", "CJ Logistics"], "lotte": ["롯데택배", "롯데글로벌로지스"], "hanjin": ["한진택배", "HANJIN"],
         "korea-post": ["우체국택배"], "logen": ["로젠택배", "iLOGEN"], "ems": ["EMS", "Korea Post"],
         "dhl": ["DHL"], "ups": ["UPS"]}


def make_label(rng: random.Random) -> Label:
    carrier = rng.choice(list(NAMES))
    number, printed = tracking_number(carrier, rng)
    symbology = "Code128"
    if carrier == "korea-post" and rng.random() < 0.4:
        symbology = "ITF" if len(number) % 2 == 0 else "Code128"
    elif carrier == "ems" and rng.random() < 0.4:
        symbology = "Code39"
    return Label(carrier, rng.choice(NAMES[carrier]), number, printed, symbology)


def symbol_image(content: str, symbology: str, module_px: int) -> Image.Image:
    code = zxingcpp.create_barcode(content, getattr(zxingcpp.BarcodeFormat, symbology))
    return Image.fromarray(np.asarray(code.to_image(scale=module_px))).convert("L")


def draw_label(label: Label, rng: random.Random) -> tuple[Image.Image, list[list[str]], str]:
    """The label as a printer makes it (about 4 x 6 inches at 200 dpi), the barcodes on it [symbology, text] and
    the recipient's address it prints."""
    width, height = 800, 1200
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = lambda size: ImageFont.truetype(rng.choice(FONTS), size)  # noqa: E731
    draw.rectangle((10, 10, width - 10, height - 10), outline=0, width=3)
    draw.text((40, 40), label.name, font=font(rng.randint(44, 60)), fill=0)
    draw.text((40, 130), rng.choice(["운송장번호", "Tracking No.", "등기번호", "송장번호"]), font=font(28), fill=0)
    draw.text((40, 170), label.printed, font=font(rng.randint(40, 56)), fill=0)
    shown = [[label.symbology, label.number]]
    bars = symbol_image(label.number, label.symbology, rng.choice([2, 3]) if len(label.number) > 12 else 3)
    if bars.width > width - 80:
        bars = bars.resize((width - 80, bars.height), Image.NEAREST)
    bars = bars.resize((bars.width, rng.randint(120, 180)), Image.NEAREST)
    draw.text((40, 270), "받는 분", font=font(26), fill=0)
    address = rng.choice(ADDRESSES)
    draw.text((40, 310), address, font=font(28), fill=0)
    draw.text((40, 350), f"홍*동  010-****-{rng.randint(1000, 9999)}", font=font(26), fill=0)
    page.paste(bars, ((width - bars.width) // 2, 430))
    draw.text(((width - 300) // 2, 440 + bars.height), label.printed, font=font(26), fill=0)
    extra = rng.choice(["qr", "datamatrix", "pdf417", "ean", "none"])
    y = 520 + bars.height + 40
    if extra == "qr":
        content = (f"https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo={label.number}"
                   if label.carrier == "cj" else label.number)
        page.paste(symbol_image(content, "QRCode", 5), (40, y))
        shown.append(["QRCode", content])
    elif extra == "datamatrix":
        page.paste(symbol_image(label.number, "DataMatrix", 7), (40, y))
        shown.append(["DataMatrix", label.number])
    elif extra == "pdf417":
        content = f"{label.number}|{rng.randint(100000, 999999)}"
        page.paste(symbol_image(content, "PDF417", 2), (40, y))
        shown.append(["PDF417", content])
    elif extra == "ean":
        body = "880" + "".join(rng.choice("0123456789") for _ in range(9))
        check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
        page.paste(symbol_image(body + str(check), "EAN13", 3), (40, y))
        shown.append(["EAN13", body + str(check)])
    draw.text((420, y + 10), "상품: 생활용품 1개", font=font(26), fill=0)
    return page, shown, address


def photographed(page: Image.Image, rng: np.random.Generator, out_long: int) -> Image.Image:
    """A phone photo of the label lying on a table: perspective and a small rotation (OpenCV's warp), uneven
    light, defocus blur, sensor noise."""
    out_w, out_h = round(out_long * 0.75), out_long
    scale = min(out_w / page.width, out_h / page.height) * rng.uniform(0.7, 0.85)
    w, h = page.width * scale, page.height * scale
    cx, cy = out_w / 2 + rng.uniform(-0.05, 0.05) * out_w, out_h / 2 + rng.uniform(-0.05, 0.05) * out_h
    angle = np.deg2rad(rng.uniform(-8, 8))
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    corners *= np.array([[1 - k, 1] for k in rng.uniform(-0.08, 0.08, 4)])  # perspective: sides foreshortened
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = (corners @ rotation.T + [cx, cy]).astype(np.float32)
    src = np.array([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    table = np.full((out_h, out_w, 3), rng.integers(60, 160, 3), dtype=np.uint8)
    rgb = cv2.cvtColor(np.asarray(page), cv2.COLOR_GRAY2RGB)
    warped = cv2.warpPerspective(rgb, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT,
                                 dst=table.copy())
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    light = 0.8 + 0.25 * (xx / out_w) * rng.uniform(0.5, 1.0) - 0.1 * (yy / out_h)
    image = warped.astype(np.float32) * light[..., None] * np.array([1.0, 0.98, 0.93])
    sigma = rng.uniform(0.6, 1.6) * out_long / 2000
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    image += rng.normal(0, rng.uniform(3, 7), image.shape)
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def generate(out: Path, seed: int, count: int) -> dict:
    """Writes `count` labels of `seed` into `out` (a clean PNG and a photo each, a large photo on every third)
    and truth.json; returns the truth."""
    out.mkdir(parents=True, exist_ok=True)
    rng, nprng = random.Random(seed), np.random.default_rng(seed)
    truth = {}
    for i in range(count):
        label = make_label(rng)
        page, shown, address = draw_label(label, rng)
        files = {f"s{seed}-{i:02d}-label.png": None, f"s{seed}-{i:02d}-photo.jpg": int(nprng.integers(1500, 2400))}
        if i % 3 == 2:
            files[f"s{seed}-{i:02d}-photo-large.jpg"] = 5200
        for name, long_side in files.items():
            if long_side is None:
                page.save(out / name)
            else:
                photo = photographed(page, nprng, long_side)
                (out / name).write_bytes(jpeg(photo, int(nprng.integers(70, 90))))
            truth[name] = {"tracking_numbers": [label.number], "carrier": label.carrier, "barcodes": shown,
                           "korean_addresses": [address]}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False), encoding="utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=6)
    args = parser.parse_args()
    truth = generate(args.out, args.seed, args.count)
    print(f"{len(truth)} files in {args.out}")


if __name__ == "__main__":
    main()
