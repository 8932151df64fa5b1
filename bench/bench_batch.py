"""Batch throughput: packets per minute with 1 and 2 workers from a cold cache, and a warm re-run.

    .venv/bin/python bench/bench_batch.py [CORPUS_DIR]     (CORPUS_DIR is unused: the tree comes from samples/)

The tree: samples/packets (9 packets) plus copies of them under other claim ids up to PACKETS packets. Each copy's
PNG/JPEG/PDF files are made byte-distinct without changing what they show (a PNG text chunk, bytes after a JPEG's
end marker or a PDF's %%EOF), so the read cache, keyed by content, cannot serve a copy from its original: every
cold packet is really read. Targets: 2 workers >= 1.8x the throughput of 1; a warm re-run <= 0.3x the cold run.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from PIL import Image, PngImagePlugin

from pipeline.batch import run_batch
from pipeline.context import Context
from pipeline.model import KST
from pipeline.profile import Profile

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "packets"
PACKETS = 20
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=KST)  # the samples' demo now
SPEEDUP_TARGET = 1.8
WARM_TARGET = 0.3


def make_tree(root: Path, count: int) -> int:
    originals = sorted(p.parent for p in SAMPLES.rglob("claim.toml"))
    if not originals:
        sys.exit(f"{SAMPLES} holds no packet: generate the samples first (samples/generate.py).")
    made = 0
    for n in range(count):
        source = originals[n % len(originals)]
        copy = n // len(originals)
        target = root / f"round-{copy}" / source.relative_to(SAMPLES)
        shutil.copytree(source, target)
        if copy:
            distinguish(target, copy)
        made += 1
    return made


def distinguish(packet: Path, copy: int) -> None:
    """Gives a copied packet its own claim id and byte-distinct evidence that shows the same thing."""
    manifest = packet / "claim.toml"
    manifest.write_text(re.sub(r'^(claim_id = "[^"]+)"', rf'\1-COPY{copy}"', manifest.read_text(encoding="utf-8"),
                               flags=re.MULTILINE), encoding="utf-8")
    for path in packet.rglob("*"):
        suffix = path.suffix.lower()
        if suffix == ".png":
            with Image.open(path) as image:
                info = PngImagePlugin.PngInfo()
                info.add_text("evpack-bench-copy", str(copy))
                image.save(path, pnginfo=info)
        elif suffix in (".jpg", ".jpeg", ".pdf"):
            with open(path, "ab") as stream:
                stream.write(f"\n% evpack bench copy {copy}\n".encode())


def timed_batch(root: Path, out: Path, cache: Path, work: Path, jobs: int) -> tuple[float, list]:
    ctx = Context(profile=Profile.load(), workdir=work, now=NOW, cache_dir=cache, ledger_path=None)
    start = time.perf_counter()
    result = run_batch(root, out, ctx, jobs=jobs, progress=False)
    return time.perf_counter() - start, result.packets


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="evpack-bench-batch-") as tmp:
        tmp = Path(tmp)
        count = make_tree(tmp / "inbox", PACKETS)
        print(f"{count} packets ({len(list(SAMPLES.rglob('claim.toml')))} from samples/packets, the rest byte-distinct"
              f" copies); {os.cpu_count()} cores; --now {NOW.isoformat()}")
        runs = {}
        for jobs in (1, 2):
            seconds, packets = timed_batch(tmp / "inbox", tmp / f"out-{jobs}", tmp / f"cache-{jobs}", tmp / "work", jobs)
            runs[jobs] = (seconds, packets)
            print(f"cold, {jobs} worker(s): {seconds:7.1f} s  {count / seconds * 60:6.1f} packets/min")
        warm, reused = timed_batch(tmp / "inbox", tmp / "out-2", tmp / "cache-2", tmp / "work", 2)
        print(f"warm re-run, 2 workers: {warm:7.1f} s  ({sum(p.reused for p in reused)}/{count} bundles reused)")
    speedup = runs[1][0] / runs[2][0]
    warm_ratio = warm / runs[2][0]
    same = [(p.path, p.verdict) for p in runs[1][1]] == [(p.path, p.verdict) for p in runs[2][1]]
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}x (target >= {SPEEDUP_TARGET}x)")
    print(f"warm / cold:            {warm_ratio:.2f}  (target <= {WARM_TARGET})")
    print(f"same verdicts with 1 and 2 workers: {same}")
    return 0 if speedup >= SPEEDUP_TARGET and warm_ratio <= WARM_TARGET and same else 1


if __name__ == "__main__":
    sys.exit(main())
