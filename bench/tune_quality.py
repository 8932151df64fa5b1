"""Calibrate the low-quality thresholds for camera photos of shipping labels and signed PODs (the profile's
[quality.photos]).

    .venv/bin/python bench/tune_quality.py [--seeds 2] [--ocr] [--out DIR]

Draws phone photos of a shipping label (10x15 cm at about 20 px/mm, as a 12 MP phone frames it) and of a signed A4
delivery receipt, sharp and defocused (Gaussian blur of sigma 0-24 px on the 3024-px frame), with sensor noise of
sigma 0, 5 and 10 grey levels, saved as JPEG q90 at 3024 px and as the 1512-px copies messengers save.

Sweep (default, no OCR): the OCR copy is made as the reader makes it (dark mode, row lighting, glyph-height scaling)
and measured by pipeline/reading/preprocess.py's `sharpness` (variance of the Laplacian) and `denoised_sharpness`
(the same after a 5-px median). `--ocr` also reads the noise-free photos with the real reader (`evpack scan`'s path)
and prints the mean OCR confidence and whether the tracking number and address were read.

"Sharp" is sigma <= 1 px (a phone's own softness); "clearly blurred" is sigma >= 8 px on the 3024-px frame, where the
3 mm print of the address is smeared over more than four times its stroke width and reads as grey bars to the eye.
For each kind and measure it prints the clearly blurred photos' highest value, the sharp photos' lowest, and a
threshold midway between them (geometric mean) where they do not overlap.
"""
from __future__ import annotations

import argparse
import io
import math
import random
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from pipeline import api, runtime  # noqa: E402
from pipeline.context import Context  # noqa: E402
from pipeline.model import KST  # noqa: E402
from pipeline.output import imageops  # noqa: E402
from pipeline.reading import preprocess  # noqa: E402
from pipeline.reading.settings import settings as ocr_settings  # noqa: E402
from pipeline.profile import Profile  # noqa: E402
from samples.draw import Truth, font, photo_of_paper  # noqa: E402
from samples.fake import ADDRESSES, BUYERS, tracking_for  # noqa: E402
from samples.generate import make_shipment  # noqa: E402
from samples.pages import pod_receipt  # noqa: E402

SIGMAS = (0, 1, 3, 5, 8, 12, 16, 24)
SWEEP_SIGMAS = (0, 1, 3, 8, 16)
SHARP_MAX, BLURRED_MIN = 1, 8
FRAME = (3024, 4032)


def label_photo(seed: int) -> tuple[Image.Image, str, str]:
    """A 12 MP phone photo of a 10x15 cm label on cardboard (about 20 px/mm), its number and address."""
    rng = random.Random(seed)
    tracking = tracking_for(rng.choice(("cj", "hanjin", "lotte")), rng)
    address = ADDRESSES[seed % len(ADDRESSES)]
    w, h = FRAME
    img = Image.new("RGB", (w, h), (176, 140, 98))
    d = ImageDraw.Draw(img)
    mm = 20
    x0, y0 = (w - 100 * mm) // 2 + rng.randint(-60, 60), (h - 150 * mm) // 2 + rng.randint(-60, 60)
    d.rectangle((x0, y0, x0 + 100 * mm, y0 + 150 * mm), fill=(250, 250, 246))
    x = x0 + 6 * mm
    d.text((x, y0 + 6 * mm), "택배 운송장  PARCEL", font=font("gothic-bold", 8 * mm), fill=(0, 61, 165))
    d.text((x, y0 + 20 * mm), "운송장번호", font=font("gothic-bold", 4 * mm), fill=(20, 20, 20))
    d.text((x, y0 + 26 * mm), "-".join(tracking.value[i:i + 4] for i in range(0, len(tracking.value), 4)),
           font=font("dejavu-bold", 7 * mm), fill=(10, 10, 10))
    bars = np.random.default_rng(seed).integers(1, 5, 70)
    bx = x
    for i, bw in enumerate(bars):
        if i % 2 == 0:
            d.rectangle((bx, y0 + 38 * mm, bx + bw * 9, y0 + 60 * mm), fill=(0, 0, 0))
        bx += bw * 9
    buyer = rng.choice(BUYERS)
    lines = [f"받는 분: {buyer}   010-****-{rng.randint(1000, 9999)}", f"(우 {address.postal_code})",
             address.full, "상품: 주방용품 1박스   배송메모: 문 앞"]
    for i, line in enumerate(lines):
        d.text((x, y0 + (68 + 7 * i) * mm), line, font=font("gothic", 3 * mm + 10), fill=(20, 20, 20))
    return img, tracking.value, address.road


def pod_photo(seed: int) -> tuple[Image.Image, str, str]:
    """A phone photo of a signed A4 delivery receipt on a table, its number and address."""
    rng = random.Random(seed)
    ship = make_shipment(rng, rng.choice(("cj", "hanjin", "korea-post")), datetime(2026, 3, 10, 14, 22, tzinfo=KST))
    page = pod_receipt(ship, "택배", "김*수", np.random.default_rng(seed), Truth(), dpi=300)
    return photo_of_paper(page, np.random.default_rng(seed), out_w=FRAME[0]), ship.tracking.value, ship.address.road


