"""Benchmark: `evpack scan` against the tools a user would otherwise pick, in time and in field accuracy.

    python bench/bench_scan.py [CORPUS_DIR]     (default bench/corpus; made by bench/corpus.py when missing)

- screenshots (clean, JPEG re-saves, mobile captures) and phone photos of screens, timed apart: evpack scan (cold
  cache, 2 jobs) against bare `tesseract IMG - -l kor+eng`, one call per image, 2 at a time. Bare Tesseract runs
  with OMP_THREAD_LIMIT=1, its fastest setting here (its default threading is several times slower on 2 cores);
  target: evpack <= 1.2x on screenshots. Photos have no target: bare Tesseract gives up on most of a photo fast.
- scanned PDFs: evpack scan against `ocrmypdf -l kor+eng --jobs 2 --sidecar` file by file; target <= 0.5x.
- text-layer PDFs: read without OCR.
- the whole corpus scanned again with a warm cache; target >= 20x faster.
Field accuracy of each: recall/precision of tracking numbers, recall of timestamps, URL hosts and addresses,
against the corpus' truth.json. For bare Tesseract and OCRmyPDF, evpack's own extract_fields runs over their text.
evpack's accuracy is also printed per degradation (clean, jpeg-resave, phone-photo, mobile-capture, print-pdf,
scan) and in total.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import api, runtime

from pipeline.reading import tesseract
from pipeline.context import Context
from pipeline.fields.extract import extract_fields
from pipeline.model import Fields, PageReading
from pipeline.profile import Profile

JOBS = 2
OCRMYPDF = Path(sys.executable).with_name("ocrmypdf")
TARGETS = {"screenshot": 1.2, "scan": 0.5, "warm": 20.0}
# The corpus' degradations, in the order the per-degradation table prints them (others follow, sorted).
DEGRADATIONS = ["clean", "jpeg-resave", "phone-photo", "mobile-capture", "print-pdf", "scan"]
# Images that are photographs, not screenshots: timed apart (the screenshot target does not apply).
PHOTOS = {"phone-photo"}


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "corpus"
    if not (corpus / "truth.json").exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), str(corpus)], check=True)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["files"]
    profile = Profile.load()
    images = sorted(name for name, t in truth.items() if t["form"] in ("png", "jpeg"))
    screenshots = [name for name in images if truth[name]["degradation"] not in PHOTOS]
    photos = [name for name in images if truth[name]["degradation"] in PHOTOS]
    scans = sorted(name for name, t in truth.items() if t["form"] == "pdf" and t["text_source"] == "ocr")
    prints = sorted(name for name, t in truth.items() if t["form"] == "pdf" and t["text_source"] == "text-layer")

    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = Path(tmp)
        ours_screenshots, t_ours_screenshots = evpack_scan(corpus, screenshots, work / "c1", work, profile)
        ours_photos, t_ours_photos = evpack_scan(corpus, photos, work / "c1p", work, profile)
        ours_images = {**ours_screenshots, **ours_photos}
        bare = {"OMP_THREAD_LIMIT": "1"}
        bare_screenshot_texts, t_bare_screenshots = parallel(
            [["tesseract", str(corpus / n), "-", "-l", "kor+eng"] for n in screenshots], {**os.environ, **bare})
        bare_photo_texts, t_bare_photos = parallel(
            [["tesseract", str(corpus / n), "-", "-l", "kor+eng"] for n in photos], {**os.environ, **bare})
        bare_texts = dict(zip(screenshots + photos, bare_screenshot_texts + bare_photo_texts))
        ours_scans, t_ours_scans = evpack_scan(corpus, scans, work / "c2", work, profile)
        ocrmypdf_texts, t_ocrmypdf = run_ocrmypdf(corpus, scans, work)
        ours_prints, t_prints = evpack_scan(corpus, prints, work / "c3", work, profile)
        everything = images + scans + prints
        _, t_cold = evpack_scan(corpus, everything, work / "c4", work, profile)
        _, t_warm = evpack_scan(corpus, everything, work / "c4", work, profile)

    def per(seconds: float, count: int) -> str:
        return f"{seconds:7.2f} s  ({seconds / max(count, 1):.2f} s/file)"

    print(f"corpus: {corpus}  ({len(screenshots)} screenshots, {len(photos)} photos of screens, {len(scans)} scanned "
          f"PDFs, {len(prints)} text-layer PDFs), jobs={JOBS}, OCR engine: {tesseract.engine().label('kor+eng')}, "
          f"{tesseract.engine().kind}")
    print(f"{'what':50} {'time':28} ratio   target")
    rows = [
        ("screenshots: evpack scan (cold cache)", per(t_ours_screenshots, len(screenshots)), "", ""),
        ("screenshots: bare tesseract (OMP_THREAD_LIMIT=1)", per(t_bare_screenshots, len(screenshots)),
         f"{t_ours_screenshots / t_bare_screenshots:5.2f}x", f"<= {TARGETS['screenshot']}x"),
        ("photos of screens: evpack scan (cold cache)", per(t_ours_photos, len(photos)), "", ""),
        ("photos of screens: bare tesseract", per(t_bare_photos, len(photos)),
         f"{t_ours_photos / t_bare_photos:5.2f}x", "none"),
        ("scans: evpack scan (cold cache)", per(t_ours_scans, len(scans)), "", ""),
        ("scans: ocrmypdf --jobs 2, file by file", per(t_ocrmypdf, len(scans)),
         f"{t_ours_scans / t_ocrmypdf:5.2f}x", f"<= {TARGETS['scan']}x"),
        ("text-layer PDFs: evpack scan", per(t_prints, len(prints)),
         f"OCR'd pages: {sum(p.source == 'ocr' for r in ours_prints.values() for p in r.pages)}", "0"),
        ("whole corpus, cold cache", per(t_cold, len(everything)), "", ""),
        ("whole corpus, warm cache", per(t_warm, len(everything)), f"{t_cold / t_warm:5.0f}x faster",
         f">= {TARGETS['warm']:.0f}x"),
    ]
    for row in rows:
        print(f"{row[0]:50} {row[1]:28} {row[2]:7} {row[3]}")

    print(f"\n{'field accuracy':30} {'track R':>8} {'track P':>8} {'time R':>8} {'host R':>8} {'addr R':>8}")
    accuracy_rows = [
        ("images: evpack", {n: ours_images[n].fields for n in images if n in ours_images}),
        ("images: bare tesseract", {n: fields_of(bare_texts[n], profile) for n in images}),
        ("scans: evpack", {n: ours_scans[n].fields for n in scans if n in ours_scans}),
        ("scans: ocrmypdf", {n: fields_of(ocrmypdf_texts[i], profile) for i, n in enumerate(scans)}),
        ("text-layer PDFs: evpack", {n: ours_prints[n].fields for n in prints if n in ours_prints}),
    ]
    for label, found in accuracy_rows:
        print_scores(label, accuracy(truth, found))

    ours = {n: r.fields for readings in (ours_images, ours_scans, ours_prints) for n, r in readings.items()}
    print(f"\n{'evpack by degradation':30} {'track R':>8} {'track P':>8} {'time R':>8} {'host R':>8} {'addr R':>8}"
          f"  files")
    for degradation in DEGRADATIONS + sorted({t["degradation"] for t in truth.values()} - set(DEGRADATIONS)):
        found = {n: f for n, f in ours.items() if truth[n]["degradation"] == degradation}
        if found:
            print_scores(degradation, accuracy(truth, found), len(found))
    print_scores("all", accuracy(truth, ours), len(ours))


def print_scores(label: str, scores: dict[str, float], files: int | None = None) -> None:
    print(f"{label:30} " + " ".join(f"{scores[k]:8.2f}" for k in ("track_r", "track_p", "time_r", "host_r", "addr_r"))
          + (f"  {files:5}" if files is not None else ""))


def evpack_scan(corpus: Path, names: list[str], cache: Path, work: Path, profile: Profile):
    """Readings by corpus name, and the wall time of `evpack scan` (ingest + read) over them."""
    ctx = Context(profile=profile, workdir=work / "scan", cache_dir=cache, jobs=JOBS)
    started = time.perf_counter()
    state = api.scan([corpus / n for n in names], ctx)
    seconds = time.perf_counter() - started
    by_input = {Path(source).resolve(): reading for source, reading in state.readings.items()}
    readings = {n: by_input[(corpus / n).resolve()] for n in names if (corpus / n).resolve() in by_input}
    return readings, seconds


def parallel(commands: list[list[str]], env: dict) -> tuple[list[str], float]:
    """Each command's stdout, running JOBS at a time, and the wall time."""
    def run(command: list[str]) -> str:
        return subprocess.run(command, capture_output=True, env=env, check=False).stdout.decode("utf-8", "replace")

    started = time.perf_counter()
    with ThreadPoolExecutor(JOBS) as pool:
        outputs = list(pool.map(run, commands))
    return outputs, time.perf_counter() - started


