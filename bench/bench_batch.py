"""Batch throughput: packets per minute with 1 and 2 workers from a cold cache, and a warm re-run.

    .venv/bin/python bench/bench_batch.py [CORPUS_DIR] [--tree [DIR]] [--seed N]

The default tree: samples/packets (9 packets) plus copies of them under other claim ids up to PACKETS packets. Each
copy's PNG/JPEG/PDF files are made byte-distinct without changing what they show (a PNG text chunk, bytes after a
JPEG's end marker or a PDF's %%EOF), so the read cache, keyed by content, cannot serve a copy from its original:
every cold packet is really read. CORPUS_DIR is then unused.

`--tree`: the held-out agency tree of bench/packets.py instead (default CORPUS_DIR/packets, generated when missing),
with a ledger holding its `submitted` claims; each verdict is also compared with expected.json (packets that carry
their own `now` are left out of that comparison: a batch has one now).

Targets: 2 workers >= 1.8x the throughput of 1; a warm re-run <= 0.3x the cold run.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from PIL import Image, PngImagePlugin
from pypdf import PdfReader

from bench import packets as heldout
from pipeline.batch.batch import run_batch
from pipeline.context import Context
from pipeline.model import KST
from pipeline.profile import Profile

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "packets"
CORPUS = Path(__file__).resolve().parent / "corpus"
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


def timed_batch(root: Path, out: Path, cache: Path, work: Path, jobs: int, now: datetime = NOW,
                ledger: Path | None = None) -> tuple[float, list]:
    ctx = Context(profile=Profile.load(), workdir=work, now=now, cache_dir=cache, ledger_path=ledger)
    start = time.perf_counter()
    result = run_batch(root, out, ctx, jobs=jobs, progress=False)
    return time.perf_counter() - start, result.packets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS, help="--tree defaults to CORPUS/packets")
    parser.add_argument("--tree", nargs="?", type=Path, const=True, default=None,
                        help="run on the held-out agency tree (default CORPUS/packets) instead of sample copies")
    parser.add_argument("--seed", type=int, default=11, help="seed when the held-out tree must be generated")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    expected = None
    with tempfile.TemporaryDirectory(prefix="evpack-bench-batch-") as tmp:
        tmp = Path(tmp)
        if args.tree:
            inbox = args.corpus / "packets" if args.tree is True else args.tree
            expected = heldout.ensure(inbox, args.seed)
            now, ledger = datetime.fromisoformat(expected["now"]), heldout.scorer_ledger(expected, tmp / "ledger.db")
            count = len(expected["packets"])
            print(f"{count} packets of the held-out tree {inbox}; {os.cpu_count()} cores; --now {now.isoformat()}")
        else:
            inbox, now, ledger = tmp / "inbox", NOW, None
            count = make_tree(inbox, PACKETS)
            print(f"{count} packets ({len(list(SAMPLES.rglob('claim.toml')))} from samples/packets, the rest "
                  f"byte-distinct copies); {os.cpu_count()} cores; --now {NOW.isoformat()}")
        runs = {}
        for jobs in (1, 2):
            seconds, packets = timed_batch(inbox, tmp / f"out-{jobs}", tmp / f"cache-{jobs}", tmp / "work", jobs, now,
                                           ledger)
            runs[jobs] = (seconds, packets)
            print(f"cold, {jobs} worker(s): {seconds:7.1f} s  {count / seconds * 60:6.1f} packets/min")
        warm, reused = timed_batch(inbox, tmp / "out-2", tmp / "cache-2", tmp / "work", 2, now, ledger)
        print(f"warm re-run, 2 workers: {warm:7.1f} s  ({sum(p.reused for p in reused)}/{count} bundles reused)")
        faults = audit_bundles(runs[2][1], inbox, tmp / "out-2")
    speedup = runs[1][0] / runs[2][0]
    warm_ratio = warm / runs[2][0]
    same = [(p.path, p.verdict) for p in runs[1][1]] == [(p.path, p.verdict) for p in runs[2][1]]
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}x (target >= {SPEEDUP_TARGET}x)")
    print(f"warm / cold:            {warm_ratio:.2f}  (target <= {WARM_TARGET})")
    print(f"same verdicts with 1 and 2 workers: {same}")
    agree = expected is None or verdicts_agree(runs[2][1], expected)
    return 0 if speedup >= SPEEDUP_TARGET and warm_ratio <= WARM_TARGET and same and agree and not faults else 1


MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def audit_bundles(packets: list, inbox: Path, out: Path) -> list[str]:
    """Every written bundle checked by content, as a reviewer's upload form would: at most the profile's file
    count, each file PDF/JPEG/PNG by its magic bytes and within the byte limit; for a packet whose claim.toml could
    be read, the cover PDF first (a long index may take it to 2 pages) and the statement within the limit in Korean
    and English; report.json accounting for every file of the packet (every page placed in an upload that exists,
    or the rule that kept the file out). Prints the count and each fault."""
    from pipeline.packet import find_evidence

    profile = Profile.load()
    max_files, max_bytes = profile.limit("max_files"), profile.limit("max_file_bytes")
    max_chars = profile.limit("statement_max_chars")
    faults, audited = [], 0
    for packet in packets:
        if not packet.output or not (out / packet.output / "report.json").is_file():
            continue
        audited += 1
        bundle = out / packet.output
        uploads = sorted((bundle / "upload").iterdir())
        if not 1 <= len(uploads) <= max_files:
            faults.append(f"{packet.path}: {len(uploads)} upload files")
        for upload in uploads:
            if not upload.read_bytes()[:8].startswith(MAGIC) or upload.stat().st_size > max_bytes:
                faults.append(f"{packet.path}: {upload.name} is not a PDF/JPEG/PNG within {max_bytes:,} bytes")
        report = json.loads((bundle / "report.json").read_text(encoding="utf-8"))
        statement = unicodedata.normalize("NFC", (bundle / "statement.txt").read_text(encoding="utf-8").strip())
        # Without a usable claim.toml there is no reason or order to state: the statement stays empty.
        if report["claim"] and (len(statement) > max_chars or not re.search("[가-힣]", statement)
                                or not re.search("[A-Za-z]", statement)):
            faults.append(f"{packet.path}: statement of {len(statement)} characters, Korean and English?")
        if (bundle / "NOT-READY.txt").is_file() != (report["verdict"] == "fail"):
            faults.append(f"{packet.path}: verdict {report['verdict']}, NOT-READY.txt "
                          f"{'present' if (bundle / 'NOT-READY.txt').is_file() else 'missing'}")
        lineage = {entry["path"]: entry for entry in report["lineage"]}
        files, _ = find_evidence(inbox / packet.path)
        if set(lineage) != set(files):
            faults.append(f"{packet.path}: report.json accounts for {sorted(lineage)}, the packet holds {files}")
        if report["claim"] and (not uploads or not uploads[0].name.endswith("cover.pdf")
                                or PdfReader(uploads[0]).get_num_pages() < 1):
            faults.append(f"{packet.path}: the first upload is not the cover PDF")
        for name, entry in lineage.items():
            placed = entry["status"] == "placed" and entry["pages"] and not entry["pages_not_placed"] and all(
                (bundle / "upload" / page["upload"]).is_file() for page in entry["pages"])
            if not placed and not entry["rules"]:
                faults.append(f"{packet.path}: {name} neither placed whole nor kept out by a rule")
    print(f"bundles audited by content: {audited}, faults: {len(faults)}", *faults, sep="\n")
    return faults


def verdicts_agree(packets: list, expected: dict) -> bool:
    """Prints each batch verdict that differs from expected.json (at the tree's shared now); True if none does."""
    judged = {rel: entry for rel, entry in expected["packets"].items() if "now" not in entry}
    wrong = []
    for p in packets:
        entry = judged.get(p.path)
        if entry and p.verdict != entry["verdict"]:
            got = sorted({f["rule"] for f in p.findings if f.get("severity") in ("error", "warning")})
            wrong.append(f"  {p.path}: expected {entry['verdict']} {entry['rules']}, got {p.verdict} {got}"
                         + (f" ({p.error})" if p.error else ""))
    print(f"batch verdicts as expected.json: {len(judged) - len(wrong)}/{len(judged)}", *wrong, sep="\n")
    return not wrong


if __name__ == "__main__":
    sys.exit(main())
