"""One command for every benchmark: `make bench` (or `.venv/bin/python bench/run.py [NAME...]`).

Generates the held-out corpus once (bench/corpus/, not committed), then runs each benchmark, which prints its table of
times, ratios against the tools a user would otherwise pick, and field accuracy.
"""
from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CORPUS = HERE / "corpus"
BENCHES = ("bench_scan", "bench_seeds", "bench_browser", "bench_barcodes", "bench_check", "bench_compress",
           "bench_batch")
# Arguments other than the corpus: batch runs on the held-out agency tree (bench/packets.py), which bench_check
# generates; bench_seeds, bench_browser and bench_barcodes write and read corpora of their own (bench/seeds/,
# $EVPACK_CORPORA, bench/label-corpus/).
ARGS = {"bench_batch": [str(CORPUS), "--tree"], "bench_seeds": [], "bench_browser": [], "bench_barcodes": []}


def ensure_corpus() -> None:
    if not (CORPUS / "truth.json").exists():
        print(f"generating the held-out corpus into {CORPUS} ...", flush=True)
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(CORPUS), "--large"], check=True)


def main(names: list[str]) -> None:
    ensure_corpus()
    for name in names or BENCHES:
        print(f"\n=== {name} " + "=" * (70 - len(name)), flush=True)
        started = time.perf_counter()
        sys.argv = [f"{name}.py", *ARGS.get(name, [str(CORPUS)])]  # each also runs alone: bench/NAME.py CORPUS
        importlib.import_module(name).main()
        print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
