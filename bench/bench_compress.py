"""Benchmark: evpack's compression against Ghostscript (/ebook) and Pillow's plain save.

For each large input (phone photos, a 35 MP PNG label photo, a 40-page image-heavy PDF) every method runs in its own
child process under /usr/bin/time, so bytes, seconds and peak memory (max RSS) are the child's alone; then
Tesseract checks that the tracking number printed on the input still reads from the output.

    .venv/bin/python -m bench.bench_compress [WORKDIR] [--quick]

Inputs come from `bench/corpus.py OUTDIR --large` when it exists, else are generated here. Targets: evpack's bytes
<= Ghostscript /ebook's and time <= Ghostscript's at equal legibility; peak memory <= 1 GB.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
TRACKING = "689212345674"
LIMIT = 10_000_000


# ---- inputs ---------------------------------------------------------------------------------------

def photo(size: tuple[int, int], noise: int, seed: int) -> Image.Image:
    """A photo-like picture (gradient, independent sensor noise per channel) with a label in its middle third."""
    width, height = size
    rng = np.random.default_rng(seed)
    row = (120 + 90 * np.linspace(0, 1, width)).astype(np.uint8)
    channels = []
    for factor in (1.0, 0.93, 0.8):
        channel = np.broadcast_to((row * factor).astype(np.uint8), (height, width)).copy()
        channel += rng.integers(0, noise, (height, width), dtype=np.uint8)
        channels.append(Image.fromarray(channel))
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 3, width * 7 // 8, height * 2 // 3), fill=(245, 244, 238))
    draw.text((width // 6, height // 2), f"CJ {TRACKING[:4]} {TRACKING[4:8]} {TRACKING[8:]}",
              font=ImageFont.truetype(FONT, width // 27), fill=(25, 25, 25))
    return image


def inputs(folder: Path, quick: bool) -> list[tuple[str, Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(1 if quick else 3):
        path = folder / f"phone-{i}.jpg"
        if not path.exists():
            photo((4032, 3024), 24, i).save(path, "JPEG", quality=97)
        made.append((path.name, path, "jpeg"))
    label = folder / "label-35mp.png"
    if not label.exists():
        photo((5000, 7000), 3, 99).save(label, "PNG", compress_level=1)
    made.append((label.name, label, "png"))
    pdf = folder / "scan-40p.pdf"
    if not pdf.exists():
        make_pdf(folder, pdf, 8 if quick else 40)
    made.append((pdf.name, pdf, "pdf"))
    return made


def make_pdf(folder: Path, pdf: Path, pages: int) -> None:
    """Image-heavy: A4 pages of 300-dpi noisy JPEG q95, each with the label (about 1.6 MB a page)."""
    from pipeline import pdfops
    parts = []
    for i in range(pages):
        page = folder / f"page-{i:02d}.jpg"
        photo((2480, 3508), 16, 100 + i).save(page, "JPEG", quality=95)
        parts.append(pdfops.Part(page, "jpeg"))
    pdfops.merge(parts, pdf, pdfops.page_size_points((210, 297)), folder)
    for part in parts:
        part.path.unlink()


# ---- methods (each runs in a child process) ------------------------------------------------------

def child(method: str, src: Path, dst: Path, kind: str, budget: int) -> None:
    if method == "pillow":
        with Image.open(src) as image:
            image.convert("RGB").save(dst, "JPEG", quality=75)
    elif method == "ghostscript":
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFSETTINGS=/ebook",
                        f"-sOutputFile={dst}", str(src)], check=True)
    else:
        evpack(src, dst, kind, budget)


def evpack(src: Path, dst: Path, kind: str, budget: int) -> None:
    """stages.compress.fit on the file, re-reading with Tesseract exactly as the bench checks legibility."""
    import shutil

    from pipeline.context import Context
    from pipeline.bundle_settings import bundle_settings
    from pipeline.model import Fields, PacketState, PagePlacement, Reading, TrackingNumber, UploadFile
    from pipeline.profile import Profile
    from stages import compress

    fields = Fields(tracking_numbers=(TrackingNumber(TRACKING, "cj", "ok"),))

    def reread(path: Path, file_type: str, ctx: Context) -> Fields:
        return fields if legible(path, file_type) else Fields()

    compress.reread_fields = reread
    upload = UploadFile(f"02-x.{'jpg' if kind == 'jpeg' else kind}", src, kind, src.stat().st_size, 1)
    state = PacketState(root=None, uploads=(upload,), placements=(PagePlacement("in", 1, upload.name, 1),),
                        readings={"in": Reading("in", "0", (), fields, ("en",), "bench")})
    with tempfile.TemporaryDirectory() as work:
        ctx = Context(profile=Profile.load(), workdir=Path(work), cache_dir=None)
        fitted = compress.fit(upload, budget, state, ctx, bundle_settings()["compression"], Path(work))
        if fitted.upload is None:
            sys.exit(f"too-large: {fitted.tried}")
        shutil.copyfile(fitted.upload.path, dst)


# ---- legibility ------------------------------------------------------------------------------------

def legible(path: Path, file_type: str) -> bool:
    """Tesseract finds the tracking number on the label (first page of a PDF rendered at 150 dpi); the label's
    region is cut out and sized so its glyphs are ~35 px high (style.md: size the text, not the DPI)."""
    if file_type == "pdf" or path.suffix == ".pdf":
        import pypdfium2
        document = pypdfium2.PdfDocument(path)
        image = document[0].render(scale=150 / 72).to_pil().convert("L")
        document.close()
    else:
        with Image.open(path) as original:
            image = original.convert("L")
    width, height = image.size
    label = image.crop((width // 8, height // 3, width * 7 // 8, height * 2 // 3))
    label = label.resize((1000, round(1000 * label.height / label.width)), Image.Resampling.LANCZOS)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "ocr.png"
        label.save(copy)
        text = subprocess.run(["tesseract", str(copy), "stdout", "--psm", "6", "-l", "eng"], capture_output=True,
                              text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=300).stdout
    return any(TRACKING in re.sub(r"[^0-9]", "", line) for line in text.splitlines())


# ---- driver ----------------------------------------------------------------------------------------

def measure(method: str, name: str, src: Path, kind: str, out: Path, budget: int) -> dict:
    dst = out / f"{method}-{budget}-{name}{'.pdf' if method == 'ghostscript' else ''}"
    command = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "bench.bench_compress", "--child", method,
               str(src), str(dst), kind, str(budget)]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds, kbytes = run.stderr.strip().splitlines()[-1].split()
    done = run.returncode == 0 and dst.exists()
    return {"input": name, "method": method, "budget": budget, "ok": done,
            "bytes_in": src.stat().st_size, "bytes_out": dst.stat().st_size if done else None,
            "seconds": float(seconds), "peak_mb": round(int(kbytes) / 1024),
            "legible": legible(dst, kind) if done else False,
            "note": "" if done else run.stderr.strip().splitlines()[0][:600]}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--child":
        method, src, dst, kind, budget = args[1:6]
        child(method, Path(src), Path(dst), kind, int(budget))
        return 0
    quick = "--quick" in args
    paths = [a for a in args if not a.startswith("--")]
    folder = Path(paths[0]) if paths else Path(tempfile.gettempdir()) / "evpack-bench"
    out = folder / f"out-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True)
    rows = []
    for name, src, kind in inputs(folder / "inputs", quick):
        if not legible(src, kind):
            print(f"{name}: the input itself does not read; its legibility column means nothing", file=sys.stderr)
        rival = "ghostscript" if kind == "pdf" else "pillow"
        baseline = measure(rival, name, src, kind, out, LIMIT)
        rows.append(baseline)
        rows.append(measure("evpack", name, src, kind, out, LIMIT))
        if baseline["legible"] and baseline["bytes_out"] < LIMIT:
            # Equal footing: evpack asked for the rival's size, still required to read the number.
            rows.append(measure("evpack", name, src, kind, out, baseline["bytes_out"]))
    print(f"{'input':<16}{'method':<12}{'budget':>12}{'in':>12}{'out':>12}{'s':>8}{'MB':>7}  legible")
    for r in rows:
        print(f"{r['input']:<16}{r['method']:<12}{r['budget']:>12,}{r['bytes_in']:>12,}"
              f"{(r['bytes_out'] or 0):>12,}{r['seconds']:>8.1f}{r['peak_mb']:>7}  {r['legible']} {r['note']}")
    (out / "results.json").write_text(json.dumps(rows, indent=2))
    return 0 if all(r["peak_mb"] <= 1024 for r in rows if r["method"] == "evpack") else 1


if __name__ == "__main__":
    sys.exit(main())
