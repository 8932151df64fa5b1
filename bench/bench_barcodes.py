"""Barcodes on labels: tracking numbers read with and without them, and what decoding costs.

    python bench/bench_barcodes.py [--seeds 1 2 ...] [--count K] [--out DIR] [--screens DIR]

For each seed, bench/labels.py draws K labels (a clean PNG and phone photos of each, with the truth), then every
file is read in this process twice by evpack's reader (real Tesseract): as it is, and with barcode decoding
switched off. Prints tracking recall and precision both ways, and the time spent decoding barcodes as a share of
the time the reading took (the target: at most 5 %), and the labels' addresses read, for the labels and for a
folder of screenshots without barcodes (samples/evidence by default). Seeds 1-999 are tuning seeds, 1000 and above
test seeds.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

import labels  # noqa: E402

from pipeline import runtime  # noqa: E402
from pipeline.context import Context  # noqa: E402
from pipeline.ingest.sniff import sniff  # noqa: E402
from pipeline.profile import Profile  # noqa: E402
from pipeline.reading import barcodes, reader  # noqa: E402


def read_all(folder: Path, truth: dict, ctx: Context, with_barcodes: bool) -> tuple[dict, dict, float, float]:
    """{file: (tracking number, source) found}, {file: addresses found}, seconds reading, seconds of it decoding
    barcodes."""
    decoding = [0.0]
    original = barcodes.read

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs) if with_barcodes else ()
        finally:
            decoding[0] += time.perf_counter() - started

    barcodes.read = timed
    found, addresses, started = {}, {}, time.perf_counter()
    try:
        for name in truth:
            path = folder / name
            kind = sniff(path).kind
            reading = reader.read_file(name, path, kind, name, ctx)
            found[name] = {(t.value, t.source) for t in reading.fields.tracking_numbers}
            addresses[name] = {a.value for a in reading.fields.korean_addresses}
    finally:
        barcodes.read = original
    return found, addresses, time.perf_counter() - started, decoding[0]


def score(truth: dict, found: dict) -> tuple[int, int, int, list[str]]:
    expected = hits = reported = 0
    misses = []
    for name, entry in truth.items():
        want, got = set(entry["tracking_numbers"]), {value for value, _ in found[name]}
        expected += len(want)
        hits += len(want & got)
        reported += len(got)
        misses += [f"{name}: missed {v}" for v in want - got] + [f"{name}: false {v}" for v in got - want]
    return expected, hits, reported, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1000, 1001])
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "label-corpus")
    parser.add_argument("--screens", type=Path, default=Path(__file__).resolve().parent.parent / "samples/evidence",
                        help="a folder of screenshots (PNG) whose decoding share is measured too")
    args = parser.parse_args()
    profile = Profile.load()
    with tempfile.TemporaryDirectory() as work:
        ctx = Context(profile=profile, workdir=Path(work), cache_dir=None)
        shots = {path.name: {"tracking_numbers": []} for path in sorted(args.screens.glob("*.png"))}
        if shots:
            _, _, seconds, decoding = read_all(args.screens, shots, ctx, True)
            print(f"{len(shots)} screenshots of {args.screens}: reading {seconds:.1f} s, barcode decoding "
                  f"{decoding:.2f} s ({decoding / seconds:.1%})", flush=True)
        totals = {True: [0, 0, 0, 0.0, 0.0, 0, 0], False: [0, 0, 0, 0.0, 0.0, 0, 0]}
        for seed in args.seeds:
            folder = args.out / f"seed-{seed}"
            truth = (json.loads((folder / "truth.json").read_text(encoding="utf-8"))
                     if (folder / "truth.json").exists() else labels.generate(folder, seed, args.count))
            for with_barcodes in (True, False):
                found, addresses, seconds, decoding = read_all(folder, truth, ctx, with_barcodes)
                expected, hits, reported, misses = score(truth, found)
                places = sum(len(entry.get("korean_addresses", [])) for entry in truth.values())
                placed = sum(len(set(entry.get("korean_addresses", [])) & addresses[name])
                             for name, entry in truth.items())
                total = totals[with_barcodes]
                for i, value in enumerate((expected, hits, reported, seconds, decoding, places, placed)):
                    total[i] += value
                mode = "with barcodes" if with_barcodes else "without"
                print(f"seed {seed}, {len(truth)} files, {mode}: recall {hits}/{expected}, precision "
                      f"{hits}/{reported}, addresses {placed}/{places}, reading {seconds:.1f} s, decoding "
                      f"{decoding:.2f} s", flush=True)
                for miss in misses:
                    print(f"    {miss}")
        for with_barcodes, (expected, hits, reported, seconds, decoding, places, placed) in totals.items():
            mode = "with barcodes" if with_barcodes else "barcodes off"
            share = f", barcode decoding {decoding / seconds:.1%} of the reading time" if with_barcodes else ""
            print(f"pooled, {mode}: tracking recall {hits / max(expected, 1):.3f}, precision "
                  f"{hits / max(reported, 1):.3f}, addresses {placed / max(places, 1):.3f}, reading {seconds:.1f} s"
                  f"{share}")


if __name__ == "__main__":
    runtime.configure_process()
    main()
