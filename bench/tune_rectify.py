"""Measure pipeline/reading/rectify.py: OCR of phone photos as they are, and straightened (cubic and linear warps).

    .venv/bin/python bench/tune_rectify.py [CORPUS_DIR ...]     (default /tmp/corpus-tune)

Every `*/phone-photo-of-monitor.jpg` of each corpus folder (truth: its truth.json, `files`) and the samples'
photos (samples/evidence: a monitor, a receipt on a table, the iPhone HEIC receipt; truth: samples/expected.json)
are read with the real OCR, as the reader reads them (psm and table-border removal by orientation, screen passes
on), then evpack's field extraction runs over the text. Per photo and in total: tracking numbers, URL hosts and
timestamps found against truth, the corners found, and the time taken. CPU: ~3 OCR runs per photo, one at a time.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np
import pillow_heif
from PIL import Image

from pipeline.output import imageops

from pipeline import runtime
from pipeline.reading import ocr

from pipeline.reading import reader

from pipeline.reading import rectify
from pipeline.fields.extract import extract_fields
from pipeline.model import Fields
from pipeline.profile import Profile
from bench.corpus import TUNING_SEED, ensure_corpus

SAMPLE_PHOTOS = ("evidence/phone-photo-of-monitor.jpg", "evidence/pod-photo.jpg", "evidence/iphone-pod-rotated.heic")
KINDS = ("tracking", "hosts", "timestamps")


def photos(corpora: list[Path]) -> list[tuple[str, Path, dict]]:
    """(label, path, truth fields) of every photo measured."""
    found = []
    for corpus in corpora:
        truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["files"]
        for name in sorted(truth):
            if name.endswith("phone-photo-of-monitor.jpg"):
                found.append((f"{corpus.name}/{name}", corpus / name, truth[name]["fields"]))
    expected = json.loads((ROOT / "samples" / "expected.json").read_text(encoding="utf-8"))
    for name in SAMPLE_PHOTOS:
        found.append((f"samples/{name}", ROOT / "samples" / name, expected["files"][name]["fields"]))
    return found


def truth_sets(fields: dict) -> dict[str, set[str]]:
    return {"tracking": {t["value"] for t in fields["tracking_numbers"]},
            "hosts": {u["host"] for u in fields["urls"]},
            "timestamps": {t["value"] for t in fields["timestamps"]}}


def found_sets(fields: Fields) -> dict[str, set[str]]:
    return {"tracking": {t.value for t in fields.tracking_numbers},
            "hosts": {u.host for u in fields.urls},
            "timestamps": {t.value for t in fields.timestamps}}


def read(image: Image.Image, work: Path, profile: Profile) -> tuple[Fields, float]:
    """The fields the reader's OCR finds in `image` (settings chosen by orientation, as reader.read_page does)."""
    start = time.perf_counter()
    psm = reader.page_psm("image", image.size)
    page, _ = ocr.ocr_page(image, 1, work / "page.png", 120.0, psm, screen=True,
                           unrule=image.height > image.width)
    return extract_fields([page], profile), time.perf_counter() - start



def main() -> None:
    pillow_heif.register_heif_opener()
    corpora = [Path(arg) for arg in sys.argv[1:]] or [ensure_corpus(Path("/tmp/corpus-tune"), TUNING_SEED)]
    profile = Profile.load()
    variants = ("as-is", "cubic", "linear")
    totals = {v: {k: [0, 0] for k in KINDS} for v in variants}
    with tempfile.TemporaryDirectory(prefix="tune-rectify-") as tmp:
        work = Path(tmp)
        for label, path, truth_fields in photos(corpora):
            truth = truth_sets(truth_fields)
            image = imageops.open_upright(path)
            image.load()
            start = time.perf_counter()
            quad = rectify.find_quad(np.asarray(imageops.visible_rgb(image).convert("L")))
            find_s = time.perf_counter() - start
            print(f"\n{label} {image.size}: quad {None if quad is None else quad.round(1).tolist()} "
                  f"({find_s * 1000:.0f} ms)")
            for variant in variants:
                if variant == "as-is":
                    candidate = image
                else:
                    if quad is None:
                        continue
                    cfg = rectify.RectifySettings(**{**rectify.settings().__dict__, "interpolation": variant})
                    candidate = rectify.warped(imageops.visible_rgb(image), quad, cfg)
                fields, seconds = read(candidate, work, profile)
                got = found_sets(fields)
                parts = []
                for kind in KINDS:
                    hit = len(truth[kind] & got[kind])
                    totals[variant][kind][0] += hit
                    totals[variant][kind][1] += len(truth[kind])
                    extra = sorted(got[kind] - truth[kind])
                    parts.append(f"{kind} {hit}/{len(truth[kind])}" + (f" (+{extra})" if extra else ""))
                print(f"  {variant:7s} {seconds:5.1f} s  " + "  ".join(parts))
    print("\nTotals (found/true):")
    for variant in variants:
        print(f"  {variant:7s} " + "  ".join(f"{k} {totals[variant][k][0]}/{totals[variant][k][1]}" for k in KINDS))


if __name__ == "__main__":
    runtime.configure_process()
    main()