def blurred(img: Image.Image, sigma: float, seed: int) -> Image.Image:
    out = img.filter(ImageFilter.GaussianBlur(sigma)) if sigma else img
    arr = np.asarray(out, dtype=np.int16) + np.random.default_rng(seed).integers(-3, 4, (out.height, out.width, 1))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def jpeg(img: Image.Image, path: Path, width: int | None = None) -> Path:
    if width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return path


def reader_copy(img: Image.Image) -> np.ndarray:
    """The greyscale copy the reader's OCR pass measures (pipeline/reading/ocr.py: ocr_page)."""
    cfg = ocr_settings()
    gray = preprocess.light_rows(preprocess.light_background(imageops.visible_rgb(img).convert("L"), cfg), cfg)
    glyph = preprocess.glyph_height(np.asarray(gray), cfg)
    return np.asarray(preprocess.enlarged(gray, preprocess.ocr_scale(glyph, gray.size, cfg)))


def noisy(img: Image.Image, sigma: float, noise: float, seed: int) -> Image.Image:
    out = img.filter(ImageFilter.GaussianBlur(sigma)) if sigma else img
    arr = np.asarray(out, dtype=np.float32)
    if noise:
        arr = arr + np.random.default_rng(seed).normal(0, noise, arr.shape[:2] + (1,) * (arr.ndim - 2))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def reloaded(img: Image.Image, width: int | None) -> Image.Image:
    if width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return Image.open(io.BytesIO(buf.getvalue()))


def cut(kind: str, measure: str, sharp: list[float], blur: list[float]) -> None:
    low, high = min(sharp), max(blur)
    verdict = f"threshold {math.sqrt(max(low, 1e-3) * max(high, 1e-3)):.1f}" if high < low else "overlap, no clean cut"
    print(f"{kind:5} {measure:19} sharp photos >= {low:8.1f}   clearly blurred <= {high:8.1f}   -> {verdict}")


def sweep(seeds: int) -> None:
    """Greyscale throughout (the reader measures a greyscale copy; blur and noise commute with the conversion)."""
    rows = []
    print(f"{'photo':8} {'seed':>4} {'noise':>5} {'width':>5}  sigma: sharpness / denoised")
    for kind, draw in (("label", label_photo), ("pod", pod_photo)):
        for seed in range(1, seeds + 1):
            img = draw(seed * 7919)[0].convert("L")
            for noise in (0, 5, 10):
                for width in (None, FRAME[0] // 2):
                    line = []
                    for sigma in SWEEP_SIGMAS:
                        copy = reader_copy(reloaded(noisy(img, sigma, noise, seed), width))
                        plain, denoised = preprocess.sharpness(copy), preprocess.denoised_sharpness(copy)
                        rows.append((kind, sigma, plain, denoised))
                        line.append(f"{sigma}: {plain:.0f}/{denoised:.0f}")
                    print(f"{kind:8} {seed:4} {noise:5} {width or FRAME[0]:5}  {'  '.join(line)}", flush=True)
    print()
    for kind in ("label", "pod"):
        for index, measure in ((2, "sharpness"), (3, "denoised_sharpness")):
            cut(kind, measure, [r[index] for r in rows if r[0] == kind and r[1] <= SHARP_MAX],
                [r[index] for r in rows if r[0] == kind and r[1] >= BLURRED_MIN])


def read_with_ocr(seeds: int, out: Path) -> None:
    made: list[tuple[str, str, int, Path, str, str]] = []
    for kind, draw in (("label", label_photo), ("pod", pod_photo)):
        for seed in range(1, seeds + 1):
            img, number, road = draw(seed * 7919)
            for sigma in SIGMAS:
                photo = blurred(img, sigma, seed)
                for width in (None, FRAME[0] // 2):
                    name = f"{kind}-s{seed}-blur{sigma:02d}-{width or FRAME[0]}.jpg"
                    made.append((kind, name, sigma, jpeg(photo, out / name, width), number, road))
    ctx = Context(profile=Profile.load(), workdir=out / "work", cache_dir=out / "cache", jobs=2,
                  now=datetime(2026, 3, 15, 12, tzinfo=KST))
    state = api.scan([path for *_, path, _, _ in made], ctx)
    rows = []
    print(f"{'photo':36} {'sigma':>5} {'sharpness':>9} {'denoised':>8} {'conf':>5} number address")
    for kind, name, sigma, path, number, road in made:
        reading = state.readings.get(str(path))
        if reading is None:
            print(f"{name:36} {sigma:5} not read")
            continue
        page = reading.pages[0]
        found = number in {t.value for t in reading.fields.tracking_numbers}
        addressed = any(road.split()[2] in a.value for a in reading.fields.korean_addresses)
        rows.append((kind, sigma, page.confidence or 0.0))
        print(f"{name:36} {sigma:5} {page.sharpness or 0:9.1f} {page.sharpness_denoised or 0:8.1f} "
              f"{page.confidence or 0:5.1f} {'yes' if found else 'no':6} {'yes' if addressed else 'no'}")
    print()
    for kind in ("label", "pod"):
        cut(kind, "confidence", [r[2] for r in rows if r[0] == kind and r[1] <= SHARP_MAX],
            [r[2] for r in rows if r[0] == kind and r[1] >= BLURRED_MIN])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "evpack-tune-quality")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--ocr", action="store_true", help="also read the noise-free photos with the real reader")
    args = parser.parse_args(argv)
    runtime.configure_process()
    sweep(args.seeds)
    if args.ocr:
        args.out.mkdir(parents=True, exist_ok=True)
        read_with_ocr(args.seeds, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