def run_ocrmypdf(corpus: Path, names: list[str], work: Path) -> tuple[list[str], float]:
    """OCRmyPDF's sidecar text of each PDF, run file by file as a user would, and the wall time."""
    out = work / "ocrmypdf"
    out.mkdir()
    texts = []
    started = time.perf_counter()
    for i, name in enumerate(names):
        sidecar = out / f"{i}.txt"
        subprocess.run([str(OCRMYPDF), "-q", "-l", "kor+eng", "--jobs", str(JOBS), "--sidecar", str(sidecar),
                        str(corpus / name), str(out / f"{i}.pdf")], capture_output=True, check=False)
        texts.append(sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else "")
    return texts, time.perf_counter() - started


def fields_of(text: str, profile: Profile) -> Fields:
    return extract_fields([PageReading(index=1, text=text, source="ocr")], profile)


COLUMNS = ("track_r", "track_p", "time_r", "host_r", "addr_r")


def accuracy(truth: dict, found: dict[str, Fields]) -> dict[str, float]:
    """Recall (and tracking precision) summed over the files, against truth.json."""
    return {k: ratio(count) for k, count in tally_fields(truth, found).items()}


def ratio(count: list[int]) -> float:
    """hits / total of a [hits, total] count; 1.0 where there was nothing to find."""
    hits, total = count
    return hits / total if total else 1.0


def tally_fields(truth: dict, found: dict[str, Fields]) -> dict[str, list[int]]:
    """[hits, total] of each accuracy column, summed over the files (bench_seeds pools them over corpora)."""
    counts = {k: [0, 0] for k in COLUMNS}

    def tally(key: str, expected: set, got: set) -> None:
        counts[key][0] += len(expected & got)
        counts[key][1] += len(expected)

    for name, fields in found.items():
        want = truth[name]["fields"]
        tracking = {t.value for t in fields.tracking_numbers}
        tally("track_r", {t["value"] for t in want["tracking_numbers"]}, tracking)
        tally("track_p", tracking, {t["value"] for t in want["tracking_numbers"]})
        tally("time_r", {t["value"] for t in want["timestamps"]}, {t.value for t in fields.timestamps})
        tally("host_r", {host(u["host"]) for u in want["urls"]}, {host(u.host) for u in fields.urls})
        tally("addr_r", {squash(a["value"]) for a in want["korean_addresses"]},
              {squash(a.value) for a in fields.korean_addresses})
    return counts


def host(name: str) -> str:
    return name.lower().removeprefix("www.")


def squash(text: str) -> str:
    return "".join(text.split())


if __name__ == "__main__":
    if shutil.which("tesseract") is None:
        sys.exit("bench_scan needs tesseract on PATH (make setup).")
    runtime.configure_process()
    main()
